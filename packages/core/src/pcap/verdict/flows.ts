/**
 * TcpFlowFollower: follows TCP flows just far enough to learn the fate of each bad-checksum segment. The
 * three concerns live apart: the flow table (flow-table.ts), the fate of segments (segment-fates.ts) and
 * the per-flow breakdown (flow-breakdown.ts); this module routes each frame between them.
 */
import { FlowFilter } from '../frame/flow-filter.js';
import type { TcpSegmentFacts } from '../frame/frame.js';
import { TopFlows, type FlowBreakdown } from './flow-breakdown.js';
import { filterSlot, flowKey, FlowTable, MAX_CHAIN, recentSlot, same, type Flow, type FlowTableStats } from './flow-table.js';
import { emptyOutcomes, resetOutcomes } from './outcomes.js';
import { SegmentFates, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type BadSegment, type Pending } from './segment-fates.js';
import { SeqBounds } from './seq-bounds.js';
import { FLOW_TABLE_CAP } from './thresholds.js';

export { recentSlot, type FlowTableStats } from './flow-table.js';
export type { FlowBreakdown } from './flow-breakdown.js';
export type { BadSegment, SegmentNote } from './segment-fates.js';

/**
 * Follows TCP flows just far enough to learn the fate of each bad-checksum segment: did the peer
 * acknowledge it, or was its range sent again first? A flow is only created by a bad-checksum
 * segment and holds two frame numbers and its open bad segments; the table is capped
 * (FLOW_TABLE_CAP) with idle flows evicted first. Flows are keyed by a 32-bit hash of both
 * endpoints' address words and ports (numbers read from the frame: no string per frame) and told
 * apart by comparing them.
 * @example const flows = new TcpFlowFollower();
 *   flows.observe(segment, badSegment);
 *   flows.finish(); const top = flows.topFlows();
 */
export class TcpFlowFollower {
  /**
   * The flows with open bad segments, for the reader to skip the frames of all others (flow-filter.ts).
   * A followed flow without open segments needs none of its frames: what they would update (the last
   * frame from each side, the time last seen) matters only to an open segment, or to which flow is
   * evicted first when the table is full (it may then look idle sooner: its breakdown row may split in two).
   */
  readonly filter = new FlowFilter();
  readonly stats: FlowTableStats = {
    followed: 0,
    peak: 0,
    evictedIdle: 0,
    evictedEarly: 0,
    untracked: 0,
    overflowed: 0,
    duplicates: 0,
    unansweredResends: 0,
    zeroWindowResends: 0,
  };
  private readonly fates = new SegmentFates(this.filter, this.stats);
  private readonly top = new TopFlows();
  private readonly table = new FlowTable(this.stats, (flow) => {
    this.fates.closeFlow(flow);
    this.top.rank(flow);
  });
  /** The table's recent cache and unfollowed memory, held here too: one property load less per frame. */
  private readonly recent = this.table.recent;
  private readonly unfollowed = this.table.unfollowed;
  /** Address words of the frame being observed (source 0..3, destination 4..7). */
  private readonly words = new Int32Array(8);

  get size(): number {
    return this.table.count;
  }

  get openSegments(): number {
    return this.fates.open;
  }

  /**
   * Call for every TCP frame (in capture order); `bad` when its TCP checksum is bad. Frames of flows
   * not followed cost a cache probe (a table lookup the first time), and nothing while no flow is
   * followed. Kept small and split from the rare work (table lookups, new flows, walking open
   * segments) so that it is compiled early and stays compiled.
   */
  observe(seg: TcpSegmentFacts, bad: BadSegment | undefined): void {
    const table = this.table;
    if (bad === undefined && table.count === 0) return;
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
    const table = this.table;
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
    let flow = table.bucket(key);
    while (flow !== undefined && !(flow.key === key && same(flow, v, lowPort, highPort, w, lo, hi))) {
      chain++;
      flow = flow.next;
    }
    if (flow === undefined) {
      if (bad === undefined) {
        table.rememberUnfollowed(r, v, srcPort, dstPort, w);
        return;
      }
      if (chain >= MAX_CHAIN) {
        this.stats.untracked++;
        return;
      }
      if (table.count >= FLOW_TABLE_CAP) table.makeRoom(seg.timestamp);
      // An evicted flow's object when there is one (flow-table.ts, spare), else a new one.
      flow = table.takeSpare() ?? blankFlow();
      flow.v = v;
      flow.a0 = w[lo]!;
      flow.a1 = w[lo + 1]!;
      flow.a2 = w[lo + 2]!;
      flow.a3 = w[lo + 3]!;
      flow.b0 = w[hi]!;
      flow.b1 = w[hi + 1]!;
      flow.b2 = w[hi + 2]!;
      flow.b3 = w[hi + 3]!;
      flow.lowPort = lowPort;
      flow.highPort = highPort;
      flow.key = key;
      flow.next = table.bucket(key);
      flow.older = table.newest;
      flow.newer = undefined;
      flow.lastSeen = seg.timestamp;
      flow.last0 = 0;
      flow.last1 = 0;
      flow.labelSide = side;
      flow.zeroWindow = 0;
      flow.bad = 0;
      resetOutcomes(flow.fates);
      flow.filterSlot = filterSlot(flow);
      table.insert(flow, r);
    }
    table.recent[r] = flow;
    this.onFlowFrame(flow, side, seg, bad);
  }

  /** A frame of followed flow `flow`, from its side `side`. */
  private onFlowFrame(flow: Flow, side: 0 | 1, seg: TcpSegmentFacts, bad: BadSegment | undefined): void {
    flow.lastSeen = seg.timestamp;
    if (side === 0) flow.last0 = seg.frame;
    else flow.last1 = seg.frame;
    let copyOf: Pending | undefined;
    if (flow.pending.length > flow.head) {
      const flags = seg.tcpFlags;
      // A re-send of an open segment proves nothing while the peer's window is closed (segment-fates.ts).
      const bit = side + 1;
      if ((flags & (TCP_SYN | TCP_FIN | TCP_RST)) === 0 && seg.window === 0) flow.zeroWindow |= bit;
      else flow.zeroWindow &= ~bit;
      const length = seg.payloadLength + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0);
      // Walk the open segments only when the bounds cannot rule out a match (exact: seq-bounds.ts).
      const mine = side === 0 ? flow.open0 : flow.open1;
      const theirs = side === 0 ? flow.open1 : flow.open0;
      if (!(((flags & TCP_ACK) === 0 || theirs.noneAckedBy(seg.ack)) && (length === 0 || mine.noneOverlaps(seg.seq, length)))) {
        copyOf = this.fates.walk(flow, side, seg, length);
      }
    }
    if (bad !== undefined) this.fates.add(flow, side, seg, bad, copyOf);
  }

  /** Finalise every flow still open (end of capture). */
  finish(): void {
    this.table.clear();
    this.filter.clear();
  }

  /** The flows with the most unacknowledged, then bad, segments. */
  topFlows(): FlowBreakdown[] {
    return this.top.list();
  }
}

/** A flow with every field in place (one object shape for all flows); `lookup` fills in the rest. Its segment list and bounds are empty, as closeFlow leaves a spare one. */
function blankFlow(): Flow {
  return {
    v: 0,
    a0: 0,
    a1: 0,
    a2: 0,
    a3: 0,
    b0: 0,
    b1: 0,
    b2: 0,
    b3: 0,
    lowPort: 0,
    highPort: 0,
    key: 0,
    next: undefined,
    older: undefined,
    newer: undefined,
    lastSeen: 0,
    last0: 0,
    last1: 0,
    pending: [],
    head: 0,
    open0: new SeqBounds(),
    open1: new SeqBounds(),
    labelSide: 0,
    zeroWindow: 0,
    filterSlot: 0,
    bad: 0,
    fates: emptyOutcomes(),
  };
}
