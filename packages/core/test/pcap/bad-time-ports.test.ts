import { spawnSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { analyzeCapture } from '../../src/pcap/index.js';
import { corpusPath, fixturePath, requireToolInCi } from '../helpers/corpus.js';

/**
 * `bad[].time`, `bad[].srcPort`/`dstPort` and `bad[].tcpPayload` (the --html timeline's axis and rows) against tshark's
 * frame.time_relative the innermost TCP/UDP ports and tcp.len of the same frames.
 */
const FILES = [
  ['pcap', 'checksums-example.pcapng'],
  ['pcap', 'scenarios', 'offload-broken.pcap'],
  ['pcap', 'scenarios', 'wire-corruption.pcapng'],
  ['pcap', 'scenarios', 'offload-artifact.pcap'],
  // Nanosecond classic pcap (real): the magic number was once read in the wrong byte order, so the fractions
  // were taken as microseconds (0.295 s for 0.000295).
  ['corpus', 'pcap', 'wireshark__dhcp-nanosecond.pcap'],
];

function tsharkFrames(file: string): Map<number, { time: number; ports: [number, number] | null; tcpLen: number | null }> {
  const r = spawnSync('tshark', ['-r', file, '-n', '-T', 'fields', '-E', 'occurrence=l', '-e', 'frame.number', '-e', 'frame.time_relative', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'tcp.len'], { encoding: 'utf8' });
  const out = new Map<number, { time: number; ports: [number, number] | null; tcpLen: number | null }>();
  for (const line of r.stdout.trim().split('\n')) {
    const [n, t, ts, td, us, ud, len] = line.split('\t');
    const ports: [number, number] | null = ts ? [Number(ts), Number(td)] : us ? [Number(us), Number(ud)] : null;
    out.set(Number(n), { time: Number(t), ports, tcpLen: len ? Number(len) : null });
  }
  return out;
}

describe('bad[] time and ports agree with tshark', () => {
  const haveTshark = requireToolInCi('tshark');
  test.each(FILES.map((f) => [f.join('/'), f] as const))('%s', async (_name, parts) => {
    const file = parts[0] === 'corpus' ? corpusPath(...parts.slice(1)) : fixturePath(...parts);
    const report = await analyzeCapture(file, {});
    expect(report.bad.length).toBeGreaterThan(0);
    if (!haveTshark) return;
    const ref = tsharkFrames(file);
    for (const b of report.bad) {
      const t = ref.get(b.frame)!;
      expect(Math.abs(b.time - t.time)).toBeLessThan(2e-6);
      // Outermost-only captures here: every bad layer is at the innermost level, so it carries the frame's ports.
      expect(b.srcPort === null ? null : [b.srcPort, b.dstPort]).toEqual(t.ports);
      expect(b.tcpPayload).toBe(t.tcpLen);
    }
  });
});

describe('every frame time of nanosecond pcap agrees with tshark, in both byte orders', () => {
  const haveTshark = requireToolInCi('tshark');
  const NSEC = [fixturePath('pcap', 'fix', 'mix-be-nsec.pcap'), corpusPath('pcap', 'wireshark__dhcp-nanosecond.pcap')];
  test.each(NSEC.map((f) => [f.slice(f.lastIndexOf('fixtures')), f] as const))('%s', async (_name, file) => {
    const times: number[] = [];
    await analyzeCapture(file, { onFrame: (f) => void times.push(f.record().timestamp) });
    expect(times.length).toBeGreaterThan(1);
    if (!haveTshark) return;
    const r = spawnSync('tshark', ['-r', file, '-n', '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8' });
    const ref = r.stdout.trim().split('\n').map(Number);
    expect(ref.length).toBe(times.length);
    times.forEach((t, i) => expect([i, Math.abs(t - ref[i]!) < 1e-6]).toEqual([i, true]));
  });
});
