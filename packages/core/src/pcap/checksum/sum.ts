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
  while (s > 0xffffffff) {
    const high = Math.floor(s / 0x100000000);
    s = s - high * 0x100000000 + high;
  }
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s;
}

function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/**
 * Uncomplemented ones'-complement sum of `len` bytes at `off`, folded to 16 bits, in network order.
 * Checksummed regions always start at the start of their header, so word alignment is relative to `off`.
 */
export function onesSumJs(dv: DataView, off: number, len: number): number {
  let a = 0;
  let b = 0;
  let i = off;
  const end = off + len;
  // Two accumulators of 32-bit words; together they stay below 2^53 for any region under 2^21 words.
  const end16 = end - 15;
  while (i < end16) {
    a += dv.getUint32(i, true) + dv.getUint32(i + 4, true);
    b += dv.getUint32(i + 8, true) + dv.getUint32(i + 12, true);
    i += 16;
  }
  return finishSum(a + b, dv, i, end);
}

/** Add the last bytes [i, end) to a running sum of little-endian words, fold, and turn to network order. */
export function finishSum(partial: number, dv: DataView, i: number, end: number): number {
  let s = partial;
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

/** The plain JS sum (the SIMD kernel, when in use, is passed around as a `SumFn`). */
export const onesSum = onesSumJs;

export type SumFn = (dv: DataView, off: number, len: number) => number;

/** Ones'-complement addition of two 16-bit sums. */
export function add16(a: number, b: number): number {
  const s = a + b;
  return (s & 0xffff) + (s >>> 16);
}

/** Ones'-complement subtraction: the sum without the word `w` (used to take the stored checksum out again). */
export function sub16(sum: number, w: number): number {
  return add16(sum, ~w & 0xffff);
}

/**
 * Sum of a short region of big-endian 16-bit words (headers and addresses, at most a few dozen words):
 * no byte swap and no wide accumulator needed, so much cheaper per call than onesSumJs.
 * `len` must be even.
 */
export function wordSum(dv: DataView, off: number, len: number): number {
  let s = 0;
  if ((len & 3) === 0) {
    // Headers and addresses are whole 32-bit words: half the loads, each word's two halves added
    // (measured: ~4 % of the whole checksum run on bench/pcap.mjs).
    for (let i = off, end = off + len; i < end; i += 4) {
      const w = dv.getUint32(i);
      s += (w & 0xffff) + (w >>> 16);
    }
  } else {
    for (let i = off, end = off + len; i < end; i += 2) s += dv.getUint16(i);
  }
  s = (s & 0xffff) + (s >>> 16);
  return (s & 0xffff) + (s >>> 16);
}
