/**
 * Address -> module lookup over a loaded-module (or driver) list, plus the stack scan that finds
 * pointer-sized values falling inside modules (the BlueScreenView-style "drivers on the stack").
 */

export interface ModuleRange {
  /** Display name (base name, e.g. `amdppm.sys`). */
  name: string;
  base: bigint;
  size: bigint;
}

/**
 * Slack around each module's range in the approximate (double) pre-check: a 64-bit address as a double is
 * off by at most 2^11, so a value within this of a range is checked exactly.
 */
const APPROX_SLACK = 4096;

export class ModuleMap<M extends ModuleRange> {
  private readonly sorted: M[];
  /** The sorted ranges as doubles, for the stack scan's pre-check (no BigInt made for most slots). */
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  constructor(modules: readonly M[]) {
    this.sorted = modules.filter((m) => m.size > 0n).sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
    this.starts = Float64Array.from(this.sorted, (m) => Number(m.base) - APPROX_SLACK);
    // the furthest end so far: a damaged list may hold a long entry that covers later ones
    let far = -Infinity;
    this.ends = Float64Array.from(this.sorted, (m) => (far = Math.max(far, Number(m.base + m.size) + APPROX_SLACK)));
  }

  /** The module whose [base, base+size) holds `addr`, or null. Binary search: lists have hundreds of entries. */
  find(addr: bigint): M | null {
    let lo = 0;
    let hi = this.sorted.length - 1;
    let best: M | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.sorted[mid]!;
      if (m.base <= addr) {
        best = m;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Overlapping entries are possible in damaged lists: fall back to a linear check of the candidate only.
    return best !== null && addr < best.base + best.size ? best : null;
  }

  /**
   * False when the address `hi * 2^32 + lo` (two 32-bit halves) is surely in no module; true when it may be
   * (then `find` decides). Numbers only: a stack scan reads thousands of slots, nearly all outside modules.
   */
  mayHold(hi: number, lo: number): boolean {
    const d = hi * 4294967296 + lo;
    const starts = this.starts;
    let a = 0;
    let b = starts.length - 1;
    let at = -1;
    while (a <= b) {
      const mid = (a + b) >> 1;
      if (starts[mid]! <= d) {
        at = mid;
        a = mid + 1;
      } else b = mid - 1;
    }
    return at >= 0 && d < this.ends[at]!;
  }
}

export interface StackHit<M> {
  /** Virtual address of the stack slot. */
  slot: bigint;
  value: bigint;
  module: M;
}

/** How many pointer-sized slots a scan looks at: 64 KB of x64 stack, far deeper than any crash needs. */
export const MAX_STACK_SLOTS = 8192;

/**
 * Every pointer-sized value in `stack` (bytes of memory starting at VA `stackBase`), from `fromVa`
 * upward, that points into a module. `accept` filters modules (e.g. skip the kernel).
 */
export function scanStack<M extends ModuleRange>(
  stack: Buffer,
  stackBase: bigint,
  fromVa: bigint,
  ptrSize: 4 | 8,
  map: ModuleMap<M>,
  accept: (m: M) => boolean = () => true,
  maxSlots = MAX_STACK_SLOTS,
): StackHit<M>[] {
  const hits: StackHit<M>[] = [];
  let start = 0;
  if (fromVa > stackBase && fromVa - stackBase < BigInt(stack.length)) start = Number(fromVa - stackBase);
  start -= start % ptrSize;
  const end = Math.min(stack.length - ptrSize, start + maxSlots * ptrSize);
  for (let off = start; off <= end; off += ptrSize) {
    const lo = stack.readUInt32LE(off);
    const hi = ptrSize === 8 ? stack.readUInt32LE(off + 4) : 0;
    if ((lo === 0 && hi === 0) || !map.mayHold(hi, lo)) continue; // most slots: no BigInt is made for them
    const value = ptrSize === 8 ? (BigInt(hi) << 32n) | BigInt(lo) : BigInt(lo);
    const m = map.find(value);
    // A module's own base is a handle (HMODULE, DllBase) kept in a variable, never a return address.
    if (m !== null && value !== m.base && accept(m)) hits.push({ slot: stackBase + BigInt(off), value, module: m });
  }
  return hits;
}

export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

/** `name+0xoffset`, the symbol-less frame form. */
export function moduleOffset(m: ModuleRange, addr: bigint): string {
  return `${m.name}+${hex(addr - m.base)}`;
}

/** Last path component, for both `\` and `/` separators. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i < 0 ? path : path.slice(i + 1);
}

/** Frame records followed at most: deeper than any kernel stack's real call depth. */
export const MAX_FP_FRAMES = 128;

/**
 * Follow a frame-pointer chain through saved stack bytes: each record is {previous FP, return address}
 * (ARM64 {x29, x30}; x86 {EBP, return EIP}). Stops when a record leaves the stack or the chain does not
 * move strictly upward, so a damaged or circular chain ends instead of looping.
 */
export function walkFramePointers(stack: Buffer, stackBase: bigint, fp: bigint, ptrSize: 4 | 8, maxFrames = MAX_FP_FRAMES): { fp: bigint; returnAddress: bigint }[] {
  const out: { fp: bigint; returnAddress: bigint }[] = [];
  const end = stackBase + BigInt(stack.length);
  const read = (va: bigint) => {
    const off = Number(va - stackBase);
    return ptrSize === 8 ? stack.readBigUInt64LE(off) : BigInt(stack.readUInt32LE(off));
  };
  let cur = fp;
  while (out.length < maxFrames && cur >= stackBase && cur + BigInt(2 * ptrSize) <= end && (cur - stackBase) % BigInt(ptrSize) === 0n) {
    const next = read(cur);
    const ra = read(cur + BigInt(ptrSize));
    if (ra === 0n) break;
    out.push({ fp: cur, returnAddress: ra });
    if (next <= cur) break;
    cur = next;
  }
  return out;
}
