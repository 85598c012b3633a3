import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/corpus.js';
import { analyzePsod, psodWindow, readPsodWindow } from '../../src/psod/index.js';

/**
 * PSOD_MORE_CRASHES when the second crash is found inside the crash window (parse.ts, not window.ts): a header
 * that follows a header without frames, or frames and a header on one flattened line. The warning names the
 * input lines where those crashes start, and the one reported, as it does for the crash texts the window set aside.
 */
const header = (world: string, ip: string) => `#PF Exception 14 in world ${world} IP ${ip} addr 0x0`;
const frame = (n: number, fn: string) => `0x41229eb9b${n}00:[0x418023d9c${n}66]${fn}@vmkernel#nover+0x${n}b`;
const moreCrashes = (text: string) => analyzePsod(text).warnings.filter((w) => w.code === 'PSOD_MORE_CRASHES').map((w) => w.message);

describe('crashes found inside the window are named by input line', () => {
  it('two headers close together (the first without frames): both lines named', () => {
    const text = [
      'ordinary line',
      header('1001:first', '0x418023d9c001'), // 2
      'cr0=0x8001003d cr2=0x0',
      header('1002:second', '0x418023d9c002'), // 4: another world, no frames between (the window keeps both)
      frame(1, 'Alpha'),
      frame(2, 'Beta'),
    ].join('\n');
    const r = analyzePsod(text);
    expect(r.world?.name).toBe('second');
    expect(moreCrashes(text)).toEqual(['the text holds another crash (line 2); only the last, at line 4, is reported']);
  });

  it('shape 10 (three headers of three worlds, after a comment line)', () => {
    const text = readFileSync(fixturePath('psod', 'shapes', '10-vmfs6-pf14-headers-only.txt'), 'utf8');
    expect(moreCrashes(text)).toEqual(['the text holds 2 other crashes (lines 2, 3); only the last, at line 4, is reported']);
  });

  it('comment lines and a flattened line of frames before the second crash, and a crash text the window set aside', () => {
    const lines = [
      header('901:early', '0x418023d9c009'), // 1: a crash text of its own (the window sets it aside)
      frame(9, 'Early'), // 2
      'VMware ESXi 7.0.3 [Releasebuild-17630552 x86_64]', // 3: put first in the window (far before the crash)
      ...Array.from({ length: 2100 }, (_, i) => `ordinary log line ${i}`), // 4-2103
      '# pasted from the support case', // 2104
      header('2001:alpha', '0x418023d9c011'), // 2105
      '# the screen below was pasted flattened', // 2106
      `${frame(1, 'Alpha')} ${frame(2, 'Beta')} ${frame(3, 'Gamma')} ${header('2002:beta', '0x418023d9c022')}`, // 2107
      '# end of paste', // 2108
      frame(4, 'Delta'), // 2109
      frame(5, 'Epsilon'), // 2110
    ];
    const text = lines.join('\n');
    const window = psodWindow(text);
    // the banner (no line of its own here), then the 2,000 lines kept before the crash: from line 105
    expect(window.lines.slice(0, 2)).toEqual([lines[2], lines[104]]);
    expect(window.lineNumbers?.slice(0, 2)).toEqual([0, 105]);
    expect(window.lineNumbers?.slice(-4)).toEqual([2107, 2108, 2109, 2110]);
    const r = analyzePsod(text);
    expect(r.world?.name).toBe('beta');
    expect(r.frames.map((f) => f.function)).toEqual(['Delta', 'Epsilon']);
    expect(moreCrashes(text)).toEqual(['the text holds 2 other crashes (lines 1, 2105); only the last, at line 2107, is reported']);
  });

  it('a long line handed on in pieces counts once; a header in its last piece is named by that line', async () => {
    const filler = 'ordinary log text '.repeat(5000); // 90,000 characters: two pieces
    const text = [
      header('3001:first', '0x418023d9c031'), // 1
      filler, // 2
      `${filler}${header('3002:second', '0x418023d9c032')}`, // 3
      frame(1, 'Alpha'),
      frame(2, 'Beta'),
    ].join('\n');
    const window = psodWindow(text);
    expect(window.lineNumbers).toEqual([1, 2, 2, 3, 3, 4, 5]);
    expect(analyzePsod(text).world?.name).toBe('second');
    expect(moreCrashes(text)).toEqual(['the text holds another crash (line 1); only the last, at line 3, is reported']);
    // streamed a few kB at a time, the long lines may be cut elsewhere: the same lines are named
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 4096) }, (_, i) => bytes.subarray(i * 4096, i * 4096 + 4096));
    expect(analyzePsod(await readPsodWindow(chunks)).warnings.map((w) => w.message)).toEqual(moreCrashes(text));
  });

  it("a header right after a frame on one line (shape 14, KB 2000091's structure): the frame ends the first crash, the header starts the next", () => {
    const text = readFileSync(fixturePath('psod', 'shapes', '14-lockup-then-heartbeat-flattened.txt'), 'utf8');
    const r = analyzePsod(text);
    expect(r.exception).toMatchObject({ kind: 'heartbeat', text: 'PCPU 2: no heartbeat, IPIs received (0/2).' });
    expect(r.frames.map((f) => f.function)).toEqual(['Panic', 'Heartbeat_DetectCPULockups']);
    // one other crash (the lockup, with both its frames), not a second one made of the frame before the header
    expect(moreCrashes(text)).toEqual(['the text holds another crash (line 3); only the last, at line 5, is reported']);
    const lockup = analyzePsod(text.split('@BlueScreen:')[0]!);
    expect(lockup.frames.map((f) => f.function)).toEqual(['Panic', 'TLBDoInvalidate']);
  });

  it('more than five other crashes: five named, the rest counted', () => {
    const headers = Array.from({ length: 7 }, (_, i) => header(`${4001 + i}:w${i}`, `0x418023d9c04${i}`));
    const text = [...headers, header('4100:last', '0x418023d9c050'), frame(1, 'Alpha')].join('\n');
    expect(moreCrashes(text)).toEqual(['the text holds 7 other crashes (lines 1, 2, 3, 4, 5, ...); only the last, at line 8, is reported']);
  });

  it('a window built by hand without line numbers: the warning counts the crashes found inside it, as before', () => {
    const lines = [header('1001:first', '0x418023d9c001'), header('1002:second', '0x418023d9c002'), frame(1, 'Alpha')];
    const r = analyzePsod({ lines, line: 1, others: 0, otherLines: [], last: true });
    expect(r.warnings.map((w) => w.message)).toEqual(['the text holds another crash; only the last is reported']);
  });
});
