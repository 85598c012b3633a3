import { TextDecoder } from 'node:util';
import { Gunzip } from 'minizlib';
import { AnalyzeError } from '../errors.js';
import { gunzipBounded, isGzip } from '../io/files.js';

/**
 * Largest PSOD input read: a whole vmkernel.log from a support bundle fits (they rotate at a few MB);
 * anything bigger is not a pasted screen and is refused rather than held in memory.
 */
export const MAX_PSOD_INPUT = 64 * 1024 * 1024;

/** How much of the start is looked at to recognise UTF-16 without a byte-order mark. */
const SNIFF_BYTES = 4096;

/**
 * Bytes (plain or gzipped vmkernel.log) -> text. UTF-16 (with a byte-order mark, or recognised by its
 * zero bytes: a screen saved by a Windows tool) is decoded as such; read as UTF-8 it would double in
 * size and become U+FFFD noise. Invalid UTF-8 becomes U+FFFD rather than failing.
 * @example const text = psodText(readFileSync('vmkernel-zdump.txt.gz'), 'vmkernel-zdump.txt.gz');
 */
export function psodText(data: Uint8Array, file?: string): string {
  if (isGzip(data)) return gunzipText(data, file);
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const utf16 = utf16Order(bytes);
  if (utf16 !== undefined) return new TextDecoder(utf16).decode(bytes);
  return bytes.toString('utf8');
}

/** Compressed bytes handed to zlib per write (≤ ~1000x as much output held at once). */
const INFLATE_SLICE = 16 * 1024;

/**
 * Inflate and decode a gzipped text a slice at a time: the inflated bytes are never held whole next to
 * the text made of them (that doubled the peak). Damage and bombs are reported as gunzipBounded does.
 */
function gunzipText(data: Uint8Array, file?: string): string {
  const gz = new Gunzip({});
  const pieces: string[] = [];
  let head: Buffer[] = [];
  let headLength = 0;
  let decoder: TextDecoder | undefined;
  let total = 0;
  let failed = false;
  gz.on('error', () => (failed = true));
  gz.on('data', (c: Buffer) => {
    total += c.length;
    if (total > MAX_PSOD_INPUT) failed = true;
    if (failed) return;
    if (decoder === undefined) {
      head.push(Buffer.from(c));
      headLength += c.length;
      if (headLength < SNIFF_BYTES) return;
      const start = Buffer.concat(head);
      head = [];
      decoder = new TextDecoder(utf16Order(start) ?? 'utf-8');
      pieces.push(decoder.decode(start, { stream: true }));
      return;
    }
    pieces.push(decoder.decode(c, { stream: true }));
  });
  try {
    for (let at = 0; at < data.length && !failed; at += INFLATE_SLICE) gz.write(Buffer.from(data.buffer, data.byteOffset + at, Math.min(INFLATE_SLICE, data.length - at)));
    if (!failed) gz.end();
  } catch {
    failed = true;
  }
  // too large: said at once (inflating it again to find out would hold 64 MiB); damaged: the same
  // GZIP_CORRUPT with its offset as every other gzip input
  if (total > MAX_PSOD_INPUT) throw new AnalyzeError('GZIP_TOO_LARGE', `inflates to more than ${MAX_PSOD_INPUT} bytes (decompression bomb?)`, { file });
  if (failed) gunzipBounded(data, MAX_PSOD_INPUT, file);
  if (decoder === undefined) {
    const start = Buffer.concat(head);
    return new TextDecoder(utf16Order(start) ?? 'utf-8').decode(start);
  }
  pieces.push(decoder.decode());
  return pieces.join('');
}

/** 'utf-16le' / 'utf-16be' when the bytes look like UTF-16 text, else undefined. */
export function utf16Order(b: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  // ASCII text in UTF-16 has a zero in every other byte; real UTF-8 text has none
  const n = Math.min(b.length, SNIFF_BYTES) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  return undefined;
}
