import type { FrameRecord, TcpFacts } from '../frame.js';
import { countFate, emptyOutcomes, type Fate, type OutcomesByValue, type SegmentOutcomes } from './outcomes.js';
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

/** FNV-1a over both addresses and ports: a number key, so the Map never hashes a fresh string. */
function flowKey(low: string, high: string, lowPort: number, highPort: number): number {
  let h = 0x811c9dc5 ^ (lowPort * 65536 + highPort);
  for (let i = 0; i < low.length; i++) h = Math.imul(h ^ low.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0x7c, 0x01000193); // separator: "1.2.3.4"+"5..." must differ from "1.2.3.45"+"..."
  for (let i = 0; i < high.length; i++) h = Math.imul(h ^ high.charCodeAt(i), 0x01000193);
  return h >>> 0;
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

interface Flow {
  /** Endpoint addresses and ports, lower address first (side 0), and the table key hashed from them. */
  low: string;
  high: string;
  lowPort: number;
  highPort: number;
  key: number;
  /** Next flow with the same key. */
  next: Flow | undefined;
  lastSeen: number;
  /** Last frame number seen from each side (0: none). Side 0 is the lower endpoint. */
  last0: number;
  last1: number;
  pending: Pending[];
  /** Breakdown: who sent the first bad segment to whom, and what became of its bad segments. */
  label: string;
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

function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Follows TCP flows just far enough to learn the fate of each bad-checksum segment: did the peer
 * acknowledge it, or was its range sent again first? A flow is only created by a bad-checksum
 * segment and holds two frame numbers and its open bad segments; the table is capped
 * (FLOW_TABLE_CAP) with idle flows evicted first. Flows are keyed by a 32-bit hash of both
 * endpoints (a number: no string is built per frame) and told apart by comparing the endpoints.
 */
export class TcpFlowFollower {
  private readonly buckets = new Map<number, Flow>();
  private count = 0;
  /** The flow of the previous frame (cleared when flows are evicted). */
  private last: Flow | undefined;
  private pendingTotal = 0;
  private readonly top: FlowBreakdown[] = [];
  readonly stats: FlowTableStats = { followed: 0, peak: 0, evictedIdle: 0, evictedEarly: 0, untracked: 0, overflowed: 0 };

  get size(): number {
    return this.count;
  }

  get openSegments(): number {
    return this.pendingTotal;
  }

  /** Call for every TCP frame (in capture order); `bad` when its TCP checksum is bad. */
  observe(rec: FrameRecord, tcp: TcpFacts, bad: BadSegment | undefined): void {
    if (bad === undefined && this.count === 0) return;
    const src = rec.src;
    const dst = rec.dst;
    if (src === undefined || dst === undefined) return;
    const side: 0 | 1 = src < dst || (src === dst && tcp.srcPort <= tcp.dstPort) ? 0 : 1;
    const low = side === 0 ? src : dst;
    const high = side === 0 ? dst : src;
    const lowPort = side === 0 ? tcp.srcPort : tcp.dstPort;
    const highPort = side === 0 ? tcp.dstPort : tcp.srcPort;
    // Most frames belong to the flow of the frame before (either direction): skip the hashing.
    let flow = this.last;
    let chain = 0;
    if (flow === undefined || flow.lowPort !== lowPort || flow.highPort !== highPort || flow.low !== low || flow.high !== high) {
      flow = this.buckets.get(flowKey(low, high, lowPort, highPort));
      while (flow !== undefined && (flow.lowPort !== lowPort || flow.highPort !== highPort || flow.low !== low || flow.high !== high)) {
        flow = flow.next;
        chain++;
      }
    }
    if (flow === undefined) {
      const key = flowKey(low, high, lowPort, highPort);
      if (bad === undefined) return;
      if (chain >= MAX_CHAIN) {
        this.stats.untracked++;
        return;
      }
      if (this.count >= FLOW_TABLE_CAP) this.makeRoom(rec.timestamp);
      flow = {
        low,
        high,
        lowPort,
        highPort,
        key,
        next: this.buckets.get(key),
        lastSeen: rec.timestamp,
        last0: 0,
        last1: 0,
        pending: [],
        label: `${endpoint(src, tcp.srcPort)} > ${endpoint(dst, tcp.dstPort)}`,
        bad: 0,
        fates: emptyOutcomes(),
      };
      this.buckets.set(key, flow);
      this.last = flow;
      this.count++;
      this.stats.followed++;
      if (this.count > this.stats.peak) this.stats.peak = this.count;
    }
    this.last = flow;
    flow.lastSeen = rec.timestamp;
    if (side === 0) flow.last0 = rec.frame;
    else flow.last1 = rec.frame;

    const flags = tcp.flags;
    const length = tcp.payloadLength + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0);
    const pending = flow.pending;
    if (pending.length > 0) {
      const ackNo = tcp.ack;
      const acks = (flags & TCP_ACK) !== 0;
      const seq = tcp.seq;
      const end = (seq + length) >>> 0;
      let kept = 0;
      for (let i = 0; i < pending.length; i++) {
        const p = pending[i]!;
        if (p.side !== side) {
          if (acks && seqGe(ackNo, p.end)) {
            this.settle(flow, p, 'acked');
            continue;
          }
        } else if (length > 0 && p.frame !== rec.frame && seqLt(seq, p.end) && seqLt(p.seq, end)) {
          this.settle(flow, p, 'failed');
          continue;
        }
        pending[kept++] = p;
      }
      this.pendingTotal -= pending.length - kept;
      pending.length = kept;
    }

    if (bad === undefined) return;
    flow.bad++;
    if (length === 0) return; // a bare ACK: nothing the peer could acknowledge
    if (this.pendingTotal >= MAX_PENDING_TOTAL) {
      this.stats.untracked++;
      return;
    }
    if (pending.length >= MAX_PENDING_PER_FLOW) {
      const oldest = pending.shift()!;
      this.pendingTotal--;
      this.stats.overflowed++;
      this.finalise(flow, oldest);
    }
    pending.push({
      frame: rec.frame,
      seq: tcp.seq,
      end: (tcp.seq + length) >>> 0,
      payload: tcp.payloadLength,
      side,
      placeholder: bad.placeholder,
      sink: bad.sink,
      note: bad.note,
    });
    this.pendingTotal++;
  }

  /** Finalise every flow still open (end of capture). */
  finish(): void {
    for (const flow of this.all()) this.close(flow);
    this.buckets.clear();
    this.last = undefined;
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
    for (const p of flow.pending) this.finalise(flow, p);
    this.pendingTotal -= flow.pending.length;
    flow.pending.length = 0;
    this.rank(flow);
  }

  private rank(flow: Flow): void {
    if (flow.bad === 0) return;
    const f = flow.fates;
    const entry: FlowBreakdown = { flow: flow.label, badSegments: flow.bad, acked: f.acked, failed: f.failed, unacked: f.unacked, unknown: f.unknown };
    const score = (e: FlowBreakdown) => (e.failed + e.unacked) * 1e9 + e.badSegments;
    const s = score(entry);
    if (this.top.length >= TOP_FLOWS && s <= score(this.top[this.top.length - 1]!)) return;
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
    const idle = this.all().filter((f) => f.lastSeen < idleBefore);
    for (const f of idle) this.evict(f);
    this.stats.evictedIdle += idle.length;
    const excess = this.count - FLOW_TABLE_LOW_WATER;
    if (excess <= 0) return;
    const flows = this.all();
    const seen = new Float64Array(flows.length);
    for (let i = 0; i < flows.length; i++) seen[i] = flows[i]!.lastSeen;
    seen.sort();
    const cutoff = seen[excess - 1]!;
    let evicted = 0;
    for (const f of flows) {
      if (evicted >= excess) break;
      if (f.lastSeen <= cutoff) {
        this.evict(f);
        evicted++;
      }
    }
    this.stats.evictedEarly += evicted;
  }

  private all(): Flow[] {
    const out: Flow[] = [];
    for (const head of this.buckets.values()) for (let f: Flow | undefined = head; f !== undefined; f = f.next) out.push(f);
    return out;
  }

  /** Finalise a flow and unlink it from its port-pair chain. */
  private evict(flow: Flow): void {
    this.close(flow);
    if (this.last === flow) this.last = undefined;
    const head = this.buckets.get(flow.key);
    if (head === flow) {
      if (flow.next === undefined) this.buckets.delete(flow.key);
      else this.buckets.set(flow.key, flow.next);
    } else {
      let f = head;
      while (f !== undefined && f.next !== flow) f = f.next;
      if (f !== undefined) f.next = flow.next;
    }
    flow.next = undefined;
    this.count--;
  }
}
