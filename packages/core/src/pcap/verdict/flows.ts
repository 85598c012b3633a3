import { formatIp } from '../decode/addr.js';
import { addressKey, FlowFilter, flowFilterSlot } from '../flow-filter.js';
import type { TcpSegmentFacts } from '../frame.js';
import { countFate, emptyOutcomes, type Fate, type OutcomesByValue, type SegmentOutcomes } from './outcomes.js';
import { SeqBounds } from './seq-bounds.js';
import {
  FLOW_IDLE_SECONDS,
  FLOW_TABLE_CAP,
  FLOW_TABLE_LOW_WATER,
  MAX_PENDING_PER_FLOW,
  MAX_PENDING_TOTAL,
  TOP_FLOWS,
} from './thresholds.js';

const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;

/**
 * Longest chain of flows sharing a table key that a lookup walks. Keys are 32-bit hashes, so honest
 * chains hold one or two flows; a crafted capture full of colliding flows stops creating new ones
 * here (counted as untracked) instead of making every lookup slower.
 */
const MAX_CHAIN = 16;

/**
 * Hash buckets of the flow table: a power of two at least twice FLOW_TABLE_CAP, so that chains
 * stay short (a load of at most 1/2) and a bucket is found with a mask, not a Map lookup.
 */
const BUCKET_MASK = 2 ** Math.ceil(Math.log2(2 * FLOW_TABLE_CAP)) - 1;

/** FNV-1a over the version, both ports and the eight address words: a number key, no string per frame. */
function flowKey(v: number, lowPort: number, highPort: number, w: Int32Array, lo: number, hi: number): number {
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
const RECENT_BITS = 12;
const RECENT_MASK = (1 << RECENT_BITS) - 1;

/**
 * Slot in the recently-seen cache: the sum of a hash of each endpoint (first and last address
 * word, port), so the same whichever way the frame goes, yet (a:p > b:q) and (b:p > a:q) differ.
 */
export function recentSlot(srcWord: number, srcPort: number, dstWord: number, dstPort: number): number {
  const s = Math.imul(Math.imul(srcWord, 0x85ebca6b) ^ srcPort, 0x9e3779b1);
  const d = Math.imul(Math.imul(dstWord, 0x85ebca6b) ^ dstPort, 0x9e3779b1);
  return Math.imul((s + d) | 0, 0xc2b2ae35) >>> (32 - RECENT_BITS);
}

/** 32-bit sequence-space comparisons (RFC 793 arithmetic modulo 2^32). */
const seqLt = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const seqGe = (a: number, b: number): boolean => ((a - b) | 0) >= 0;

/** What the verdict wants to know about one bad-checksum segment, filled in when its fate is known. */
export interface SegmentNote {
  /** true: acknowledged; false: not (re-sent first, or the peer went on without it); null: cannot tell. */
  acked: boolean | null;
  retransmitted: boolean;
}

/** A bad-checksum segment awaiting acknowledgement or retransmission. */
interface Pending {
  frame: number;
  seq: number;
  /** Sequence number just past it (SYN and FIN count one). */
  end: number;
  payload: number;
  side: 0 | 1;
  placeholder: boolean;
  /** Where its fate is counted (a direction bucket or the sending host). */
  sink: OutcomesByValue;
  note: SegmentNote | undefined;
}

/** Both endpoints of a flow as numbers (see Flow). */
interface Endpoints {
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

interface Flow extends Endpoints {
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
  /** Breakdown: who sent the first bad segment to whom, and what became of its bad segments. */
  /** Which side sent the flow's first bad segment: the breakdown names the flow in that direction. */
  labelSide: 0 | 1;
  bad: number;
  fates: SegmentOutcomes;
}

/** One line of the per-flow breakdown. */
export interface FlowBreakdown {
  /** `sender:port > receiver:port` of the flow's first bad-checksum segment. */
  flow: string;
  badSegments: number;
  acked: number;
  failed: number;
  unacked: number;
  unknown: number;
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
}

/** The bad-checksum facts of the segment being observed, when it has one. */
export interface BadSegment {
  placeholder: boolean;
  sink: OutcomesByValue;
  note: SegmentNote | undefined;
}

/** Does `f` have endpoints (v, low words at w[lo..], lowPort) and (high words at w[hi..], highPort)? */
function same(f: Endpoints, v: number, lowPort: number, highPort: number, w: Int32Array, lo: number, hi: number): boolean {
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
function filterSlot(f: Flow): number {
  return flowFilterSlot(addressKey(f.a0, f.a1, f.a2, f.a3), f.lowPort, addressKey(f.b0, f.b1, f.b2, f.b3), f.highPort);
}

/** Recompute a flow's bounds from its open segments (after some were settled or dropped). */
function rebound(flow: Flow): void {
  flow.open0.clear();
  flow.open1.clear();
  const pending = flow.pending;
  for (let i = flow.head; i < pending.length; i++) {
    const p = pending[i]!;
    (p.side === 0 ? flow.open0 : flow.open1).add(p.seq, p.end);
  }
}

/** `sender:port > receiver:port` of the flow's first bad segment, addresses as the reader prints them. */
function flowLabel(f: Flow): string {
  const v = f.v === 6 ? 6 : 4;
  const low = endpoint(formatIp(wordBytes(f.a0, f.a1, f.a2, f.a3), 0, v), f.lowPort);
  const high = endpoint(formatIp(wordBytes(f.b0, f.b1, f.b2, f.b3), 0, v), f.highPort);
  return f.labelSide === 0 ? `${low} > ${high}` : `${high} > ${low}`;
}

/** Address words (TcpSegmentFacts.addressWords) back to bytes. */
function wordBytes(w0: number, w1: number, w2: number, w3: number): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, w0);
  dv.setInt32(4, w1);
  dv.setInt32(8, w2);
  dv.setInt32(12, w3);
  return b;
}

function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Follows TCP flows just far enough to learn the fate of each bad-checksum segment: did the peer
 * acknowledge it, or was its range sent again first? A flow is only created by a bad-checksum
 * segment and holds two frame numbers and its open bad segments; the table is capped
 * (FLOW_TABLE_CAP) with idle flows evicted first. Flows are keyed by a 32-bit hash of both
 * endpoints' address words and ports (numbers read from the frame: no string per frame) and told
 * apart by comparing them.
 */
export class TcpFlowFollower {
  private readonly buckets: (Flow | undefined)[] = new Array<Flow | undefined>(BUCKET_MASK + 1).fill(undefined);
  private count = 0;
  /**
   * Recently seen flows, direct-mapped by a hash that is the same in both directions (recentSlot),
   * so most frames find their flow without working out its side or hashing it fully.
   */
  private readonly recent: (Flow | undefined)[] = new Array<Flow | undefined>(RECENT_MASK + 1).fill(undefined);
  /**
   * Per slot of `recent`, the endpoints of a frame recently found in no followed flow: its next
   * frames are turned away without a table lookup. Creating a flow forgets its slot's entry, so an
   * entry never hides a followed flow.
   */
  private readonly unfollowed: (Endpoints | undefined)[] = new Array<Endpoints | undefined>(RECENT_MASK + 1).fill(undefined);
  /** Live flows, oldest first. */
  private oldest: Flow | undefined;
  private newest: Flow | undefined;
  private pendingTotal = 0;
  private readonly top: FlowBreakdown[] = [];
  /** Address words of the frame being observed (source 0..3, destination 4..7). */
  private readonly words = new Int32Array(8);
  /**
   * The flows with open bad segments, for the reader to skip the frames of all others (flow-filter.ts).
   * A followed flow without open segments needs none of its frames: what they would update (the last
   * frame from each side, the time last seen) matters only to an open segment, or to which flow is
   * evicted first when the table is full (it may then look idle sooner: its breakdown row may split in two).
   */
  readonly filter = new FlowFilter();
  readonly stats: FlowTableStats = { followed: 0, peak: 0, evictedIdle: 0, evictedEarly: 0, untracked: 0, overflowed: 0 };

  get size(): number {
    return this.count;
  }

  get openSegments(): number {
    return this.pendingTotal;
  }

  /**
   * Call for every TCP frame (in capture order); `bad` when its TCP checksum is bad. Frames of flows
   * not followed cost a cache probe (a table lookup the first time), and nothing while no flow is
   * followed. Kept small and split from the rare work (table lookups, new flows, walking open
   * segments) so that it is compiled early and stays compiled.
   */
  observe(seg: TcpSegmentFacts, bad: BadSegment | undefined): void {
    if (bad === undefined && this.count === 0) return;
    const v = seg.ipVersion;
    if (v === 4) {
      // IPv4: the whole identity is two words and two ports, compared without copying the words.
      const s = seg.srcWord;
      const d = seg.dstWord;
      const sp = seg.srcPort;
      const dp = seg.dstPort;
      const r = recentSlot(s, sp, d, dp);
      const flow = this.recent[r];
      if (flow !== undefined && flow.v === 4) {
        // When both orientations match (source = destination), side 0, as in `lookup`.
        if (flow.a0 === s && flow.b0 === d && flow.lowPort === sp && flow.highPort === dp) return this.onFlowFrame(flow, 0, seg, bad);
        if (flow.a0 === d && flow.b0 === s && flow.lowPort === dp && flow.highPort === sp) return this.onFlowFrame(flow, 1, seg, bad);
      }
      const ghost = this.unfollowed[r];
      if (bad === undefined && ghost !== undefined && ghost.v === 4) {
        if (ghost.a0 === s && ghost.b0 === d && ghost.lowPort === sp && ghost.highPort === dp) return; // known not to be followed
        if (ghost.a0 === d && ghost.b0 === s && ghost.lowPort === dp && ghost.highPort === sp) return;
      }
      seg.addressWords(this.words);
      this.lookup(seg, bad, r, v, sp, dp);
      return;
    }
    if (v === 0) return;
    const w = this.words;
    seg.addressWords(w);
    const srcPort = seg.srcPort;
    const dstPort = seg.dstPort;
    const r = recentSlot(w[0]! ^ w[3]!, srcPort, w[4]! ^ w[7]!, dstPort);
    const flow = this.recent[r];
    if (flow !== undefined && same(flow, v, srcPort, dstPort, w, 0, 4)) this.onFlowFrame(flow, 0, seg, bad);
    else if (flow !== undefined && same(flow, v, dstPort, srcPort, w, 4, 0)) this.onFlowFrame(flow, 1, seg, bad);
    else {
      const ghost = this.unfollowed[r];
      if (bad === undefined && ghost !== undefined && (same(ghost, v, srcPort, dstPort, w, 0, 4) || same(ghost, v, dstPort, srcPort, w, 4, 0))) {
        return; // known not to be followed
      }
      this.lookup(seg, bad, r, v, srcPort, dstPort);
    }
  }

  /** A frame whose flow is not in the recent cache: the table, and a new flow for a bad segment. */
  private lookup(seg: TcpSegmentFacts, bad: BadSegment | undefined, r: number, v: number, srcPort: number, dstPort: number): void {
    const w = this.words;
    const ghost = this.unfollowed[r];
    // Side 0 is the endpoint with the lower address (then port): any fixed order of the two would do.
    let side: 0 | 1 = srcPort <= dstPort ? 0 : 1;
    for (let i = 0; i < 4; i++) {
      if (w[i] !== w[4 + i]) {
        side = w[i]! < w[4 + i]! ? 0 : 1;
        break;
      }
    }
    const lo = side === 0 ? 0 : 4;
    const hi = 4 - lo;
    const lowPort = side === 0 ? srcPort : dstPort;
    const highPort = side === 0 ? dstPort : srcPort;
    const key = flowKey(v, lowPort, highPort, w, lo, hi);
    let chain = 0;
    let flow = this.buckets[key & BUCKET_MASK];
    while (flow !== undefined && !(flow.key === key && same(flow, v, lowPort, highPort, w, lo, hi))) {
      if (flow.key === key) chain++;
      flow = flow.next;
    }
    if (flow === undefined) {
      if (bad === undefined) {
        this.rememberUnfollowed(r, v, srcPort, dstPort, w);
        return;
      }
      if (chain >= MAX_CHAIN) {
        this.stats.untracked++;
        return;
      }
      if (this.count >= FLOW_TABLE_CAP) this.makeRoom(seg.timestamp);
      flow = {
        v,
        a0: w[lo]!,
        a1: w[lo + 1]!,
        a2: w[lo + 2]!,
        a3: w[lo + 3]!,
        b0: w[hi]!,
        b1: w[hi + 1]!,
        b2: w[hi + 2]!,
        b3: w[hi + 3]!,
        lowPort,
        highPort,
        key,
        next: this.buckets[key & BUCKET_MASK],
        older: this.newest,
        newer: undefined,
        lastSeen: seg.timestamp,
        last0: 0,
        last1: 0,
        pending: [],
        head: 0,
        open0: new SeqBounds(),
        open1: new SeqBounds(),
        labelSide: side,
        bad: 0,
        fates: emptyOutcomes(),
      };
      this.buckets[key & BUCKET_MASK] = flow;
      // An unfollowed-frame memory in this slot may be of this very flow: forget it (v 0 never matches).
      if (ghost !== undefined) ghost.v = 0;
      if (this.newest !== undefined) this.newest.newer = flow;
      else this.oldest = flow;
      this.newest = flow;
      this.count++;
      this.stats.followed++;
      if (this.count > this.stats.peak) this.stats.peak = this.count;
    }
    this.recent[r] = flow;
    this.onFlowFrame(flow, side, seg, bad);
  }

  /** A frame of followed flow `flow`, from its side `side`. */
  private onFlowFrame(flow: Flow, side: 0 | 1, seg: TcpSegmentFacts, bad: BadSegment | undefined): void {
    flow.lastSeen = seg.timestamp;
    if (side === 0) flow.last0 = seg.frame;
    else flow.last1 = seg.frame;
    if (flow.pending.length > flow.head) {
      const flags = seg.tcpFlags;
      const length = seg.payloadLength + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0);
      // Walk the open segments only when the bounds cannot rule out a match (exact: seq-bounds.ts).
      const mine = side === 0 ? flow.open0 : flow.open1;
      const theirs = side === 0 ? flow.open1 : flow.open0;
      if (!(((flags & TCP_ACK) === 0 || theirs.noneAckedBy(seg.ack)) && (length === 0 || mine.noneOverlaps(seg.seq, length)))) {
        this.walk(flow, side, seg, length);
      }
    }
    if (bad !== undefined) this.addBad(flow, side, seg, bad);
  }

  /** Settle the open segments this frame acknowledges (from the peer) or sends again (same side). */
  private walk(flow: Flow, side: 0 | 1, seg: TcpSegmentFacts, length: number): void {
    const pending = flow.pending;
    const frame = seg.frame;
    const ackNo = seg.ack;
    const acks = (seg.tcpFlags & TCP_ACK) !== 0;
    const seq = seg.seq;
    const end = (seq + length) >>> 0;
    let kept = 0;
    const open = pending.length - flow.head;
    for (let i = flow.head; i < pending.length; i++) {
      const p = pending[i]!;
      if (p.side !== side) {
        if (acks && seqGe(ackNo, p.end)) {
          this.settle(flow, p, 'acked');
          continue;
        }
      } else if (length > 0 && p.frame !== frame && seqLt(seq, p.end) && seqLt(p.seq, end)) {
        this.settle(flow, p, 'failed');
        continue;
      }
      pending[kept++] = p;
    }
    this.pendingTotal -= open - kept;
    pending.length = kept;
    if (kept === 0 && open > 0) this.filter.remove(filterSlot(flow));
    flow.head = 0;
    rebound(flow); // tighten the bounds to what is left, so the next frames skip the walk again
  }

  /** A bad-checksum segment: counted for the flow and, unless a bare ACK, kept open until its fate is known. */
  private addBad(flow: Flow, side: 0 | 1, seg: TcpSegmentFacts, bad: BadSegment): void {
    flow.bad++;
    const flags = seg.tcpFlags;
    const payload = seg.payloadLength;
    const length = payload + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0);
    if (length === 0) return; // a bare ACK: nothing the peer could acknowledge
    if (this.pendingTotal >= MAX_PENDING_TOTAL) {
      this.stats.untracked++;
      return;
    }
    const pending = flow.pending;
    if (pending.length - flow.head >= MAX_PENDING_PER_FLOW) {
      const oldest = pending[flow.head]!;
      pending[flow.head++] = undefined;
      if (flow.head >= MAX_PENDING_PER_FLOW) {
        // Move the open ones down once in a while (amortised: one move per dropped segment).
        const from = flow.head;
        for (let i = from; i < pending.length; i++) pending[i - from] = pending[i];
        pending.length -= from;
        flow.head = 0;
      }
      this.pendingTotal--;
      this.stats.overflowed++;
      this.finalise(flow, oldest);
      (oldest.side === 0 ? flow.open0 : flow.open1).drop();
    }
    const seq = seg.seq;
    const end = (seq + length) >>> 0;
    (side === 0 ? flow.open0 : flow.open1).add(seq, end);
    if (pending.length === flow.head) this.filter.add(filterSlot(flow)); // its first open segment
    pending.push({
      frame: seg.frame,
      seq,
      end,
      payload,
      side,
      placeholder: bad.placeholder,
      sink: bad.sink,
      note: bad.note,
    });
    this.pendingTotal++;
  }

  private rememberUnfollowed(r: number, v: number, srcPort: number, dstPort: number, w: Int32Array): void {
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

  /** Finalise every flow still open (end of capture). */
  finish(): void {
    for (const flow of this.all()) this.close(flow);
    this.buckets.fill(undefined);
    this.recent.fill(undefined);
    this.unfollowed.fill(undefined);
    this.filter.clear();
    this.oldest = this.newest = undefined;
    this.count = 0;
  }

  /** The flows with the most unacknowledged, then bad, segments. */
  topFlows(): FlowBreakdown[] {
    return this.top.slice();
  }

  private settle(flow: Flow, p: Pending, fate: Fate): void {
    countFate(p.placeholder ? p.sink.placeholder : p.sink.mismatch, fate, p.payload);
    countFate(flow.fates, fate, p.payload);
    if (p.note !== undefined) {
      p.note.acked = fate === 'acked' ? true : fate === 'unknown' ? null : false;
      p.note.retransmitted = fate === 'failed';
    }
  }

  /** An open segment at the end: the peer went on without acknowledging it, or was never heard again. */
  private finalise(flow: Flow, p: Pending): void {
    const peerLast = p.side === 0 ? flow.last1 : flow.last0;
    this.settle(flow, p, peerLast > p.frame ? 'unacked' : 'unknown');
  }

  private close(flow: Flow): void {
    if (flow.pending.length > flow.head) this.filter.remove(filterSlot(flow));
    for (let i = flow.head; i < flow.pending.length; i++) this.finalise(flow, flow.pending[i]!);
    this.pendingTotal -= flow.pending.length - flow.head;
    flow.pending.length = 0;
    flow.head = 0;
    flow.open0.clear();
    flow.open1.clear();
    this.rank(flow);
  }

  private rank(flow: Flow): void {
    if (flow.bad === 0) return;
    const f = flow.fates;
    const score = (e: { failed: number; unacked: number; badSegments: number }) => (e.failed + e.unacked) * 1e9 + e.badSegments;
    const s = score({ failed: f.failed, unacked: f.unacked, badSegments: flow.bad });
    if (this.top.length >= TOP_FLOWS && s <= score(this.top[this.top.length - 1]!)) return;
    // The name is built only for the few flows that make the list.
    const entry: FlowBreakdown = { flow: flowLabel(flow), badSegments: flow.bad, acked: f.acked, failed: f.failed, unacked: f.unacked, unknown: f.unknown };
    let i = this.top.length;
    while (i > 0 && score(this.top[i - 1]!) < s) i--;
    this.top.splice(i, 0, entry);
    if (this.top.length > TOP_FLOWS) this.top.pop();
  }

  /**
   * The table is full: finalise flows idle for FLOW_IDLE_SECONDS; if that frees too little, the least
   * recently active down to FLOW_TABLE_LOW_WATER. Runs once per (cap - low water) new flows at most,
   * so its O(n log n) cost is spread thin.
   */
  private makeRoom(now: number): void {
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

  /** The live flows, oldest first. */
  private all(): Flow[] {
    const out: Flow[] = [];
    for (let f = this.oldest; f !== undefined; f = f.newer) out.push(f);
    return out;
  }

  /** Finalise a flow and unlink it from its port-pair chain. */
  private evict(flow: Flow): void {
    this.close(flow);
    const r = recentSlot(flow.a0 ^ flow.a3, flow.lowPort, flow.b0 ^ flow.b3, flow.highPort); // as observe (a3, b3 are 0 for IPv4)
    if (this.recent[r] === flow) this.recent[r] = undefined;
    const at = flow.key & BUCKET_MASK;
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
  }
}
