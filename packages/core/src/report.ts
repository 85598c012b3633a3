/**
 * Every `--json` document carries `schemaVersion`. Bump the major part when a field is removed or
 * changes meaning; adding fields is not a breaking change. See docs/json.md.
 */
export const REPORT_SCHEMA_VERSION = '1.0';

/**
 * A copy of plain objects and arrays without the keys whose value is undefined, at any depth: a field that is
 * not known is omitted (docs/json.md), in the library's report as in its JSON, so that `'key' in report` and
 * `JSON.parse(JSON.stringify(report))` agree with the report itself. Anything but plain objects and arrays
 * (a Date, a typed array) is kept as it is.
 * @example withoutUndefined({ file: 'a', build: undefined }) // { file: 'a' }
 */
export function withoutUndefined<T>(value: T): T {
  return prune(value) as T;
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = prune(v);
  return out;
}
