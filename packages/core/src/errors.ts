/**
 * Errors and warnings with stable codes, in the spirit of node-tar's TAR_* codes.
 *
 * An AnalyzeError means the input could not be analysed (or could be analysed only up to `offset`).
 * A Warning is a recoverable oddity; `strict` mode turns warnings into errors (see `Warnings`).
 */

/** Stable, greppable error codes: `<AREA>_<WHAT>`. New codes are added, never renamed. */
export type ErrorCode = string;

export interface ErrorDetails {
  /** The file the problem is in (as the user named it). */
  file?: string | undefined;
  /** Byte offset in that file (or in the decompressed stream, as the message says) where the damage starts. */
  offset?: number | undefined;
  cause?: unknown;
}

/**
 * The input could not be analysed (or only up to `offset`): a stable `code`, one sentence, the file as the
 * user named it, and the byte offset of the damage when there is one.
 * @example
 *   throw new AnalyzeError('PCAP_TRUNCATED_RECORD', 'capture ends in the middle of a record', { file: 'a.pcap', offset: 4096 });
 */
export class AnalyzeError extends Error {
  readonly code: ErrorCode;
  file: string | undefined;
  readonly offset: number | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AnalyzeError';
    this.code = code;
    this.file = details.file;
    this.offset = details.offset;
  }

  /** The one-line form the CLI prints: `FILE: message (at byte N)`. */
  describe(): string {
    const where = this.offset === undefined ? '' : ` (at byte ${this.offset})`;
    return `${this.file === undefined ? '' : `${this.file}: `}${this.message}${where}`;
  }

  toJSON(): { code: string; message: string; file?: string; offset?: number } {
    return {
      code: this.code,
      message: this.message,
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.offset === undefined ? {} : { offset: this.offset }),
    };
  }
}

/**
 * `text` (a name or word from the input) as a message quotes it: its first `max` characters and its length when
 * longer, so that a 1 MiB member name or code does not become a 1 MiB line.
 * @example cutForMessage('x'.repeat(5000), 10); // 'xxxxxxxxxx... (5,000 characters)'
 */
export function cutForMessage(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length.toLocaleString('en-US')} characters)`;
}

/** The user asked for something that cannot be done as asked (bad argument, unknown code syntax...). Exit code 2.
 * @example throw new UsageError('--search needs at least one word', 'CODE_EMPTY_SEARCH');
 */
export class UsageError extends AnalyzeError {
  constructor(message: string, code: ErrorCode = 'USAGE') {
    super(code, message);
    this.name = 'UsageError';
  }
}

export interface Warning {
  code: ErrorCode;
  message: string;
  file?: string;
  offset?: number;
}

/**
 * Most warnings one analysis keeps. A hostile file can repeat one oddity millions of times; past this
 * many, warnings are only counted, and one last `WARNINGS_CAPPED` warning says how many were left out
 * (memory and output stay bounded; `strict` still stops at the first).
 */
export const MAX_WARNINGS = 100;

/**
 * Collects warnings for one analysis. With `strict`, the first warning is thrown as an AnalyzeError
 * instead, so a caller that catches it still holds whatever was read before.
 * @example const warnings = new Warnings(false, 'NTUSER.DAT');
 *   warnings.warn('REGFILE_BAD_LINE', 'line 3: value line without a key; line skipped');
 */
export class Warnings {
  readonly list: Warning[] = [];
  /** Warnings beyond MAX_WARNINGS, counted but not kept. */
  private dropped = 0;
  constructor(
    readonly strict = false,
    readonly file?: string,
  ) {}

  warn(code: ErrorCode, message: string, offset?: number): void {
    if (this.strict) throw new AnalyzeError(code, message, { file: this.file, offset });
    if (this.list.length >= MAX_WARNINGS) {
      this.dropped++;
      const last = this.list[MAX_WARNINGS]; // the summary, once there is one
      const summary = `${this.dropped} more warning(s) not listed (at most ${MAX_WARNINGS} are kept)`;
      if (last === undefined) this.list.push(this.withFile({ code: 'WARNINGS_CAPPED', message: summary }));
      else last.message = summary;
      return;
    }
    const w = this.withFile({ code, message });
    if (offset !== undefined) w.offset = offset;
    this.list.push(w);
  }

  private withFile(w: Warning): Warning {
    if (this.file !== undefined) w.file = this.file;
    return w;
  }
}

/** Attach a file name to an AnalyzeError thrown by code that did not know it. Other errors pass through.
 * @example const data = inFile('capture.pcap', () => readFileSync('capture.pcap'));
 */
export function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AnalyzeError && e.file === undefined) e.file = file;
    throw e;
  }
}

/**
 * Type guard for AnalyzeError (also across copies of the module).
 * @example if (isAnalyzeError(e)) console.error(e.describe());
 */
export function isAnalyzeError(e: unknown): e is AnalyzeError {
  return e instanceof AnalyzeError;
}

/**
 * The last line of defence of the memory budget: an engine limit (a string or buffer too long to make,
 * an allocation that failed) is caused by the input, never by a bug the user can do anything about,
 * so it is reported as INPUT_TOO_LARGE with the file, not as an internal error. The readers cap what
 * they hold well below these limits; this only catches what slips past them.
 */

/** Messages and codes V8 and Node give when a value cannot be made that large. */
const ENGINE_LIMIT = /Invalid string length|Cannot create a string longer than|Array buffer allocation failed|Invalid array length|Invalid typed array length|Maximum call stack size exceeded/;
const ENGINE_LIMIT_CODES = new Set(['ERR_STRING_TOO_LONG', 'ERR_BUFFER_TOO_LARGE', 'ERR_OUT_OF_RANGE']);

/** An AnalyzeError (code INPUT_TOO_LARGE) for an engine size limit hit while reading `file`, else undefined. */
export function inputLimitError(e: unknown, file?: string): AnalyzeError | undefined {
  if (!(e instanceof Error) || e instanceof AnalyzeError) return undefined;
  const code = (e as NodeJS.ErrnoException).code;
  if (!ENGINE_LIMIT.test(e.message) && !(code !== undefined && ENGINE_LIMIT_CODES.has(code) && e instanceof RangeError)) return undefined;
  return new AnalyzeError('INPUT_TOO_LARGE', `the input is too large to process within the memory budget (${e.message})`, { file, cause: e });
}
