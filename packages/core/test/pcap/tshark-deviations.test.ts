/**
 * The cases where we deliberately differ from tshark 4.0 (docs/pcap.md, "Where we differ"), asserted on
 * their own so a change on either side is noticed.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_DEPTH } from '../../src/pcap/checksum/check.js';
import { analyzeCapture, type FrameRecord } from '../../src/pcap/index.js';
import { corpusPath, fixturePath, hasCommand } from '../helpers/corpus.js';
import { tsharkStatuses } from './tshark.js';

const { nestedCapture } = (await import(fixturePath('gen', 'pcap', 'hostile-nesting.mjs'))) as { nestedCapture: (version: 4 | 6, depth: number) => Buffer };

async function records(file: string): Promise<{ frames: FrameRecord[]; report: Awaited<ReturnType<typeof analyzeCapture>> }> {
  const frames: FrameRecord[] = [];
  const report = await analyzeCapture(file, { onFrame: (f) => frames.push(f.record()) });
  return { frames, report };
}

describe('deliberate deviations from tshark 4.0', () => {
  it('BIG TCP over IPv6 (payload length 0, no Jumbo option): the segment is checked and its pseudo-header placeholder is bad', async () => {
    const file = corpusPath('pcap', 'tcpdump__bigtcp-ipv6.pcap');
    const { frames, report } = await records(file);
    const tcp = frames[0]!.checks.find((c) => c.protocol === 'tcp')!;
    expect(frames[0]!.originalLength).toBe(80054);
    expect(tcp.status).toBe('bad');
    // The field holds the pseudo-header sum over the 32-bit length 80000 (the offload placeholder).
    expect(tcp.stored).toBe(0xc8cb);
    expect(tcp.pseudoHeaderSum).toBe(0xc8cb);
    expect(report.checksums.tcp.bad).toBe(1);
    if (hasCommand('tshark')) expect(tsharkStatuses(file).frames[0]!.tcp).toEqual([]);
  });

  it('headers quoted in ICMP errors: same statuses as tshark in the records, never counted as bad', async () => {
    const file = fixturePath('pcap', 'reader', 'edge-cases.pcap');
    const { frames, report } = await records(file);
    // Frame 1: an ICMP port unreachable quoting an IPv4 header and a TCP segment, both with bad checksums.
    expect(frames[0]!.checks.map((c) => [c.protocol, c.status, c.quoted])).toEqual([
      ['ipv4', 'good', false],
      ['ipv4', 'bad', true],
      ['tcp', 'bad', true],
    ]);
    expect(report.bad.some((b) => b.frame === 1)).toBe(false);
    if (hasCommand('tshark')) {
      const t = tsharkStatuses(file).frames[0]!;
      expect([t.ipv4, t.tcp]).toEqual([['good', 'bad'], ['bad']]);
    }
  });

  it('tunnels nested deeper than MAX_DEPTH (8): the layers past it are not followed; tshark follows them up to its 500-layer tree limit', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pcap-deviation-')), 'ipip-12.pcap');
    writeFileSync(file, nestedCapture(4, 12)); // frame 2: 12 IPv4 headers (IP-in-IP), then UDP, all good
    const { frames } = await records(file);
    expect(frames[1]!.checks.map((c) => c.protocol)).toEqual(Array<string>(MAX_DEPTH + 1).fill('ipv4'));
    if (hasCommand('tshark')) expect(tsharkStatuses(file).frames[1]).toEqual({ ipv4: Array<string>(12).fill('good'), tcp: [], udp: ['good'] });
  });

  it('UDP checksum 0 over IPv6 is bad (tshark: "Illegal", status 4) and counted as illegal', async () => {
    const { frames, report } = await records(fixturePath('pcap', 'reader', 'mix-le-usec.pcap'));
    // Frame 9 of the mix: IPv6 UDP with checksum 0.
    expect(frames[8]!.checks).toEqual([expect.objectContaining({ protocol: 'udp', status: 'bad', stored: 0 })]);
    expect(report.checksums.udp.illegal).toBe(1);
    expect(report.bad).toContainEqual(expect.objectContaining({ frame: 9, protocol: 'udp', stored: 0 }));
  });
});
