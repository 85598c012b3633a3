/**
 * SeqBounds lets the flow follower skip walking its open segments. Its "nothing can match" answers
 * must be exact: checked here against the follower's own modular comparisons over random segment
 * sets, including sets that straddle the 2^32 wrap and sets spread wider than 2^31.
 */
import { describe, expect, it } from '@jest/globals';
import { SeqBounds } from '../../../src/pcap/verdict/seq-bounds.js';

const seqLt = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const seqGe = (a: number, b: number): boolean => ((a - b) | 0) >= 0;

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296;
}

describe('SeqBounds', () => {
  it('never says "none" when the follower would find an acknowledged or overlapping segment, and says it for in-order traffic', () => {
    const next = rng(11);
    let skippedAcks = 0;
    let skippedOverlaps = 0;
    for (let round = 0; round < 1500; round++) {
      const b = new SeqBounds();
      const segs: { seq: number; end: number }[] = [];
      // a window somewhere in sequence space (often right at the wrap), spread narrow, wide, or wider than 2^31
      const base = round % 3 === 0 ? (0x100000000 - Math.floor(next() * 20000)) >>> 0 : Math.floor(next() * 0x100000000);
      const spread = [3000, 1e6, 3e9][round % 3]!;
      const n = 1 + Math.floor(next() * 8);
      for (let i = 0; i < n; i++) {
        const seq = (base + Math.floor(next() * spread)) >>> 0;
        const end = (seq + 1 + Math.floor(next() * 1500)) >>> 0;
        segs.push({ seq, end });
        b.add(seq, end);
      }
      if (round % 5 === 0) {
        b.drop(); // a segment left: the bounds only get wider than needed
        segs.shift();
      }
      for (let probe = 0; probe < 20; probe++) {
        const near = segs[Math.floor(next() * segs.length)];
        const around = near === undefined ? Math.floor(next() * 0x100000000) : near.seq + Math.floor((next() - 0.5) * 6000);
        const x = (next() < 0.2 ? Math.floor(next() * 0x100000000) : around) >>> 0;
        const length = 1 + Math.floor(next() * 3000);
        const acked = segs.some((p) => seqGe(x, p.end));
        const overlaps = segs.some((p) => seqLt(x, p.end) && seqLt(p.seq, (x + length) >>> 0));
        if (b.noneAckedBy(x)) {
          expect({ segs, x, acked }).toEqual({ segs, x, acked: false });
          skippedAcks++;
        }
        if (b.noneOverlaps(x, length)) {
          expect({ segs, x, length, overlaps }).toEqual({ segs, x, length, overlaps: false });
          skippedOverlaps++;
        }
      }
    }
    // and it is useful: most probes that cannot match are recognised
    expect(skippedAcks).toBeGreaterThan(3_000);
    expect(skippedOverlaps).toBeGreaterThan(3_000);
  });

  it('in-order data after the open segments, and duplicate ACKs below them, skip the walk across the 2^32 wrap', () => {
    const b = new SeqBounds();
    let seq = 0xffffe000;
    for (let i = 0; i < 10; i++) {
      const end = (seq + 1460) >>> 0;
      b.add(seq, end);
      seq = end;
    }
    expect(b.noneOverlaps(seq, 1460)).toBe(true); // the next segment, past the wrap
    expect(b.noneAckedBy(0xffffe000)).toBe(true); // an ACK for the first byte only
    expect(b.noneAckedBy((0xffffe000 + 1460) >>> 0)).toBe(false); // acknowledges the first segment
    expect(b.noneOverlaps(0xffffe000, 100)).toBe(false); // a retransmission of the first
  });

  it('segments more than 2^31 apart are walked: their order in sequence space is no longer plain', () => {
    const b = new SeqBounds();
    b.add(0, 100);
    b.add(0x7fffff00, 0x80000010); // its end is 2^31 + 16 past the reference: a negative offset
    // 0x7fffff80 is past the first segment's end, but inside the second (modulo 2^32)
    expect(seqLt(0x7fffff80, 0x80000010) && seqLt(0x7fffff00, 0x7fffff80 + 10)).toBe(true);
    expect(b.noneOverlaps(0x7fffff80, 10)).toBe(false);
    // and a range just past 2^31 from the reference that the second segment (0x7fffff00-0x80000100) covers
    const c = new SeqBounds();
    c.add(0, 100);
    c.add(0x7fffff00, 0x80000100);
    expect(seqLt(0x80000010, 0x80000100) && seqLt(0x7fffff00, 0x80000010 + 10)).toBe(true);
    expect(c.noneOverlaps(0x80000010, 10)).toBe(false);
    expect(seqGe(0x80000020, 0x80000010)).toBe(true);
    expect(b.noneAckedBy(0x80000020)).toBe(false);
  });

  it('with nothing open, nothing can match', () => {
    const b = new SeqBounds();
    expect(b.noneAckedBy(123)).toBe(true);
    expect(b.noneOverlaps(123, 10)).toBe(true);
    b.add(100, 200);
    b.drop();
    expect(b.noneAckedBy(500)).toBe(true);
  });
});
