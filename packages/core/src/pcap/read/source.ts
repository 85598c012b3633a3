/**
 * Byte sources for the capture readers: a plain file read with readSync, or a gzip file inflated in
 * a stream. Both fill the caller's one reusable buffer, so memory stays flat whatever the file size.
 */
import { closeSync, createReadStream, fstatSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AnalyzeError } from '../../errors.js';
import { isGzip, openFile } from '../../io/files.js';

export interface ByteSource {
  /** Fill buf[off, off+len) with the next bytes; 0 at the end. May return fewer bytes than asked. */
  read(buf: Uint8Array, off: number, len: number): number | Promise<number>;
  /** Bytes of the file itself consumed so far (compressed bytes for gzip), for progress. */
  readonly position: number;
  /** Size of the file on disk (0 for a stream: unknown). */
  readonly size: number;
  /** Known once the first bytes were read (a stream is sniffed on its first read). */
  readonly gzip: boolean;
  close(): void;
}

/** Chunk size of the gzip file stream; inflated chunks are copied into the caller's buffer. */
const GZIP_READ_CHUNK = 1 << 20;

/**
 * A file as a ByteSource: read in place, or inflated as a stream when it is gzip.
 * @example const src = openSource('capture.pcap.gz'); // src.gzip === true
 */
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

/**
 * A gzip capture may inflate to at most this many times the compressed bytes read, once past
 * BOMB_CHECK_AFTER: deflate reaches ~1,030:1 on zeros, and a 12.5 MB file inflating to 12 GiB of empty
 * records took 52 s (a 100 MB one would take ~7 minutes). Real captures compress 2-10 times; jumbo frames
 * of zeros with their varying headers ~200 times. Past it the read stops with PCAP_GZIP_BOMB (what was read
 * is analysed); `gunzip` the file first to read it all.
 */
export const MAX_INFLATE_RATIO = 500;
/** Inflated bytes before the ratio is checked (a small file's ratio says little). */
export const BOMB_CHECK_AFTER = 1024 * 1024 * 1024;

/** The PCAP_GZIP_BOMB error when `inflated` bytes from `compressed` cross MAX_INFLATE_RATIO. */
function bombCheck(file: string, inflated: number, compressed: number): AnalyzeError | undefined {
  if (inflated <= BOMB_CHECK_AFTER || inflated <= MAX_INFLATE_RATIO * compressed) return undefined;
  return new AnalyzeError(
    'PCAP_GZIP_BOMB',
    `gzip stream inflates more than ${MAX_INFLATE_RATIO} times (${inflated} bytes from ${compressed}): a decompression bomb? Real captures compress 2-10 times; to read it all anyway, gunzip it first; the offset counts decompressed bytes`,
    { file, offset: inflated },
  );
}

function gzipSource(path: string, size: number): ByteSource {
  const file = createReadStream(path, { highWaterMark: GZIP_READ_CHUNK });
  const gunzip = createGunzip();
  file.pipe(gunzip);
  // The offset is in the decompressed stream: where the readable data stops. What was inflated before
  // the damage is handed over first, so it is analysed.
  const read = chunkReader(
    async () => gunzip[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>,
    (e, offset) => new AnalyzeError('PCAP_GZIP_CORRUPT', `gzip stream is damaged or truncated (${(e as Error).message}); the offset counts decompressed bytes`, { file: path, offset, cause: e }),
    (inflated) => bombCheck(path, inflated, file.bytesRead),
  );
  return {
    gzip: true,
    size,
    get position() {
      return file.bytesRead;
    },
    read,
    close() {
      file.destroy();
      gunzip.destroy();
    },
  };
}

/**
 * `read` over chunks that arrive from an async iterator (an inflater, a pipe): each call copies into the
 * caller's buffer and returns early once half of it is filled rather than wait for more. The first error
 * from the iterator ends the source: the bytes before it are delivered, then `failure(error, offset)` is
 * thrown, its offset counting the bytes delivered.
 */
function chunkReader(
  open: () => Promise<AsyncIterator<Uint8Array>>,
  failure: (e: unknown, offset: number) => AnalyzeError,
  guard: (delivered: number) => AnalyzeError | undefined = () => undefined,
): ByteSource['read'] {
  let chunks: AsyncIterator<Uint8Array> | undefined;
  let pending: Uint8Array | undefined;
  let pendingOff = 0;
  let done = false;
  let delivered = 0;
  let failed: AnalyzeError | undefined;
  return async (buf, off, len) => {
    if (done && failed) throw failed;
    chunks ??= await open();
    let got = 0;
    while (got < len && !done) {
      if (!pending || pendingOff >= pending.length) {
        let r: IteratorResult<Uint8Array>;
        try {
          r = await chunks.next();
        } catch (e) {
          failed = failure(e, delivered + got);
          done = true;
          break;
        }
        if (r.done) {
          done = true;
          break;
        }
        const stop = guard(delivered + got);
        if (stop !== undefined) {
          failed = stop;
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
    if (got === 0 && failed) throw failed;
    return got;
  };
}

/**
 * A stream (standard input: `tcpdump -w - | analyze pcap -`) read chunk by chunk, never held whole; a gzip
 * stream, recognised by its first two bytes, is inflated on the way. Memory stays flat like for a file.
 */
export function streamSource(input: AsyncIterable<Uint8Array>, name: string): ByteSource {
  const raw = input[Symbol.asyncIterator]();
  let consumed = 0;
  let gzip = false;
  let inflater: ReturnType<typeof createGunzip> | undefined;
  const nextRaw = async (): Promise<Uint8Array | undefined> => {
    const r = await raw.next();
    if (r.done) return undefined;
    consumed += r.value.length;
    return r.value;
  };
  /** Sniff the first two bytes, then read either the raw chunks or their inflation. */
  const begin = async (): Promise<AsyncIterator<Uint8Array>> => {
    let head = (await nextRaw()) ?? new Uint8Array(0);
    while (head.length < 2) {
      const more = await nextRaw();
      if (more === undefined) break;
      head = Buffer.concat([head, more]);
    }
    const first = head;
    const rest = async function* () {
      if (first.length > 0) yield first;
      for (let c = await nextRaw(); c !== undefined; c = await nextRaw()) yield c;
    };
    if (!isGzip(head)) return rest();
    gzip = true;
    inflater = createGunzip();
    const body = Readable.from(rest(), { objectMode: false });
    body.on('error', (e) => inflater!.destroy(e));
    body.pipe(inflater);
    return inflater[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  };
  const read = chunkReader(
    begin,
    (e, offset) => {
      const what = gzip ? 'gzip stream is damaged or truncated' : 'standard input could not be read';
      return new AnalyzeError(gzip ? 'PCAP_GZIP_CORRUPT' : 'FILE_UNREADABLE', `${what} (${(e as Error).message})${gzip ? '; the offset counts decompressed bytes' : ''}`, { file: name, offset, cause: e });
    },
    (inflated) => (gzip ? bombCheck(name, inflated, consumed) : undefined),
  );
  return {
    get gzip() {
      return gzip;
    },
    size: 0,
    get position() {
      return consumed;
    },
    read,
    close() {
      inflater?.destroy();
      void raw.return?.();
    },
  };
}
