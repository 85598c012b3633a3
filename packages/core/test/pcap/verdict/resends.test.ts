/**
 * What a re-sent range proves (segment-fates.ts, thresholds.ts): a second capture of the same packet is a
 * duplicate, not a re-send; a re-send to a peer never heard in the connection, or into a zero window, does
 * not make the earlier copy `failed`. And real re-sends next to them still do.
 */
import { describe, expect, it } from '@jest/globals';
import type { FrameRecord } from '../../../src/pcap/frame/frame.js';
import { VerdictCollector, type Verdict } from '../../../src/pcap/verdict/index.js';
import { DUPLICATE_MAX_SECONDS, DUPLICATE_NO_ID_MAX_SECONDS } from '../../../src/pcap/verdict/thresholds.js';
import { CaptureBuilder, type Endpoint } from './records.js';

const SYN = 0x02;
const ACK = 0x10;
const PSH_ACK = 0x18;

const CLIENT_MAC = '02:42:c0:a8:01:14';
const SERVER_MAC = '02:00:5e:00:01:01';
const client: Endpoint = { ip: '192.168.1.20', port: 50123, mac: CLIENT_MAC };
const server: Endpoint = { ip: '203.0.113.5', port: 443, mac: SERVER_MAC };
const client6: Endpoint = { ip: '2001:db8::20', port: 50123, mac: CLIENT_MAC };
const server6: Endpoint = { ip: '2001:db8::80', port: 443, mac: SERVER_MAC };

function run(frames: FrameRecord[]): { v: Verdict; c: VerdictCollector } {
  const c = new VerdictCollector();
  for (const f of frames) c.add(f);
  return { v: c.finish(), c };
}

/** Every frame recorded a second time, `apart` seconds later (same bytes: the same IPv4 ID). */
function twice(frames: FrameRecord[], apart: number): FrameRecord[] {
  const out: FrameRecord[] = [];
  for (const f of frames) out.push(f, { ...f, timestamp: f.timestamp + apart });
  return out.map((f, i) => ({ ...f, frame: i + 1 }));
}

/** A Linux host with offload sending 20 full-size segments, the peer acknowledging every second one. */
function offloadUpload(c: Endpoint, s: Endpoint): CaptureBuilder {
  const cap = new CaptureBuilder();
  const sess = cap.session(c, s);
  sess.defaults.c = { check: 'partial' };
  sess.handshake();
  for (let i = 0; i < 10; i++) {
    sess.send('c', 1460);
    sess.send('c', 1460);
    sess.ack('s');
  }
  return cap;
}

describe('a second capture of the same packet is not a re-send', () => {
  it('IPv4: every frame twice, 5 us apart, same ID: offload-artifact, each segment counted once, copies share its fate', () => {
    const once = run(offloadUpload(client, server).frames);
    const { v, c } = run(twice(offloadUpload(client, server).frames, 0.000005));
    expect(once.v.kind).toBe('offload-artifact');
    expect(v.kind).toBe('offload-artifact');
    expect(v.evidence.tcpSegments.outbound.placeholder).toEqual(once.v.evidence.tcpSegments.outbound.placeholder);
    expect(v.evidence.tcpSegments.outbound.placeholder).toMatchObject({ acked: 21, failed: 0 });
    expect(v.evidence.flowTable.duplicates).toBe(21);
    for (let frame = 1; frame <= 2 * 33; frame += 2) expect(c.annotation(frame + 1, 'tcp')).toEqual(c.annotation(frame, 'tcp'));
    expect(c.annotation(2, 'tcp')).toEqual({ class: 'partial', acked: true, retransmitted: false }); // the SYN's copy
  });

  it('a good copy after a bad one (the second interface computed the sum) is a duplicate too', () => {
    const frames = twice(offloadUpload(client, server).frames, 0.000005);
    for (const f of frames) if (f.frame % 2 === 0 && f.src === client.ip) f.checks = f.checks.map((l) => ({ ...l, status: 'good', stored: l.correct! }));
    const { v } = run(frames);
    expect(v.kind).toBe('offload-artifact');
    expect(v.evidence.tcpSegments.outbound.placeholder).toMatchObject({ acked: 21, failed: 0 });
  });

  it('the same ID more than DUPLICATE_MAX_SECONDS later is a re-send (a stack that writes a constant ID)', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial', ipId: 0 };
    s.handshake();
    const seg = s.send('c', 1460, { lost: true });
    cap.idle(DUPLICATE_MAX_SECONDS * 2);
    s.resend('c', seg);
    s.ack('s');
    const { v, c } = run(cap.frames);
    expect(v.evidence.flowTable.duplicates).toBe(0);
    expect(c.annotation(4, 'tcp')).toEqual({ class: 'partial', acked: false, retransmitted: true });
  });

  it('a copy microseconds later with a new ID is a re-send (a fast retransmit on a LAN)', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial' };
    s.handshake();
    const seg = s.send('c', 1460, { lost: true });
    s.ack('s', { dt: 0.00002 });
    s.resend('c', seg, { dt: 0.00002 });
    s.ack('s');
    const { v, c } = run(cap.frames);
    expect(v.evidence.flowTable.duplicates).toBe(0);
    expect(c.annotation(4, 'tcp')).toEqual({ class: 'partial', acked: false, retransmitted: true });
  });

  it('IPv6 (no ID): a copy within DUPLICATE_NO_ID_MAX_SECONDS with nothing from the peer in between is a duplicate', () => {
    const { v } = run(twice(offloadUpload(client6, server6).frames, DUPLICATE_NO_ID_MAX_SECONDS / 10));
    expect(v.kind).toBe('offload-artifact');
    expect(v.evidence.tcpSegments.outbound.placeholder).toMatchObject({ acked: 21, failed: 0 });
    expect(v.evidence.flowTable.duplicates).toBe(21);
  });

  it('IPv6: later than DUPLICATE_NO_ID_MAX_SECONDS, or after the peer spoke, it is a re-send', () => {
    const late = run(twice(offloadUpload(client6, server6).frames, DUPLICATE_NO_ID_MAX_SECONDS * 2)).v;
    expect(late.evidence.flowTable.duplicates).toBe(0);
    expect(late.evidence.tcpSegments.outbound.placeholder.failed).toBeGreaterThan(0);
    const cap = new CaptureBuilder();
    const s = cap.session(client6, server6);
    s.defaults.c = { check: 'partial' };
    s.handshake();
    const seg = s.send('c', 1460, { lost: true });
    s.ack('s', { dt: 0.0001 }); // the peer in between: a duplicate ACK (the acknowledgement numbers stay equal)
    s.resend('c', seg, { dt: 0.0001 });
    s.ack('s');
    const { v, c } = run(cap.frames);
    expect(v.evidence.flowTable.duplicates).toBe(0);
    expect(c.annotation(4, 'tcp')).toEqual({ class: 'partial', acked: false, retransmitted: true });
  });
});

describe('a re-send to a peer never heard in the connection proves nothing', () => {
  const dead: Endpoint = { ip: '198.51.100.9', port: 443, mac: SERVER_MAC };
  function synRetries(cap: CaptureBuilder, port: number, tries: number): void {
    for (let i = 0; i < tries; i++) {
      cap.idle(i === 0 ? 0 : 3 * 2 ** (i - 1));
      cap.tcp({ ...client, port }, dead, 777000, 0, SYN, 0, { check: 'partial', ipv4Zero: true });
    }
  }

  it('SYN retries to a host that is down: unknown, not failed; the healthy connection beside them decides', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial', ipv4Zero: true };
    s.handshake();
    s.send('c', 517);
    s.send('s', 1200);
    s.ack('c');
    s.send('c', 126);
    s.ack('s');
    synRetries(cap, 50200, 3);
    synRetries(cap, 50201, 3);
    const { v, c } = run(cap.frames);
    expect(v.kind).toBe('offload-artifact');
    expect(v.evidence.tcpSegments.outbound.placeholder).toMatchObject({ acked: 3, failed: 0, unknown: 6 });
    expect(v.evidence.flowTable.unansweredResends).toBe(4);
    expect(c.annotation(cap.frames.length, 'tcp')).toEqual({ class: 'partial', acked: null, retransmitted: false });
  });

  it('a SYN answered on the third try: the first two unknown, the third acknowledged', () => {
    const cap = new CaptureBuilder();
    synRetries(cap, 50300, 3);
    cap.tcp(dead, { ...client, port: 50300 }, 5000, 777001, SYN | ACK, 0); // it was slow, not down
    const { v, c } = run(cap.frames);
    expect(v.evidence.tcpSegments.outbound.placeholder).toMatchObject({ acked: 1, failed: 0, unknown: 2 });
    expect(c.annotation(3, 'tcp')).toEqual({ class: 'partial', acked: true, retransmitted: false });
  });

  it('re-sent data always counts: the sender had the peer in the connection (ACK set), even when the capture saw nothing of it', () => {
    const cap = new CaptureBuilder();
    for (let i = 0; i < 3; i++) {
      const seq = 1000 + 1460 * i;
      cap.tcp(client, server, seq, 1, PSH_ACK, 1460, { check: 'partial' });
      cap.idle(0.3);
      cap.tcp(client, server, seq, 1, PSH_ACK, 1460, { check: 'partial' });
    }
    const { v } = run(cap.frames);
    expect(v.evidence.tcpSegments.outbound.placeholder.failed).toBe(3);
    expect(v.evidence.flowTable.unansweredResends).toBe(0);
  });
});

describe('zero-window probes are not failures', () => {
  /** Data, the peer closes its window, `probes` 1-byte probes answered with window 0, the window opens, the data goes on. */
  function zeroWindow(probes: number, ackBeforeProbes = true): CaptureBuilder {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial', ipv4Zero: true };
    s.handshake();
    for (let i = 0; i < 6; i++) s.send('c', 1460);
    if (ackBeforeProbes) s.ack('s', { window: 0 });
    const next = cap.frames.filter((f) => f.src === client.ip).reduce((n, f) => Math.max(n, f.tcp!.seq + f.tcp!.payloadLength), 0);
    for (let i = 0; i < probes; i++) {
      cap.idle(0.3 * 2 ** i);
      cap.tcp(client, server, next, 1, ACK, 1, { check: 'partial', ipv4Zero: true });
      s.ack('s', { window: 0 });
    }
    s.ack('s', { dt: 1 }); // window open again
    for (let i = 0; i < 4; i++) s.send('c', 1460); // from the probed byte on (send() never moved past it)
    s.ack('s');
    return cap;
  }

  it('1-byte probes answered with window 0, then the data from the probed byte: offload-artifact, probes unknown', () => {
    const cap = zeroWindow(5);
    const { v, c } = run(cap.frames);
    expect(v.kind).toBe('offload-artifact');
    expect(v.evidence.tcpSegments.outbound.placeholder.failed).toBe(0);
    expect(v.evidence.flowTable.zeroWindowResends).toBe(5);
    const probes = cap.frames.filter((f) => f.tcp?.payloadLength === 1);
    expect(probes).toHaveLength(5);
    for (const p of probes) expect(c.annotation(p.frame, 'tcp')).toEqual({ class: 'partial', acked: null, retransmitted: false });
  });

  it('a segment the peer answers with window 0 and that is sent again (a probe of data already sent) is not a failure', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial' };
    s.handshake();
    const seg = s.send('c', 1460, { lost: true }); // no room for it at the receiver
    s.ack('s', { window: 0 }); // acknowledges what came before, window closed
    cap.idle(0.5);
    s.resend('c', seg, { lost: true });
    s.ack('s', { window: 0 });
    const { c } = run(cap.frames);
    expect(c.annotation(4, 'tcp')).toEqual({ class: 'partial', acked: null, retransmitted: false });
  });

  it('a closed window the peer has opened again since does not excuse a later lost segment', () => {
    const cap = zeroWindow(2);
    const s = cap.session(client, server, { c: 900_000, s: 5_000_000 }); // same ends: a new connection on the same ports
    s.defaults.c = { check: 'partial', ipv4Zero: true };
    s.handshake();
    for (let k = 0; k < 3; k++) {
      const seg = s.send('c', 1460, { lost: true });
      cap.idle(0.3);
      s.resend('c', seg);
      s.ack('s');
    }
    const { v } = run(cap.frames);
    expect(v.evidence.tcpSegments.outbound.placeholder.failed).toBe(3);
    expect(v.evidence.flowTable.zeroWindowResends).toBe(2);
  });
});
