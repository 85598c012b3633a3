/**
 * The pcap page counts frames as frames: it said "54 frames, 78 frames with a bad checksum" for a capture whose
 * 39 bad frames each have a bad IPv4 and a bad TCP checksum (the per-protocol counts summed: frame/protocol pairs,
 * as the text report calls them).
 */
import { describe, expect, test } from '@jest/globals';
import { analyzeCapture } from '@analyze/core/pcap';
import { main } from '../../src/main.js';
import { pcapSection } from '../../src/render/html/pcap.js';
import { renderHtml } from '../../src/render/html/index.js';
import { captureIo } from '../helpers/io.js';
import { fixturePath } from './paths.js';

/** The pcap JSON document of `analyze pcap FILE --json ...`. */
async function doc(file: string, ...args: string[]): Promise<Parameters<typeof pcapSection>[0]> {
  const io = captureIo();
  await main(['pcap', file, '--json', ...args], io);
  return JSON.parse(io.stdout) as Parameters<typeof pcapSection>[0];
}

/** Frames with at least one bad checksum, as the reader sees them frame by frame (not from the bad list). */
async function framesWithABadChecksum(file: string): Promise<number> {
  let bad = 0;
  await analyzeCapture(file, { onFrame: (f) => void (f.bad > 0 && bad++) });
  return bad;
}

describe('pcap page: frames with a bad checksum', () => {
  test.each([
    ['scenarios', 'offload-broken.pcap', 54, 39, 78],
    ['fix', 'mix.pcapng', 22, 14, 16],
  ])('%s/%s: %d frames, %d of them bad (not %d, the frame/protocol pairs)', async (dir, name, frames, badFrames, pairs) => {
    const file = fixturePath('pcap', dir, name);
    expect(await framesWithABadChecksum(file)).toBe(badFrames);
    const d = await doc(file);
    expect(d.checksums.ipv4.bad + d.checksums.tcp.bad + d.checksums.udp.bad).toBe(pairs);
    expect(pcapSection(d).subject).toBe(`${file}: ${frames} frames, ${badFrames} frames with a bad checksum`);
    expect(renderHtml('pcap', d)).toContain(`${frames} frames, ${badFrames} frames with a bad checksum`);
    // Without the verdict the headline counts them too.
    expect(pcapSection(await doc(file, '--no-verdict')).verdict).toBe(`${badFrames} frames with a bad checksum (verdict not asked for).`);
  });

  test('a bad list cut at --limit cannot tell frames apart: the sum is said as frame/protocol pairs, as the text report does', async () => {
    const file = fixturePath('pcap', 'scenarios', 'offload-broken.pcap');
    const d = await doc(file, '--limit', '5', '--no-verdict');
    expect(d.badTruncated).toBe(true);
    const s = pcapSection(d);
    expect(s.subject).toBe(`${file}: 54 frames, 78 frame/protocol pairs with a bad checksum`);
    expect(s.verdict).toBe('78 frame/protocol pairs with a bad checksum (verdict not asked for).');
  });
});
