/**
 * What every job takes: a path, bytes already in memory, or a readable stream (standard input), plus the
 * name its messages use. One place turns any of them into bytes, under the same size cap as a file.
 */
import { AnalyzeError, UsageError, type Warning } from '../errors.js';
import { readFileChunks, readSmallFile } from '../io/files.js';

/** A file path, bytes in memory, or a stream of bytes (a Node Readable, `process.stdin`, any async iterable). */
export type Input = string | Uint8Array | AsyncIterable<Uint8Array>;

/** Options every job accepts. */
export interface JobOptions {
  /**
   * The name messages, warnings and the report's `file` use (as the user typed it, `-` for standard input).
   * Default: the path itself, `-` for a stream, `<buffer>` for bytes.
   */
  name?: string;
  /** Turn the first warning into an error (exit 2 in the CLI). */
  strict?: boolean;
}

/**
 * The name a job reports `input` under.
 * @example inputName(process.stdin, undefined) // '-'
 */
export function inputName(input: Input, name: string | undefined): string {
  if (name !== undefined) return name;
  if (typeof input === 'string') return input;
  return input instanceof Uint8Array ? '<buffer>' : '-';
}

/**
 * True for a stream (anything that is neither a path nor bytes).
 * @example isStream(process.stdin) // true
 */
export function isStream(input: Input): input is AsyncIterable<Uint8Array> {
  return typeof input !== 'string' && !(input instanceof Uint8Array);
}

/**
 * All of `input` as one Buffer, refusing more than `maxBytes` (the same cap as for a file of that kind):
 * a stream is read only up to the cap, so an endless pipe (`cat /dev/zero | analyze psod -`) stops there.
 * @example const text = await readInput(process.stdin, MAX_PSOD_INPUT, '-');
 */
export async function readInput(input: Input, maxBytes: number, name: string): Promise<Buffer> {
  if (typeof input === 'string') return readSmallFile(input, maxBytes);
  if (input instanceof Uint8Array) {
    if (input.length > maxBytes) {
      throw new AnalyzeError('FILE_TOO_LARGE', `is ${input.length} bytes; at most ${maxBytes} are read for this kind of input`, { file: name });
    }
    return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  }
  const chunks: Buffer[] = [];
  /** Past SPOOL_BYTES, one buffer of the cap's size that the bytes are copied into (see there). */
  let whole: Buffer | undefined;
  let total = 0;
  for await (const c of input) {
    bytesChunk(c, name);
    // Stop at the cap instead of buffering an endless pipe.
    if (total + c.length > maxBytes) throw streamTooLarge(name, maxBytes);
    const chunk = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    if (whole === undefined && total + c.length > SPOOL_BYTES) {
      whole = Buffer.allocUnsafeSlow(maxBytes);
      Buffer.concat(chunks, total).copy(whole);
      chunks.length = 0;
    }
    if (whole !== undefined) chunk.copy(whole, total);
    else chunks.push(chunk);
    total += c.length;
  }
  return whole === undefined ? Buffer.concat(chunks, total) : whole.subarray(0, total);
}

/**
 * A stream longer than this is copied into one buffer of its cap's size as it arrives: only the pages written
 * become resident, so the input is held once. Held as chunks and then concatenated it was there twice (a
 * 150 MB hive on standard input peaked at ~380 MB; the budget is 256).
 */
const SPOOL_BYTES = 8 * 1024 * 1024;

/** Bytes a file is read in by `readChunks` (a stream comes in the sizes it arrives in, 64 KiB for a pipe). */
const READ_CHUNK = 64 * 1024;

/**
 * `input` a chunk at a time, under the same cap and errors as `readInput`, for a job that looks at each
 * chunk once: the input is never held whole (nor twice, as the chunks and their concatenation).
 * @example for await (const c of readChunks(process.stdin, MAX_PSOD_INPUT, '-')) decoder.write(c);
 */
export async function* readChunks(input: Input, maxBytes: number, name: string): AsyncGenerator<Uint8Array> {
  if (typeof input === 'string') {
    yield* readFileChunks(input, maxBytes, READ_CHUNK);
    return;
  }
  if (input instanceof Uint8Array) {
    if (input.length > maxBytes) {
      throw new AnalyzeError('FILE_TOO_LARGE', `is ${input.length} bytes; at most ${maxBytes} are read for this kind of input`, { file: name });
    }
    yield input;
    return;
  }
  let total = 0;
  for await (const c of input) {
    bytesChunk(c, name);
    total += c.length;
    // Stop at the cap instead of reading an endless pipe.
    if (total > maxBytes) throw streamTooLarge(name, maxBytes);
    yield c;
  }
}

/**
 * A stream's chunks as they come, each checked to be bytes (see bytesChunk); for readers that take a stream themselves.
 * @example readCapture(byteChunks(process.stdin, '-'), ...)
 */
export async function* byteChunks(input: AsyncIterable<unknown>, name: string): AsyncGenerator<Uint8Array> {
  for await (const c of input) {
    bytesChunk(c, name);
    yield c;
  }
}

/**
 * Run `fn`, naming `name` in any AnalyzeError it throws: the library reads the path it was given, but
 * messages must name the file as the user typed it. An error about one of `others` (a second file the job
 * reads, such as a keystore) keeps naming that file: the input itself is fine.
 * @example await naming('a.txt', () => analyzeFile('/abs/a.txt'))
 */
export async function naming<T>(name: string, fn: () => Promise<T> | T, others: readonly string[] = []): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AnalyzeError && !(e.file !== undefined && others.includes(e.file))) e.file = name;
    throw e;
  }
}

/**
 * Warnings in the documented shape `{code, message, file?, offset?}`, named after the input (no `file` when `name` is undefined).
 * @example warningsJson(report.warnings, 'a.pcap')
 */
export function warningsJson(list: readonly Warning[], name: string | undefined): Warning[] {
  return list.map((w) => ({ code: w.code, message: w.message, ...(name === undefined ? {} : { file: name }), ...(w.offset === undefined ? {} : { offset: w.offset }) }));
}

/**
 * A stream chunk must be bytes. A Node stream opened with an encoding (`createReadStream(p, 'utf8')`) gives
 * strings: re-encoding them would not give the file back (a binary hive read as latin1 or utf8), so it is
 * refused rather than misread.
 */
function bytesChunk(chunk: unknown, name: string): asserts chunk is Uint8Array {
  if (chunk instanceof Uint8Array) return;
  const what = typeof chunk === 'string' ? 'text (strings): it was opened with an encoding; open it without one' : `${typeof chunk} chunks, not bytes`;
  const e = new UsageError(`the stream gives ${what}`);
  e.file = name;
  throw e;
}

/** A stream past its cap: STDIN_TOO_LARGE (the code the CLI has always given), at the byte where reading stopped. */
function streamTooLarge(name: string, maxBytes: number): AnalyzeError {
  const what = name === '-' ? 'standard input' : 'the stream';
  return new AnalyzeError('STDIN_TOO_LARGE', `${what} is longer than the ${maxBytes} bytes read for this kind of input`, { file: name, offset: maxBytes });
}
