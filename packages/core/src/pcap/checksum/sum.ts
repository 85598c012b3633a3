/**
 * Internet checksum arithmetic (RFC 1071) over bytes in a buffer, without copying.
 *
 * The ones'-complement sum is byte-order independent (RFC 1071 §2(B)): we add little-endian 32-bit
 * words (the machine's native order, the fastest DataView read), fold to 16 bits, and swap the two
 * bytes once at the end to get the big-endian (network order) sum.
 */

/** Fold a non-negative integer (< 2^53) into 16 bits with end-around carry. */
export function fold16(s: number): number {
  // Up to 2^53: first bring it under 2^32 exactly (no bitwise ops on > 32-bit values).
  while (s > 0xffffffff) s = (s % 0x100000000) + Math.floor(s / 0x100000000);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s;
}

function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/**
 * Uncomplemented ones'-complement sum of `len` bytes at `off`, folded to 16 bits, in network order.
 * `off` may be odd relative to the packet start only if the caller accounts for it; checksummed
 * regions always start at an even offset from their header, and we sum each region separately.
 */
export function onesSum(dv: DataView, off: number, len: number): number {
  let a = 0;
  let b = 0;
  let i = off;
  const end = off + len;
  // Two accumulators of 32-bit words; each stays below 2^53 for any region under 2^20 words per accumulator pass.
  const end16 = end - 15;
  while (i < end16) {
    a += dv.getUint32(i, true) + dv.getUint32(i + 4, true);
    b += dv.getUint32(i + 8, true) + dv.getUint32(i + 12, true);
    i += 16;
  }
  let s = a + b;
  while (i + 3 < end) {
    s += dv.getUint32(i, true);
    i += 4;
  }
  if (i + 1 < end) {
    s += dv.getUint16(i, true);
    i += 2;
  }
  if (i < end) s += dv.getUint8(i); // the odd last byte is the high byte of a big-endian word: low byte when read little-endian
  return swap16(fold16(s));
}

/** Ones'-complement addition of two 16-bit sums. */
export function add16(a: number, b: number): number {
  const s = a + b;
  return (s & 0xffff) + (s >>> 16);
}

/** Ones'-complement subtraction: the sum without the word `w` (used to take the stored checksum out again). */
export function sub16(sum: number, w: number): number {
  return add16(sum, ~w & 0xffff);
}
