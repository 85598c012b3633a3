/**
 * Byte sources for the capture readers: a plain file read with readSync, or a gzip file inflated in
 * a stream. Both fill the caller's one reusable buffer, so memory stays flat whatever the file size.
 */
import { closeSync, createReadStream, fstatSync, readSync } from 'node:fs';
import { AnalyzeError, type Warnings } from '../../errors.js';
import { isGzip, openFile } from '../../io/files.js';
import { gunzipMembers } from './gzip-members.js';

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
 * A file as a ByteSource: read in place, or inflated as a stream when it is gzip. `warnings` hears of
 * data after the gzip stream (PCAP_GZIP_TRAILING_DATA); without it that data is ignored silently.
 * @example const src = openSource('capture.pcap.gz'); // src.gzip === true
 */
export function openSource(path: string, warnings?: Warnings): ByteSource {
  const fd = openFile(path);
  const size = fstatSync(fd).size;
  const head = new Uint8Array(2);
  const n = readSync(fd, head, 0, 2, 0);
  if (n === 2 && isGzip(head)) {
    closeSync(fd);
    return gzipSource(path, size, warnings);
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

/**
 * Data after the last gzip member that is neither a member nor zero padding: the capture before it is
 * complete (gzip -t: "trailing garbage ignored"; tshark reads every frame), so a warning, not an error.
 */
function trailingData(warnings: Warnings | undefined): (offset: number) => void {
  return (offset) =>
    warnings?.warn('PCAP_GZIP_TRAILING_DATA', 'data after the end of the gzip stream (not another gzip member, nor zero padding): ignored, the capture before it is complete; the offset counts compressed bytes', offset);
}

/** PCAP_GZIP_CORRUPT for an inflation failure; an AnalyzeError (a strict-mode warning) passes as it is. */
function gzipFailure(file: string, e: unknown, offset: number): AnalyzeError {
  if (e instanceof AnalyzeError) return e;
  return new AnalyzeError('PCAP_GZIP_CORRUPT', `gzip stream is damaged or truncated (${(e as Error).message}); the offset counts decompressed bytes`, { file, offset, cause: e });
}

function gzipSource(path: string, size: number, warnings: Warnings | undefined): ByteSource {
  const file = createReadStream(path, { highWaterMark: GZIP_READ_CHUNK });
  const inflated = gunzipMembers(file, trailingData(warnings));
  // The offset is in the decompressed stream: where the readable data stops. What was inflated before
  // the damage is handed over first, so it is analysed.
  const read = chunkReader(
    async () => inflated,
    (e, offset) => gzipFailure(path, e, offset),
    (n) => bombCheck(path, n, file.bytesRead),
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
      void inflated.return(undefined);
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
export function streamSource(input: AsyncIterable<Uint8Array>, name: string, warnings?: Warnings): ByteSource {
  const raw = input[Symbol.asyncIterator]();
  let consumed = 0;
  let gzip = false;
  let inflated: AsyncGenerator<Uint8Array> | undefined;
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
    inflated = gunzipMembers(rest(), trailingData(warnings));
    return inflated;
  };
  const read = chunkReader(
    begin,
    (e, offset) => {
      if (gzip) return gzipFailure(name, e, offset);
      return new AnalyzeError('FILE_UNREADABLE', `standard input could not be read (${(e as Error).message})`, { file: name, offset, cause: e });
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
      void inflated?.return(undefined);
      void raw.return?.();
    },
  };
}
