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
  // Opened here for both kinds, so that a folder or a missing directory is said at once (a gzip stream whose
  // file failed to open never drained: the run hung and Node exited with 13, printing nothing).
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw unwritable(e, path);
  }
  if (wantsGzip(path)) {
    const file = createWriteStream(path, { fd });
    const gz = createGzip();
    gz.pipe(file);
    return streamOutput(gz, true, path, true, file);
  }
  let written = 0;
  return {
    gzip: false,
    get written() {
      return written;
    },
    write(chunk) {
      try {
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      } catch (e) {
        throw unwritable(e, path); // a full disk is the output's fault, not an internal error
      }
      written += chunk.length;
    },
    close() {
      try {
        closeSync(fd);
      } catch (e) {
        return Promise.reject(unwritable(e, path));
      }
      return Promise.resolve();
    },
  };
}

/** FILE_UNWRITABLE for the output `path`, with the system's error code. */
function unwritable(e: unknown, path: string): AnalyzeError {
  return new AnalyzeError('FILE_UNWRITABLE', `cannot write the output (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path, cause: e });
}

function streamOutput(stream: Writable, gzip: boolean, path: string, ownStream: boolean, file?: Writable): CaptureOutput {
  let written = 0;
  let failure: Error | undefined;
  const onError = (e: Error) => {
    failure ??= e;
  };
  stream.on('error', onError);
  file?.on('error', onError);
  // A stream holds its error (`errored`) from the moment it fails; the 'error' event comes a tick later.
  const failed = (): Error | undefined => file?.errored ?? stream.errored ?? undefined;
  return {
    gzip,
    get written() {
      return written;
    },
    async write(chunk) {
      failure ??= failed();
      if (failure) throw unwritable(failure, path);
      written += chunk.length;
      // A copy: the caller's buffer is refilled as soon as this returns.
      if (!stream.write(Buffer.from(chunk))) {
        await new Promise<void>((resolve) => {
          // The gzip stream drains only while its file takes what it makes: a failed file ends the wait too.
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            file?.off('error', done);
            file?.off('close', done);
            resolve();
          };
          stream.on('drain', done);
          stream.on('error', done);
          file?.on('error', done);
          file?.on('close', done);
        });
        failure ??= failed();
        if (failure) throw unwritable(failure, path);
      }
    },
    async close() {
      failure ??= failed();
      if (ownStream) {
        const target = file ?? stream;
        if (failure !== undefined || target.destroyed) {
          // Failed already: its 'close' may have come and gone, so waiting for it could never end.
          stream.destroy();
          target.destroy();
        } else {
          await new Promise<void>((resolve) => {
            // The file is complete when the underlying file stream has closed (gzip: after its trailer).
            target.on('close', resolve);
            target.on('error', () => resolve());
            stream.end();
          });
        }
      } else {
        await new Promise<void>((resolve) => {
          if (stream.writableNeedDrain) stream.once('drain', resolve);
          else resolve();
        });
      }
      stream.off('error', onError);
      if (failure) throw unwritable(failure, path);
    },
  };
}
