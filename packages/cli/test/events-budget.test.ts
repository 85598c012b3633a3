/**
 * `analyze events` on a log naming a different application in each of its 58,812 records (the fuzzer's
 * evtx-many-small case), through the built CLI in a child process: peak RSS under RSS_BUDGET_MB in text,
 * --json and --html (it was 242 / 307 / 469 MB with one finding per application). The log is generated here
 * (fixtures/gen/events/many-apps.mjs), never committed. Behaviour in detail: packages/core/test/events/findings-cap.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RSS_BUDGET_MB, runMeasured } from './helpers/peak-rss.js';

const RECORDS = 58_812;

/** A 29 MB log for --records: its 57 MB of JSON Lines were all queued for the pipe (361 MB peak). */
const BIG_RECORDS = 300_000;

let dir: string;
let log: string;
let bigLog: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-events-budget-'));
  const gen = (await import(fileURLToPath(new URL('../../../fixtures/gen/events/many-apps.mjs', import.meta.url)))) as { manyAppsEvtx(records?: number): Buffer };
  log = join(dir, 'many-apps.evtx');
  writeFileSync(log, gen.manyAppsEvtx(RECORDS));
  bigLog = join(dir, 'many-apps-300k.evtx');
  writeFileSync(bigLog, gen.manyAppsEvtx(BIG_RECORDS));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `events ARGS LOG`: exit 1 (crashes are warnings), nothing on stderr, within the memory budget and seconds. */
function events(args: string[]): string {
  const r = runMeasured(['events', ...args, log]);
  expect({ args, status: r.status, stderr: r.stderr.replace(/^analyze: page written to .*\n/, '') }).toEqual({ args, status: 1, stderr: '' });
  expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  expect(r.seconds).toBeLessThan(8);
  return r.stdout;
}

describe(`events stays within ${RSS_BUDGET_MB} MB on a log of ${RECORDS} crashing applications`, () => {
  it('text', () => {
    const out = events([]);
    expect(out).toContain(`${RECORDS} records`);
    expect(out).toMatch(/WARNING\s+Other applications crashed 58\d{3} times \(not listed one by one\)/);
    expect(out).toMatch(/WARNING\s+a1\.exe crashed 1 time\n/);
    // the records of the applications not listed one by one name theirs
    expect(out).toMatch(new RegExp(`- record ${RECORDS}  \\S+ \\S+  application a${RECORDS}\\.exe`));
  });

  it('--json: the counts of the findings add up to the records', () => {
    const doc = JSON.parse(events(['--json'])) as { findings: Array<{ count: number; details: Record<string, unknown> }>; summary: { records: number; findings: number } };
    expect(doc.summary.records).toBe(RECORDS);
    expect(doc.summary.findings).toBe(doc.findings.length);
    expect(doc.findings.length).toBeLessThan(1000);
    expect(doc.findings.reduce((s, f) => s + f.count, 0)).toBe(RECORDS);
    expect(doc.findings.filter((f) => 'groupsListed' in f.details)).toHaveLength(1);
  });

  it('--html', () => {
    const page = join(dir, 'page.html');
    events(['--html', page]);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('Other applications crashed');
    expect(html.length).toBeLessThan(10_000_000);
  });
});

describe(`events --records waits for stdout (a pipe) instead of queueing the lines: ${BIG_RECORDS} records`, () => {
  it(`prints every record within ${RSS_BUDGET_MB} MB (peaked at 361 MB; 632 MB for 600,000 records)`, () => {
    const r = runMeasured(['events', '--records', bigLog]);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')).toHaveLength(BIG_RECORDS + 1); // a line each, then the final newline
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });
});
