/**
 * A WebAssembly SIMD kernel for the bulk of the ones'-complement sum: 32 bytes per iteration, two
 * 128-bit loads widened into 64-bit lanes (no overflow for any region this program sums). It works on
 * its own linear memory, so the capture reader uses that memory as its read buffer; regions elsewhere
 * (reassembled datagrams) and short regions use the plain JS sum.
 *
 * Measured here: the JS loop sums about 4-6 GB/s, the kernel several times that (bench/pcap.mjs).
 * Hand-assembled (no toolchain dependency); the differential tests check it against tshark and the
 * unit tests against a word-by-word RFC 1071 sum.
 */
import { onesSumJs, finishSum } from './sum.js';

/** Pages of 64 KiB the kernel's memory has; the read buffer must fit in it. */
const PAGE = 65536;
/** Below this many bytes the JS->wasm call costs more than it saves. */
const SIMD_MIN_BYTES = 96;

// (func (param $off i32) (param $len i32) (result f64)) summing little-endian u32 words of
// [off, off + (len & ~31)) into two u64 lanes and returning their sum as f64 (exact below 2^53).
const CODE = [
  0x02, 0x01, 0x7f, 0x02, 0x7b, // locals: 1 x i32 (end), 2 x v128 (acc, v)
  0x20, 0x00, 0x20, 0x01, 0x41, 0x60, 0x71, 0x6a, 0x21, 0x02, // end = off + (len & -32)
  0xfd, 0x0c, ...new Array(16).fill(0), 0x21, 0x03, // acc = 0
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 0x00, 0x20, 0x02, 0x4f, 0x0d, 0x01, // if off >= end: break
  0x20, 0x00, 0xfd, 0x00, 0x00, 0x00, 0x22, 0x04, // v = load(off)
  0xfd, 0xc9, 0x01, 0x20, 0x03, 0xfd, 0xce, 0x01, // acc += extend_low_u(v)
  0x20, 0x04, 0xfd, 0xca, 0x01, 0xfd, 0xce, 0x01, 0x21, 0x03, // acc += extend_high_u(v)
  0x20, 0x00, 0xfd, 0x00, 0x00, 0x10, 0x22, 0x04, // v = load(off + 16)
  0xfd, 0xc9, 0x01, 0x20, 0x03, 0xfd, 0xce, 0x01,
  0x20, 0x04, 0xfd, 0xca, 0x01, 0xfd, 0xce, 0x01, 0x21, 0x03,
  0x20, 0x00, 0x41, 0x20, 0x6a, 0x21, 0x00, // off += 32
  0x0c, 0x00, 0x0b, 0x0b, // continue; end loop; end block
  0x20, 0x03, 0xfd, 0x1d, 0x00, 0x20, 0x03, 0xfd, 0x1d, 0x01, 0x7c, 0xba, // f64(lane0 + lane1)
  0x0b,
];

function moduleBytes(pages: number): Uint8Array {
  const leb = (n: number) => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  const name = (s: string) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7c]), // type (i32, i32) -> f64
    ...section(3, [0x01, 0x00]), // one function of type 0
    ...section(5, [0x01, 0x00, ...leb(pages)]), // memory, min pages
    ...section(7, [0x02, ...name('sum'), 0x00, 0x00, ...name('mem'), 0x02, 0x00]), // exports
    ...section(10, [0x01, ...leb(CODE.length), ...CODE]),
  ]);
}

/** The part of the WebAssembly API used here (the project's TS lib has no DOM/wasm typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

export interface SimdSum {
  /** The kernel's memory, to be used as the read buffer (at least the requested size). */
  readonly buffer: ArrayBuffer;
  /** Uncomplemented 16-bit ones'-complement sum in network order (same contract as onesSum). */
  sum(dv: DataView, off: number, len: number): number;
}

/** A kernel whose memory holds `bytes`, or undefined where WebAssembly SIMD is unavailable. */
export function createSimdSum(bytes: number): SimdSum | undefined {
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm) return undefined;
    const instance = new wasm.Instance(new wasm.Module(moduleBytes(Math.ceil(bytes / PAGE))));
    const mem = instance.exports['mem'] as { buffer: ArrayBuffer };
    const kernel = instance.exports['sum'] as (off: number, len: number) => number;
    const buffer = mem.buffer;
    return {
      buffer,
      sum(dv, off, len) {
        if (len < SIMD_MIN_BYTES || dv.buffer !== buffer) return onesSumJs(dv, off, len);
        const bulk = len & ~31;
        const start = dv.byteOffset + off;
        return finishSum(kernel(start, len), dv, off + bulk, off + len);
      },
    };
  } catch {
    return undefined;
  }
}
