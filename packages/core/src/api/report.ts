/**
 * What every job's report shares: `schemaVersion` first (docs/json.md), and the one error document a file
 * (or an argument) that could not be analysed becomes.
 */
import { AnalyzeError, inputLimitError } from '../errors.js';
import { REPORT_SCHEMA_VERSION, withoutUndefined } from '../report.js';

/** The error object of every JSON document (docs/json.md, "Errors"). */
export interface ErrorJson {
  code: string;
  message: string;
  offset?: number;
}

/**
 * What stands in for a report that could not be made: `file` (or `input` for `analyze code`) says what it
 * concerns; a usage error has neither. `partial` results, where a command keeps them, sit beside it.
 */
export interface ErrorReport {
  schemaVersion: string;
  file?: string;
  input?: string;
  error: ErrorJson;
}

/**
 * `{code, message, offset?}` of any thrown value: an engine size limit the input caused is
 * `INPUT_TOO_LARGE`; anything else that is not an AnalyzeError is `INTERNAL` (a bug).
 * @example errorJson(new Error('x')) // { code: 'INTERNAL', message: 'x' }
 */
export function errorJson(caught: unknown): ErrorJson {
  const e = inputLimitError(caught) ?? caught;
  if (e instanceof AnalyzeError) return { code: e.code, message: e.message, ...(e.offset === undefined ? {} : { offset: e.offset }) };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/**
 * The error document for a failure concerning `subject`: a file, or an input that is not a file (a code);
 * without it, the file the error names, if any.
 * @example errorReport(new AnalyzeError('FILE_UNREADABLE', 'no such file'), { file: 'a.pcap' })
 *   // { schemaVersion: '1.0', file: 'a.pcap', error: { code: 'FILE_UNREADABLE', message: 'no such file' } }
 */
export function errorReport(e: unknown, subject?: { file: string } | { input: string }): ErrorReport {
  const named = subject ?? (e instanceof AnalyzeError && e.file !== undefined ? { file: e.file } : {});
  return { schemaVersion: REPORT_SCHEMA_VERSION, ...named, error: errorJson(e) };
}

/**
 * `doc` with `schemaVersion` as its first key, and without keys whose value is undefined (withoutUndefined).
 * @example stamped({ file: 'a', build: undefined }) // { schemaVersion: '1.0', file: 'a' }
 */
export function stamped<T extends object>(doc: T): { schemaVersion: string } & T {
  return { schemaVersion: REPORT_SCHEMA_VERSION, ...withoutUndefined(doc) };
}
