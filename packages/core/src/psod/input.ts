import { gunzipBounded, isGzip } from '../io/files.js';

/**
 * Largest PSOD input read: a whole vmkernel.log from a support bundle fits (they rotate at a few MB);
 * anything bigger is not a pasted screen and is refused rather than held in memory.
 */
export const MAX_PSOD_INPUT = 64 * 1024 * 1024;

/** Bytes (plain or gzipped vmkernel.log) -> text; invalid UTF-8 becomes U+FFFD rather than failing. */
export function psodText(data: Uint8Array, file?: string): string {
  const plain = isGzip(data) ? gunzipBounded(data, MAX_PSOD_INPUT, file) : data;
  return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf8');
}
