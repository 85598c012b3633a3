/**
 * @analyze/core: the public API. Each command's analysis lives in its own folder and is also
 * importable on its own as `@analyze/core/<area>` (for example `@analyze/core/pcap`), which is what
 * the CLI does so that one command never loads another's parsers.
 */
export { AnalyzeError, UsageError, Warnings, inFile, isAnalyzeError } from './errors.js';
export type { ErrorCode, ErrorDetails, Warning } from './errors.js';
export { isGzip, readHead, readSmallFile, fileSize, openFile, gunzipBounded } from './io/files.js';
export { REPORT_SCHEMA_VERSION } from './report.js';
