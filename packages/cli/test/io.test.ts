/**
 * stdout gets a long report in pieces (io.ts, `pieces`): written whole, a 37 MB --json report was encoded into
 * a second buffer of its size first. The pieces must join back to the report exactly.
 */
import { describe, expect, it } from '@jest/globals';
import { OUT_PIECE, pieces } from '../src/io.js';

describe('pieces of a long stdout write', () => {
  it('a short text is one piece, the same string', () => {
    const t = 'short report\n';
    expect([...pieces(t)]).toEqual([t]);
  });

  it('a long one is cut every OUT_PIECE characters and joins back exactly', () => {
    const t = 'x'.repeat(2 * OUT_PIECE + 5);
    const p = [...pieces(t)];
    expect(p.map((s) => s.length)).toEqual([OUT_PIECE, OUT_PIECE, 5]);
    expect(p.join('')).toBe(t);
  });

  it('never between the two halves of a surrogate pair (an emoji in a host name would be written as two U+FFFD)', () => {
    const t = `${'a'.repeat(OUT_PIECE - 1)}😀${'b'.repeat(10)}`; // the pair straddles the first cut
    const p = [...pieces(t)];
    expect(p[0]).toHaveLength(OUT_PIECE - 1);
    expect(p[1]!.startsWith('😀')).toBe(true);
    expect(p.join('')).toBe(t);
    for (const s of p) expect(Buffer.from(s, 'utf8').includes(Buffer.from('\ufffd', 'utf8'))).toBe(false); // a lone half encodes as U+FFFD
  });
});
