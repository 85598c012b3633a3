import { closeSync, openSync, readSync, fstatSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { AnalyzeError } from '../errors.js';

/** gzip's two magic bytes (RFC 1952 §2.3.1).
 * @example const gz = isGzip(readHead('vmkernel.log.gz', 2));
 */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** What an input that is read only uncompressed says when it is gzip (`what`: the file the command wants). */
export function gzipInputMessage(what: string): string {
  return `this file is gzip-compressed; decompress it first (gunzip, 7-Zip), then name the ${what}`;
}

/** Read up to `length` bytes from the start of a file (for sniffing a format by content).
 * @example const head = readHead('capture.pcapng', 64);
 */
export function readHead(path: string, length: number): Buffer {
  const fd = openFile(path);
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Size in bytes of a file (AnalyzeError FILE_UNREADABLE naming it when it cannot be opened).
 * @example fileSize('MEMORY.DMP')
 */
export function fileSize(path: string): number {
  const fd = openFile(path);
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** Open for reading, turning ENOENT/EACCES/EISDIR into an AnalyzeError that names the file.
 * @example const fd = openFile('MEMORY.DMP'); // AnalyzeError, not a raw ENOENT, on failure
 */
export function openFile(path: string): number {
  try {
    // A pipe (`<(cmd)`, /dev/stdin, a FIFO) cannot be read by offset and may block open(): callers pass
    // such inputs as streams instead (Input, api/input.ts); here it is refused before it is opened.
    if (isPipe(path)) throw Object.assign(new Error('is a pipe'), { code: 'ESPIPE' });
    const fd = openSync(path, 'r');
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return fd;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory, not a file'
            : code === 'ESPIPE'
              ? 'is a pipe or socket, not a file: read it as a stream (- for standard input)'
              : `cannot open (${String((e as Error).message)})`;
    throw new AnalyzeError('FILE_UNREADABLE', message, { file: path, cause: e });
  }
}

/**
 * Read a whole (small) file, refusing anything over `maxBytes` so a wrong argument cannot exhaust memory.
 * For large inputs use a streaming reader instead.
 * @example const data = readSmallFile('NTUSER.DAT', 256 * 1024 * 1024);
 */
export function readSmallFile(path: string, maxBytes: number): Buffer {
  const fd = openFile(path);
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) {
      throw new AnalyzeError('FILE_TOO_LARGE', `is ${size} bytes; at most ${maxBytes} are read for this kind of input`, { file: path });
    }
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file a chunk at a time (each a fresh Buffer), refusing anything over `maxBytes` as readSmallFile does:
 * for a reader that looks at each chunk once and keeps only what it needs.
 * @example for (const chunk of readFileChunks('vmkernel.log', 64 * 1024 * 1024)) decoder.write(chunk);
 */
export function* readFileChunks(path: string, maxBytes: number, chunkBytes = 1024 * 1024): Generator<Buffer> {
  const fd = openFile(path);
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) {
      throw new AnalyzeError('FILE_TOO_LARGE', `is ${size} bytes; at most ${maxBytes} are read for this kind of input`, { file: path });
    }
    for (let got = 0; got < size; ) {
      const buf = Buffer.allocUnsafe(Math.min(chunkBytes, size - got));
      const n = readSync(fd, buf, 0, buf.length, got);
      if (n === 0) break;
      got += n;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Inflate a gzip buffer with a hard cap on the output, so a decompression bomb fails fast
 * with AnalyzeError('GZIP_TOO_LARGE') instead of exhausting memory.
 * @example const text = gunzipBounded(readFileSync('psod.txt.gz'), 64 * 1024 * 1024, 'psod.txt.gz');
 */
export function gunzipBounded(data: Uint8Array, maxOutput: number, file?: string): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: maxOutput });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || (e instanceof RangeError && /maxOutputLength|buffer/i.test(e.message))) {
      throw new AnalyzeError('GZIP_TOO_LARGE', `inflates to more than ${maxOutput} bytes (decompression bomb?)`, { file, cause: e });
    }
    throw new AnalyzeError('GZIP_CORRUPT', `gzip data is damaged or truncated (${(e as Error).message})`, { file, offset: gzipDamageOffset(data, maxOutput), cause: e });
  }
}

/**
 * Where gzip data stops making sense: the shortest prefix that already fails to inflate, found by
 * bisection (a prefix that is merely short inflates without error when flushed). Only on the error path;
 * about log2(size) inflations, each bounded by `maxOutput`. A stream cut short gives its length.
 */
function gzipDamageOffset(data: Uint8Array, maxOutput: number): number {
  const fails = (n: number): boolean => {
    try {
      gunzipSync(data.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: maxOutput });
      return false;
    } catch {
      return true;
    }
  };
  if (!fails(data.length)) return data.length; // only the end is missing
  let good = 0; // a prefix of this length inflates
  let bad = data.length; // and this one fails
  while (bad - good > 1) {
    const mid = good + Math.floor((bad - good) / 2);
    if (fails(mid)) bad = mid;
    else good = mid;
  }
  return bad - 1;
}

/**
 * Whether two paths name the same file: the same path, or one existing file reached through a symbolic
 * link, a hard link or another spelling (same device and inode; bigint, as Windows file ids exceed 2^53).
 * Guards outputs that would overwrite an input, which a comparison of names alone misses.
 * @example sameFile('capture.pcap', './link-to-capture.pcap') // true when the link points there
 */
export function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  const x = fileIdentity(a);
  const y = fileIdentity(b);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

/** What tells one file from another: its device and inode (links followed); undefined when there is none to tell. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
}

/**
 * The identity of an existing file, or undefined (missing, unreadable, or a file system without inode numbers).
 * @example fileIdentity('capture.pcap') // { dev: 2049n, ino: 1311234n }
 */
export function fileIdentity(path: string): FileIdentity | undefined {
  try {
    const s = statSync(path, { bigint: true, throwIfNoEntry: false });
    return s === undefined || s.ino === 0n ? undefined : { dev: s.dev, ino: s.ino };
  } catch {
    return undefined; // unreadable (a broken link, no permission): opening it reports that
  }
}

/**
 * A path that names a pipe or socket (links followed): its bytes come once, in order, so it must be read
 * as a stream. False for anything else, a missing path included (opening it reports that).
 * @example isPipe('/dev/stdin') // true under `cat x | ...`
 */
export function isPipe(path: string): boolean {
  try {
    const s = statSync(path, { throwIfNoEntry: false });
    return s !== undefined && (s.isFIFO() || s.isSocket());
  } catch {
    return false;
  }
}
