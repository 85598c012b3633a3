/**
 * Plain bad frames (a good IPv4 header, a bad TCP checksum) are accounted by replaying the effect of the
 * last frame with the same key once the annotations are full (collector.ts, PlainBadFrame). With no
 * annotations every such frame takes that path; with unlimited ones none does. Both must give the same
 * verdict on every corpus capture and scenario fixture.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { analyzeCapture } from '../../../src/pcap/index.js';
import { VerdictCollector, type Verdict } from '../../../src/pcap/verdict/index.js';
import { corpusFiles, corpusPath, fixturePath } from '../../helpers/corpus.js';

async function verdict(path: string, annotateLimit: number): Promise<Verdict> {
  const c = new VerdictCollector({ annotateLimit });
  await analyzeCapture(path, { sink: c });
  return c.finish();
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
});
