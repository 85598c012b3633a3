/**
 * Differential test against the installed tshark (4.0, the MANIFEST's reference): for every corpus
 * file tshark opens and every generated reader fixture, the per-frame checksum statuses of every
 * IPv4/TCP/UDP header (in order, ICMP-quoted and tunnelled headers included) must equal tshark's,
 * and so must the set of bad frame numbers per protocol. Documented deviations are listed below and
 * asserted explicitly in tshark-deviations.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { corpusPath, fixturePath, requireToolInCi } from '../helpers/corpus.js';
import { DEVIATIONS, framesWith, ourStatuses, PROTOCOLS, tsharkStatuses } from './tshark.js';

const hasTshark = requireToolInCi('tshark');

interface ManifestFile {
  file: string;
  tshark_ground_truth: { tshark_rc: number };
}
const manifest = JSON.parse(readFileSync(corpusPath('pcap', 'MANIFEST.json'), 'utf8')) as { files: ManifestFile[] };
const corpusFiles = manifest.files.filter((f) => f.tshark_ground_truth.tshark_rc === 0).map((f) => ({ name: f.file, path: corpusPath('pcap', f.file) }));
const fixtureFiles = ['edge-cases.pcap', 'mix-le-usec.pcap', 'mix-be-nsec.pcap', 'mix-le-usec.pcap.gz', 'sections.pcapng', 'sections.pcapng.gz', 'truncated-tail.pcap']
  .map((name) => ({ name, path: fixturePath('pcap', 'reader', name) }))
  .concat([{ name: 'checksums-example.pcapng', path: fixturePath('pcap', 'checksums-example.pcapng') }]);

const run = hasTshark ? describe : describe.skip;

run('checksum statuses equal tshark 4.0, frame by frame', () => {
  it('covers the corpus (every file tshark opens) and the generated fixtures', () => {
    expect(readdirSync(fixturePath('pcap', 'reader')).length).toBeGreaterThan(10);
    expect(corpusFiles.length).toBeGreaterThanOrEqual(27);
  });

  for (const f of [...corpusFiles, ...fixtureFiles]) {
    it(f.name, async () => {
      const theirs = tsharkStatuses(f.path);
      const ours = await ourStatuses(f.path);
      expect(ours.frames.length).toBe(theirs.frames.length);
      const deviations = DEVIATIONS[f.name] ?? {};
      for (const [frame, d] of Object.entries(deviations)) {
        // The deviation must still be there on both sides, then the frame is compared as tshark sees it.
        expect(theirs.frames[Number(frame) - 1]![d.protocol]).toEqual(d.tshark);
        expect(ours.frames[Number(frame) - 1]![d.protocol]).toEqual(d.ours);
        ours.frames[Number(frame) - 1]![d.protocol] = d.tshark as never;
      }
      for (const p of PROTOCOLS) {
        expect({ protocol: p, bad: framesWith(ours.frames, p, 'bad') }).toEqual({ protocol: p, bad: framesWith(theirs.frames, p, 'bad') });
      }
      const mismatched = ours.frames.map((o, i) => ({ frame: i + 1, ours: o, tshark: theirs.frames[i] })).filter((x) => JSON.stringify(x.ours) !== JSON.stringify(x.tshark));
      expect(mismatched.slice(0, 5)).toEqual([]);
    });
  }
});
