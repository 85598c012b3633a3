import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { main } from '../../src/main.js';
import { esc, escCell, HTML_CELL_CHARS, HTML_TABLE_CHARS, HTML_TABLE_ROWS, table } from '../../src/render/html/page.js';
import { HtmlPage, renderHtml, type ReportKind } from '../../src/render/html/index.js';
import { rowsByGroup, type FleetDoc } from '../../src/render/html/fleet.js';
import { captureIo } from '../helpers/io.js';
import { fixturePath, REPO_ROOT } from './paths.js';

/** Every trick a file name or field could try: markup, attribute break-out, SVG close, controls, bidi overrides. */
const HOSTILE = '<script>alert(1)</script>"onload=alert(2) \'x</svg><img src=x onerror=alert(3)>\u0000\u001b[31m\u202etxt.exe\u2066&amp;';

/** No markup from the input survived: only the page's own tags, no raw controls or bidi overrides. */
function expectInert(html: string): void {
  expect(html).not.toContain('<script>alert');
  expect(html).not.toContain('<img');
  expect(html).not.toContain('"onload=');
  expect(html).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  // Every <svg> the renderer opened is closed once: an injected </svg> did not end one early.
  expect((html.match(/<svg\b/g) ?? []).length).toBe((html.match(/<\/svg>/g) ?? []).length);
  // At most the page's own (hashed) sorting script.
  expect((html.match(/<script\b/g) ?? []).length).toBeLessThanOrEqual(1);
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;onload=alert(2)');
  expect(html).toContain('&lt;U+202E&gt;txt.exe');
}

describe('table', () => {
  test(`shows the first ${HTML_TABLE_ROWS} rows and counts the rest in a footer (sorting moves body rows only)`, () => {
    const rows = Array.from({ length: HTML_TABLE_ROWS + 5 }, (_, i) => [`row${i}`, i]);
    const html = table([{ title: 'name' }, { title: 'n', numeric: true }], rows, { sortable: true });
    expect(html.match(/<tr>/g)).toHaveLength(HTML_TABLE_ROWS + 2); // header, shown rows, footer
    expect(html).toContain(`<td>row${HTML_TABLE_ROWS - 1}</td>`);
    expect(html).not.toContain(`<td>row${HTML_TABLE_ROWS}</td>`);
    expect(html).toMatch(/<\/tbody><tfoot><tr><td colspan="2" class="muted">… and 5 more rows \(the JSON report lists all 1,005\)<\/td><\/tr><\/tfoot>/);
  });

  test(`cuts a long value to ${HTML_CELL_CHARS} characters, never inside a surrogate pair, and says how much is left out`, () => {
    const long = `${'a'.repeat(HTML_CELL_CHARS - 1)}😀<tail>`;
    const html = table([{ title: 'value' }], [[long]]);
    // one unbroken run: the cell may break anywhere (td.brk), or it would set the column's width
    expect(html).toContain(`<td class="brk">${'a'.repeat(HTML_CELL_CHARS - 1)}<span class="muted"> … 8 more characters (the JSON report has all)</span></td>`);
    expect(html).not.toContain('&lt;tail&gt;');
    expect(escCell('x'.repeat(HTML_CELL_CHARS))).toBe('x'.repeat(HTML_CELL_CHARS));
    expect(escCell('<'.repeat(HTML_CELL_CHARS + 1))).toBe(`${'&lt;'.repeat(HTML_CELL_CHARS)}<span class="muted"> … 1 more character (the JSON report has all)</span>`);
  });

  test(`stops adding rows past ${HTML_TABLE_CHARS} characters and counts the rest in the footer`, () => {
    const value = 'v'.repeat(HTML_CELL_CHARS);
    const rows = Array.from({ length: 900 }, (_, i) => [`row${i}`, value, value]);
    const html = table([{ title: 'name' }, { title: 'before' }, { title: 'after' }], rows);
    const shown = html.match(/<td>row\d+<\/td>/g)!.length;
    expect(shown).toBeLessThan(900);
    expect(html.length).toBeLessThan(HTML_TABLE_CHARS + 10_000);
    expect(html.length).toBeGreaterThan(HTML_TABLE_CHARS);
    expect(html).toContain(`… and ${900 - shown} more rows (the JSON report lists all 900)`);
  });

  test('a table within the limit has no footer', () => {
    expect(table([{ title: 'a' }], [['x']])).not.toContain('tfoot');
  });
});

describe('esc', () => {
  test('escapes markup, shows controls and bidi overrides', () => {
    expect(esc('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect(esc('a\u0000b\u001bc\u009b')).toBe('a\\x00b\\x1bc\\x9b');
    expect(esc('\u202eexe.txt')).toBe('&lt;U+202E&gt;exe.txt');
    expect(esc(null)).toBe('');
  });
});

const bad = (frame: number, extra: object = {}) => ({
  frame, time: frame / 10, srcPort: 1, dstPort: 2, protocol: 'tcp', src: HOSTILE, dst: '10.0.0.1', stored: 0, correct: 1, depth: 0, class: 'mismatch', acked: false, retransmitted: true, ...extra,
});

/** One document per report kind, every string field hostile. */
const HOSTILE_DOCS: [ReportKind, object][] = [
  ['pcap', {
    file: HOSTILE, format: 'pcap', frames: 3, bytes: 100,
    checksums: { ipv4: { checked: 1, bad: 0, unverified: 0 }, tcp: { checked: 2, bad: 2, unverified: 0 }, udp: { checked: 0, bad: 0, unverified: 0, absent: 0, illegal: 0 } },
    bad: [bad(1), bad(2)], badTruncated: false, warnings: [{ code: HOSTILE, message: HOSTILE }],
    verdict: { kind: HOSTILE, summary: HOSTILE, advice: [HOSTILE], os: { guess: HOSTILE, because: HOSTILE }, captureHosts: [{ address: HOSTILE, macs: [HOSTILE], reason: 'x' }],
      flows: [{ flow: HOSTILE, badSegments: 2, acked: 0, failed: 2, unacked: 0, unknown: 0 }] },
  }],
  ['dump', {
    file: HOSTILE, engine: HOSTILE, format: HOSTILE, bugcheck: { code: HOSTILE, name: HOSTILE, parameters: [HOSTILE] },
    exception: { code: HOSTILE, name: HOSTILE, address: HOSTILE, reason: HOSTILE }, imageName: HOSTILE, moduleName: HOSTILE, symbolName: HOSTILE,
    processName: HOSTILE, failureBucket: HOSTILE, osVersion: HOSTILE, stack: [`${HOSTILE}!f+0x1`, HOSTILE], warnings: [{ code: HOSTILE, message: HOSTILE }],
    os: { platform: HOSTILE, version: HOSTILE, architecture: HOSTILE, processors: 1 },
    modules: [{ name: HOSTILE, path: HOSTILE, base: HOSTILE, size: 1, timestamp: HOSTILE, version: HOSTILE }], drivers: [], unloadedModules: [],
    culprit: { module: HOSTILE, evidence: [HOSTILE] }, crashTime: HOSTILE, disagreements: [HOSTILE],
  }],
  ['psod', {
    file: HOSTILE, crashFound: true, banner: { product: HOSTILE, version: HOSTILE, build: HOSTILE },
    exception: { kind: HOSTILE, type: HOSTILE, number: 1, text: HOSTILE, location: HOSTILE, inferred: false }, world: { idText: HOSTILE, name: HOSTILE },
    cpu: 1, ip: HOSTILE, faultAddress: HOSTILE, uptime: HOSTILE, frames: [{ function: HOSTILE, module: HOSTILE, version: HOSTILE, offset: HOSTILE, ip: HOSTILE }],
    culprit: { frameIndex: 0, function: HOSTILE, module: HOSTILE, reason: HOSTILE }, signature: { title: HOSTILE, explanation: HOSTILE, sources: [{ title: HOSTILE, url: HOSTILE }] },
    advice: HOSTILE, warnings: [],
  }],
  ['code', {
    input: HOSTILE, known: true,
    interpretations: [{ kind: HOSTILE, value: HOSTILE, name: HOSTILE, message: HOSTILE, known: true, severity: HOSTILE, facility: { value: 1, name: HOSTILE },
      wraps: { kind: HOSTILE, value: HOSTILE, name: HOSTILE, message: HOSTILE }, docUrl: HOSTILE,
      remedy: { context: HOSTILE, cause: HOSTILE, steps: [HOSTILE], sources: [{ title: HOSTILE, url: HOSTILE }], unverified: HOSTILE } }],
  }],
  ['profiles', {
    file: HOSTILE, source: 'reg', profilesDirectory: HOSTILE,
    profiles: [{ key: HOSTILE, sid: HOSTILE, isBak: false, wellKnown: HOSTILE, profileImagePath: HOSTILE, state: 1, stateBits: [HOSTILE], refCount: 1 }],
    findings: [{ sid: HOSTILE, code: HOSTILE, message: HOSTILE, realKey: HOSTILE, evidence: [HOSTILE], fix: [HOSTILE] }], warnings: [],
  }],
  ['esxi diff', {
    before: summary(), after: summary(),
    changes: [{ area: 'network', path: HOSTILE, key: HOSTILE, change: 'modified', label: HOSTILE, before: HOSTILE, after: HOSTILE }, { area: HOSTILE, path: HOSTILE, change: 'added', label: HOSTILE }],
    noise: { changes: 1, files: [HOSTILE] }, findings: [finding()],
  }],
  ['esxi check', { file: HOSTILE, backup: summary(), target: summary(), findings: [finding()] }],
  ['esxi restore-plan', { file: HOSTILE, route: HOSTILE, blocked: true, findings: [finding()], prerequisites: [HOSTILE], steps: [{ title: HOSTILE, commands: [HOSTILE], note: HOSTILE }], alternative: { route: HOSTILE, steps: [] } }],
  ['esxi show', { file: HOSTILE, kind: HOSTILE, layers: [HOSTILE, HOSTILE], version: { release: HOSTILE }, hostName: { value: HOSTILE }, encryption: { encrypted: false },
    files: [], network: { managementInterface: HOSTILE, vmkernelNics: [{ name: HOSTILE, services: [HOSTILE] }], vSwitches: [{ name: HOSTILE, uplinks: [HOSTILE], portGroups: [{ name: HOSTILE, vlanId: HOSTILE }] }] },
    users: [{ name: HOSTILE, passwordHash: HOSTILE, groups: [HOSTILE] }], advancedSettings: [{ option: HOSTILE, value: HOSTILE }], warnings: [{ code: HOSTILE, message: HOSTILE }] }],
  ['esxi extract', { file: HOSTILE, to: HOSTILE, written: [{ path: HOSTILE, size: 1, secret: false }], skipped: [{ path: HOSTILE, reason: HOSTILE, message: HOSTILE }], warnings: [] }],
  ['events', {
    files: [{ file: HOSTILE, records: 2, recordsDamaged: 0, chunks: 1, chunksSkipped: 0, chunksEmpty: 0, dirty: false, firstTime: HOSTILE, lastTime: HOSTILE, channels: [HOSTILE], computers: [HOSTILE], error: { code: HOSTILE, message: HOSTILE, offset: 1 } }],
    findings: [{ kind: HOSTILE, family: 'crash', severity: 'critical', title: HOSTILE, explanation: HOSTILE, advice: HOSTILE, next: HOSTILE, count: 30, firstTime: HOSTILE, lastTime: HOSTILE, details: { [HOSTILE]: HOSTILE },
      occurrences: [{ ref: { file: HOSTILE, recordId: 1, eventId: 41, provider: HOSTILE, time: HOSTILE }, details: { [HOSTILE]: HOSTILE },
        timeline: [{ time: HOSTILE, provider: HOSTILE, eventId: 7, level: 2, recordId: 0, summary: HOSTILE }] }] }],
    summary: { files: 1, records: 2, findings: 1, worstSeverity: 'critical', bySeverity: { critical: 1, error: 0, warning: 0, info: 0 } },
    warnings: [{ code: HOSTILE, message: HOSTILE, file: HOSTILE, offset: 3 }],
  }],
  ['dump fleet', {
    summary: HOSTILE, totals: { files: 3, dumps: 3, crashes: 2, noCrash: 0, errors: 1, skipped: 0, groups: 1 }, period: { first: '2020-01-01T00:00:00.000Z', last: '2020-02-01T00:00:00.000Z' },
    rows: [fleetRow('2020-01-01T00:00:00.000Z'), fleetRow('2020-02-01T00:00:00.000Z'), { ...fleetRow(HOSTILE), kind: null, code: null, error: { code: HOSTILE, message: HOSTILE, offset: 2 } }],
    groups: [{ kind: 'kernel', code: '0x0000000A', name: HOSTILE, culprit: HOSTILE, symbol: HOSTILE, count: 2, share: 1, firstCrash: HOSTILE, lastCrash: HOSTILE, folders: [HOSTILE], folderCount: 2,
      examples: [HOSTILE], rowIndexes: [0, 1], thirdParty: true, versions: { min: HOSTILE, max: HOSTILE }, advice: { meaning: HOSTILE, docUrl: HOSTILE, steps: [HOSTILE] } }],
  }],
  ['pcap fix', {
    input: HOSTILE, output: HOSTILE, format: HOSTILE, gzipIn: false, gzipOut: true, frames: 3, bytesRead: 100, bytesWritten: 100, packetsChanged: 1,
    fixed: { ipv4: 0, tcp: 1, udp: 0 }, lengthsFixed: { ipv4: 0, ipv6: 0 }, left: { truncated: 1, fragment: 0, 'bad-length': 0, 'icmp-quoted': 0, 'length-too-long': 0 },
    leftFrames: [{ frame: 2, reason: 'truncated' }], leftFramesTruncated: false, warnings: [{ code: HOSTILE, message: HOSTILE }],
  }],
];

function fleetRow(crashTime: string) {
  return { file: HOSTILE, archive: HOSTILE, member: HOSTILE, folder: HOSTILE, engine: HOSTILE, format: HOSTILE, crashTime, kind: 'kernel', code: '0x0000000A', name: HOSTILE, parameters: [HOSTILE], address: HOSTILE,
    culprit: HOSTILE, culpritVersion: HOSTILE, culpritTimestamp: HOSTILE, symbol: HOSTILE, process: HOSTILE, osBuild: HOSTILE, error: null, warnings: 1 };
}

function summary() {
  return { source: HOSTILE, kind: HOSTILE, layers: [HOSTILE, HOSTILE], version: HOSTILE, build: HOSTILE, uuid: HOSTILE, hostName: HOSTILE, encrypted: true, encryptionMode: HOSTILE, decrypted: false, files: 1 };
}
function finding() {
  return { severity: 'error', code: HOSTILE, message: HOSTILE, fix: HOSTILE, subject: HOSTILE };
}

test('pcap: the capture-host line of the page names 10 and counts the rest, as the text does (it listed 4,096)', async () => {
  const io = captureIo({ cwd: REPO_ROOT });
  await main(['pcap', fixturePath('pcap', 'scenarios', 'offload-artifact.pcap'), '--json'], io);
  const doc = JSON.parse(io.stdout) as { verdict: { captureHosts: { address: string; macs: string[]; reason: string }[] } };
  doc.verdict.captureHosts = Array.from({ length: 30 }, (_, i) => ({ address: `10.0.0.${i + 1}`, macs: [], reason: 'placeholders' }));
  const html = renderHtml('pcap', doc);
  expect(html).toContain('10.0.0.10 and 20 more');
  expect(html).not.toContain('10.0.0.11');
});

describe('hostile documents render inert', () => {
  test.each(HOSTILE_DOCS)('%s', (kind, doc) => {
    expectInert(renderHtml(kind, doc));
  });

  test('several documents and an error document', () => {
    const html = renderHtml('pcap', [HOSTILE_DOCS[0]![1], { file: HOSTILE, error: { code: HOSTILE, message: HOSTILE, offset: 4 } }]);
    expectInert(html);
    expect(html).toContain('2 files analysed');
  });
});

describe('the page shell', () => {
  const html = renderHtml('dump', HOSTILE_DOCS[1]![1]);

  test('the Content-Security-Policy forbids every fetch and allows only the hashed style and script', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src data:; script-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'$/);
    // No external reference of any kind.
    expect(html).not.toMatch(/<[^>]*\s(src|href|xlink:href)=/);
    expect(html).not.toMatch(/url\(|@import/);
  });

  test('a page without a sortable table has no script and script-src none', () => {
    const page = renderHtml('psod', HOSTILE_DOCS[2]![1]);
    expect(page).not.toContain('<script');
    expect(page).toContain("script-src 'none'");
  });

  test('--show-secrets documents get the header notice', () => {
    const doc = { ...(HOSTILE_DOCS[5]![1] as object), secretsShown: true };
    expect(renderHtml('esxi diff', doc)).toContain('This page shows secrets');
    expect(renderHtml('esxi diff', HOSTILE_DOCS[5]![1])).not.toContain('This page shows secrets');
  });
});

describe('analyze ... --html (in-process CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a capture with a hostile file name: the page names it, inert', async () => {
    const name = '<script>alert(1)<\\script>"onload=x \u202egnp.pcap';
    copyFileSync(fixturePath('pcap', 'scenarios', 'offload-broken.pcap'), join(dir, name));
    const io = captureIo({ cwd: dir });
    const code = await main(['pcap', '--html', 'page.html', name], io);
    expect(code).toBe(1); // offload-broken: the exit code is the command's, as without --html
    expect(io.stdout).toBe('');
    expect(io.stderr).toContain('page written to page.html');
    const html = readFileSync(join(dir, 'page.html'), 'utf8');
    expect(html).toContain('&lt;script&gt;alert(1)');
    expect(html).toContain('&lt;U+202E&gt;gnp.pcap');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('Checksum offload is broken');
  });

  test('--html - prints the page; --json with --html FILE still prints the JSON', async () => {
    const io = captureIo();
    expect(await main(['psod', '--html', '-', fixturePath('psod', 'e1000.txt')], io)).toBe(1);
    expect(io.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    const both = captureIo({ cwd: dir });
    await main(['psod', '--json', '--html', 'psod.html', fixturePath('psod', 'e1000.txt')], both);
    const doc = JSON.parse(both.stdout) as { exception: { text: string } };
    expect(readFileSync(join(dir, 'psod.html'), 'utf8')).toContain(esc(doc.exception.text));
  });

  test('--html - with --json is a usage error; an unwritable page is exit 2', async () => {
    const io = captureIo();
    expect(await main(['code', '--json', '--html', '-', '0x5'], io)).toBe(2);
    expect(io.stderr).toContain('--html - and --json');
    const io2 = captureIo({ cwd: dir });
    expect(await main(['code', '--html', join(dir, 'no', 'such', 'dir.html'), '0x5'], io2)).toBe(2);
    expect(io2.stderr).toContain('cannot write the page');
    // A file that cannot be read: the page says so, and so does stderr (exit 2 as without --html).
    const io3 = captureIo({ cwd: dir });
    expect(await main(['pcap', '--html', 'garbage.html', fixturePath('esxi', 'garbage.bin')], io3)).toBe(2);
    expect(io3.stderr).toContain('not a pcap or pcapng capture');
    expect(readFileSync(join(dir, 'garbage.html'), 'utf8')).toContain('could not be analysed: not a pcap or pcapng capture');
  });

  test('a capture read up to damage: stderr names the byte offset as without --html', async () => {
    const good = readFileSync(fixturePath('pcap', 'scenarios', 'offload-broken.pcap'));
    const damaged = Buffer.from(good);
    const second = 24 + 16 + damaged.readUInt32LE(24 + 8);
    damaged.writeUInt32LE(0x7fffffff, second + 8); // the second record's captured length
    writeFileSync(join(dir, 'damaged.pcap'), damaged);
    const plain = captureIo({ cwd: dir });
    expect(await main(['pcap', 'damaged.pcap'], plain)).toBe(2);
    const line = plain.stderr.split('\n').find((l) => l.includes(`(at byte ${second})`));
    expect(line).toBeDefined();
    const paged = captureIo({ cwd: dir });
    expect(await main(['pcap', '--html', 'damaged.html', 'damaged.pcap'], paged)).toBe(2);
    expect(paged.stderr).toContain(line!);
  });

  test('every bad frame of the pcap JSON is in the page, and nothing else is claimed', async () => {
    const io = captureIo();
    await main(['pcap', '--json', fixturePath('pcap', 'checksums-example.pcapng')], io);
    const doc = JSON.parse(io.stdout) as { bad: { frame: number }[] };
    const html = renderHtml('pcap', doc);
    const marks = html.match(/<(circle|rect|polygon) class="mark /g) ?? [];
    expect(marks.length).toBe(new Set(doc.bad.map((b) => b.frame)).size);
    for (const b of doc.bad) expect(html).toContain(`frame ${b.frame} at`);
  });

  test('esxi diff: secrets stay redacted as in the JSON; --show-secrets shows them and says so', async () => {
    const pair = ['before', 'after'].map((side) => fixturePath('esxi', 'pairs', 'root-password', `${side}.tgz`));
    const redacted = captureIo();
    await main(['esxi', 'diff', '--html', '-', ...pair], redacted);
    expect(redacted.stdout).toContain('root: password changed');
    expect(redacted.stdout).toContain('(secret: not shown)');
    expect(redacted.stdout).not.toMatch(/\$6\$/);
    expect(redacted.stdout).not.toContain('This page shows secrets');
    const json = captureIo();
    await main(['esxi', 'diff', '--json', '--show-secrets', ...pair], json);
    const doc = JSON.parse(json.stdout) as { secretsShown: boolean; changes: { after?: string }[] };
    expect(doc.secretsShown).toBe(true);
    const shown = captureIo();
    await main(['esxi', 'diff', '--html', '-', '--show-secrets', ...pair], shown);
    expect(shown.stdout).toContain(esc(doc.changes[0]!.after));
    expect(shown.stdout).toContain('This page shows secrets');
  });
});

describe('analyze events / analyze dump over a fleet --html (in-process CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('events: the page holds every finding of the JSON, most severe in the verdict, with its advice and next command', async () => {
    const json = captureIo();
    expect(await main(['events', '--json', fixturePath('events')], json)).toBe(1);
    const doc = JSON.parse(json.stdout) as { findings: { severity: string; title: string; advice: string; next: string | null; occurrences: { timeline?: unknown[] }[] }[] };
    const io = captureIo({ cwd: dir });
    expect(await main(['events', '--html', 'events.html', fixturePath('events')], io)).toBe(1);
    expect(io.stdout).toBe('');
    expect(io.stderr).toContain('page written to events.html');
    const html = readFileSync(join(dir, 'events.html'), 'utf8');
    expect(html).toContain(`the most severe: ${esc(doc.findings.find((f) => f.severity === 'critical')!.title)}`);
    for (const f of doc.findings) {
      expect(html).toContain(esc(f.title));
      expect(html).toContain(esc(f.advice));
      if (f.next) expect(html).toContain(esc(f.next));
    }
    const timelineRows = doc.findings.flatMap((f) => f.occurrences).reduce((n, o) => n + (o.timeline?.length ?? 0), 0);
    expect(timelineRows).toBeGreaterThan(0);
    expect((html.match(/class="timeline-entry"/g) ?? []).length).toBe(timelineRows);
    expect(html).toContain("script-src 'none'"); // no sortable table: no script
  });

  test('events: a file that cannot be read is named on stderr and on the page (exit 2)', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['events', '--html', 'bad.html', fixturePath('esxi', 'garbage.bin')], io)).toBe(2);
    expect(io.stderr).toContain('garbage.bin');
    expect(readFileSync(join(dir, 'bad.html'), 'utf8')).toContain('could not be read');
  });

  test('events: --records (JSON Lines, no report) with --html is a usage error', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['events', '--records', '--html', 'records.html', fixturePath('events')], io)).toBe(2);
    expect(io.stderr).toContain('--records prints JSON Lines');
  });

  test('dump fleet: the summary heads the page, every cause with one chart mark per timed crash, the rows sortable', async () => {
    const tree = (await import(join(REPO_ROOT, 'packages', 'core', 'test', 'dump', 'fleet', 'tree.ts'))) as { makeFleet(): Promise<{ folder: string }> };
    const { folder } = await tree.makeFleet();
    const json = captureIo({ env: { PATH: '' } });
    expect(await main(['dump', '--json', '--engine', 'native', '--workers', '0', folder], json)).toBe(1);
    const doc = JSON.parse(json.stdout) as FleetDoc;
    const io = captureIo({ cwd: dir, env: { PATH: '' } });
    expect(await main(['dump', '--html', 'fleet.html', '--engine', 'native', '--workers', '0', folder], io)).toBe(1);
    expect(io.stdout).toBe('');
    const html = readFileSync(join(dir, 'fleet.html'), 'utf8');
    expect(html).toContain(`<span class="sentence">${esc(doc.summary)}</span>`);
    const groups = html.split('data-group="').slice(1);
    expect(groups.length).toBe(doc.groups.length);
    const byGroup = rowsByGroup(doc);
    doc.groups.forEach((g, i) => {
      expect(byGroup[i]!.length).toBe(g.count);
      const timed = byGroup[i]!.filter((r) => r.crashTime !== null).length;
      expect((groups[i]!.match(/class="mark crash"/g) ?? []).length).toBe(timed);
      for (const s of g.advice.steps) expect(groups[i]).toContain(esc(s));
    });
    expect(html).toContain('<table class="sortable">');
    for (const r of doc.rows) expect(html).toContain(`<td class="brk">${esc(r.file)}</td>`); // a path: one long run
    rmSync(dirname(folder), { recursive: true, force: true });
  });

  test('dump fleet: a hostile group draws a mark per crash and stays inert', () => {
    const html = renderHtml('dump fleet', HOSTILE_DOCS.find(([k]) => k === 'dump fleet')![1]);
    expect((html.match(/class="mark crash"/g) ?? []).length).toBe(2);
  });
});

describe('a page of many files is bounded (HtmlPage.MAX_CHARS)', () => {
  test('40 captures of 1,000 bad frames: the files past the bound get their verdict and a note, the header counts all 40 (300 made a 71 MB page, 1.4 GB peak)', async () => {
    const capture = fixturePath('corpus', 'pcap', 'zeek__modbus_modbusBig.pcap');
    const dir = mkdtempSync(join(tmpdir(), 'analyze-page-bound-'));
    try {
      const file = join(dir, 'page.html');
      const io = captureIo({ cwd: REPO_ROOT });
      expect(await main(['pcap', '--html', file, '--json', ...Array.from({ length: 40 }, () => capture)], io)).toBe(0);
      expect((JSON.parse(io.stdout) as unknown[]).length).toBe(40); // --json still has every report
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('40 files analysed');
      expect((html.match(/<article class="report">/g) ?? []).length).toBe(40);
      const notes = (html.match(/Not shown here: this page already holds \d+ MB of reports/g) ?? []).length;
      expect(notes).toBeGreaterThan(0);
      expect(notes).toBeLessThan(40);
      expect(html.length).toBeLessThan(HtmlPage.MAX_CHARS + 1_000_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

