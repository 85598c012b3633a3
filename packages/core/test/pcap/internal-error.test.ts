/**
 * A failure of our own while a capture is read (a bug, not damage in the file) ends the read like damage
 * does, with what was read before reported, but it is placed at the record being read: PCAP_INTERNAL at
 * offset 0 said "damaged at byte 0" of a capture read well past it.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { analyzeCapture } from '../../src/pcap/index.js';
import { fixturePath } from '../helpers/corpus.js';

describe('an unexpected failure while reading', () => {
  it('is PCAP_INTERNAL at the offset of the record being read, with the frames before it counted', async () => {
    const path = fixturePath('pcap', 'scenarios', 'clean.pcap');
    const bytes = readFileSync(path);
    // Classic pcap: a 24-byte header, then records of a 16-byte header and the captured bytes.
    let third = 24;
    for (let i = 0; i < 2; i++) third += 16 + bytes.readUInt32LE(third + 8);
    const r = await analyzeCapture(path, {
      onFrame: (f) => {
        if (f.frame === 3) throw new TypeError('a bug');
      },
    });
    expect(r.error).toMatchObject({ code: 'PCAP_INTERNAL', offset: third });
    expect(r.error?.message).toContain('a bug');
    expect(r.frames).toBe(3);
  });
});
