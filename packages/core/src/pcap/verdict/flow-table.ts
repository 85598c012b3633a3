/**
 * The flow table of the offload verdict: TCP flows keyed by a 32-bit hash of both endpoints (numbers read
 * from the frame, no string per frame), a recently-seen cache that finds most frames' flow without hashing,
 * a memory of frames known not to be followed, the list of live flows oldest first, and eviction when the
 * table is full (FLOW_TABLE_CAP, idle flows first). What a flow records about its segments is
 * segment-fates.ts; the breakdown of finished flows is flow-breakdown.ts.
 */
import { addressKey, flowFilterSlot } from '../frame/flow-filter.js';
import type { SegmentOutcomes } from './outcomes.js';
import type { SeqBounds } from './seq-bounds.js';
import type { Pending } from './segment-fates.js';
import { FLOW_IDLE_SECONDS, FLOW_TABLE_CAP, FLOW_TABLE_LOW_WATER } from './thresholds.js';

/**
 * Most flows one hash bucket holds: a bucket this full takes no new flow (counted as untracked). The table
 * keeps its load at or under 1/2, so an honest bucket holds one or two flows (16 or more: ~1e-18 per
 * bucket). The hash is public and invertible, so a crafted capture can give every flow a different key
 * with the same low bits: 80,000 such flows (7.5 MB) piled into one bucket and ran over 300 s, every
 * lookup and eviction walking them all. Counting only flows with an equal key did not stop that.
 */
export const MAX_CHAIN = 16;

/**
 * Most hash buckets of the flow table: a power of two at least twice FLOW_TABLE_CAP, so that chains
 * stay short (a load of at most 1/2) and a bucket is found with a mask, not a Map lookup.
 */
const MAX_BUCKETS = 2 ** Math.ceil(Math.log2(2 * FLOW_TABLE_CAP));

/**
 * Buckets to start with; the table doubles them as it fills. Most captures follow a few flows, and
 * allocating all 131,072 up front cost ~1 ms per run, and as much again to clear them (measured).
 */
const FIRST_BUCKETS = 1024;

const newBuckets = (n: number): (Flow | undefined)[] => new Array<Flow | undefined>(n).fill(undefined);

/**
 * Evicted flows kept for reuse, at most one eviction round's worth. A flow lives long enough to be promoted
 * to V8's old generation, so each evicted one was old garbage: a capture of 400,000 short flows let 240 MB
 * of it pile up before a full collection (326 MB peak, over the 256 MB budget; 65,536 live flows are ~45 MB).
 */
const MAX_SPARE_FLOWS = FLOW_TABLE_CAP - FLOW_TABLE_LOW_WATER;

/** FNV-1a over the version, both ports and the eight address words: a number key, no string per frame. */
export function flowKey(v: number, lowPort: number, highPort: number, w: Int32Array, lo: number, hi: number): number {
  let h = Math.imul(0x811c9dc5 ^ v, 0x01000193);
  h = Math.imul(h ^ (lowPort * 65536 + highPort), 0x01000193);
  h = Math.imul(h ^ w[lo]!, 0x01000193);
  h = Math.imul(h ^ w[lo + 1]!, 0x01000193);
  h = Math.imul(h ^ w[lo + 2]!, 0x01000193);
  h = Math.imul(h ^ w[lo + 3]!, 0x01000193);
  h = Math.imul(h ^ w[hi]!, 0x01000193);
  h = Math.imul(h ^ w[hi + 1]!, 0x01000193);
  h = Math.imul(h ^ w[hi + 2]!, 0x01000193);
  h = Math.imul(h ^ w[hi + 3]!, 0x01000193);
  // Word-wise FNV mixes upwards only; the bucket index takes the low bits, so finish with an avalanche
  // (MurmurHash3's fmix32), or sequential addresses and ports pile into a few buckets.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0; // signed: a small integer for V8
}

/** log2 of the entries in the recently-seen cache; a busy link has a few hundred active flows. */
export const RECENT_BITS = 12;
export const RECENT_MASK = (1 << RECENT_BITS) - 1;

/**
 * Slot in the recently-seen cache: the sum of a hash of each endpoint (first and last address
 * word, port), so the same whichever way the frame goes, yet (a:p > b:q) and (b:p > a:q) differ.
 */
export function recentSlot(srcWord: number, srcPort: number, dstWord: number, dstPort: number): number {
  const s = Math.imul(Math.imul(srcWord, 0x85ebca6b) ^ srcPort, 0x9e3779b1);
  const d = Math.imul(Math.imul(dstWord, 0x85ebca6b) ^ dstPort, 0x9e3779b1);
  return Math.imul((s + d) | 0, 0xc2b2ae35) >>> (32 - RECENT_BITS);
}

/** Both endpoints of a flow as numbers (see Flow). */
export interface Endpoints {
  v: number;
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  b0: number;
  b1: number;
  b2: number;
  b3: number;
  lowPort: number;
  highPort: number;
}

export interface Flow extends Endpoints {
  /**
   * Endpoints as numbers: IP version, the lower endpoint (side 0) as a0..a3 and lowPort, the higher
   * as b0..b3 and highPort (address words as in TcpSegmentFacts.addressWords), and the table key.
   */
  lowPort: number;
  highPort: number;
  key: number;
  /** Next flow in the same hash bucket. */
  next: Flow | undefined;
  /** Neighbours in the list of live flows, oldest first (the order eviction and the breakdown walk them in). */
  older: Flow | undefined;
  newer: Flow | undefined;
  lastSeen: number;
  /** Last frame number seen from each side (0: none). Side 0 is the lower endpoint. */
  last0: number;
  last1: number;
  /** Open bad segments, oldest first, in pending[head..]: dropping the oldest is `head++`, not a shift. */
  pending: (Pending | undefined)[];
  head: number;
  /** Bounds of each side's open segments (in `pending`), to skip walking them when nothing can match. */
  open0: SeqBounds;
  open1: SeqBounds;
  /** Which side sent the flow's first bad segment: the breakdown names the flow in that direction. */
  labelSide: 0 | 1;
  /**
   * Bit 1 << side: that side's last frame seen while the flow had open segments advertised a zero window
   * (no SYN, FIN or RST: tshark's tcp.analysis.zero_window). Only those frames: while nothing is open the
   * reader's sink hands over none of the flow's good frames, and the verdict must not depend on that.
   */
  zeroWindow: number;
  /** Its slot in the FlowFilter (`filterSlot`), computed once: it is added and removed with every open segment. */
  filterSlot: number;
  bad: number;
  fates: SegmentOutcomes;
}

export interface FlowTableStats {
  /** Flows followed in total (each began with a bad-checksum segment). */
  followed: number;
  /** Largest number followed at once. */
  peak: number;
  /** Finalised because they had been idle FLOW_IDLE_SECONDS when room was needed. */
  evictedIdle: number;
  /** Finalised early to stay under FLOW_TABLE_CAP although not idle. */
  evictedEarly: number;
  /** Bad segments not followed: MAX_PENDING_TOTAL segments already open, or a crafted key collision. */
  untracked: number;
  /** Bad segments finalised early because their flow already had MAX_PENDING_PER_FLOW open. */
  overflowed: number;
  /** Frames that were a second capture of an open bad segment (same packet on two interfaces): not re-sends. */
  duplicates: number;
  /** Open bad segments sent again with nothing from the peer in the connection (SYN retries): `unknown`, not failed. */
  unansweredResends: number;
  /** Zero-window probes sent again, or segments re-sent while the peer's window was closed: `unknown`, not failed. */
  zeroWindowResends: number;
}

/** Does `f` have endpoints (v, low words at w[lo..], lowPort) and (high words at w[hi..], highPort)? */
export function same(f: Endpoints, v: number, lowPort: number, highPort: number, w: Int32Array, lo: number, hi: number): boolean {
  return (
    f.lowPort === lowPort &&
    f.highPort === highPort &&
    f.a0 === w[lo] &&
    f.b0 === w[hi] &&
    f.v === v &&
    f.a1 === w[lo + 1] &&
    f.a2 === w[lo + 2] &&
    f.a3 === w[lo + 3] &&
    f.b1 === w[hi + 1] &&
    f.b2 === w[hi + 2] &&
    f.b3 === w[hi + 3]
  );
}

/** The flow's slot in the FlowFilter (the same from either side). */
export function filterSlot(f: Flow): number {
  return flowFilterSlot(addressKey(f.a0, f.a1, f.a2, f.a3), f.lowPort, addressKey(f.b0, f.b1, f.b2, f.b3), f.highPort);
}

/**
 * The table itself: hash buckets, the recent cache and the unfollowed memory (both indexed by recentSlot),
 * and the live flows oldest first. `close` is called for a flow leaving the table (its segments are settled there).
 */
export class FlowTable {
  private buckets = newBuckets(FIRST_BUCKETS);
  /** buckets.length - 1 */
  private mask = FIRST_BUCKETS - 1;
  count = 0;
  /**
   * Recently seen flows, direct-mapped by a hash that is the same in both directions (recentSlot),
   * so most frames find their flow without working out its side or hashing it fully.
   */
  readonly recent: (Flow | undefined)[] = new Array<Flow | undefined>(RECENT_MASK + 1).fill(undefined);
  /**
   * Per slot of `recent`, the endpoints of a frame recently found in no followed flow: its next
   * frames are turned away without a table lookup. Creating a flow forgets its slot's entry, so an
   * entry never hides a followed flow.
   */
  readonly unfollowed: (Endpoints | undefined)[] = new Array<Endpoints | undefined>(RECENT_MASK + 1).fill(undefined);
  /** Live flows, oldest first. */
  oldest: Flow | undefined;
  newest: Flow | undefined;
  /** Evicted (closed and unlinked) flows for the next new flows to reuse; see MAX_SPARE_FLOWS. */
  private readonly spare: Flow[] = [];

  constructor(
    readonly stats: FlowTableStats,
    private readonly close: (flow: Flow) => void,
  ) {}

  /** The first flow of the chain that a flow with this key is in (see Flow.next). */
  bucket(key: number): Flow | undefined {
    return this.buckets[key & this.mask];
  }

  /** An evicted flow to reuse (closed: no open segment, empty bounds), or undefined. */
  takeSpare(): Flow | undefined {
    return this.spare.pop();
  }

  /** Add a new flow, whose `next` is `bucket(flow.key)` (the caller made room first), and make it the newest. */
  insert(flow: Flow, r: number): void {
    this.buckets[flow.key & this.mask] = flow;
    // An unfollowed-frame memory in this slot may be of this very flow: forget it (v 0 never matches).
    const ghost = this.unfollowed[r];
    if (ghost !== undefined) ghost.v = 0;
    if (this.newest !== undefined) this.newest.newer = flow;
    else this.oldest = flow;
    this.newest = flow;
    this.count++;
    this.stats.followed++;
    if (this.count > this.stats.peak) this.stats.peak = this.count;
    if (this.count * 2 > this.buckets.length && this.buckets.length < MAX_BUCKETS) this.grow();
  }

  /** Twice the buckets, every live flow rehashed into them: the load stays at most 1/2 (amortised O(1) per flow). */
  private grow(): void {
    const buckets = newBuckets(this.buckets.length * 2);
    const mask = buckets.length - 1;
    for (let f = this.oldest; f !== undefined; f = f.newer) {
      const at = f.key & mask;
      f.next = buckets[at];
      buckets[at] = f;
    }
    this.buckets = buckets;
    this.mask = mask;
  }

  /** Remember that a frame with these endpoints belongs to no followed flow. */
  rememberUnfollowed(r: number, v: number, srcPort: number, dstPort: number, w: Int32Array): void {
    let g = this.unfollowed[r];
    if (g === undefined) {
      g = { v: 0, a0: 0, a1: 0, a2: 0, a3: 0, b0: 0, b1: 0, b2: 0, b3: 0, lowPort: 0, highPort: 0 };
      this.unfollowed[r] = g;
    }
    g.v = v;
    g.a0 = w[0]!;
    g.a1 = w[1]!;
    g.a2 = w[2]!;
    g.a3 = w[3]!;
    g.b0 = w[4]!;
    g.b1 = w[5]!;
    g.b2 = w[6]!;
    g.b3 = w[7]!;
    g.lowPort = srcPort;
    g.highPort = dstPort;
  }

  /**
   * The table is full: finalise flows idle for FLOW_IDLE_SECONDS; if that frees too little, the least
   * recently active down to FLOW_TABLE_LOW_WATER. Runs once per (cap - low water) new flows at most,
   * so its O(n log n) cost is spread thin.
   */
  makeRoom(now: number): void {
    const idleBefore = now - FLOW_IDLE_SECONDS;
    let idle = 0;
    for (let f = this.oldest; f !== undefined; ) {
      const newer = f.newer;
      if (f.lastSeen < idleBefore) {
        this.evict(f);
        idle++;
      }
      f = newer;
    }
    this.stats.evictedIdle += idle;
    const excess = this.count - FLOW_TABLE_LOW_WATER;
    if (excess <= 0) return;
    const seen = new Float64Array(this.count);
    let n = 0;
    for (let f = this.oldest; f !== undefined; f = f.newer) seen[n++] = f.lastSeen;
    seen.sort();
    const cutoff = seen[excess - 1]!;
    let evicted = 0;
    for (let f = this.oldest; f !== undefined && evicted < excess; ) {
      const newer = f.newer;
      if (f.lastSeen <= cutoff) {
        this.evict(f);
        evicted++;
      }
      f = newer;
    }
    this.stats.evictedEarly += evicted;
  }

  /** Close every flow still in the table and empty it (end of capture). */
  clear(): void {
    for (const flow of this.all()) this.close(flow);
    this.buckets = newBuckets(FIRST_BUCKETS);
    this.mask = FIRST_BUCKETS - 1;
    this.recent.fill(undefined);
    this.unfollowed.fill(undefined);
    this.oldest = this.newest = undefined;
    this.count = 0;
    this.spare.length = 0;
  }

  /** The live flows, oldest first. */
  private all(): Flow[] {
    const out: Flow[] = [];
    for (let f = this.oldest; f !== undefined; f = f.newer) out.push(f);
    return out;
  }

  /** Close a flow and unlink it from its bucket chain, the recent cache and the live list. */
  private evict(flow: Flow): void {
    this.close(flow);
    const r = recentSlot(flow.a0 ^ flow.a3, flow.lowPort, flow.b0 ^ flow.b3, flow.highPort); // as observe (a3, b3 are 0 for IPv4)
    if (this.recent[r] === flow) this.recent[r] = undefined;
    const at = flow.key & this.mask;
    const head = this.buckets[at];
    if (head === flow) this.buckets[at] = flow.next;
    else {
      let f = head;
      while (f !== undefined && f.next !== flow) f = f.next;
      if (f !== undefined) f.next = flow.next;
    }
    flow.next = undefined;
    if (flow.older !== undefined) flow.older.newer = flow.newer;
    else this.oldest = flow.newer;
    if (flow.newer !== undefined) flow.newer.older = flow.older;
    else this.newest = flow.older;
    flow.older = flow.newer = undefined;
    this.count--;
    if (this.spare.length < MAX_SPARE_FLOWS) this.spare.push(flow);
  }
}
