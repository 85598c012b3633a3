/**
 * The fate of bad-checksum segments: each one is kept open in its flow until the peer acknowledges it
 * (`acked`), its range is sent again first (`failed`), or the flow ends without either (`unacked` when the
 * peer went on, `unknown` when it was never heard again). Bounded per flow (MAX_PENDING_PER_FLOW) and in
 * all (MAX_PENDING_TOTAL). The flows themselves live in flow-table.ts.
 *
 * "Sent again" excludes what only looks like it (thresholds.ts): a second capture of the same packet (a
 * duplicate: the segment stays open, the copy shares its fate), and re-sends that prove nothing against the
 * sender's adapter, which settle the earlier copy as `unknown`: a SYN sent again with nothing from the peer
 * (retries to a host that is down or filtered), and zero-window probes.
 */
import type { FlowFilter } from '../frame/flow-filter.js';
import type { TcpSegmentFacts } from '../frame/frame.js';
import type { Flow, FlowTableStats } from './flow-table.js';
import { countFate, type Fate, type OutcomesByValue } from './outcomes.js';
import { DUPLICATE_MAX_SECONDS, DUPLICATE_NO_ID_MAX_SECONDS, MAX_PENDING_PER_FLOW, MAX_PENDING_TOTAL } from './thresholds.js';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

/** 32-bit sequence-space comparisons (RFC 793 arithmetic modulo 2^32). */
const seqLt = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const seqGe = (a: number, b: number): boolean => ((a - b) | 0) >= 0;

/** What the verdict wants to know about one bad-checksum segment, filled in when its fate is known. */
export interface SegmentNote {
  /** true: acknowledged; false: not (re-sent first, or the peer went on without it); null: cannot tell. */
  acked: boolean | null;
  retransmitted: boolean;
}

/** The bad-checksum facts of the segment being observed, when it has one. */
export interface BadSegment {
  placeholder: boolean;
  sink: OutcomesByValue;
  note: SegmentNote | undefined;
}

/** A bad-checksum segment awaiting acknowledgement or retransmission. */
export interface Pending {
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
  /** What tells a second capture of this packet from a re-send: its IPv4 ID (-1: none), acknowledgement number and time. */
  ipId: number;
  ack: number;
  time: number;
  /** A 1-byte segment sent while the peer's last advertised window was 0: a zero-window probe. */
  probe: boolean;
  /** The note of a second capture of it (a duplicate), given the same fate. */
  copyNote: SegmentNote | undefined;
}

/** A SegmentNote told its segment's fate. */
function tell(n: SegmentNote, fate: Fate): void {
  n.acked = fate === 'acked' ? true : fate === 'unknown' ? null : false;
  n.retransmitted = fate === 'failed';
}

/**
 * Is this frame, which carries exactly open segment `p`'s range from the same side, a second capture of
 * the same packet (thresholds.ts, DUPLICATE_MAX_SECONDS)? Rare: only frames that re-send an open range ask.
 */
function isCopy(flow: Flow, side: 0 | 1, p: Pending, seg: TcpSegmentFacts): boolean {
  if (p.ack !== seg.ack) return false;
  const id = seg.ipId;
  if (id !== p.ipId) return false;
  const apart = Math.abs(seg.timestamp - p.time);
  if (id >= 0) return apart <= DUPLICATE_MAX_SECONDS;
  // No identification (IPv6): closer in time, and nothing from the peer in between (a fast retransmit follows its duplicate ACKs).
  return apart <= DUPLICATE_NO_ID_MAX_SECONDS && (side === 0 ? flow.last1 : flow.last0) < p.frame;
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

/** The open segments of every followed flow, and the flow filter that lets the reader skip the rest. */
export class SegmentFates {
  /** Open segments in all flows. */
  open = 0;
  /**
   * Settled segments' objects, reused by `add`: most bad segments are settled by the peer's next frame,
   * and on a busy capture a new object for each one was a measurable share of the follower's time (and GC).
   * At most MAX_PENDING_TOTAL, the most ever open at once.
   */
  private readonly spare: Pending[] = [];

  constructor(
    private readonly filter: FlowFilter,
    private readonly stats: FlowTableStats,
  ) {}

  /**
   * Settle the open segments a frame of `flow` from `side` acknowledges (from the peer) or sends again
   * (same side). `length` is its sequence length (payload, SYN and FIN). The caller first rules out most
   * frames with the flow's bounds (flows.ts), so this runs only when a match is possible. Returns the open
   * segment this frame is a second capture of (it stays open), if any.
   */
  walk(flow: Flow, side: 0 | 1, seg: TcpSegmentFacts, length: number): Pending | undefined {
    const pending = flow.pending;
    const frame = seg.frame;
    const ackNo = seg.ack;
    const acks = (seg.tcpFlags & TCP_ACK) !== 0;
    const open = pending.length - flow.head;
    if (open === 1 && acks) {
      // The common case by far: one open segment, acknowledged by the peer's next frame. What the loop
      // below does for it, without the loop, the length change and the rebound.
      const p = pending[flow.head]!;
      if (p.side !== side && seqGe(ackNo, p.end)) {
        this.settle(flow, p, 'acked');
        pending.pop();
        this.spare.push(p);
        if (flow.head > 0) truncate(pending, 0);
        flow.head = 0;
        this.open--;
        this.filter.remove(flow.filterSlot);
        flow.open0.clear();
        flow.open1.clear();
        return undefined;
      }
    }
    const seq = seg.seq;
    const end = (seq + length) >>> 0;
    let copyOf: Pending | undefined;
    let kept = 0;
    for (let i = flow.head; i < pending.length; i++) {
      const p = pending[i]!;
      if (p.side !== side) {
        if (acks && seqGe(ackNo, p.end)) {
          this.settle(flow, p, 'acked');
          this.spare.push(p);
          continue;
        }
      } else if (length > 0 && p.frame !== frame && seqLt(seq, p.end) && seqLt(p.seq, end)) {
        if (copyOf === undefined && p.seq === seq && p.end === end && isCopy(flow, side, p, seg)) {
          copyOf = p; // the same packet captured again: not a re-send
          this.stats.duplicates++;
        } else {
          this.settle(flow, p, this.resendFate(flow, side, p, seg.tcpFlags));
          this.spare.push(p);
          continue;
        }
      }
      pending[kept++] = p;
    }
    this.open -= open - kept;
    truncate(pending, kept);
    if (kept === 0 && open > 0) this.filter.remove(flow.filterSlot);
    flow.head = 0;
    rebound(flow); // tighten the bounds to what is left, so the next frames skip the walk again
    return copyOf;
  }

  /**
   * The fate of open segment `p`, whose range this frame from the same side sends again: `failed`, unless
   * the re-send proves nothing about the copy it replaces (thresholds.ts), then `unknown`.
   */
  private resendFate(flow: Flow, side: 0 | 1, p: Pending, flags: number): Fate {
    const peerLast = side === 0 ? flow.last1 : flow.last0;
    if ((flags & TCP_ACK) === 0 && peerLast < p.frame) {
      // The peer has not been heard in the connection: not by the sender (TCP acknowledges on every segment
      // once it has the peer's SYN, so this is a SYN) nor by the capture since p. SYN retries to a host that
      // is down or filtered: nobody was there to receive p, whatever its checksum.
      this.stats.unansweredResends++;
      return 'unknown';
    }
    // A zero-window probe, or a re-send while the peer (heard since p) keeps its window closed.
    if (p.probe || ((flow.zeroWindow & (side === 0 ? 2 : 1)) !== 0 && peerLast > p.frame)) {
      this.stats.zeroWindowResends++;
      return 'unknown';
    }
    return 'failed';
  }

  /**
   * A bad-checksum segment: counted for the flow and, unless a bare ACK, kept open until its fate is known.
   * `copyOf`: the open segment it is a second capture of (walk), whose fate it then shares.
   */
  add(flow: Flow, side: 0 | 1, seg: TcpSegmentFacts, bad: BadSegment, copyOf: Pending | undefined): void {
    flow.bad++;
    const flags = seg.tcpFlags;
    const payload = seg.payloadLength;
    const length = payload + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0);
    if (length === 0) return; // a bare ACK: nothing the peer could acknowledge
    if (copyOf !== undefined) {
      // Not a segment of its own: counted once, through the copy already open.
      if (copyOf.copyNote === undefined) copyOf.copyNote = bad.note;
      return;
    }
    if (this.open >= MAX_PENDING_TOTAL) {
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
      this.open--;
      this.stats.overflowed++;
      this.finalise(flow, oldest);
      (oldest.side === 0 ? flow.open0 : flow.open1).drop();
    }
    const seq = seg.seq;
    const end = (seq + length) >>> 0;
    (side === 0 ? flow.open0 : flow.open1).add(seq, end);
    if (pending.length === flow.head) this.filter.add(flow.filterSlot); // its first open segment
    let p = this.spare.pop();
    if (p === undefined) {
      p = { frame: 0, seq: 0, end: 0, payload: 0, side: 0, placeholder: false, sink: bad.sink, note: undefined, ipId: -1, ack: 0, time: 0, probe: false, copyNote: undefined };
    }
    p.frame = seg.frame;
    p.seq = seq;
    p.end = end;
    p.payload = payload;
    p.side = side;
    p.placeholder = bad.placeholder;
    p.sink = bad.sink;
    p.note = bad.note;
    p.ipId = seg.ipId;
    p.ack = seg.ack;
    p.time = seg.timestamp;
    p.probe = length === 1 && payload === 1 && (flow.zeroWindow & (side === 0 ? 2 : 1)) !== 0;
    p.copyNote = undefined;
    pending.push(p);
    this.open++;
  }

  /** The flow ends (evicted, or the capture ends): its open segments get their final fate. */
  closeFlow(flow: Flow): void {
    if (flow.pending.length > flow.head) this.filter.remove(flow.filterSlot);
    for (let i = flow.head; i < flow.pending.length; i++) {
      const p = flow.pending[i]!;
      this.finalise(flow, p);
      // Reused like a settled one: an evicted flow's segments were old garbage otherwise (flow-table.ts, spare).
      this.spare.push(p);
    }
    this.open -= flow.pending.length - flow.head;
    truncate(flow.pending, 0);
    flow.head = 0;
    flow.open0.clear();
    flow.open1.clear();
  }

  private settle(flow: Flow, p: Pending, fate: Fate): void {
    countFate(p.placeholder ? p.sink.placeholder : p.sink.mismatch, fate, p.payload);
    countFate(flow.fates, fate, p.payload);
    if (p.note !== undefined) tell(p.note, fate);
    if (p.copyNote !== undefined) tell(p.copyNote, fate);
  }

  /** An open segment at the end: the peer went on without acknowledging it, or was never heard again. */
  private finalise(flow: Flow, p: Pending): void {
    const peerLast = p.side === 0 ? flow.last1 : flow.last0;
    this.settle(flow, p, peerLast > p.frame ? 'unacked' : 'unknown');
  }
}

/**
 * `list` cut to `n` entries by popping, not `list.length = n`: setting the length is a runtime call even when
 * it does not change (a tenth of the walk), and a length of 0 frees the backing store, so the next push
 * allocated a new one. Each flow's list lives long enough to be promoted, so that was old garbage per
 * flow (140 MB of it over 1.2 M flows, 288 MB peak); pop keeps the store.
 */
function truncate(list: unknown[], n: number): void {
  while (list.length > n) list.pop();
}
