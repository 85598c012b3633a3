/**
 * Byte sources for the capture readers: a plain file read with readSync, or a gzip file inflated in
 * a stream. Both fill the caller's one reusable buffer, so memory stays flat whatever the file size.
 */
import { closeSync, createReadStream, fstatSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { AnalyzeError } from '../../errors.js';
import { isGzip, openFile } from '../../io/files.js';

export interface ByteSource {
  /** Fill buf[off, off+len) with the next bytes; 0 at the end. May return fewer bytes than asked. */
  read(buf: Uint8Array, off: number, len: number): number | Promise<number>;
  /** Bytes of the file itself consumed so far (compressed bytes for gzip), for progress. */
  readonly position: number;
  /** Size of the file on disk. */
  readonly size: number;
  readonly gzip: boolean;
  close(): void;
}

/** Chunk size of the gzip file stream; inflated chunks are copied into the caller's buffer. */
const GZIP_READ_CHUNK = 1 << 20;

export function openSource(path: string): ByteSource {
  const fd = openFile(path);
  const size = fstatSync(fd).size;
  const head = new Uint8Array(2);
  const n = readSync(fd, head, 0, 2, 0);
  if (n === 2 && isGzip(head)) {
    closeSync(fd);
    return gzipSource(path, size);
  }
  let position = 0;
  return {
    gzip: false,
    size,
    get position() {
      return position;
    },
    read(buf, off, len) {
      const got = readSync(fd, buf, off, len, position);
      position += got;
      return got;
    },
    close() {
      closeSync(fd);
    },
  };
}

function gzipSource(path: string, size: number): ByteSource {
  const file = createReadStream(path, { highWaterMark: GZIP_READ_CHUNK });
  const gunzip = createGunzip();
  file.pipe(gunzip);
  const chunks = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer | undefined;
  let pendingOff = 0;
  let done = false;
  let delivered = 0;
  let failure: AnalyzeError | undefined;
  const source: ByteSource = {
    gzip: true,
    size,
    get position() {
      return file.bytesRead;
    },
    async read(buf, off, len) {
      if (done && failure) throw failure;
      let got = 0;
      while (got < len && !done) {
        if (!pending || pendingOff >= pending.length) {
          let r: IteratorResult<Buffer>;
          try {
            r = await chunks.next();
          } catch (e) {
            // The offset is in the decompressed stream: where the readable data stops. Hand over what
            // was inflated before the damage first, so it is analysed.
            failure = new AnalyzeError('PCAP_GZIP_CORRUPT', `gzip stream is damaged or truncated (${(e as Error).message}); the offset counts decompressed bytes`, {
              file: path,
              offset: delivered + got,
              cause: e,
            });
            done = true;
            break;
          }
          if (r.done) {
            done = true;
            break;
          }
          pending = r.value;
          pendingOff = 0;
          // Return what we have rather than waiting for the buffer to fill completely.
          if (got > 0 && got >= len / 2) break;
        }
        const take = Math.min(len - got, pending.length - pendingOff);
        buf.set(pending.subarray(pendingOff, pendingOff + take), off + got);
        pendingOff += take;
        got += take;
      }
      delivered += got;
      if (got === 0 && failure) throw failure;
      return got;
    },
    close() {
      file.destroy();
      gunzip.destroy();
    },
  };
  return source;
}

/**
 * A source over a stream (standard input for `-`), gzip-compressed or not (told by its first bytes).
 * Chunks are copied into the caller's buffer as they come: memory stays flat. `gzip` is known after
 * the first read; `size` is unknown (0).
 */
export function streamSource(input: NodeJS.ReadableStream, name: string): ByteSource {
  const raw = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let consumed = 0;
  let gzip = false;
  async function* plainOrInflated(): AsyncGenerator<Buffer> {
    // The gzip magic is two bytes: a stream may hand them over in separate chunks.
    let head = Buffer.alloc(0);
    while (head.length < 2) {
      const r = await raw.next();
      if (r.done) break;
      consumed += r.value.length;
      head = Buffer.concat([head, r.value]);
    }
    if (head.length === 0) return;
    const first = { value: head };
    if (!isGzip(first.value)) {
      yield first.value;
      for (;;) {
        const r = await raw.next();
        if (r.done) return;
        consumed += r.value.length;
        yield r.value;
      }
    }
    gzip = true;
    const gunzip = createGunzip();
    const feed = async (): Promise<void> => {
      if (!gunzip.write(first.value)) await new Promise((resolve) => gunzip.once('drain', resolve));
      for (;;) {
        const r = await raw.next();
        if (r.done) break;
        consumed += r.value.length;
        if (!gunzip.write(r.value)) await new Promise((resolve) => gunzip.once('drain', resolve));
      }
      gunzip.end();
    };
    feed().catch((e: Error) => gunzip.destroy(e));
    yield* gunzip as AsyncIterable<Buffer>;
  }
  const chunks = plainOrInflated();
  let pending: Buffer | undefined;
  let pendingOff = 0;
  let done = false;
  let delivered = 0;
  let failure: AnalyzeError | undefined;
  return {
    get gzip() {
      return gzip;
    },
    size: 0,
    get position() {
      return consumed;
    },
    async read(buf, off, len) {
      if (done && failure) throw failure;
      let got = 0;
      while (got < len && !done) {
        if (!pending || pendingOff >= pending.length) {
          let r: IteratorResult<Buffer>;
          try {
            r = await chunks.next();
          } catch (e) {
            failure = new AnalyzeError('PCAP_GZIP_CORRUPT', `gzip stream is damaged or truncated (${(e as Error).message}); the offset counts decompressed bytes`, {
              file: name,
              offset: delivered + got,
              cause: e,
            });
            done = true;
            break;
          }
          if (r.done) {
            done = true;
            break;
          }
          pending = r.value;
          pendingOff = 0;
          if (got > 0 && got >= len / 2) break;
        }
        const take = Math.min(len - got, pending.length - pendingOff);
        buf.set(pending.subarray(pendingOff, pendingOff + take), off + got);
        pendingOff += take;
        got += take;
      }
      delivered += got;
      if (got === 0 && failure) throw failure;
      return got;
    },
    close() {
      void chunks.return(undefined);
    },
  };
}
