/**
 * A page's verdict and badge agree with the text report and the exit code (the audit of the --html pages,
 * 2026-12-08): a psod input not read whole, events logs that were damaged or unreadable, several codes,
 * a damaged backup whose verdict opens with a name, and hex addresses in a sorted table.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from '@jest/globals';
import { main } from '../../src/main.js';
import { esc, LONG_RUN_CHARS, multiVerdict, SORT_SCRIPT, table, type Section } from '../../src/render/html/page.js';
import { captureIo } from '../helpers/io.js';
import { fixturePath } from './paths.js';

const dir = mkdtempSync(join(tmpdir(), 'analyze-html-verdict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The page's headline: its badge word and its sentence (unescaped as the page shows them). */
function headline(html: string): { badge: string; sentence: string } {
  const m = /<div class="verdict sev-[a-z]+" id="verdict"><span class="badge">([^<]*)<\/span> <span class="sentence">([^<]*)<\/span>/.exec(html);
  expect(m).not.toBeNull();
  const unescape = (t: string) => t.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return { badge: m![1]!, sentence: unescape(m![2]!) };
}

/** Runs the CLI with `--html` into the scratch folder; the exit code and the page. */
async function page(args: string[], name: string): Promise<{ code: number; html: string }> {
  const io = captureIo({ cwd: dir });
  const code = await main([...args, '--html', name], io);
  return { code, html: readFileSync(join(dir, name), 'utf8') };
}

describe('psod: an input not read whole or not text is not OK (exit 2)', () => {
  test('a gzip cut in half: the page says part was not read (GZIP_CORRUPT), with the Problem badge', async () => {
    const gz = gzipSync(readFileSync(fixturePath('psod', 'shapes', '18-netdev-watchdog-logged-no-crash.txt')));
    writeFileSync(join(dir, 'cut.txt.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const text = captureIo({ cwd: dir });
    expect(await main(['psod', 'cut.txt.gz'], text)).toBe(2);
    expect(text.stdout).toContain('part of it was not read');
    const { code, html } = await page(['psod', 'cut.txt.gz'], 'cut.html');
    expect(code).toBe(2);
    const h = headline(html);
    expect(h.badge).toBe('Problem');
    expect(h.sentence).toContain('part of it was not read (GZIP_CORRUPT');
    expect(h.sentence).not.toBe('No purple-screen crash was found in this text.');
  });

  test('a file that is not text (PSOD_NOT_TEXT): Problem, and counted as one in a page of several', async () => {
    const one = await page(['psod', fixturePath('esxi', 'garbage.bin')], 'garbage.html');
    expect(one.code).toBe(2);
    expect(headline(one.html).badge).toBe('Problem');
    const two = await page(['psod', fixturePath('psod', 'e1000.txt'), fixturePath('esxi', 'garbage.bin')], 'two.html');
    expect(two.code).toBe(2);
    expect(headline(two.html).sentence).toBe('2 files analysed: 2 with a problem.');
  });

  test('a signature title ending in a full stop is not given a second one', async () => {
    const { html } = await page(['psod', fixturePath('psod', 'shapes', '11-lockup-esx-server-masked-screen.txt')], 'stop.html');
    expect(headline(html).sentence).not.toMatch(/\.\.$/);
  });
});

describe('events: damaged or unreadable logs (exit 2) are said in the verdict, with a damage card', () => {
  test('a readable log beside one that is not a log: the caveat, Problem, and a "Stopped at damage" card', async () => {
    const { code, html } = await page(['events', fixturePath('events', 'value-types.evtx'), fixturePath('esxi', 'garbage.bin')], 'events.html');
    expect(code).toBe(2);
    const h = headline(html);
    expect(h.badge).toBe('Problem');
    expect(h.sentence).toContain('that could be read');
    expect(h.sentence).toContain(`${fixturePath('esxi', 'garbage.bin')} could not be read`);
    expect(html).toContain('<h2>Stopped at damage</h2>');
  });

  test('with findings, the verdict still names the unreadable log', async () => {
    const { code, html } = await page(['events', fixturePath('events', 'system-crash-storage-update.evtx'), fixturePath('esxi', 'garbage.bin')], 'events2.html');
    expect(code).toBe(2);
    const h = headline(html);
    expect(h.sentence).toMatch(/finding/);
    expect(h.sentence).toContain('could not be read');
    expect(h.badge).toBe('Problem');
    // Counts by severity read as English: "2 errors", never "2 error".
    expect(h.sentence).not.toMatch(/\b([2-9]|\d\d+) (error|warning)\b(?!s)/);
  });
});

describe('the summary of a page of several', () => {
  test('codes are called codes, and one in no table (exit 1) is not "no problem found"', async () => {
    const { code, html } = await page(['code', '0x800F0922', '0xDEADBEEF'], 'codes.html');
    expect(code).toBe(1);
    const h = headline(html);
    expect(h.sentence).toBe('2 codes analysed: 1 needing attention.');
    expect(h.badge).toBe('Attention');
  });

  test('counts problems and attention separately', () => {
    const s = (severity: Section['severity']): Section => ({ verdict: '', severity, html: '' });
    expect(multiVerdict([s('ok'), s('warn'), s('bad'), s('warn')])).toBe('4 files analysed: 1 with a problem, 2 needing attention.');
    expect(multiVerdict([s('ok'), s('info')], 'capture')).toBe('2 captures analysed: no problem found.');
  });
});

describe('a report read up to damage keeps its own verdict verbatim', () => {
  test('an esxi backup cut in its gzip: "ESXi", not "eSXi"', async () => {
    const { code, html } = await page(['esxi', 'show', fixturePath('esxi', 'evil-truncated-gzip.tgz')], 'esxi.html');
    expect(code).toBe(2);
    const h = headline(html);
    expect(h.sentence).toMatch(/^Read only up to damage/);
    expect(h.sentence).toContain('ESXi');
    expect(h.sentence).not.toContain('eSXi');
  });
});

/** Runs SORT_SCRIPT on a one-column table in a minimal DOM stand-in and clicks its header; the cells' order. */
function sortColumn(values: string[], numeric = false): string[] {
  const rows = values.map((v) => ({ cells: [{ textContent: v }] }));
  const body = { rows, appendChild: (r: (typeof rows)[number]) => void (rows.splice(rows.indexOf(r), 1), rows.push(r)) };
  const attrs: Record<string, string> = { 'aria-sort': 'none' };
  const listeners: Record<string, () => void> = {};
  const th = {
    dataset: { col: '0' },
    classList: { contains: (c: string) => c === 'n' && numeric },
    getAttribute: (k: string) => attrs[k] ?? null,
    setAttribute: (k: string, v: string) => void (attrs[k] = v),
    addEventListener: (ev: string, f: () => void) => void (listeners[ev] = f),
    closest: () => table,
  };
  const table = { tBodies: [body], querySelectorAll: () => [th] };
  const document = { querySelectorAll: () => [th] };
  new Function('document', SORT_SCRIPT)(document);
  listeners['click']!();
  return rows.map((r) => r.cells[0]!.textContent);
}

describe('sortable tables', () => {
  test('hex addresses of different lengths sort by value (a dump module table\'s base column)', () => {
    expect(sortColumn(['0x772b0000', '0x900000', '0x1170000', '0x400000', '0xfffff80312340000'])).toEqual(['0x400000', '0x900000', '0x1170000', '0x772b0000', '0xfffff80312340000']);
  });

  test('numbers with separators and words still sort as before', () => {
    expect(sortColumn(['1,200', '30', '4'], true)).toEqual(['4', '30', '1,200']);
    expect(sortColumn(['beta', 'alpha'])).toEqual(['alpha', 'beta']);
  });

  test('the dump page\'s module table is sortable with hex bases', async () => {
    const { html } = await page(['dump', fixturePath('corpus', 'dumps', 'mdmp', 'breakpad_null_read_av.dmp'), '--no-group'], 'dump.html');
    expect(html).toContain('<table class="sortable">');
    expect(html).toContain(esc('0x900000'));
  });
});

describe('table cells and long values', () => {
  test(`a value with an unbroken run past ${LONG_RUN_CHARS} characters may break anywhere; words and numbers may not`, () => {
    const path = 'C:/Windows/System32/drivers/acmefilt.sys';
    const html = table([{ title: 'file' }, { title: 'code' }, { title: 'n', numeric: true }, { title: 'value' }], [[path, '0xC0000005', 12, { html: `<span class="mono">${'f'.repeat(LONG_RUN_CHARS + 1)}</span>` }]]);
    expect(html).toContain(`<td class="brk">${path}</td><td>0xC0000005</td><td class="n">12</td><td class="brk">`);
  });
});
