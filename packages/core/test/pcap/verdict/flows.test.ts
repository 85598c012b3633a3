import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FrameRecord, TcpSegmentFacts } from '../../../src/pcap/frame.js';
import { TcpFlowFollower } from '../../../src/pcap/verdict/flows.js';
import { VerdictCollector } from '../../../src/pcap/verdict/index.js';
import { emptyByValue, type OutcomesByValue } from '../../../src/pcap/verdict/outcomes.js';
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
  it('2 million distinct flows, each with a bad segment, never grow the table past its cap', () => {
    const follower = new TcpFlowFollower();
    const sink = emptyByValue();
    const bad = badSegment(sink);
    const r = new Segment();
    const FLOWS = 2_000_000;
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
    // ~65k flows and their open segments: tens of MB at most, not the ~1 GB 2M flows would take
    const retained = retainedHeap() - heapBefore;
    expect(retained).toBeLessThan(64 * 1024 * 1024);
    follower.finish();
    expect(follower.size).toBe(0);
    expect(follower.openSegments).toBe(0);
    // every followed segment got a fate (none was silently lost)
    const p = sink.placeholder;
    expect(p.acked + p.failed + p.unacked + p.unknown + follower.stats.untracked).toBe(FLOWS);
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

  it('hostile capture: a million spoofed sources with bad checksums do not grow the host table past MAX_HOSTS', () => {
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
    for (let i = 0; i < 1_000_000; i++) {
      r.frame = i + 1;
      r.src = ip(i);
      r.checks = [layer('udp', 'mismatch', r.src, r.dst!, i)];
      c.add(r);
    }
    const v = c.finish();
    expect(v.evidence.bad.mismatch).toBe(1_000_000);
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
