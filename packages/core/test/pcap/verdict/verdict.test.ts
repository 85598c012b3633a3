import { describe, expect, it } from '@jest/globals';
import { VerdictCollector, type Verdict } from '../../../src/pcap/verdict/index.js';
import { BROKEN_MIN_FAILED } from '../../../src/pcap/verdict/thresholds.js';
import { CaptureBuilder, type Endpoint } from './records.js';

const client: Endpoint = { ip: '192.168.1.20', port: 50123, mac: '00:e0:4c:68:00:01' }; // Realtek OUI
const server: Endpoint = { ip: '203.0.113.5', port: 443, mac: '00:11:22:33:44:55' };
const dns: Endpoint = { ip: '192.168.1.1', port: 53 };

function run(cap: CaptureBuilder): { v: Verdict; c: VerdictCollector } {
  const c = new VerdictCollector();
  for (const f of cap.frames) c.add(f);
  return { v: c.finish(), c };
}

describe('verdict: clean', () => {
  it('is clean with UDP checksum 0 over IPv4, IPv6 and correct TCP', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server).handshake();
    s.send('c', 300);
    s.send('s', 1460);
    s.ack('c');
    s.close();
    cap.udp({ ip: client.ip, port: 5353 }, dns, 40, 'absent');
    const v6 = cap.session({ ip: '2001:db8::20', port: 40000 }, { ip: '2001:db8::80', port: 80 }).handshake();
    v6.send('c', 100);
    v6.ack('s');
    const { v } = run(cap);
    expect(v.kind).toBe('clean');
    expect(v.captureHosts).toEqual([]);
    expect(v.evidence.checked.tcp).toBe(cap.frames.filter((f) => f.tcp).length);
    expect(v.advice[0]).toMatch(/Nothing to fix/);
    expect(v.summary).toBe(`All ${v.evidence.checked.ipv4 + v.evidence.checked.tcp + v.evidence.checked.udp} verified checksums are correct.`);
  });

  it('says so when nothing was verified, instead of "all 0 are correct"', () => {
    expect(run(new CaptureBuilder()).v.summary).toBe('No checksum was verified: none of the 0 frames carries an IPv4, TCP or UDP header.');
    const cut = new CaptureBuilder();
    cut.tcp({ ip: '2001:db8::20', port: 40000 }, { ip: '2001:db8::80', port: 80 }, 1, 0, 0x02, 0, { check: 'unverified' }); // IPv6: no header checksum
    const { v } = run(cut);
    expect(v.kind).toBe('clean');
    expect(v.summary).toBe('No checksum was verified: 1 checksum could not be verified (cut by the snaplen or fragmented).');
  });
});

describe('verdict: offload-artifact', () => {
  it('recognises Linux-style partial sums on the capture host own packets that the peer acknowledged', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial' };
    s.handshake();
    for (let i = 0; i < 20; i++) {
      s.send('c', 1460);
      s.send('c', 1460);
      s.ack('s');
    }
    s.send('s', 500);
    s.ack('c');
    cap.udp({ ip: client.ip, port: 5000 }, dns, 30, 'partial');
    const { v, c } = run(cap);
    expect(v.kind).toBe('offload-artifact');
    expect(v.captureHosts.map((h) => h.address)).toEqual([client.ip]);
    expect(v.captureHosts[0]!.macs).toEqual([client.mac]);
    expect(v.captureHosts[0]!.reason).toBe('placeholders');
    expect(v.evidence.tcpSegments.outbound.placeholder.acked).toBe(41); // SYN + 40 data segments
    expect(v.evidence.tcpSegments.outbound.placeholder.failed).toBe(0);
    expect(v.evidence.bad.partial).toBe(cap.frames.filter((f) => f.src === client.ip).length);
    expect(v.os.guess).toBe('linux-or-macos');
    expect(v.summary).toMatch(/offload placeholders/);
    expect(v.advice.join(' ')).toMatch(/Nothing to fix/);
    // per-frame annotations for the bad list
    const data = cap.frames.find((f) => f.src === client.ip && f.tcp!.payloadLength > 0)!;
    expect(c.annotation(data.frame, 'tcp')).toEqual({ class: 'partial', acked: true, retransmitted: false });
    const bareAck = cap.frames.find((f) => f.src === client.ip && f.tcp!.payloadLength === 0 && f.tcp!.flags === 0x10)!;
    expect(c.annotation(bareAck.frame, 'tcp')).toEqual({ class: 'partial', acked: null, retransmitted: false });
    const udp = cap.frames.find((f) => f.udp)!;
    expect(c.annotation(udp.frame, 'udp')).toEqual({ class: 'partial' });
    expect(c.annotation(udp.frame, 'tcp')).toBeUndefined();
  });

  it('tells Windows from the no-length LSO sums and IPv4 checksum 0, and advises accordingly', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial', ipv4Zero: true };
    s.handshake();
    s.send('c', 200);
    s.send('c', 8760, { check: 'nolen' }); // an LSO super-segment
    s.ack('s');
    const { v } = run(cap);
    expect(v.kind).toBe('offload-artifact');
    expect(v.os.guess).toBe('windows');
    expect(v.evidence.outbound.partialNoLength).toBe(1);
    expect(v.evidence.outbound.ipv4Zero).toBe(cap.frames.filter((f) => f.src === client.ip).length);
    expect(v.advice.join(' ')).toMatch(/Disable-NetAdapterChecksumOffload/);
  });

  it('ordinary loss of one offloaded segment among many does not make it broken', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial' };
    s.handshake();
    for (let i = 0; i < 40; i++) {
      const seg = s.send('c', 1460, { lost: i === 7 });
      if (i === 7) s.resend('c', seg);
      s.ack('s');
    }
    const { v } = run(cap);
    expect(v.evidence.tcpSegments.outbound.placeholder.failed).toBe(1);
    expect(v.kind).toBe('offload-artifact');
    expect(v.summary).toMatch(/ordinary loss/);
  });

  it('an outbound mismatch the peer acknowledged is a capture-side artifact (the sanders weather_broken case)', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server).handshake();
    s.send('c', 517, { check: 'mismatch' });
    s.send('s', 183);
    s.ack('c');
    s.close();
    const { v, c } = run(cap);
    expect(v.kind).toBe('offload-artifact');
    expect(v.captureHosts).toEqual([expect.objectContaining({ address: client.ip, reason: 'accepted-bad' })]);
    expect(c.annotation(4, 'tcp')).toEqual({ class: 'mismatch', acked: true, retransmitted: false });
  });

  it('uses pcapng direction flags for the capture host', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'zero', direction: 'outbound' };
    s.defaults.s = { direction: 'inbound' };
    s.handshake();
    s.send('c', 100);
    s.ack('s');
    const { v } = run(cap);
    expect(v.kind).toBe('offload-artifact');
    expect(v.captureHosts).toEqual([expect.objectContaining({ address: client.ip, reason: 'direction-flag' })]);
    expect(v.evidence.outbound.zero).toBe(cap.frames.filter((f) => f.src === client.ip).length);
  });
});

describe('verdict: offload-broken (the Realtek case)', () => {
  function realtek(ipv4Zero: boolean): CaptureBuilder {
    const cap = new CaptureBuilder();
    for (let conn = 0; conn < 3; conn++) {
      const s = cap.session({ ...client, port: client.port + conn }, server);
      s.defaults.c = { check: 'partial', ipv4Zero };
      s.handshake();
      s.send('c', 517); // ClientHello: small, passes
      s.send('s', 1200);
      s.ack('c');
      s.send('c', 126);
      s.ack('s');
      const big = s.send('c', 1460, { lost: true }); // full-size: the NIC mangles it, the server drops it
      s.send('c', 1460, { lost: true });
      for (let r = 0; r < 3; r++) {
        cap.idle(0.3 * 2 ** r);
        s.resend('c', big, { lost: true });
      }
    }
    return cap;
  }

  it('full-size outbound segments with placeholders are never acknowledged and are re-sent', () => {
    const { v, c } = run(realtek(true));
    expect(v.kind).toBe('offload-broken');
    const out = v.evidence.tcpSegments.outbound.placeholder;
    expect(out.failed).toBeGreaterThanOrEqual(BROKEN_MIN_FAILED);
    expect(out.smallestFailed).toBe(1460);
    expect(out.largestAcked).toBe(517);
    expect(v.summary).toMatch(/full-size segments fail, small ones pass/);
    expect(v.os.guess).toBe('windows');
    expect(v.advice.join('\n')).toMatch(/TCP Checksum Offload \(IPv4\)/);
    expect(v.advice.join('\n')).toMatch(/Disable-NetAdapterLso/);
    expect(v.flows[0]!.failed).toBeGreaterThan(0);
    // first full-size segment of the first connection: frame 9 (3 handshake, 517, 1200, ack, 126, ack, 1460)
    expect(c.annotation(9, 'tcp')).toEqual({ class: 'partial', acked: false, retransmitted: true });
    // the second one was never re-sent and the server never spoke again: its fate is unknown
    expect(c.annotation(10, 'tcp')).toEqual({ class: 'partial', acked: null, retransmitted: false });
  });

  it('Linux flavour gets ethtool advice', () => {
    const { v } = run(realtek(false));
    expect(v.kind).toBe('offload-broken');
    expect(v.advice.join('\n')).toMatch(/ethtool -K <if> tx off rx off tso off gso off/);
  });
});

describe('verdict: wire-corruption', () => {
  it('inbound mismatches that are not acknowledged and are re-sent, with no capture-host placeholders', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server).handshake();
    s.send('c', 300);
    for (let i = 0; i < 30; i++) {
      const bad = i % 10 === 3;
      const seg = s.send('s', 1460, bad ? { check: 'mismatch', lost: true } : {});
      if (bad) s.ack('c'); // dup ACK
      if (bad) s.resend('s', seg);
      s.ack('c');
    }
    const { v, c } = run(cap);
    expect(v.kind).toBe('wire-corruption');
    expect(v.evidence.tcpSegments.unknownDirection.mismatch.failed).toBe(3);
    expect(v.advice.join(' ')).toMatch(/cable/);
    const first = cap.frames.find((f) => f.checks.some((l) => l.status === 'bad'))!;
    expect(c.annotation(first.frame, 'tcp')).toEqual({ class: 'mismatch', acked: false, retransmitted: true });
  });

  it('inbound mismatches are told apart from the capture host own offload placeholders', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial' };
    s.handshake();
    for (let i = 0; i < 10; i++) {
      const bad = i === 2 || i === 6;
      const seg = s.send('s', 1460, bad ? { check: 'mismatch', lost: true } : {});
      if (bad) s.resend('s', seg);
      s.ack('c');
    }
    const { v } = run(cap);
    expect(v.kind).toBe('wire-corruption');
    expect(v.captureHosts.map((h) => h.address)).toEqual([client.ip]);
    expect(v.evidence.tcpSegments.inbound.mismatch.failed).toBe(2);
    expect(v.evidence.outbound.partial).toBeGreaterThan(0);
  });
});

describe('verdict: rewritten', () => {
  it('nearly every checksum wrong in both directions, yet the conversation proceeds', () => {
    const cap = new CaptureBuilder();
    const s = cap.session({ ip: '205.227.227.226', port: 1025 }, { ip: '205.227.227.243', port: 139 });
    s.defaults = { c: { check: 'mismatch' }, s: { check: 'mismatch' } };
    for (let i = 0; i < 5; i++) {
      s.send('c', 100 + i);
      s.send('s', 120 + i);
    }
    const { v } = run(cap);
    expect(v.kind).toBe('rewritten');
    expect(v.evidence.mismatchShare).toEqual({ forward: 1, reverse: 1 });
    expect(v.captureHosts).toEqual([]);
    expect(v.advice.join(' ')).toMatch(/tcprewrite --fixcsum/);
  });

  it('a capture host with offload placeholders one way is not "rewritten"', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial' };
    for (let i = 0; i < 10; i++) {
      s.send('c', 100);
      s.send('s', 100);
    }
    expect(run(cap).v.kind).toBe('offload-artifact');
  });
});

describe('verdict: inconclusive', () => {
  it('a lone UDP mismatch cannot be judged', () => {
    const cap = new CaptureBuilder();
    cap.udp({ ip: '2001:db8::1', port: 7 }, { ip: '2001:db8::2', port: 7 }, 10, 'mismatch');
    const { v } = run(cap);
    expect(v.kind).toBe('inconclusive');
    expect(v.summary).toMatch(/1 checksum is wrong without being an offload placeholder/);
    expect(v.advice.join(' ')).toMatch(/both ends/);
  });

  it('two failed offloaded segments are too few to blame the adapter', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial' };
    const seg = s.send('c', 1460, { lost: true });
    s.resend('c', seg, { lost: true });
    s.resend('c', seg, { lost: true });
    const v = run(cap).v;
    expect(v.evidence.tcpSegments.outbound.placeholder.failed).toBe(2);
    expect(v.kind).toBe('inconclusive');
    expect(v.summary).toMatch(/too few to blame the adapter/);
  });
});

describe('verdict: the text agrees with its counts (issue 17)', () => {
  it('inconclusive with acknowledged mismatches says how many were acknowledged, never "no acknowledgement"', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server).handshake();
    for (let i = 0; i < 3; i++) {
      s.send('c', 300, { check: 'mismatch' });
      s.ack('s');
    }
    for (let i = 0; i < 10; i++) cap.udp({ ip: client.ip, port: 5000 }, dns, 30, 'mismatch');
    const { v } = run(cap);
    expect(v.kind).toBe('inconclusive');
    const acked = v.evidence.tcpSegments.unknownDirection.mismatch.acked + v.evidence.tcpSegments.outbound.mismatch.acked;
    expect(acked).toBe(3);
    expect(v.summary).not.toMatch(/no acknowledgement/);
    expect(v.summary).toMatch(/3 were acknowledged, 0 re-sent/);
    expect(v.summary).toMatch(/10 checksums are wrong/);
  });
});

describe('verdict: evidence of editing needs a strong sign or two weak ones', () => {
  it('placeholders both ways with a public server but real, distinct MACs (a Linux router forwarding GSO traffic) stay offload-artifact', () => {
    const cap = new CaptureBuilder();
    const lan: Endpoint = { ip: '192.168.1.20', port: 50000, mac: '02:00:00:00:00:20' };
    const www: Endpoint = { ip: '203.0.113.80', port: 443, mac: '02:00:00:00:00:01' };
    const s = cap.session(lan, www);
    s.defaults = { c: { check: 'partial' }, s: { check: 'partial' } };
    s.handshake();
    for (let i = 0; i < 5; i++) {
      s.send('c', 200);
      s.send('s', 1400);
    }
    s.ack('c');
    const { v } = run(cap);
    expect(v.evidence.editing.twoSidedPublicPairs).toBe(1);
    expect(v.evidence.editing.signs).toHaveLength(1);
    expect(v.evidence.editing.signs[0]).toMatch(/^1 conversation with a public address carries offload placeholders in both directions/);
    expect(v.evidence.editing.edited).toBe(false);
    expect(v.kind).toBe('offload-artifact');
  });

  it('one acknowledged IPv4 header mismatch is below the threshold; it still counts as accepted, not as unexplained', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server).handshake();
    s.send('c', 300);
    s.ack('s');
    const r = cap.frames[cap.frames.length - 2]!;
    r.checks[0] = { ...r.checks[0]!, status: 'bad', stored: (r.checks[0]!.correct! ^ 0x0f0f) || 1 };
    const { v } = run(cap);
    expect(v.evidence.editing.ipv4MismatchAcked).toBe(1);
    expect(v.evidence.editing.edited).toBe(false);
    expect(v.kind).toBe('offload-artifact');
    expect(v.summary).toMatch(/^1 segment with a wrong IPv4 header checksum was acknowledged by the peer anyway: a harmless capture artifact/);
  });
});

describe('verdict: one of a kind is singular', () => {
  it('clean: "The one verified checksum is correct."', () => {
    const cap = new CaptureBuilder();
    cap.udp({ ip: '2001:db8::1', port: 5353 }, { ip: '2001:db8::2', port: 5353 }, 20);
    expect(run(cap).v.summary).toBe('The one verified checksum is correct.');
  });

  it('wire-corruption: "1 segment ... was not acknowledged and was sent again"', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server).handshake();
    const seg = s.send('s', 1460, { check: 'mismatch', lost: true });
    s.ack('c');
    s.resend('s', seg);
    s.ack('c');
    const { v } = run(cap);
    expect(v.kind).toBe('wire-corruption');
    expect(v.summary).toMatch(/^1 segment sent by 203\.0\.113\.5 arrived with a mismatching checksum \(not an offload placeholder\), was not acknowledged and was sent again:/);
  });

  it('offload-artifact: "1 bad checksum is an offload placeholder on a packet sent by"', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server).handshake();
    s.send('c', 300, { check: 'partial' });
    s.ack('s');
    const { v } = run(cap);
    expect(v.kind).toBe('offload-artifact');
    expect(v.summary).toMatch(/^1 bad checksum is an offload placeholder on a packet sent by 192\.168\.1\.20: a harmless capture artifact\. The peers acknowledged 1 such segment/);
  });

  it('offload-broken: "1 was acknowledged"', () => {
    const cap = new CaptureBuilder();
    const s = cap.session(client, server);
    s.defaults.c = { check: 'partial' };
    s.handshake({ c: { check: 'good' } });
    s.send('c', 200); // the one acknowledged
    s.ack('s');
    const seg = s.send('c', 1460, { lost: true });
    for (let r = 0; r < 3; r++) {
      cap.idle(0.3 * 2 ** r);
      s.resend('c', seg, { lost: true });
    }
    const { v } = run(cap);
    expect(v.kind).toBe('offload-broken');
    expect(v.summary).toMatch(/were never acknowledged and had to be sent again; 1 was acknowledged\./);
  });
});

describe('verdict: placeholders of a sender that is not the capturing machine', () => {
  const vm: Endpoint = { ip: '192.168.122.60', port: 40100, mac: '52:54:00:7a:01:3c' };

  /** A VM's upload seen on its tap (flagged inbound); `lostCopies` re-sent copies of one full-size segment fail. */
  function vmUpload(lostCopies: number): CaptureBuilder {
    const cap = new CaptureBuilder();
    const s = cap.session(vm, server);
    s.defaults = { c: { check: 'partial', direction: 'inbound' }, s: { direction: 'outbound' } };
    s.handshake();
    for (let i = 0; i < 4; i++) {
      s.send('c', 300 + i);
      s.ack('s');
    }
    const big = s.send('c', 1460, { lost: lostCopies > 0 });
    for (let r = 1; r < lostCopies; r++) s.resend('c', big, { lost: true, dt: 0.3 });
    if (lostCopies > 0) s.resend('c', big, { dt: 0.3 }); // the last copy gets through
    s.ack('s');
    return cap;
  }

  it('too few failed placeholders to blame the path: inconclusive, naming the sender, not harmless', () => {
    const { v } = run(vmUpload(BROKEN_MIN_FAILED - 1));
    expect(v.evidence.tcpSegments.inbound.placeholder.failed).toBe(BROKEN_MIN_FAILED - 1);
    expect(v.kind).toBe('inconclusive');
    expect(v.summary).toMatch(/^Inconclusive: 2 segments with offload placeholders sent by 192\.168\.122\.60, which is not the capturing machine, were not acknowledged and re-sent \(\d+ acknowledged\)/);
  });

  it('enough of them: offload-broken on its path; none failed: offload-artifact', () => {
    expect(run(vmUpload(BROKEN_MIN_FAILED)).v.kind).toBe('offload-broken');
    expect(run(vmUpload(0)).v.kind).toBe('offload-artifact');
  });
});
