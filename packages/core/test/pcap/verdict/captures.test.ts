/**
 * The verdict end to end: real capture files through the checksum reader (`analyzeCapture` with
 * `onFrame`) into the VerdictCollector. Scenario captures come from fixtures/gen/pcap/scenarios.mjs;
 * corpus files are judged by their MANIFEST category.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { analyzeCapture, type CaptureReport } from '../../../src/pcap/index.js';
import { VerdictCollector, type Verdict, type VerdictKind } from '../../../src/pcap/verdict/index.js';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';

async function judge(path: string): Promise<{ v: Verdict; c: VerdictCollector; report: CaptureReport; bad: CaptureReport['bad'] }> {
  const c = new VerdictCollector();
  const report = await analyzeCapture(path, { onFrame: c.onFrame });
  expect(report.error).toBeUndefined();
  return { v: c.finish(), c, report, bad: report.bad };
}

const scenario = (name: string) => fixturePath('pcap', 'scenarios', name);

describe('verdict on the scenario captures', () => {
  it('clean.pcap: IPv4 UDP checksum 0, VLAN and QinQ tags, IPv6: clean', async () => {
    const { v, report } = await judge(scenario('clean.pcap'));
    expect(v.kind).toBe('clean');
    expect(v.evidence.checked.tcp).toBe(report.checksums.tcp.checked);
    expect(v.evidence.checked.tcp).toBeGreaterThanOrEqual(30);
    expect(v.evidence.checked.udp).toBe(2); // the IPv4 datagram with checksum 0 is "absent", not checked
  });

  it('offload-artifact.pcap: partial sums on the Linux host outbound packets, all acknowledged', async () => {
    const { v, c, bad } = await judge(scenario('offload-artifact.pcap'));
    expect(v.kind).toBe('offload-artifact');
    expect(v.captureHosts.map((h) => h.address)).toEqual(['192.168.1.20']);
    expect(v.captureHosts[0]!.macs).toEqual(['02:42:c0:a8:01:14']);
    expect(v.evidence.inbound.partial + v.evidence.inbound.mismatch).toBe(0);
    expect(v.evidence.tcpSegments.outbound.placeholder.acked).toBeGreaterThan(5);
    expect(v.evidence.tcpSegments.outbound.placeholder.failed).toBe(0);
    expect(v.os.guess).toBe('linux-or-macos');
    const dataFrame = bad.find((b) => b.protocol === 'tcp' && c.annotation(b.frame, 'tcp')?.acked === true);
    expect(dataFrame).toBeDefined();
    for (const b of bad) expect(c.annotation(b.frame, b.protocol)?.class).toBe('partial');
  });

  it('offload-broken.pcap (the Realtek case): small segments pass, full-size ones are never acknowledged and are re-sent', async () => {
    const { v } = await judge(scenario('offload-broken.pcap'));
    expect(v.kind).toBe('offload-broken');
    const out = v.evidence.tcpSegments.outbound.placeholder;
    expect(out.failed).toBe(12); // 3 connections x 4 re-sent copies of the first full-size segment
    expect(out.smallestFailed).toBe(1460);
    expect(out.largestAcked).toBe(517);
    expect(v.os.guess).toBe('windows');
    expect(v.captureHosts).toEqual([expect.objectContaining({ address: '192.168.1.37', macs: ['00:e0:4c:68:12:37'] })]);
    expect(v.advice.join('\n')).toMatch(/Disable-NetAdapterChecksumOffload/);
    expect(v.flows).toHaveLength(3);
    expect(v.flows[0]!.failed).toBe(4);
  });

  it('wire-corruption.pcapng: inbound mismatches dropped and retransmitted (SLL2 direction)', async () => {
    const { v, c, bad } = await judge(scenario('wire-corruption.pcapng'));
    expect(v.kind).toBe('wire-corruption');
    expect(v.evidence.tcpSegments.inbound.mismatch.failed).toBe(4); // i = 4, 13, 22, 31 of 40
    expect(v.evidence.outbound.partial + v.evidence.outbound.mismatch).toBe(0);
    expect(v.captureHosts).toEqual([expect.objectContaining({ address: '192.168.1.20', reason: 'direction-flag' })]);
    expect(v.os.guess).toBe('linux');
    for (const b of bad) expect(c.annotation(b.frame, 'tcp')).toEqual({ class: 'mismatch', acked: false, retransmitted: true });
    // named by the sender of the corrupted segments, which the per-host breakdown lists (it was empty: flagged
    // frames never reached the per-host counters)
    expect(v.summary).toMatch(/^4 segments sent by 198\.51\.100\.7 arrived with a mismatching checksum/);
    expect(v.hosts).toEqual([expect.objectContaining({ address: '198.51.100.7', captureHost: false, bad: expect.objectContaining({ mismatch: 4 }) })]);
    expect(v.hosts[0]!.tcp.mismatch.failed).toBe(4);
  });

  it('offload-vm-inbound.pcap: a VM\'s placeholders arriving inbound on a KVM host (-i any, SLL2) are named as the VM\'s', async () => {
    const { v } = await judge(scenario('offload-vm-inbound.pcap'));
    expect(v.kind).toBe('offload-artifact');
    expect(v.captureHosts).toEqual([expect.objectContaining({ address: '192.168.122.1', reason: 'direction-flag', placeholders: 7 })]);
    expect(v.evidence.inbound.partial).toBe(10);
    expect(v.evidence.outbound.partial).toBe(7);
    expect(v.summary).toMatch(
      /^17 bad checksums are offload placeholders: 7 on packets sent by 192\.168\.122\.1; 10 on packets received from 192\.168\.122\.50 \(marked inbound by the capture file, yet never filled in by a NIC: a local sender/,
    );
    // every bad checksum has its sender's row, with the direction the capture file gives
    expect(v.hosts.map((h) => [h.address, h.captureHost, h.bad.partial])).toEqual([
      ['192.168.122.50', false, 10],
      ['192.168.122.1', true, 7],
    ]);
  });

  it('offload-gro-super-frames.pcap: super-frames GRO built from a public server\'s segments do not make it a capture host', async () => {
    const { v, c, bad } = await judge(scenario('offload-gro-super-frames.pcap'));
    expect(v.kind).toBe('offload-artifact');
    expect(v.captureHosts.map((h) => h.address)).toEqual(['192.168.1.20']);
    expect(v.evidence.inbound.partial).toBe(4);
    expect(v.evidence.superFramePartials).toEqual({ outbound: 0, inbound: 4, unknownDirection: 0 });
    expect(v.evidence.editing).toMatchObject({ twoSidedPublicPairs: 0, signs: [], edited: false });
    expect(v.hosts.find((h) => h.address === '203.0.113.80')).toMatchObject({ captureHost: false, bad: expect.objectContaining({ partial: 4 }) });
    expect(v.summary).toMatch(/; 4 on super-frames received from 203\.0\.113\.80 \(larger than a 1,500-byte link carries: segments merged by the capture host's receive offload, GRO\/LRO/);
    const superFrames = bad.filter((b) => b.protocol === 'tcp' && b.src === '203.0.113.80');
    expect(superFrames.map((b) => b.tcpPayload)).toEqual([2920, 4380, 2920, 4380]);
    for (const b of superFrames) expect(c.annotation(b.frame, 'tcp')).toEqual({ class: 'partial', acked: true, retransmitted: false });
  });

  it('rewritten.pcap: every checksum wrong both ways, conversation proceeds', async () => {
    const { v } = await judge(scenario('rewritten.pcap'));
    expect(v.kind).toBe('rewritten');
    expect(v.evidence.mismatchShare).toEqual({ forward: 1, reverse: 1 });
    expect(v.evidence.bad.ipv4Mismatch).toBeGreaterThan(0);
    // No capture host (the acknowledged-bad fallback is not used for an edited trace), so no direction, and the
    // per-host rows agree (they said captureHost: true beside an empty captureHosts, and "outbound mismatch 18").
    expect(v.captureHosts).toEqual([]);
    expect(v.hosts.length).toBeGreaterThan(0);
    expect(v.hosts.every((h) => !h.captureHost)).toBe(true);
    expect(v.evidence.outbound).toEqual({ partial: 0, partialNoLength: 0, zero: 0, mismatch: 0, ipv4Zero: 0, ipv4Mismatch: 0 });
    expect(v.evidence.unknownDirection.mismatch).toBe(v.evidence.bad.mismatch);
    expect(v.evidence.tcpSegments.outbound.mismatch.acked).toBe(0);
    expect(v.evidence.tcpSegments.unknownDirection.mismatch.acked).toBeGreaterThan(0);
  });

  it('inconclusive.pcap: UDP mismatches with no behaviour to judge them by', async () => {
    const { v } = await judge(scenario('inconclusive.pcap'));
    expect(v.kind).toBe('inconclusive');
    expect(v.evidence.bad.mismatch).toBe(3);
    expect(v.summary).toMatch(/3 checksums are wrong/);
  });

  it('offload-artifact-any-bridge.pcap: the same traffic recorded twice by tcpdump -i any (bridge and port) stays offload-artifact', async () => {
    const once = await judge(scenario('offload-artifact.pcap'));
    const { v, c, report, bad } = await judge(scenario('offload-artifact-any-bridge.pcap'));
    expect(report.frames).toBe(2 * once.report.frames);
    expect(v.kind).toBe('offload-artifact');
    expect(v.captureHosts).toEqual([expect.objectContaining({ address: '192.168.1.20', reason: 'direction-flag' })]);
    // every segment counted once, with the fate it has when captured once
    expect(v.evidence.tcpSegments.outbound.placeholder).toEqual(once.v.evidence.tcpSegments.outbound.placeholder);
    expect(v.evidence.tcpSegments.outbound.placeholder.failed).toBe(0);
    expect(v.evidence.flowTable.duplicates).toBe(once.v.evidence.tcpSegments.outbound.placeholder.acked);
    expect(v.summary).toMatch(/Not counted as failures: 13 segments captured twice \(the same packet seen on two interfaces/);
    // each copy is annotated like the first one, and both like the frame of the single capture
    for (const b of bad.filter((x) => x.protocol === 'tcp')) {
      const first = b.frame % 2 === 1 ? b.frame : b.frame - 1;
      expect([b.frame, c.annotation(b.frame, 'tcp')]).toEqual([b.frame, once.c.annotation((first + 1) / 2, 'tcp')]);
    }
  });

  it('offload-syn-unanswered.pcap: SYN retries to a host that never answers are not failed segments: offload-artifact', async () => {
    const { v, c, bad } = await judge(scenario('offload-syn-unanswered.pcap'));
    expect(v.kind).toBe('offload-artifact');
    const out = v.evidence.tcpSegments.outbound.placeholder;
    expect(out).toMatchObject({ acked: 5, failed: 0, unacked: 0, unknown: 6 }); // 2 attempts x 3 SYNs: nobody there
    expect(v.evidence.flowTable.unansweredResends).toBe(4);
    expect(v.summary).toMatch(/Not counted as failures: 4 segments sent again to a peer never heard in their connection \(SYN retries/);
    const syns = bad.filter((b) => b.protocol === 'tcp' && b.dst === '198.51.100.9');
    expect(syns).toHaveLength(6);
    for (const b of syns) expect(c.annotation(b.frame, 'tcp')).toEqual({ class: 'partial', acked: null, retransmitted: false });
    expect(v.flows.filter((f) => f.failed > 0)).toEqual([]);
  });

  it('offload-zero-window-probes.pcap: 1-byte probes into a zero window are not failed segments: offload-artifact', async () => {
    const { v, c, bad } = await judge(scenario('offload-zero-window-probes.pcap'));
    expect(v.kind).toBe('offload-artifact');
    const out = v.evidence.tcpSegments.outbound.placeholder;
    expect(out.failed).toBe(0);
    expect(out.unknown).toBe(5); // each probe, sent again by the next one or by the data after the window opened
    expect(v.evidence.flowTable.zeroWindowResends).toBe(5);
    expect(v.summary).toMatch(/Not counted as failures: 5 zero-window probes sent again while the peer's receive window was closed/);
    const probes = bad.filter((b) => b.protocol === 'tcp' && b.tcpPayload === 1);
    expect(probes).toHaveLength(5);
    for (const b of probes) expect(c.annotation(b.frame, 'tcp')).toEqual({ class: 'partial', acked: null, retransmitted: false });
    // the data after the window opened starts at the probed byte and is acknowledged
    const data = bad.filter((b) => b.protocol === 'tcp' && b.tcpPayload === 1460);
    for (const b of data) expect(c.annotation(b.frame, 'tcp')).toEqual({ class: 'partial', acked: true, retransmitted: false });
  });

  it('offload-zero-flags.pcapng: checksum 0 on packets the epb_flags mark outbound', async () => {
    const { v } = await judge(scenario('offload-zero-flags.pcapng'));
    expect(v.kind).toBe('offload-artifact');
    expect(v.captureHosts).toEqual([expect.objectContaining({ address: '10.0.2.15', reason: 'direction-flag' })]);
    expect(v.evidence.outbound.zero).toBeGreaterThan(10);
  });
});

describe('placeholders of senders that are not the capturing machine, and the words of the verdict', () => {
  it('offload-broken-vm-upload.pcap: a local VM\'s inbound placeholders that fail are broken offload on its path, not harmless', async () => {
    const { v } = await judge(scenario('offload-broken-vm-upload.pcap'));
    expect(v.evidence.tcpSegments.inbound.placeholder).toMatchObject({ acked: 2, failed: 4 });
    expect(v.kind).toBe('offload-broken');
    expect(v.summary).toMatch(/^4 segments with offload placeholders sent by 192\.168\.122\.60 \(67 % of those whose fate is known\) were never acknowledged/);
    expect(v.summary).toMatch(/not the capturing machine \(the capture file marks its packets inbound/);
    expect(v.advice[0]).toMatch(/A sender that is not the capturing machine/);
    expect(v.advice.join('\n')).not.toMatch(/The adapter's transmit checksum/);
  });

  it('offload-broken-jumbo-peer.pcap: re-sent jumbo frames with placeholders disprove the GRO excuse: broken offload on the NAS', async () => {
    const { v } = await judge(scenario('offload-broken-jumbo-peer.pcap'));
    expect(v.captureHosts.map((h) => h.address)).toEqual(['10.0.0.5']);
    expect(v.evidence.superFramePartials.inbound).toBe(4);
    expect(v.evidence.tcpSegments.inbound.placeholder.failed).toBe(3);
    expect(v.kind).toBe('offload-broken');
    expect(v.summary).toMatch(/^3 segments with offload placeholders sent by 10\.0\.0\.6 /);
    expect(v.summary).toMatch(/were sent again, so they are no merge of the capture host's receive offload, GRO\/LRO, which merges only segments that arrived/);
    expect(v.summary).not.toMatch(/harmless/);
  });

  it('offload-broken-mismatch.pcap: failed mismatches are called mismatching checksums, as the counts call them', async () => {
    const { v } = await judge(scenario('offload-broken-mismatch.pcap'));
    expect(v.kind).toBe('offload-broken');
    expect(v.evidence.tcpSegments.outbound.placeholder.failed).toBe(0);
    expect(v.evidence.tcpSegments.outbound.mismatch.failed).toBe(3);
    expect(v.summary).toMatch(/^3 segments sent by 10\.1\.1\.10 with mismatching checksums \(/);
  });

  it('the offload-artifact advice fits where the placeholders were: GRO super-frames, a local VM, the capture host\'s own packets', async () => {
    const gro = (await judge(scenario('offload-gro-super-frames.pcap'))).v.advice.at(-1)!;
    expect(gro).toMatch(/for the super-frames, switch receive offload off just for the capture \(ethtool -K <if> gro off lro off\)/);
    expect(gro).toMatch(/for its own packets, .*ethtool -K <if> tx off/);
    const vm = (await judge(scenario('offload-vm-inbound.pcap'))).v.advice.at(-1)!;
    expect(vm).toMatch(/for a local VM's or container's packets, capture inside it on its own interface, or on the physical NIC/);
    const own = (await judge(scenario('offload-artifact.pcap'))).v.advice.at(-1)!;
    expect(own).toBe('To capture without them: capture on the peer or a mirror port, or switch transmit offload off just for the capture (ethtool -K <if> tx off) and back on afterwards.');
  });

  it('an IPv6-only capture gives no IPv4 evidence for the OS guess (tcpdump__bigtcp-ipv6.pcap)', async () => {
    const { v } = await judge(corpusPath('pcap', 'tcpdump__bigtcp-ipv6.pcap'));
    expect(v.evidence.outbound.partial).toBeGreaterThan(0);
    expect(v.evidence.checked.ipv4).toBe(0);
    expect(v.os.guess).toBe('unknown');
    expect(v.os.because).not.toMatch(/IPv4 header checksums/);
    // the IPv4 capture keeps its Linux-or-macOS guess
    expect((await judge(scenario('offload-artifact.pcap'))).v.os.guess).toBe('linux-or-macos');
  });
});

interface ManifestFile {
  file: string;
  category: string;
  tshark_ground_truth: { tshark_rc: number };
}

/** What each MANIFEST category must be judged. Categories that test the reader only are left out. */
const EXPECTED: Record<string, VerdictKind> = {
  clean: 'clean',
  truncated: 'clean',
  'correct-ipv6-ext': 'clean',
  offload: 'offload-artifact',
  'offload-ipv6': 'offload-artifact',
  'offload-zero': 'offload-artifact',
  'mismatch-acked': 'offload-artifact',
  'mismatch-rewritten': 'rewritten',
  'mismatch-crafted': 'inconclusive',
};

const manifestPath = corpusPath('pcap', 'MANIFEST.json');
const corpus: ManifestFile[] = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: ManifestFile[] }).files : [];
const judged = corpus.filter((f) => EXPECTED[f.category] !== undefined);

describe('verdict on the corpus, by MANIFEST category', () => {
  it('the corpus is there and has files of each judged category', () => {
    const categories = new Set(judged.map((f) => f.category));
    for (const c of ['clean', 'offload', 'mismatch-rewritten', 'mismatch-acked']) expect(categories).toContain(c);
  });

  it.each(judged.map((f) => [f.file, f.category] as const))('%s (%s)', async (file, category) => {
    const { v } = await judge(corpusPath('pcap', file));
    expect(v.kind).toBe(EXPECTED[category]);
    if (v.kind === 'offload-artifact' && category !== 'mismatch-acked') expect(v.captureHosts.length).toBeGreaterThan(0);
    expect(v.advice.length).toBeGreaterThan(0);
  });

  it('wireshark__tls12-dsb.pcapng: the server\'s two super-frames (GRO on the client) make it no capture host and no editing sign', async () => {
    const { v, bad } = await judge(corpusPath('pcap', 'wireshark__tls12-dsb.pcapng'));
    expect(v.kind).toBe('offload-artifact');
    expect(v.captureHosts.map((h) => h.address)).toEqual(['10.9.0.2']);
    expect(bad.filter((b) => b.src === '93.184.216.34').map((b) => b.tcpPayload)).toEqual([1765, 3213]);
    expect(v.evidence.outbound.partial).toBe(8);
    expect(v.evidence.inbound.partial).toBe(2);
    expect(v.evidence.editing.twoSidedPublicPairs).toBe(0);
    expect(v.evidence.editing.signs).toEqual([]);
    expect(v.summary).toMatch(/^10 bad checksums are offload placeholders: 8 on packets sent by 10\.9\.0\.2; 2 on super-frames received from 93\.184\.216\.34 /);
  });

  it('Windows offload captures are recognised as Windows', async () => {
    for (const f of ['sanders__mail_sender_attachment.pcapng', 'zeek__krb_kerberos_tso.pcapng']) {
      const { v } = await judge(corpusPath('pcap', f));
      expect(v.os.guess).toBe('windows');
    }
    const { v } = await judge(corpusPath('pcap', 'zeek__radius_localhost.pcap'));
    expect(v.os.guess).toBe('macos');
  });
});

describe('evidence of editing (issue 17), through the real reader', () => {
  it('rewritten-anonymised.pcap: 0.0.0.0/8 client, zero MACs, checksum 0 both ways to a public server: rewritten, not offload', async () => {
    const { v } = await judge(scenario('rewritten-anonymised.pcap'));
    expect(v.kind).toBe('rewritten');
    expect(v.evidence.editing.impossibleAddressFrames).toBe(v.evidence.bad.zero); // every bad frame has the 0.0.0.23 address
    expect(v.evidence.editing.edited).toBe(true);
    expect(v.evidence.editing.signs[0]).toMatch(/cannot be on a wire \(first: 0\.0\.0\.23 > 203\.0\.113\.80\)/);
    expect(v.summary).toMatch(/evidence of editing/);
    expect(v.summary).toContain(`${v.evidence.bad.zero} bad checksums`);
    // the acknowledged-bad capture-host fallback is not shown for an edited trace
    expect(v.captureHosts.every((h) => h.reason !== 'accepted-bad')).toBe(true);
  });

  it('rewritten-ipv4-mismatch.pcap: acknowledged segments with a wrong IPv4 header checksum: rewritten although only half are wrong', async () => {
    const { v, c, bad } = await judge(scenario('rewritten-ipv4-mismatch.pcap'));
    expect(v.evidence.mismatchShare.forward).toBeLessThan(0.9);
    expect(v.evidence.mismatchShare.reverse).toBeLessThan(0.9);
    expect(v.kind).toBe('rewritten');
    expect(v.evidence.editing.ipv4MismatchSegments).toBe(12);
    expect(v.evidence.editing.ipv4MismatchAcked).toBe(12);
    expect(v.evidence.bad.ipv4Mismatch).toBe(12);
    expect(v.summary).toMatch(/acknowledged 12 TCP segments whose IPv4 header checksum is wrong/);
    expect(v.summary).not.toMatch(/no acknowledgement/);
    // the per-frame annotations agree with the count
    const acked = bad.filter((b) => b.protocol === 'tcp' && c.annotation(b.frame, 'tcp')?.acked === true);
    expect(acked).toHaveLength(12);
  });

  it('rewritten-same-macs.pcap: identical MACs and placeholders both ways to a public server (two weak signs): rewritten', async () => {
    const { v } = await judge(scenario('rewritten-same-macs.pcap'));
    expect(v.kind).toBe('rewritten');
    expect(v.evidence.editing.impossibleAddressFrames).toBe(0);
    expect(v.evidence.editing.blankMacFrames).toBeGreaterThanOrEqual(3);
    expect(v.evidence.editing.twoSidedPublicPairs).toBe(1);
    expect(v.evidence.editing.signs).toHaveLength(2);
  });

  it('offload-docker0.pcap: placeholders both ways between two containers on the same bridge stay offload-artifact', async () => {
    const { v } = await judge(scenario('offload-docker0.pcap'));
    expect(v.kind).toBe('offload-artifact');
    expect(v.captureHosts.map((h) => h.address).sort()).toEqual(['172.17.0.2', '172.17.0.3']);
    expect(v.evidence.editing).toMatchObject({ impossibleAddressFrames: 0, blankMacFrames: 0, twoSidedPublicPairs: 0, edited: false, signs: [] });
  });

  it('offload-lo-own-addresses.pcap: zero MACs on Linux lo (one weak sign) stay offload-artifact', async () => {
    const { v } = await judge(scenario('offload-lo-own-addresses.pcap'));
    expect(v.kind).toBe('offload-artifact');
    expect(v.evidence.editing.blankMacFrames).toBeGreaterThanOrEqual(3);
    expect(v.evidence.editing.twoSidedPublicPairs).toBe(0); // same host: zero MACs
    expect(v.evidence.editing.edited).toBe(false);
    // lo's MTU is 64 KiB: its 2,000-byte frames are no super-frames, and both addresses are the host's own
    expect(v.captureHosts.map((h) => h.address)).toEqual(['192.168.1.20', '203.0.113.20']);
    expect(v.evidence.superFramePartials).toEqual({ outbound: 0, inbound: 0, unknownDirection: 0 });
  });

  it('rewritten-impossible-sources.pcap: multicast, loopback-on-Ethernet and broadcast sources: rewritten', async () => {
    const { v } = await judge(scenario('rewritten-impossible-sources.pcap'));
    expect(v.kind).toBe('rewritten');
    expect(v.evidence.editing.impossibleAddressFrames).toBe(3);
    expect(v.evidence.bad.partial).toBeGreaterThan(3); // the real offload traffic is there too
  });

  it('none of the earlier scenario captures shows evidence of editing', async () => {
    for (const name of [
      'clean.pcap',
      'offload-artifact.pcap',
      'offload-broken.pcap',
      'wire-corruption.pcapng',
      'inconclusive.pcap',
      'offload-zero-flags.pcapng',
      'offload-artifact-any-bridge.pcap',
      'offload-syn-unanswered.pcap',
      'offload-zero-window-probes.pcap',
      'offload-vm-inbound.pcap',
      'offload-gro-super-frames.pcap',
    ]) {
      const { v } = await judge(scenario(name));
      expect([name, v.evidence.editing.edited, v.evidence.editing.signs]).toEqual([name, false, []]);
    }
  });
});
