/**
 * Hostile saved-analysis texts, built here: U+2028 / U+2029 are line ends to a regex's `^`, `$` and `.`, and
 * whitespace to its `\s`, so a pattern whose quantified parts overlap on them backtracks quadratically. Each
 * case checks the exact result and that it comes without a hang (a generous bound: the inputs took 7-30 s).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { looksLikeAnalyzeText, MAX_ANALYSIS_TEXT_BYTES, parseAnalyzeText } from '../../../src/dump/cdb/index.js';
import { analyzeDump } from '../../../src/dump/index.js';

/** Milliseconds `fn` took, and what it returned. */
function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}
/** Far above the linear cost (milliseconds), far below the quadratic one (seconds to minutes). */
const HANG_GUARD_MS = 5000;

/** `text` as cdb's `-logou` writes it: UTF-16LE with a BOM. */
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

describe('sniffing a saved analysis (looksLikeAnalyzeText)', () => {
  it('a 128 KB UTF-16 head of U+2028 / U+2029 is not an analysis, and is told at once (was ~30 s: every one started a line)', () => {
    for (const ch of ['\u2028', '\u2029', '\u2028 ']) {
      const head = utf16(ch.repeat(64 * 1024 / ch.length));
      const { value, ms } = timed(() => looksLikeAnalyzeText(head));
      expect(value).toBe(false);
      expect(ms).toBeLessThan(HANG_GUARD_MS);
    }
  });

  it('the summary, culprit, prompt, name line and keys are still found after such runs, indented or not', () => {
    const run = '\u2028 \u2029\t'.repeat(4000);
    const found = [
      `${run}  BugCheck 1E, {c0000005, fffff80002e4a1b2, 0, 0}`,
      `${run}Probably caused by : ntkrnlmp.exe ( nt!KiPageFault+3ac )`,
      `${run} 0: kd> !analyze -v`,
      `${run}0:000> !analyze -v`,
      `${run} KMODE_EXCEPTION_NOT_HANDLED (1e) \u3000${run}\nArg1: ffffffffc0000005`,
      `${run} BUGCHECK_CODE:  1e${run}\tIMAGE_NAME:  ntkrnlmp.exe`,
    ];
    for (const text of found) {
      const { value, ms } = timed(() => looksLikeAnalyzeText(utf16(text)));
      expect(value).toBe(true);
      expect(ms).toBeLessThan(HANG_GUARD_MS);
    }
    // the name line wants its Arg line, and one key is not enough
    expect(looksLikeAnalyzeText(utf16(`${run} KMODE_EXCEPTION_NOT_HANDLED (1e)`))).toBe(false);
    expect(looksLikeAnalyzeText(utf16(`${run} BUGCHECK_CODE:  1e${run}`))).toBe(false);
  });
});

describe('reading a saved analysis (parseAnalyzeText)', () => {
  it('1,000 long "Probably caused by" lines ending in U+2028 x: no culprit, at once (was 17 s: the image given back a character at a time)', () => {
    const line = `Probably caused by : ${'a'.repeat(4000)}\u2028x\n`;
    const { value: r, ms } = timed(() => parseAnalyzeText(line.repeat(1000), 'caused.txt'));
    expect(r.imageName).toBeNull();
    expect(r.culprit?.module).toBeNull();
    expect(r.warnings.map((w) => w.code)).toEqual(['DUMP_TEXT_NO_BANNER', 'DUMP_TEXT_NO_FACTS']);
    expect(ms).toBeLessThan(HANG_GUARD_MS);
  });

  it('a culprit line whose "( symbol )" never closes after 4,000 spaces: the image, no symbol, at once (was 15 s: the spaces split every way)', () => {
    const { value: r, ms } = timed(() => parseAnalyzeText(`Probably caused by : evil.sys (${' '.repeat(4000)}y\n`, 'sym.txt'));
    expect(r.imageName).toBe('evil.sys');
    expect(r.symbolName).toBeNull();
    expect(r.culprit?.evidence).toEqual(['!analyze says "Probably caused by : evil.sys"']);
    expect(ms).toBeLessThan(HANG_GUARD_MS);
  });

  it('the symbol is what the parentheses hold, trimmed; an empty or unclosed one is none', () => {
    const culprit = (rest: string) => {
      const r = parseAnalyzeText(`Probably caused by : x.sys${rest}`);
      return [r.imageName, r.symbolName];
    };
    expect(culprit(' ( nt!KiPageFault+3ac )')).toEqual(['x.sys', 'nt!KiPageFault+3ac']);
    expect(culprit('\t(x!f (inline) )  ')).toEqual(['x.sys', 'x!f (inline)']);
    expect(culprit(' (  )')).toEqual(['x.sys', null]);
    expect(culprit(' ( x!f')).toEqual(['x.sys', null]);
    expect(culprit('( x!f )')).toEqual(['x.sys(', null]);
    expect(culprit(' ( x!f )\u2028')).toEqual(['x.sys', 'x!f']); // trimmed off the line
    expect(culprit(' ( x!f \u2028 )')).toEqual([null, null]); // a line end inside: not read, as before
  });
});

describe('a saved analysis in a session log of any size (analyzeDump on a file)', () => {
  const ANALYSIS = readFileSync(fileURLToPath(new URL('../../../../../fixtures/dump/analyze-v-d1-exampledrv.txt', import.meta.url)), 'utf8');
  /** `!process 0 7`-like lines around the analysis, to past the 16 MiB read whole. */
  const filler = (bytes: number) => 'PROCESS ffffc50e`1a2b3c40  SessionId: 0  Cid: 0004    Peb: 00000000  ParentCid: 0000\n'.repeat(Math.ceil(bytes / 88));
  const dir = mkdtempSync(join(tmpdir(), 'analyze-text-big-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`over ${MAX_ANALYSIS_TEXT_BYTES} bytes: its head and tail are read, the analysis found at either end (UTF-8 and UTF-16), with a warning naming the gap`, async () => {
    const atEnd = join(dir, 'end.log');
    // A cdb session log: the summary cdb prints on loading the dump (how the text is recognised), `!process 0 7`, then `!analyze -v`.
    const loaded = 'Opened log file \'end.log\'\nBugCheck D1, {ffffa00100001000, 2, 0, fffff80012341234}\n\nProbably caused by : exampledrv.sys ( exampledrv!ExampleReadBuffer+34 )\n\n0: kd> !process 0 7\n';
    writeFileSync(atEnd, `${loaded}${filler(17 * 1024 * 1024)}${ANALYSIS}`);
    const atStart = join(dir, 'start.log');
    writeFileSync(atStart, utf16(`${ANALYSIS}\n${filler(9 * 1024 * 1024)}`)); // UTF-16: twice the bytes
    for (const file of [atEnd, atStart]) {
      const r = await analyzeDump(file, { engine: 'native' });
      expect(r).toMatchObject({ engine: 'text', bugcheck: { code: '0x000000D1' }, imageName: 'exampledrv.sys', failureBucket: 'AV_exampledrv!ExampleReadBuffer' });
      const size = statSync(file).size;
      expect(r.warnings[0]).toEqual({ code: 'DUMP_TEXT_CUT', message: expect.stringMatching(new RegExp(`^text: the file is ${size} bytes; its first 1048576 and last \\d+ were read .*, the \\d+ between were not$`)), offset: 1024 * 1024 });
      // --strict: the text read in part is the error
      await expect(analyzeDump(file, { engine: 'native', strict: true })).rejects.toMatchObject({ code: 'DUMP_TEXT_CUT', file });
    }
  }, 60_000);
});
