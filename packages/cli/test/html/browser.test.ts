/**
 * The --html pages in a real browser: Debian's chromium driven by playwright-core (no browser download).
 * One browser for the whole file, two reused tabs (a 1280x800 desktop and a 390x844 phone). For each
 * fixture's page: the verdict sentence is on the first screen, the pcap timeline has one mark per bad
 * segment, no request leaves the page, nothing is logged as an error, and a PNG of the page is written
 * to test-output/html/ (SCREENSHOT_DIR).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { main } from '../../src/main.js';
import { renderHtml } from '../../src/render/html/index.js';
import { segmentsByFlow, TIMELINE_ROWS, type BadEntry } from '../../src/render/html/pcap.js';
import { captureIo } from '../helpers/io.js';
import { rowsByGroup, type FleetDoc } from '../../src/render/html/fleet.js';
import { fixturePath, REPO_ROOT } from './paths.js';

// The core corpus helper (it locates and may decompress corpus files) and core's test fleet of dumps,
// loaded by path: they sit outside this package's TypeScript project.
const { corpusPath } = (await import(join(REPO_ROOT, 'packages', 'core', 'test', 'helpers', 'corpus.ts'))) as { corpusPath: (...parts: string[]) => string };
const { makeFleet } = (await import(join(REPO_ROOT, 'packages', 'core', 'test', 'dump', 'fleet', 'tree.ts'))) as { makeFleet(): Promise<{ folder: string }> };
/** A folder of three "machines" of corpus dumps (six causes, a dump with no crash, unreadable ones). */
const FLEET = (await makeFleet()).folder;

// The functions given to page.evaluate run in the browser; the test project has no DOM typings.
declare const document: { querySelector(s: string): { getBoundingClientRect(): { top: number; bottom: number; right: number; width: number } } | null; querySelectorAll(s: string): { length: number }; documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number; innerHeight: number };

/** Where the screenshots go (gitignored); docs/img/ keeps a few small ones for the README. */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-output', 'html');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const esxi = (...p: string[]) => fixturePath('esxi', ...p);
/** `esxi extract` writes here (a fresh folder per run, removed after). */
const EXTRACT_TO = join(tmpdir(), `analyze-html-extract-${process.pid}`);
const pair = (name: string) => [esxi('pairs', name, 'before.tgz'), esxi('pairs', name, 'after.tgz')];

/** name → the command line that makes its page (with --html added by the test). */
const PAGES: [string, string[]][] = [
  ...['clean', 'inconclusive', 'offload-artifact', 'offload-broken', 'rewritten'].map((s): [string, string[]] => [`pcap-${s}`, ['pcap', fixturePath('pcap', 'scenarios', `${s}.pcap`)]]),
  ['pcap-offload-zero-flags', ['pcap', fixturePath('pcap', 'scenarios', 'offload-zero-flags.pcapng')]],
  ['pcap-wire-corruption', ['pcap', fixturePath('pcap', 'scenarios', 'wire-corruption.pcapng')]],
  ['pcap-checksums-example', ['pcap', fixturePath('pcap', 'checksums-example.pcapng')]],
  ['pcap-no-verdict', ['pcap', '--no-verdict', fixturePath('pcap', 'checksums-example.pcapng')]],
  ['dump-analyze-text', ['dump', fixturePath('dump', 'analyze-v-d1-exampledrv.txt')]],
  ['dump-minidump', ['dump', '--engine', 'native', fixturePath('corpus', 'dumps', 'mdmp', 'breakpad_null_read_av.dmp')]],
  ['dump-fleet', ['dump', '--engine', 'native', '--workers', '0', FLEET]],
  ['events-generated', ['events', fixturePath('events')]],
  ['events-system', ['events', corpusPath('evtx', 'AndrewRathbun__BelkasoftCTF_InsiderThreat_System.evtx')]],
  ['esxi-diff-boot-hba', ['esxi', 'diff', ...pair('boot-hba-passthru')]],
  ['esxi-diff-root-password', ['esxi', 'diff', ...pair('root-password')]],
  ['esxi-diff-show-secrets', ['esxi', 'diff', '--show-secrets', ...pair('root-password')]],
  ['esxi-diff-configstore', ['esxi', 'diff', ...pair('configstore-vswitch')]],
  ['esxi-check', ['esxi', 'check', esxi('state-6.7.tgz')]],
  ['esxi-restore-plan', ['esxi', 'restore-plan', esxi('state-6.7.tgz')]],
  ['esxi-show', ['esxi', 'show', esxi('state-6.7.tgz'), esxi('state-7.0.3-tpm.tgz')]],
  ['esxi-extract', ['esxi', 'extract', esxi('state-6.7.tgz'), '--to', EXTRACT_TO]],
  ['psod', ['psod', fixturePath('psod', 'e1000.txt')]],
  ['code', ['code', '0x800B0001']],
  ['profiles', ['profiles', fixturePath('windows', 'temp-profile.reg')]],
];

let context: BrowserContext;
let desktop: Page;
let phone: Page;
/** What each tab did that it must not: requests leaving the page, console errors, dialogs. */
const trouble: string[] = [];
let work: string;

function watch(p: Page): void {
  p.on('request', (r) => {
    if (r.url() !== p.url() && !(r.isNavigationRequest() && r.url().startsWith('file:'))) trouble.push(`request ${r.url()}`);
  });
  p.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') trouble.push(`console ${m.type()}: ${m.text()}`);
  });
  p.on('pageerror', (e) => trouble.push(`page error ${e.message}`));
  p.on('dialog', (d) => {
    trouble.push(`dialog ${d.message()}`);
    void d.dismiss();
  });
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'analyze-browser-'));
  context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: DESKTOP });
  desktop = context.pages()[0] ?? (await context.newPage());
  phone = await context.newPage();
  await phone.setViewportSize(PHONE);
  watch(desktop);
  watch(phone);
});

afterAll(async () => {
  await context?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(EXTRACT_TO, { recursive: true, force: true });
  rmSync(dirname(FLEET), { recursive: true, force: true });
});

/** Run the CLI with --html (page) and --json (the document it was made from). */
async function makePage(name: string, argv: string[]): Promise<{ file: string; doc: unknown }> {
  const file = join(SCREENSHOT_DIR, `${name}.html`);
  const io = captureIo();
  const code = await main([...argv, '--json', '--html', file], io);
  expect(code).toBeLessThan(2);
  return { file, doc: JSON.parse(io.stdout) };
}

/** What the tests read from a loaded page, in one round trip. */
interface Layout {
  /** The verdict sentence's box. */
  verdict: { top: number; bottom: number; right: number; width: number } | null;
  /** No horizontal scrolling of the page itself (tables scroll in their own box). */
  fits: boolean;
  marks: number;
  width: number;
  height: number;
}

async function layout(p: Page): Promise<Layout> {
  return p.evaluate(() => {
    const el = document.querySelector('#verdict .sentence');
    const r = el?.getBoundingClientRect();
    return {
      verdict: r ? { top: r.top, bottom: r.bottom, right: r.right, width: r.width } : null,
      fits: document.documentElement.scrollWidth <= window.innerWidth,
      marks: document.querySelectorAll('svg.timeline .mark').length,
      width: window.innerWidth,
      height: window.innerHeight,
    };
  });
}

/** The verdict sentence lies wholly inside the first screen. */
function expectVerdictOnFirstScreen(l: Layout): void {
  expect(l.verdict).not.toBeNull();
  expect(l.verdict!.width).toBeGreaterThan(0);
  expect(l.verdict!.top).toBeGreaterThanOrEqual(0);
  expect(l.verdict!.bottom).toBeLessThanOrEqual(l.height);
  expect(l.verdict!.right).toBeLessThanOrEqual(l.width);
}

/** The number of marks the timeline must draw: one per bad segment (frame) of the flows it shows. */
function expectedMarks(doc: unknown): number {
  const docs = (Array.isArray(doc) ? doc : [doc]) as { bad?: BadEntry[] }[];
  return docs.reduce((n, d) => n + segmentsByFlow(d.bad ?? []).slice(0, TIMELINE_ROWS).reduce((m, f) => m + f.segments.length, 0), 0);
}

describe('--html pages in chromium', () => {
  test.each(PAGES)('%s', async (name, argv) => {
    trouble.length = 0;
    const { file, doc } = await makePage(name, argv);
    const url = pathToFileURL(file).href;
    // Both tabs at once: the browser renders them in parallel.
    const [wide, narrow] = await Promise.all(
      ([[desktop, `${name}.png`], [phone, `${name}-phone.png`]] as const).map(async ([p, shot]) => {
        await p.goto(url);
        const l = await layout(p);
        await p.screenshot({ path: join(SCREENSHOT_DIR, shot), fullPage: p === desktop });
        return l;
      }),
    );
    for (const l of [wide!, narrow!]) {
      expectVerdictOnFirstScreen(l);
      expect(l.fits).toBe(true);
    }
    if (argv[0] === 'pcap') {
      expect(wide!.marks).toBe(expectedMarks(doc));
      if ((doc as { bad: BadEntry[] }).bad.length > 0) expect(wide!.marks).toBeGreaterThan(0);
    }
    if (name === 'dump-fleet') {
      // One mark per crash of each cause that has a recorded time, in that cause's chart.
      const fleet = doc as FleetDoc;
      const rows = rowsByGroup(fleet);
      expect(fleet.groups.length).toBeGreaterThan(1);
      for (const [i, g] of fleet.groups.entries()) {
        expect(rows[i]!.length).toBe(g.count);
        expect(await desktop.locator(`[data-group="${i}"] svg.crashes .mark`).count()).toBe(rows[i]!.filter((r) => r.crashTime !== null).length);
      }
      expect(await desktop.locator('svg.crashes .mark').count()).toBeGreaterThan(0);
    }
    expect(trouble).toEqual([]);
  });

  // The tests below open pages the fixture tests above wrote (jest runs a file's tests in order).
  test('the show-secrets page says so in its header; the redacted one does not', async () => {
    await desktop.goto(pathToFileURL(join(SCREENSHOT_DIR, 'esxi-diff-show-secrets.html')).href);
    expect(await desktop.locator('header .notice').textContent()).toContain('shows secrets');
    await desktop.goto(pathToFileURL(join(SCREENSHOT_DIR, 'esxi-diff-root-password.html')).href);
    expect(await desktop.locator('header .notice').count()).toBe(0);
  });

  test('the modules table sorts under the page CSP (its script is allowed by hash only)', async () => {
    trouble.length = 0;
    await desktop.goto(pathToFileURL(join(SCREENSHOT_DIR, 'dump-minidump.html')).href);
    const table = desktop.locator('table.sortable').first();
    const sizes = async () => (await table.locator('tbody tr td:nth-child(3)').allTextContents()).map((s) => Number(s.replace(/,/g, '')));
    const before = await sizes();
    await table.locator('th', { hasText: 'size' }).click();
    const asc = await sizes();
    expect(asc).toEqual([...before].sort((a, b) => a - b));
    await table.locator('th', { hasText: 'size' }).click();
    expect(await sizes()).toEqual([...before].sort((a, b) => b - a));
    expect(trouble).toEqual([]);
  });

  test('a hostile report: no script runs, no element is injected, the text shows as text', async () => {
    trouble.length = 0;
    const evil = '<script>alert(1)</script>"onload=alert(2) x</svg><img src=x onerror=alert(3)><svg onload=alert(4)>\u0007\u202eexe.txt';
    const hostile = {
      file: evil, engine: 'native', format: null, bugcheck: null, exception: { code: evil, name: evil, address: null }, imageName: evil, moduleName: null, symbolName: null,
      processName: evil, failureBucket: null, osVersion: null, stack: [`${evil}+0x1`], os: null, warnings: [{ code: evil, message: evil }],
      modules: [{ name: evil, path: evil, base: '0x1', size: 2, timestamp: null, version: null }, { name: 'b.dll', path: null, base: '0x2', size: 1, timestamp: null, version: null }],
      culprit: { module: evil, evidence: [evil] }, crashTime: null, disagreements: [],
    };
    const file = join(SCREENSHOT_DIR, 'hostile-dump.html');
    writeFileSync(file, renderHtml('dump', hostile));
    await desktop.goto(pathToFileURL(file).href);
    expectVerdictOnFirstScreen(await layout(desktop));
    expect(await desktop.locator('img').count()).toBe(0);
    expect(await desktop.locator('svg').count()).toBe(0);
    expect(await desktop.locator('script').count()).toBe(1); // the hashed sorting script only
    expect(await desktop.locator('#verdict .sentence').textContent()).toContain('<script>alert(1)</script>');
    expect(await desktop.locator('#verdict .sentence').textContent()).toContain('<U+202E>exe.txt');
    await desktop.screenshot({ path: join(SCREENSHOT_DIR, 'hostile-dump.png') });
    expect(trouble).toEqual([]);
  });

  test('pages print on A4 and Letter', async () => {
    await desktop.goto(pathToFileURL(join(SCREENSHOT_DIR, 'pcap-offload-broken.html')).href);
    for (const format of ['A4', 'Letter'] as const) {
      const pdf = await desktop.pdf({ format, printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    }
    // In print layout nothing is wider than an A4 page's printable width (210 mm - 2 x 14 mm at 96 dpi).
    await desktop.emulateMedia({ media: 'print' });
    await desktop.setViewportSize({ width: 688, height: 1000 });
    expect(await desktop.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await desktop.emulateMedia({ media: 'screen' });
    await desktop.setViewportSize(DESKTOP);
  });
});
