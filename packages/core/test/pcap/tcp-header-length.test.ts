/**
 * A TCP header length past the end of its segment (tshark: "Short segment", a malformed or crafted packet):
 * tshark 4.0 still checks the checksum over the segment, so its status is good or bad, not absent; only a
 * header length under 20 gives no status. Built here, compared frame by frame with the installed tshark.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixChecksums } from '../../src/pcap/fix/index.js';
import { fixturePath, requireToolInCi } from '../helpers/corpus.js';
import { ourStatuses, tsharkStatuses } from './tshark.js';

const hasTshark = requireToolInCi('tshark');

interface PcapLib {
  packet(o: object): Uint8Array;
  pcapFile(o: object): Uint8Array;
  checksum(...parts: Uint8Array[]): number;
  pseudoHeaderSum(src: string, dst: string, protocol: number, length: number): number;
}

/** An Ethernet/IPv4/TCP frame of 20 bytes of segment whose data offset says `words` 32-bit words, checksum right or not. */
function frame(L: PcapLib, words: number, good: boolean): Uint8Array {
  const f = Uint8Array.from(L.packet({ payload: 0 }));
  const seg = f.subarray(34);
  seg[12] = (words << 4) | (seg[12]! & 0x0f);
  seg[16] = seg[17] = 0;
  const pseudo = L.pseudoHeaderSum('10.0.0.1', '10.0.0.2', 6, seg.length);
  const sum = L.checksum(Uint8Array.of(pseudo >> 8, pseudo & 0xff), seg) ^ (good ? 0 : 0x2222);
  seg[16] = sum >> 8;
  seg[17] = sum & 0xff;
  return f;
}

(hasTshark ? describe : describe.skip)('TCP header length past the segment', () => {
  it('is checked as tshark checks it (good, bad; none under 20 bytes), and --fix-checksums fixes it', async () => {
    const L = (await import(fixturePath('gen', 'pcap', 'lib.mjs'))) as PcapLib;
    const dir = mkdtempSync(join(tmpdir(), 'tcp-hl-'));
    try {
      const file = join(dir, 'hl.pcap');
      const packets = [frame(L, 15, true), frame(L, 15, false), frame(L, 4, false), frame(L, 8, false)].map((data, i) => ({ data, ts: 1700000000 + i }));
      writeFileSync(file, L.pcapFile({ packets }));
      const theirs = tsharkStatuses(file);
      const ours = await ourStatuses(file);
      expect(theirs.frames.map((f) => f.tcp)).toEqual([['good'], ['bad'], [], ['bad']]);
      expect(ours.frames).toEqual(theirs.frames);
      const fixed = join(dir, 'fixed.pcap');
      const r = await fixChecksums(file, fixed);
      expect(r.fixed.tcp).toBe(2);
      expect(tsharkStatuses(fixed).frames.map((f) => f.tcp)).toEqual([['good'], ['good'], [], ['good']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
