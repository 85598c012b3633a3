/**
 * Where a rewritten capture goes: a plain file (written straight from the read buffer, no copy), a
 * gzip file (by the name's `.gz` extension) or a stream such as stdout (`-`). Streams get a copy of
 * each chunk and are waited on when their buffer is full, so memory stays flat.
 */
import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { AnalyzeError } from '../../errors.js';

export interface CaptureOutput {
  /** Append bytes; the caller may reuse `chunk` as soon as the returned promise (if any) settles. */
  write(chunk: Uint8Array): void | Promise<void>;
  /** Flush and close; rejects when the destination failed. */
  close(): Promise<void>;
  readonly gzip: boolean;
  /** Bytes handed over (before compression). */
  readonly written: number;
}

/**
 * `.gz` at the end of the name (any case): the output is gzip-compressed.
 * @example wantsGzip('fixed.pcap.GZ') // true
 */
export function wantsGzip(path: string): boolean {
  return /\.gz$/i.test(path);
}

/**
 * Open the destination: `-` is `stdout` (the caller's stream: core does no terminal I/O of its own),
 * a name ending in `.gz` is compressed, anything else is a plain file (created or truncated).
 * @example const out = openOutput('-', process.stdout); await out.write(bytes); await out.close();
 */
export function openOutput(path: string, stdout?: Writable): CaptureOutput {
  if (path === '-') {
    if (stdout === undefined) throw new AnalyzeError('FILE_UNWRITABLE', 'output "-" (stdout) needs a stream to write to', { file: path });
    return streamOutput(stdout, false, path, false);
  }
  if (wantsGzip(path)) {
    const file = createWriteStream(path);
    const gz = createGzip();
    gz.pipe(file);
    return streamOutput(gz, true, path, true, file);
  }
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new AnalyzeError('FILE_UNWRITABLE', `cannot write the output (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path, cause: e });
  }
  let written = 0;
  return {
    gzip: false,
    get written() {
      return written;
    },
    write(chunk) {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      written += chunk.length;
    },
    close() {
      closeSync(fd);
      return Promise.resolve();
    },
  };
}

function streamOutput(stream: Writable, gzip: boolean, path: string, ownStream: boolean, file?: Writable): CaptureOutput {
  let written = 0;
  let failure: Error | undefined;
  const onError = (e: Error) => {
    failure ??= e;
  };
  stream.on('error', onError);
  file?.on('error', onError);
  const fail = (e: Error) => new AnalyzeError('FILE_UNWRITABLE', `cannot write the output (${(e as NodeJS.ErrnoException).code ?? e.message})`, { file: path, cause: e });
  return {
    gzip,
    get written() {
      return written;
    },
    async write(chunk) {
      if (failure) throw fail(failure);
      written += chunk.length;
      // A copy: the caller's buffer is refilled as soon as this returns.
      if (!stream.write(Buffer.from(chunk))) {
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            resolve();
          };
          stream.on('drain', done);
          stream.on('error', done);
        });
        if (failure) throw fail(failure);
      }
    },
    async close() {
      if (ownStream) {
        await new Promise<void>((resolve) => {
          // The file is complete when the underlying file stream has closed (gzip: after its trailer).
          (file ?? stream).on('close', resolve);
          (file ?? stream).on('error', () => resolve());
          stream.end();
        });
      } else {
        await new Promise<void>((resolve) => {
          if (stream.writableNeedDrain) stream.once('drain', resolve);
          else resolve();
        });
      }
      stream.off('error', onError);
      if (failure) throw fail(failure);
    },
  };
}
