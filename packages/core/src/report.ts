/**
 * Every `--json` document carries `schemaVersion`. Bump the major part when a field is removed or
 * changes meaning; adding fields is not a breaking change. See docs/json.md.
 */
export const REPORT_SCHEMA_VERSION = '1.0';
