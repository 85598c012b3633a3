/**
 * A gzip (RFC 1952) stream held in memory (an ESXi backup layer, a psod log), inflated member by member and
 * synchronously, a slice at a time. Node's Gunzip (minizlib's is the same engine) takes any bytes after a member
 * for the next member: a whole backup with a few junk bytes appended failed with "incorrect header check", and
 * the output of the slice written with the junk was lost with it (all of a small backup). Here the member
 * framing is read by hand and each deflate body goes through an InflateRaw, which stops at the body's end; its
 * `bytesWritten` says how much of a slice it used. What follows a member is another member, zero padding
 * (silent), or trailing data: the stream ends cleanly and the offset of that data is returned, as gzip itself
 * says "trailing garbage ignored". (The async reader of captures of any size, pcap/read/gzip-members.ts, does
 * the same as they stream.)
 */
import { InflateRaw } from 'minizlib';
import { crc32 } from 'node:zlib';

/**
 * Compressed bytes handed to zlib per write. zlib returns all the output of one write at once, and
 * deflate expands at most ~1032:1, so a 4 KiB slice never holds more than ~4 MiB of output in memory.
 */
export const INFLATE_SLICE = 4096;

/** Member header flag bits (RFC 1952 2.3.1), shared with the streaming reader of captures. */
export const FHCRC = 2;
export const FEXTRA = 4;
export const FNAME = 8;
export const FCOMMENT = 16;
export const FRESERVED = 0xe0;

/**
 * `trailing`: where data that is neither a member nor zero padding starts after the last member (compressed
 * bytes). A failure: `at` is where the slice (or member header, or trailer) that failed starts; a cut stream
 * says "unexpected end of file" (code Z_BUF_ERROR), a trailer that does not match "incorrect data/length check".
 */
export type InflateOutcome =
  | { ok: true; produced: number; trailing: number | undefined }
  | { ok: false; code: string | undefined; message: string; at: number; error: unknown; produced: number };

type Failure = { code: string | undefined; message: string; error: unknown };

const CUT: Failure = { code: 'Z_BUF_ERROR', message: 'unexpected end of file', error: undefined };

/**
 * Inflate `data` (gzip, one member or more), handing each piece of output to `onData` and throwing it away:
 * nothing of the inflated stream is kept here. `onData` returns false to stop early. Output beyond
 * `maxOutput` stops with code 'LIMIT'.
 */
export function inflateSlices(data: Uint8Array, maxOutput: number, onData: (chunk: Buffer) => boolean): InflateOutcome {
  let produced = 0;
  let stopped = false;
  let at = 0;
  let failure: Failure | undefined;
  const failed = (f: Failure): InflateOutcome => ({ ok: false, ...f, at, produced });
  const inflater = new InflateRaw({});
  inflater.on('error', (err: unknown) => {
    const e = err as Error;
    failure ??= { code: (e as NodeJS.ErrnoException).code ?? (e as { errno?: string }).errno, message: e.message.replace(/^zlib: /, ''), error: e };
  });
  let crc = 0;
  let size = 0;
  inflater.on('data', (c: Buffer) => {
    if (stopped || failure !== undefined) return;
    produced += c.length;
    if (produced > maxOutput) {
      failure = { code: 'LIMIT', message: 'output limit', error: undefined };
      return;
    }
    crc = crc32(c, crc);
    size += c.length;
    if (!onData(c)) stopped = true;
  });
  try {
    let pos = 0;
    for (let member = 0; ; member++) {
      at = pos;
      if (member > 0) {
        if (pos >= data.length) return { ok: true, produced, trailing: undefined };
        if (data.length - pos === 1 && data[pos] === 0x1f) return failed(CUT); // a member cut after its first byte
        if (data[pos] !== 0x1f || data[pos + 1] !== 0x8b) {
          // padding to a block size is zeros, and fine; anything else is trailing data, ignored as gzip ignores it
          return { ok: true, produced, trailing: data.subarray(pos).every((b) => b === 0) ? undefined : pos };
        }
        inflater.reset();
      }
      const header = headerLength(data, pos);
      if (typeof header !== 'number') return failed(header);
      pos += header;
      crc = 0;
      size = 0;
      // the body, a slice at a time, until the inflater stops short of a slice's end: the body ended there
      for (let ended = false; !ended; ) {
        if (pos >= data.length) return failed(CUT);
        at = pos;
        const slice = data.subarray(pos, Math.min(data.length, pos + INFLATE_SLICE));
        inflater.write(Buffer.from(slice.buffer, slice.byteOffset, slice.length));
        if (failure !== undefined) return failed(failure);
        if (stopped) return { ok: true, produced, trailing: undefined };
        const used = (inflater.handle as unknown as { bytesWritten: number }).bytesWritten;
        pos += used;
        ended = used < slice.length;
      }
      at = pos;
      if (pos + 8 > data.length) return failed(CUT);
      const view = new DataView(data.buffer, data.byteOffset + pos, 8);
      if (view.getUint32(0, true) !== crc >>> 0) return failed({ code: 'Z_DATA_ERROR', message: 'incorrect data check', error: undefined });
      if (view.getUint32(4, true) !== size % 2 ** 32) return failed({ code: 'Z_DATA_ERROR', message: 'incorrect length check', error: undefined });
      pos += 8;
    }
  } catch (e) {
    return failed(failure ?? { code: (e as NodeJS.ErrnoException).code, message: (e as Error).message.replace(/^zlib: /, ''), error: e });
  } finally {
    inflater.close();
  }
}

/** The length of the member header at `pos` (RFC 1952 2.3; its CRC is not checked: the trailer's covers the data), or why it is not one. */
function headerLength(data: Uint8Array, pos: number): number | Failure {
  const damaged = (message: string): Failure => ({ code: 'Z_DATA_ERROR', message, error: undefined });
  // each byte checked as far as there are bytes, so that a cut header is cut and a bad one bad wherever the data stops
  if (data[pos] !== 0x1f || (pos + 1 < data.length && data[pos + 1] !== 0x8b)) return damaged('incorrect header check');
  if (pos + 2 < data.length && data[pos + 2] !== 8) return damaged('unknown compression method');
  const flags = data[pos + 3] ?? 0;
  if (flags & FRESERVED) return damaged('unknown header flags set');
  if (data.length - pos < 10) return CUT; // magic, CM, FLG, MTIME (4), XFL, OS
  let p = pos + 10;
  if (flags & FEXTRA) {
    if (p + 2 > data.length) return CUT;
    p += 2 + (data[p]! | (data[p + 1]! << 8));
  }
  for (const field of [FNAME, FCOMMENT]) {
    if (!(flags & field)) continue;
    const zero = data.indexOf(0, p);
    if (zero < 0) return CUT;
    p = zero + 1;
  }
  if (flags & FHCRC) p += 2;
  return p > data.length ? CUT : p - pos;
}
