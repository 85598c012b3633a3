/**
 * `strict` on the text engine stops at damage only (dump/damage.ts), and a text that names no module to blame
 * still has the `culprit` object (`module: null`, the evidence saying why), as the native engine gives it.
 *
 * The texts are the project's fixtures: fixtures/dump (fixtures/gen/dump/*.mjs) and the Microsoft Learn
 * excerpts of fixtures/corpus/dumps/analyze-texts. Nearly all of them carry notes (a debugger's own
 * `*** WARNING` line, elided lines, partial arguments), which --strict used to turn into the error.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDump } from '../../../src/dump/index.js';
import { analyzeDumpFleet } from '../../../src/dump/fleet/index.js';
import { isDamageWarning } from '../../../src/dump/damage.js';
import { parseAnalyzeText } from '../../../src/dump/cdb/index.js';
import { failOnDamage } from '../../../src/dump/cdb/strict.js';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';
import { AnalyzeError } from '../../../src/errors.js';

const texts = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => join(dir, f));
const TEXTS = [...texts(fixturePath('dump')), ...texts(fixturePath('dump', 'analyze-texts')), ...texts(corpusPath('dumps', 'analyze-texts'))];

describe('--strict on saved !analyze -v texts', () => {
  it('finds the fixture texts, most of them with notes', async () => {
    expect(TEXTS.length).toBeGreaterThanOrEqual(15);
    let withNotes = 0;
    for (const file of TEXTS) {
      const r = await analyzeDump(file, { engine: 'native' });
      if (r.warnings.some((w) => !isDamageWarning(w.code))) withNotes++;
    }
    expect(withNotes).toBeGreaterThanOrEqual(9);
  });

  it.each(TEXTS.map((f) => [f.slice(f.lastIndexOf('/') + 1), f]))('%s: the same report with strict, its notes kept as warnings', async (_name, file) => {
    const lenient = await analyzeDump(file, { engine: 'native' });
    const strict = await analyzeDump(file, { engine: 'native', strict: true });
    expect(strict).toEqual(lenient);
  });

  it('in a fleet too: a saved text with a debugger warning line is a row read whole, not an error row', async () => {
    const text = fixturePath('dump', 'analyze-v-d1-exampledrv.txt');
    const r = await analyzeDumpFleet([text], { engine: 'native', workers: 0, strict: true });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ error: null, code: '0x000000D1', culprit: 'exampledrv.sys', damage: 0 });
    expect(r.rows[0]!.warnings).toBeGreaterThan(0);
  });

  it('a note never stops a strict parse; damage does, with its code, message and offset', () => {
    const text = '*** WARNING: Unable to verify timestamp for exampledrv.sys\n...\nBugCheck D1, {ffffa00100001000, 2, 0, fffff80012341234}\nProbably caused by : exampledrv.sys ( exampledrv!ExampleReadBuffer+34 )\n';
    const r = parseAnalyzeText(text, { file: 'notes.txt', strict: true });
    expect(r.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['DUMP_DEBUGGER_WARNING', 'DUMP_TEXT_ELIDED']));
    expect(r.bugcheck?.code).toBe('0x000000D1');

    const notes = r.warnings;
    expect(() => failOnDamage(notes, 'notes.txt')).not.toThrow();
    const cut = { code: 'DUMP_TEXT_CUT', message: 'text: the middle was not read', offset: 1024 };
    let thrown: unknown;
    try {
      failOnDamage([...notes, cut], 'notes.txt');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AnalyzeError);
    expect(thrown).toMatchObject({ code: 'DUMP_TEXT_CUT', message: cut.message, offset: 1024, file: 'notes.txt' });
  });
});

describe('culprit of a text that names no module', () => {
  // A Microsoft Learn excerpt with the bugcheck and its arguments, but no IMAGE_NAME or "Probably caused by".
  const NO_CULPRIT = corpusPath('dumps', 'analyze-texts', 'msdocs_partial_kernel_50.txt');

  it('is the object with module null and evidence saying why, as the native engine gives it', async () => {
    const r = await analyzeDump(NO_CULPRIT, { engine: 'native' });
    expect(r.imageName).toBeNull();
    expect(r.culprit).toEqual({ module: null, evidence: [expect.stringMatching(/^The text names no module to blame: no IMAGE_NAME, MODULE_NAME, SYMBOL_NAME, "Probably caused by" or FOLLOWUP_IP line/)] });
  });

  it('every fixture text has the object; module null exactly when no image or module was read', async () => {
    for (const file of TEXTS) {
      const r = await analyzeDump(file, { engine: 'native' });
      expect(r.culprit).toEqual({ module: r.imageName ?? r.moduleName, evidence: expect.any(Array) });
      expect(r.culprit!.evidence.length).toBeGreaterThan(0);
    }
  });

  it('an elided text says the module may be in the part not shown; cdb output says it is cdb\'s analysis', () => {
    const elided = parseAnalyzeText('BugCheck 50, {fffff80000000000, 0, fffff80012345678, 2}\n...\n', 'elided.txt');
    expect(elided.culprit).toEqual({ module: null, evidence: [expect.stringMatching(/elided with "\.\.\.": the full analysis may name one/)] });
    const cdb = parseAnalyzeText('BugCheck 50, {fffff80000000000, 0, fffff80012345678, 2}\n', { file: 'MEMORY.DMP', engine: 'cdb' });
    expect(cdb.culprit?.evidence[0]).toMatch(/^cdb's analysis names no module to blame/);
  });

  it('a SYMBOL_NAME alone names the module and is its evidence', () => {
    const r = parseAnalyzeText('BUGCHECK_CODE:  d1\nSYMBOL_NAME:  acme!Dispatch+12\n', 'symbol.txt');
    expect(r.culprit).toEqual({ module: 'acme', evidence: ['!analyze names SYMBOL_NAME acme!Dispatch+12'] });
  });
});
