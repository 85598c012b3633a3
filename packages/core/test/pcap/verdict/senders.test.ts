/**
 * Who sent the bad checksums, as the verdict tells it (audit of `analyze pcap`, D2, D3 and M4):
 * - frames whose direction the capture states reach the per-host counters, and the summary names their real
 *   senders (a VM's placeholders arriving inbound are the VM's, not the capture host's);
 * - receive offload (GRO) writes placeholders into the super-frames the capture host received: they make no
 *   capture host of their sender and no editing sign;
 * - past MAX_HOSTS senders the untracked addresses' bad checksums have no direction, and the text says so,
 *   with its numbers written as the counts beside it.
 * Synthetic FrameRecords (records.ts), through both the general path and the replay memo (annotateLimit 0).
 */
import { describe, expect, it } from '@jest/globals';
import type { FrameRecord } from '../../../src/pcap/frame/frame.js';
import { VerdictCollector, type Verdict } from '../../../src/pcap/verdict/index.js';
import { MAX_HOSTS, SUPER_FRAME_MIN_PAYLOAD } from '../../../src/pcap/verdict/thresholds.js';
import { CaptureBuilder, layer, type CheckKind, type Endpoint } from './records.js';

const vm: Endpoint = { ip: '192.168.122.50', port: 40022, mac: '52:54:00:7a:01:32' };
const kvmHost: Endpoint = { ip: '192.168.122.1', port: 2049, mac: '52:54:00:00:7a:01' };
const desktop: Endpoint = { ip: '192.168.1.20', port: 50800, mac: '02:42:c0:a8:01:14' };
const server: Endpoint = { ip: '203.0.113.5', port: 443, mac: '02:00:5e:00:01:01' };

/** The verdict through the general path (default annotations) and through the replay memo (none). */
function both(cap: CaptureBuilder): Verdict[] {
  return [undefined, 0].map((annotateLimit) => {
    const c = new VerdictCollector(annotateLimit === undefined ? {} : { annotateLimit });
    for (const f of cap.frames) c.add(f);
    return c.finish();
  });
}

const zero = { partial: 0, partialNoLength: 0, zero: 0, mismatch: 0, ipv4Zero: 0, ipv4Mismatch: 0 };

describe('direction-flagged captures name the real senders (D2)', () => {
  /** `tcpdump -i any` on a KVM host: the VM's offloaded packets arrive inbound, the host's own go out. */
  function vmUpload(hostCheck: CheckKind): CaptureBuilder {
    const cap = new CaptureBuilder();
    const s = cap.session(vm, kvmHost);
    s.defaults = { c: { check: 'partial', direction: 'inbound' }, s: { check: hostCheck, direction: 'outbound' } };
    s.handshake();
    for (let i = 0; i < 5; i++) {
      s.send('c', 1200);
      s.ack('s');
    }
    return cap;
  }

  it("a VM's placeholders arriving inbound are the VM's: named as received from it, listed in hosts", () => {
    for (const v of both(vmUpload('good'))) {
      expect(v.kind).toBe('offload-artifact');
      expect(v.captureHosts).toEqual([expect.objectContaining({ address: kvmHost.ip, reason: 'direction-flag', placeholders: 0 })]);
      expect(v.evidence.inbound.partial).toBe(7); // the VM's SYN, ACK and 5 data segments
      expect(v.evidence.outbound).toEqual(zero);
      expect(v.summary).toMatch(
        /^7 bad checksums are offload placeholders on packets received from 192\.168\.122\.50 \(marked inbound by the capture file, yet never filled in by a NIC: a local sender, such as a VM or container on the capturing machine\): harmless capture artifacts\./,
      );
      expect(v.summary).not.toContain('sent by 192.168.122.1');
      expect(v.hosts).toEqual([expect.objectContaining({ address: vm.ip, captureHost: false, bad: { ...zero, partial: 7 } })]);
      expect(v.hosts[0]!.tcp.placeholder.acked).toBe(6); // the SYN and the 5 segments
    }
  });

  it('placeholders both ways on a flagged capture: each named by its sender, the capture host counted with its own', () => {
    for (const v of both(vmUpload('partial'))) {
      expect(v.summary).toMatch(/^13 bad checksums are offload placeholders: 6 on packets sent by 192\.168\.122\.1; 7 on packets received from 192\.168\.122\.50 \(marked inbound/);
      expect(v.evidence.outbound.partial).toBe(6);
      expect(v.evidence.inbound.partial).toBe(7);
      expect(v.captureHosts).toEqual([expect.objectContaining({ address: kvmHost.ip, placeholders: 6, outboundFlagged: 6 })]);
      expect(v.hosts.map((h) => [h.address, h.captureHost, h.bad.partial])).toEqual([
        [vm.ip, false, 7],
        [kvmHost.ip, true, 6],
      ]);
    }
  });

  it('wire corruption on a flagged capture is named by the sender of the corrupted segments, which hosts lists', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(desktop, server);
    s.defaults = { c: { direction: 'outbound' }, s: { direction: 'inbound' } };
    s.handshake();
    for (let i = 0; i < 6; i++) {
      const bad = i % 3 === 1;
      const seg = s.send('s', 1460, bad ? { check: 'mismatch', lost: true } : {});
      if (bad) {
        s.ack('c');
        s.resend('s', seg);
      }
      s.ack('c');
    }
    for (const v of both(cap)) {
      expect(v.kind).toBe('wire-corruption');
      expect(v.summary).toMatch(/^2 segments sent by 203\.0\.113\.5 arrived with a mismatching checksum/);
      expect(v.hosts).toEqual([expect.objectContaining({ address: server.ip, captureHost: false, bad: { ...zero, mismatch: 2 } })]);
      expect(v.hosts[0]!.tcp.mismatch.failed).toBe(2);
    }
  });
});

describe('receive offload (GRO) super-frames (D3)', () => {
  /**
   * A desktop with transmit offload downloads from a public server: the server's back-to-back segments reach
   * tcpdump merged by GRO (`serverCheck` on super-frames of `merged` segments), a lone one as it came.
   */
  function download(serverCheck: CheckKind, o: { merged?: number; ipv4Zero?: boolean; client?: Endpoint; server?: Endpoint } = {}): CaptureBuilder {
    const cap = new CaptureBuilder();
    const s = cap.session(o.client ?? desktop, o.server ?? server);
    s.defaults.c = { check: 'partial' };
    s.handshake();
    s.send('c', 517);
    for (let i = 0; i < 4; i++) {
      s.send('s', (o.merged ?? 2) * 1460, { check: serverCheck, ipv4Zero: o.ipv4Zero ?? false });
      s.send('s', 1460);
      s.ack('c');
    }
    return cap;
  }

  it("a public server's super-frame partials received by the capture host: not a capture host, not an editing sign", () => {
    for (const v of both(download('partial'))) {
      expect(v.kind).toBe('offload-artifact');
      expect(v.captureHosts.map((h) => h.address)).toEqual([desktop.ip]);
      expect(v.evidence.inbound.partial).toBe(4);
      expect(v.evidence.superFramePartials).toEqual({ outbound: 0, inbound: 4, unknownDirection: 0 });
      expect(v.evidence.editing.twoSidedPublicPairs).toBe(0);
      expect(v.evidence.editing.signs).toEqual([]);
      expect(v.hosts.find((h) => h.address === server.ip)).toMatchObject({ captureHost: false, bad: { ...zero, partial: 4 } });
      expect(v.summary).toMatch(/^11 bad checksums are offload placeholders: 7 on packets sent by 192\.168\.1\.20; 4 on super-frames received from 203\.0\.113\.5 \(larger than a 1,500-byte link carries: segments merged by the capture host's receive offload, GRO\/LRO/);
    }
  });

  it('the super-frame test is on the payload: one byte under it is an ordinary frame (and its sender a capture host)', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(desktop, server);
    s.defaults.c = { check: 'partial' };
    s.send('c', 300);
    s.send('s', SUPER_FRAME_MIN_PAYLOAD - 1, { check: 'partial' }); // a full-size segment of a 1,500-byte link
    s.send('s', SUPER_FRAME_MIN_PAYLOAD, { check: 'partial' });
    s.ack('c');
    for (const v of both(cap)) {
      expect(v.captureHosts.map((h) => h.address).sort()).toEqual([desktop.ip, server.ip]);
      expect(v.evidence.superFramePartials.outbound).toBe(1);
      expect(v.evidence.editing.twoSidedPublicPairs).toBe(1); // the ordinary one still counts for the sign
    }
  });

  it('a sender of super-frames to no capture host stays one (TSO on the capturing machine)', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(desktop, server);
    s.defaults.c = { check: 'partial' };
    for (let i = 0; i < 3; i++) {
      s.send('c', 3 * 1448); // TSO: one super-frame handed to the NIC
      s.ack('s');
    }
    for (const v of both(cap)) {
      expect(v.captureHosts).toEqual([expect.objectContaining({ address: desktop.ip, reason: 'placeholders', placeholders: 3 })]);
      expect(v.evidence.outbound.partial).toBe(3);
      expect(v.evidence.superFramePartials).toEqual({ outbound: 3, inbound: 0, unknownDirection: 0 });
      expect(v.summary).toMatch(/^3 bad checksums are offload placeholders on packets sent by 192\.168\.1\.20: harmless capture artifacts\./);
    }
  });

  it('only the shape GRO writes is excused: sums without the length (Windows LSO) or an IPv4 checksum 0 name their sender', () => {
    for (const cap of [download('nolen'), download('partial', { ipv4Zero: true })]) {
      for (const v of both(cap)) {
        expect(v.captureHosts.map((h) => h.address).sort()).toEqual([desktop.ip, server.ip]);
        expect(v.evidence.superFramePartials.inbound + v.evidence.superFramePartials.outbound).toBe(0);
        // a placeholder on a super-frame is never an editing sign: TSO on the sender explains it too
        expect(v.evidence.editing.twoSidedPublicPairs).toBe(0);
      }
    }
  });

  it('a loopback link (Linux lo: zero MACs) has no super-frames: 2,000-byte frames with placeholders name their sender', () => {
    const lo = (e: Endpoint): Endpoint => ({ ...e, mac: '00:00:00:00:00:00' });
    for (const v of both(download('partial', { client: lo(desktop), server: lo({ ...server, ip: '203.0.113.20' }) }))) {
      expect(v.captureHosts.map((h) => h.address).sort()).toEqual([desktop.ip, '203.0.113.20']);
      expect(v.evidence.superFramePartials).toEqual({ outbound: 0, inbound: 0, unknownDirection: 0 });
    }
  });
});

describe('more senders than the host table holds (M4)', () => {
  it("past MAX_HOSTS the untracked senders' placeholders have no direction, and the text counts both kinds with separators", () => {
    const extra = 10;
    const c = new VerdictCollector();
    const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    for (let i = 0; i < MAX_HOSTS + extra; i++) {
      const r: FrameRecord = {
        frame: i + 1, timestamp: 1 + i * 1e-4, interfaceId: 0, linkType: 1, capturedLength: 60, originalLength: 60,
        direction: undefined, epbFlags: undefined, srcMac: undefined, dstMac: undefined, ipVersion: 4,
        src: ip(i), dst: '192.0.2.1', ipv4ChecksumZero: false, tcp: undefined, udp: { srcPort: 1024, dstPort: 53, length: 40 },
        checks: [layer('udp', 'partial', ip(i), '192.0.2.1', i + 1)],
      };
      c.add(r);
    }
    const v = c.finish();
    expect(v.captureHosts).toHaveLength(MAX_HOSTS);
    expect(v.evidence.outbound.partial).toBe(MAX_HOSTS);
    expect(v.evidence.inbound).toEqual(zero); // they were called inbound, contradicting "only capture hosts send placeholders"
    expect(v.evidence.unknownDirection.partial).toBe(extra);
    expect(v.summary).toBe(
      '4,106 bad checksums are offload placeholders: 4,096 on packets sent by 10.0.0.0, 10.0.0.1, 10.0.0.10 and 4,093 more; ' +
        '10 on packets sent by addresses past the first 4,096, not tracked one by one (direction unknown): harmless capture artifacts.',
    );
    expect(v.hosts[0]).toMatchObject({ address: '(other)', captureHost: false, bad: { ...zero, partial: extra } });
  });
});
