/**
 * Plain bad frames (an IPv4 header and its TCP or UDP header, one or both checksums bad) are accounted by
 * replaying the effect of an earlier frame with the same key once the annotations are full (collector.ts,
 * PlainBadFrame). With no annotations every such frame takes that path; with unlimited ones none does. Both
 * must give the same verdict on every corpus capture and scenario fixture, and on constructed frames for
 * the kinds the captures hold few of.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { analyzeCapture, type FrameRecord } from '../../../src/pcap/index.js';
import { VerdictCollector, type Verdict } from '../../../src/pcap/verdict/index.js';
import { corpusFiles, corpusPath, fixturePath } from '../../helpers/corpus.js';
import { CaptureBuilder } from './records.js';

async function verdict(path: string, annotateLimit: number): Promise<Verdict> {
  const c = new VerdictCollector({ annotateLimit });
  await analyzeCapture(path, { sink: c });
  return c.finish();
}

/** The verdict of ready-made records with every plain bad frame replayed equals the general path's, which is returned. */
function replayedAsGeneral(frames: readonly FrameRecord[]): Verdict {
  const verdictOf = (annotateLimit: number): Verdict => {
    const c = new VerdictCollector({ annotateLimit });
    for (const r of frames) c.add(r);
    return c.finish();
  };
  const general = verdictOf(Number.MAX_SAFE_INTEGER);
  expect(verdictOf(0)).toEqual(general);
  return general;
}

const captures = [
  ...corpusFiles('pcap')
    .filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f))
    .map((f) => corpusPath('pcap', f)),
  ...readdirSync(fixturePath('pcap', 'scenarios'))
    .filter((f) => /\.(pcap|pcapng)$/.test(f))
    .map((f) => fixturePath('pcap', 'scenarios', f)),
];

describe('replayed accounting of plain bad frames', () => {
  it('gives the verdict of the general path on every capture', async () => {
    let withBadTcp = 0;
    for (const path of captures) {
      const replayed = await verdict(path, 0);
      const general = await verdict(path, Number.MAX_SAFE_INTEGER);
      expect({ path, verdict: replayed }).toEqual({ path, verdict: general });
      if (general.evidence.bad.partial + general.evidence.bad.zero + general.evidence.bad.mismatch > 10) withBadTcp++;
    }
    expect(captures.length).toBeGreaterThan(40);
    expect(withBadTcp).toBeGreaterThan(5); // captures where the replay path carries real weight
  });

  it('gives the verdict of the general path on UDP frames and on IPv4 header mismatches over good TCP', () => {
    const cap = new CaptureBuilder();
    const resolver = { ip: '192.0.2.53', port: 53, mac: '02:00:00:00:00:35' };
    for (let k = 0; k < 6; k++) {
      const client = { ip: `10.0.0.${k + 1}`, port: 40000 + k, mac: `02:00:00:00:00:0${k + 1}` };
      const s = cap.session(client, { ip: `203.0.113.${k + 1}`, port: 443, mac: '02:00:00:00:01:00' });
      s.handshake();
      for (let i = 0; i < 30; i++) {
        s.send('c', 100, { ipv4Mismatch: (i + k) % 3 === 0, check: i % 2 === 0 ? 'partial' : 'good' });
        s.ack('s', { ipv4Mismatch: i % 5 === 0, ipv4Zero: i % 7 === 0 });
        cap.udp(client, resolver, 40, i % 2 === 0 ? 'partial' : 'mismatch', { ipv4Zero: i % 4 === 0 });
        cap.udp(resolver, client, 80, i % 3 === 0 ? 'good' : 'zero', { ipv4Mismatch: i % 3 === 0 });
      }
      s.close();
    }
    // From 0.0.0.0, UDP is a DHCP client and TCP cannot be: the transport is part of the key.
    const unconfigured = { ip: '0.0.0.0', port: 68, mac: '02:00:00:00:00:44' };
    const dhcp = { ip: '192.0.2.67', port: 67, mac: '02:00:00:00:00:43' };
    for (let i = 0; i < 10; i++) {
      cap.udp(unconfigured, dhcp, 300, 'partial');
      cap.tcp(unconfigured, dhcp, 1000 + i, 0, 0x02, 0, { check: 'partial' });
    }
    const general = replayedAsGeneral(cap.frames);
    // The kinds this test is for were there to replay.
    expect(general.evidence.checked.udp).toBeGreaterThan(300);
    expect(general.evidence.bad.ipv4Mismatch).toBeGreaterThan(100);
    expect(general.evidence.editing.ipv4MismatchSegments).toBeGreaterThan(30);
    expect(general.evidence.editing.ipv4MismatchAcked).toBeGreaterThan(30);
    expect(general.evidence.editing.impossibleAddressFrames).toBe(10);
  });

  it('counts the frames of a memo entry when another key takes its place', () => {
    // 3,000 senders in turn, more than the memo's 1,024 entries: entries are taken over while they hold
    // several frames, whose counts must not be lost (nor counted twice).
    const cap = new CaptureBuilder();
    const server = { ip: '192.0.2.80', port: 80, mac: '02:00:00:00:00:80' };
    const clients = Array.from({ length: 3000 }, (_, k) => ({ ip: `10.${k >> 8}.${k & 255}.1`, port: 40000 + (k % 1000), mac: '02:00:00:00:00:01' }));
    for (let round = 0; round < 3; round++) {
      for (const [k, c] of clients.entries()) {
        cap.udp(c, server, 60, round === 1 ? 'mismatch' : 'partial', { ipv4Zero: k % 2 === 0 });
        cap.udp(c, server, 60, round === 1 ? 'mismatch' : 'partial', { ipv4Zero: k % 2 === 0 });
      }
    }
    const general = replayedAsGeneral(cap.frames);
    expect(general.evidence.bad.partial).toBe(12_000);
    expect(general.evidence.bad.mismatch).toBe(6_000);
    expect(general.evidence.bad.ipv4Zero).toBe(9_000);
  });
});
