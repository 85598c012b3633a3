import { describe, expect, it, jest } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FrameRecord, TcpSegmentFacts } from '../../../src/pcap/frame/frame.js';
import { recentSlot, TcpFlowFollower, type SegmentNote } from '../../../src/pcap/verdict/flows.js';
import { VerdictCollector } from '../../../src/pcap/verdict/index.js';
import { emptyByValue, type OutcomesByValue } from '../../../src/pcap/verdict/outcomes.js';
import { SegmentFates } from '../../../src/pcap/verdict/segment-fates.js';
import {
  FLOW_IDLE_SECONDS,
  FLOW_TABLE_CAP,
  MAX_HOSTS,
  MAX_PENDING_PER_FLOW,
  MAX_PENDING_TOTAL,
} from '../../../src/pcap/verdict/thresholds.js';
import { CaptureBuilder, layer } from './records.js';

const ACK = 0x10;
const PSH_ACK = 0x18;

/** One reusable TCP segment, mutated per frame: the test measures the follower, not the allocator. */
class Segment implements TcpSegmentFacts {
  frame = 0;
  timestamp = 0;
  readonly ipVersion = 4 as const;
  /** IPv4 addresses as numbers. */
  src = 0x0a000001;
  dst = 0x0a000002;
  srcPort = 1;
  dstPort = 80;
  seq = 0;
  ack = 0;
  tcpFlags = PSH_ACK;
  payloadLength = 1460;
  window = 65535;
  /** A new IPv4 ID for every frame, as Linux and Windows send them. */
  get ipId(): number {
    return this.frame & 0xffff;
  }
  addressWords(into: Int32Array): void {
    into.fill(0);
    into[0] = this.src | 0;
    into[4] = this.dst | 0;
  }
  get srcWord(): number {
    return this.src | 0;
  }
  get dstWord(): number {
    return this.dst | 0;
  }
  srcText(): string {
    return dotted(this.src);
  }
  dstText(): string {
    return dotted(this.dst);
  }
}

const dotted = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const badSegment = (sink: OutcomesByValue) => ({ placeholder: true, sink, note: undefined });

/** A real garbage collection, so heap figures measure what is retained. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const retainedHeap = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

const ip = (n: number): string => `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

describe('TcpFlowFollower: bounded state', () => {
  // 400,000 flows are 6 times the cap: unbounded, they would retain ~240 MB (~600 bytes each), far
  // above the 64 MB asserted below. bench/pcap-flows.mjs runs 10 million the same way.
  it('400,000 distinct flows, each with a bad segment, never grow the table past its cap', () => {
    const follower = new TcpFlowFollower();
    const sink = emptyByValue();
    const bad = badSegment(sink);
    const r = new Segment();
    const FLOWS = 400_000;
    const heapBefore = retainedHeap();
    let maxSize = 0;
    for (let i = 0; i < FLOWS; i++) {
      r.frame = i + 1;
      r.timestamp = 1e9 + i / 100_000; // 100k new flows per second: none is idle when room is needed
      r.src = 0x0a000000 + i;
      r.srcPort = 1024 + (i % 60_000);
      r.seq = i;
      follower.observe(r, bad);
      if ((i & 0xffff) === 0 && follower.size > maxSize) maxSize = follower.size;
    }
    maxSize = Math.max(maxSize, follower.size);
    expect(maxSize).toBeLessThanOrEqual(FLOW_TABLE_CAP);
    expect(follower.openSegments).toBeLessThanOrEqual(MAX_PENDING_TOTAL);
    expect(follower.stats.followed).toBe(FLOWS);
    expect(follower.stats.peak).toBe(FLOW_TABLE_CAP);
    expect(follower.stats.evictedEarly).toBeGreaterThan(FLOWS - FLOW_TABLE_CAP - 1);
    // ~65k flows and their open segments: tens of MB at most, not the ~240 MB 400k flows would take
    const retained = retainedHeap() - heapBefore;
    expect(retained).toBeLessThan(64 * 1024 * 1024);
    follower.finish();
    expect(follower.size).toBe(0);
    expect(follower.openSegments).toBe(0);
    // every followed segment got a fate (none was silently lost)
    const p = sink.placeholder;
    expect(p.acked + p.failed + p.unacked + p.unknown + follower.stats.untracked).toBe(FLOWS);
  });

  it('the table grows its hash buckets as flows come in: each of 20,000 flows still finds its ACK', () => {
    // 20,000 flows take the buckets from 1,024 through five doublings; the ACKs come after all of them, so
    // most miss the 4,096-slot recent cache and are found through the buckets.
    const follower = new TcpFlowFollower();
    const sink = emptyByValue();
    const bad = badSegment(sink);
    const r = new Segment();
    const FLOWS = 20_000;
    const flow = (i: number) => ({ src: 0x0a000000 + i, sp: 1024 + (i % 50_000) });
    for (let i = 0; i < FLOWS; i++) {
      Object.assign(r, { frame: i + 1, timestamp: 1e9 + i / 1e6, src: flow(i).src, srcPort: flow(i).sp, dst: 0xc0000201, dstPort: 443, seq: i, ack: 0, tcpFlags: PSH_ACK, payloadLength: 100 });
      follower.observe(r, bad);
    }
    expect(follower.size).toBe(FLOWS);
    for (let i = 0; i < FLOWS; i++) {
      Object.assign(r, { frame: FLOWS + i + 1, src: 0xc0000201, srcPort: 443, dst: flow(i).src, dstPort: flow(i).sp, seq: 0, ack: i + 100, tcpFlags: ACK, payloadLength: 0 });
      follower.observe(r, undefined);
    }
    expect(follower.openSegments).toBe(0);
    follower.finish();
    expect(sink.placeholder.acked).toBe(FLOWS);
  });

  it('evicts idle flows first when the table is full', () => {
    const follower = new TcpFlowFollower();
    const bad = badSegment(emptyByValue());
    const r = new Segment();
    // fill the table at t=0, then keep one flow busy and add flows FLOW_IDLE_SECONDS later
    for (let i = 0; i < FLOW_TABLE_CAP; i++) {
      r.frame = i + 1;
      r.timestamp = 0;
      r.src = 0x0a000000 + i;
      follower.observe(r, bad);
    }
    r.src = 0x0a000000 + 5;
    r.timestamp = FLOW_IDLE_SECONDS; // flow 5 speaks again
    follower.observe(r, undefined);
    r.src = 0x0a000000 + FLOW_TABLE_CAP + 1;
    r.timestamp = FLOW_IDLE_SECONDS + 1;
    follower.observe(r, bad);
    expect(follower.stats.evictedIdle).toBe(FLOW_TABLE_CAP - 1);
    expect(follower.stats.evictedEarly).toBe(0);
    expect(follower.size).toBe(2);
  });

  it('caps open segments per flow (a window that never gets acknowledged)', () => {
    const follower = new TcpFlowFollower();
    const sink = emptyByValue();
    const bad = badSegment(sink);
    const r = new Segment();
    for (let i = 0; i < 1000; i++) {
      r.frame = i + 1;
      r.seq = i * 1460;
      follower.observe(r, bad);
    }
    expect(follower.openSegments).toBe(MAX_PENDING_PER_FLOW);
    expect(follower.stats.overflowed).toBe(1000 - MAX_PENDING_PER_FLOW);
    follower.finish();
    expect(sink.placeholder.unknown).toBe(1000);
  });

  it('hostile capture: 250,000 spoofed sources with bad checksums do not grow the host table past MAX_HOSTS', () => {
    const c = new VerdictCollector();
    const r: FrameRecord = {
      frame: 0,
      timestamp: 0,
      interfaceId: 0,
      linkType: 1,
      capturedLength: 60,
      originalLength: 60,
      direction: undefined,
      epbFlags: undefined,
      srcMac: undefined,
      dstMac: undefined,
      ipVersion: 4,
      src: '10.0.0.1',
      dst: '10.0.0.2',
      ipv4ChecksumZero: false,
      tcp: undefined,
      udp: { srcPort: 1, dstPort: 2, length: 20 },
      checks: [],
    };
    const SOURCES = 250_000; // 61 times MAX_HOSTS
    for (let i = 0; i < SOURCES; i++) {
      r.frame = i + 1;
      r.src = ip(i);
      r.checks = [layer('udp', 'mismatch', r.src, r.dst!, i)];
      c.add(r);
    }
    const v = c.finish();
    expect(v.evidence.bad.mismatch).toBe(SOURCES);
    expect(v.hosts.length).toBeLessThanOrEqual(10);
    expect((c as unknown as { hosts: { size: number } }).hosts.size).toBe(MAX_HOSTS);
  });
});

describe('TcpFlowFollower: acknowledgement arithmetic', () => {
  it('follows acknowledgements across the 2^32 sequence wrap', () => {
    const cap = new CaptureBuilder();
    const a = { ip: '10.1.1.1', port: 1000 };
    const b = { ip: '10.1.1.2', port: 2000 };
    const s = cap.session(a, b, { c: 0xffffff00, s: 7 });
    s.defaults.c = { check: 'partial' };
    s.send('c', 1000); // crosses 2^32
    s.ack('s'); // ack = 0x000002e8: numerically smaller, but beyond the segment's end
    const c = new VerdictCollector();
    for (const f of cap.frames) c.add(f);
    const v = c.finish();
    expect(v.evidence.tcpSegments.outbound.placeholder.acked).toBe(1);
    expect(c.annotation(1, 'tcp')).toEqual({ class: 'partial', acked: true, retransmitted: false });
  });

  it('a partial acknowledgement is not an acknowledgement; the re-sent remainder marks it failed', () => {
    const cap = new CaptureBuilder();
    const a = { ip: '10.1.1.1', port: 1000 };
    const b = { ip: '10.1.1.2', port: 2000 };
    cap.tcp(a, b, 100, 1, PSH_ACK, 3000, { check: 'partial' }); // a TSO super-segment 100..3100
    cap.tcp(b, a, 1, 1560, ACK, 0); // acknowledges the first 1460 only
    cap.tcp(a, b, 1560, 1, PSH_ACK, 1540); // the rest, sent again with a good checksum
    cap.tcp(b, a, 1, 3100, ACK, 0);
    const c = new VerdictCollector();
    for (const f of cap.frames) c.add(f);
    c.finish();
    expect(c.annotation(1, 'tcp')).toEqual({ class: 'partial', acked: false, retransmitted: true });
  });

  it('a segment the peer went on without acknowledging is "unacked", not failed', () => {
    const cap = new CaptureBuilder();
    const a = { ip: '10.1.1.1', port: 1000 };
    const b = { ip: '10.1.1.2', port: 2000 };
    cap.tcp(a, b, 100, 1, PSH_ACK, 100, { check: 'partial' });
    cap.tcp(b, a, 1, 100, PSH_ACK, 50); // crossed in flight: acknowledges only what came before
    const c = new VerdictCollector();
    for (const f of cap.frames) c.add(f);
    const v = c.finish();
    expect(v.evidence.tcpSegments.outbound.placeholder.unacked).toBe(1);
    expect(c.annotation(1, 'tcp')).toEqual({ class: 'partial', acked: false, retransmitted: false });
  });

  it('keeps annotations only for the first annotateLimit bad frames', () => {
    const cap = new CaptureBuilder();
    for (let i = 0; i < 20; i++) cap.udp({ ip: '10.0.0.1', port: 1 }, { ip: '10.0.0.2', port: 2 }, 10, 'partial');
    const c = new VerdictCollector({ annotateLimit: 5 });
    for (const f of cap.frames) c.add(f);
    c.finish();
    expect(c.annotation(5, 'udp')).toEqual({ class: 'partial' });
    expect(c.annotation(6, 'udp')).toBeUndefined();
  });
});

describe('TcpFlowFollower: the recent-flow cache never hides a followed flow', () => {
  const A = 0x0a000001;
  const B = 0x0a000002;
  const C = 0x0a000003;
  const D = 0x0a000004;
  /** A source port for (src > dst:dstPort) whose cache slot is `slot` (a 12-bit slot: found within a few thousand tries). */
  const portFor = (slot: number, src: number, dst: number, dstPort: number, not: number[]): number => {
    for (let p = 1024; p < 65536; p++) if (!not.includes(p) && recentSlot(src, p, dst, dstPort) === slot) return p;
    throw new Error('no port found');
  };

  /** Send one segment of flow (src:sp > dst:dp) through the follower; returns its note when bad. */
  function send(f: TcpFlowFollower, s: Segment, frame: number, src: number, sp: number, dst: number, dp: number, o: { bad?: boolean; seq?: number; ack?: number; flags?: number; len?: number }): SegmentNote | undefined {
    Object.assign(s, { frame, timestamp: 1000 + frame, src, dst, srcPort: sp, dstPort: dp, seq: o.seq ?? 0, ack: o.ack ?? 0, tcpFlags: o.flags ?? PSH_ACK, payloadLength: o.len ?? 0 });
    const note: SegmentNote | undefined = o.bad ? { acked: null, retransmitted: false } : undefined;
    f.observe(s, o.bad ? { placeholder: true, sink: emptyByValue(), note } : undefined);
    return note;
  }

  it('a flow seen without a bad checksum first, then followed, then pushed out of its cache slot, still gets its ACK', () => {
    const x = { sp: 40000, dp: 443 };
    const slot = recentSlot(A, x.sp, B, x.dp);
    const z = { sp: portFor(slot, C, D, 80, []), dp: 80 }; // another flow in the same slot
    const f = new TcpFlowFollower();
    const s = new Segment();
    send(f, s, 1, C, z.sp, D, z.dp, { bad: true, seq: 1, len: 10 }); // something is followed, so good frames are looked at
    send(f, s, 2, A, x.sp, B, x.dp, { seq: 100, len: 100 }); // X, good: remembered as not followed
    const note = send(f, s, 3, A, x.sp, B, x.dp, { bad: true, seq: 200, len: 100 }); // X now followed
    send(f, s, 4, C, z.sp, D, z.dp, { seq: 11, len: 10 }); // Z takes the slot back
    send(f, s, 5, B, x.dp, A, x.sp, { ack: 300, flags: ACK }); // the peer acknowledges X's bad segment
    f.finish();
    expect(note).toEqual({ acked: true, retransmitted: false });
  });

  it('a flow whose only open segment the peer acknowledges leaves the filter and stops being walked', () => {
    const f = new TcpFlowFollower();
    const s = new Segment();
    const walks = jest.spyOn(SegmentFates.prototype, 'walk');
    try {
      const note = send(f, s, 1, A, 40000, B, 443, { bad: true, seq: 100, len: 100 });
      expect(f.filter.counts.reduce((n, c) => n + c, 0)).toBe(1);
      send(f, s, 2, B, 443, A, 40000, { ack: 200, flags: ACK }); // the common case: acknowledged at once
      expect(note).toEqual({ acked: true, retransmitted: false });
      expect(f.openSegments).toBe(0);
      expect(f.filter.counts.reduce((n, c) => n + c, 0)).toBe(0); // the reader skips the flow's frames again
      const before = walks.mock.calls.length;
      for (let i = 0; i < 5; i++) send(f, s, 3 + i, A, 40000, B, 443, { seq: 200 + 100 * i, ack: 1, len: 100 }); // good data
      for (let i = 0; i < 5; i++) send(f, s, 8 + i, B, 443, A, 40000, { ack: 300 + 100 * i, flags: ACK });
      send(f, s, 13, A, 40000, B, 443, { bad: true, seq: 700, len: 100 }); // the next bad one: [700, 800)
      send(f, s, 14, B, 443, A, 40000, { ack: 650, flags: ACK }); // acknowledges data before it, not it
      expect(walks.mock.calls.length).toBe(before); // the settled segment left no bounds behind: nothing to walk
    } finally {
      walks.mockRestore();
    }
    f.finish();
  });

  it('a frame turned away as "not followed" must match in ports too, not only in addresses', () => {
    const x = { sp: 40000, dp: 443 };
    const slot = recentSlot(A, x.sp, B, x.dp);
    const z = { sp: portFor(slot, C, D, 80, []), dp: 80 };
    const y = { sp: portFor(slot, A, B, 8080, [x.sp]), dp: 8080 }; // same hosts as X, other ports, same slot
    const f = new TcpFlowFollower();
    const s = new Segment();
    const note = send(f, s, 1, A, x.sp, B, x.dp, { bad: true, seq: 200, len: 100 }); // X followed
    send(f, s, 2, C, z.sp, D, z.dp, { bad: true, seq: 1, len: 10 }); // Z takes the slot
    send(f, s, 3, A, y.sp, B, y.dp, { seq: 5, len: 10 }); // Y, not followed: remembered in the slot
    send(f, s, 4, B, x.dp, A, x.sp, { ack: 300, flags: ACK }); // X's peer acknowledges
    f.finish();
    expect(note).toEqual({ acked: true, retransmitted: false });
  });
});
