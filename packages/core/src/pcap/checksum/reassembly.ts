/**
 * IP fragment reassembly, only to verify the transport checksum of a fragmented datagram, as tshark
 * does with its default `ip.defragment: TRUE` / `ipv6.defragment: TRUE`: the datagram is checked in the
 * frame that completes it, the other fragments carry no transport status.
 *
 * Memory is bounded whatever the input: fragments are copied (they live in the reusable read buffer),
 * but pending bytes and pending fragments are capped and the oldest datagrams are dropped first.
 * Time is linear: each fragment costs O(log n) to track what is covered, and a datagram is assembled
 * once, when it is complete (re-sorting every part on every fragment made a flood of duplicates quadratic).
 */

/**
 * Upper bound on the bytes of all incomplete datagrams held at once (a hostile file can start many),
 * counted as allocated (a datagram's buffer grows by doubling).
 */
export const MAX_PENDING_FRAGMENT_BYTES = 32 * 1024 * 1024;
/**
 * Upper bound on the fragments of all incomplete datagrams held at once, so on the datagrams too (each
 * has one). The byte cap alone let empty fragments pile up: 3 M empty first fragments took 2.3 GB. A
 * datagram's fragments arrive within milliseconds on a real link, so what stays pending is mostly lost
 * causes; 16,384 fragments is a dozen 64 KiB datagrams at IPv4's smallest MTU (68: 1,366 fragments each)
 * or hundreds at usual MTUs, and small enough that the pending objects die young (a flood of 3 M runs
 * in ~130 MB; 65,536 made it 310 MB, most of it garbage waiting for a full collection).
 */
export const MAX_PENDING_FRAGMENTS = 16384;
/** An IP datagram cannot exceed 65535 bytes (IPv4 total length / IPv6 payload length are 16-bit). */
export const MAX_DATAGRAM = 65535;

/** One fragment: `length` bytes for datagram offset `offset`, kept at `at` in its datagram's `data`. */
interface Part {
  offset: number;
  at: number;
  length: number;
}

const NO_BYTES = new Uint8Array(0);
/** Shared by datagrams with nothing waiting (most), so that none allocates an empty array; never pushed to. */
const NO_PARTS: Part[] = [];

interface Pending {
  key: string;
  /** Completed or dropped: no longer in the map (its entry in the eviction queue is skipped). */
  gone: boolean;
  /** In arrival order: on overlaps the later data wins. */
  parts: Part[];
  /**
   * The parts' bytes, one after another: one buffer per datagram, not one per fragment (an ArrayBuffer
   * each made a flood of empty fragments spend most of its time collecting garbage).
   */
  data: Uint8Array;
  used: number;
  /** Datagram length once the last fragment (MF clear) has been seen; -1 before. */
  total: number;
  /** End of the gap-free run of parts from offset 0. */
  covered: number;
  /** Parts that start beyond `covered`, as a min-heap by offset: they join the run once it reaches them. */
  waiting: Part[];
}

export class Reassembler {
  private readonly pending = new Map<string, Pending>();
  /**
   * Datagrams in the order they were started, oldest at `head`: eviction takes them from here in O(1).
   * (Iterating the Map from its start instead skips every entry deleted since its last rehash: 3 M
   * datagrams took 100 s.)
   */
  private order: Pending[] = [];
  private head = 0;
  private pendingBytes = 0;
  private pendingFragments = 0;
  /** Incomplete datagrams dropped to stay within the caps, since the start. */
  dropped = 0;
  /** Told each time datagrams are dropped (how many at once), to warn. */
  onDrop: ((datagrams: number) => void) | undefined;

  /**
   * Add one fragment, the bytes src[start, end); returns the whole datagram when this fragment completes
   * it, else undefined. The bytes are copied: they live in the reused read buffer.
   */
  add(key: string, offset: number, src: Uint8Array, start: number, end: number, more: boolean): Uint8Array | undefined {
    const length = end - start;
    if (offset + length > MAX_DATAGRAM) return undefined;
    let p = this.pending.get(key);
    let part: Part;
    if (!p) {
      part = { offset, at: 0, length };
      p = { key, gone: false, parts: [part], data: NO_BYTES, used: 0, total: -1, covered: 0, waiting: NO_PARTS };
      this.pending.set(key, p);
      this.order.push(p);
      this.compact();
    } else {
      part = { offset, at: p.used, length };
      p.parts.push(part);
    }
    this.keep(p, src, start, end);
    this.pendingFragments++;
    if (!more) p.total = offset + length;
    cover(p, part);
    this.evict();
    // Complete when every part joins one run from 0 (a part after a gap, even past the end, keeps it open).
    if (p.total < 0 || p.waiting.length > 0 || p.covered < p.total || p.gone) return undefined;
    const whole = assemble(p);
    this.forget(p);
    return whole;
  }

  /** Copy a fragment's bytes behind the datagram's others. */
  private keep(p: Pending, src: Uint8Array, start: number, end: number): void {
    const need = p.used + end - start;
    if (need > p.data.length) {
      const grown = new Uint8Array(Math.max(need, 2 * p.data.length));
      grown.set(p.data.subarray(0, p.used));
      this.pendingBytes += grown.length - p.data.length;
      p.data = grown;
    }
    if (end > start) p.data.set(src.subarray(start, end), p.used);
    p.used = need;
  }

  private forget(p: Pending): void {
    p.gone = true;
    this.pending.delete(p.key);
    this.pendingBytes -= p.data.length;
    this.pendingFragments -= p.parts.length;
    // The queue may hold it a while longer: not its data.
    p.data = NO_BYTES;
    p.parts = NO_PARTS;
    p.waiting = NO_PARTS;
  }

  /**
   * Rebuild the eviction queue without completed and dropped datagrams once they are over half of it, so
   * that it stays within twice the pending ones; each rebuild is paid for by the datagrams that left.
   */
  private compact(): void {
    if (this.order.length <= 2 * this.pending.size + 1024) return;
    this.order = this.order.filter((p) => !p.gone);
    this.head = 0;
  }

  private evict(): void {
    if (this.pendingBytes <= MAX_PENDING_FRAGMENT_BYTES && this.pendingFragments <= MAX_PENDING_FRAGMENTS) return;
    let n = 0;
    while (this.pendingBytes > MAX_PENDING_FRAGMENT_BYTES || this.pendingFragments > MAX_PENDING_FRAGMENTS) {
      const oldest = this.order[this.head++]!;
      if (oldest.gone) continue;
      this.forget(oldest);
      n++;
    }
    this.dropped += n;
    this.onDrop?.(n);
  }
}

/** Extend the run from 0 with `part`, and with every waiting part the run now reaches. */
function cover(p: Pending, part: Part): void {
  if (part.offset > p.covered) {
    if (p.waiting === NO_PARTS) p.waiting = [];
    heapPush(p.waiting, part);
    return;
  }
  p.covered = Math.max(p.covered, part.offset + part.length);
  const w = p.waiting;
  while (w.length > 0 && w[0]!.offset <= p.covered) {
    const next = heapPop(w);
    p.covered = Math.max(p.covered, next.offset + next.length);
  }
}

/** The datagram [0, total) from complete parts, in arrival order so that on overlaps later data wins. */
function assemble(p: Pending): Uint8Array {
  const out = new Uint8Array(p.total);
  for (const part of p.parts) {
    // A part that starts at or past the end (the last fragment came short of earlier ones) adds nothing.
    if (part.offset < p.total) out.set(p.data.subarray(part.at, part.at + Math.min(part.length, p.total - part.offset)), part.offset);
  }
  return out;
}

function heapPush(h: Part[], x: Part): void {
  let i = h.length;
  h.push(x);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (h[parent]!.offset <= x.offset) break;
    h[i] = h[parent]!;
    i = parent;
  }
  h[i] = x;
}

function heapPop(h: Part[]): Part {
  const top = h[0]!;
  const last = h.pop()!;
  if (h.length === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= h.length) break;
    const r = l + 1;
    const c = r < h.length && h[r]!.offset < h[l]!.offset ? r : l;
    if (h[c]!.offset >= last.offset) break;
    h[i] = h[c]!;
    i = c;
  }
  h[i] = last;
  return top;
}
