/**
 * Every job's report is plain data exactly as its JSON: no key holds undefined (a field not known is
 * omitted, docs/json.md), so the report equals its own JSON round trip, key for key.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeCapture, analyzeDump, analyzeProfiles, analyzePsod, checkBackup, diffBackups, extractBackup, lookupCode, restorePlan, searchCodes, showBackup } from '../../src/api/index.js';
import { analyzeDumpFleet } from '../../src/dump/fleet/index.js';
import { analyzeEvents } from '../../src/events/analyze.js';
import { fixChecksums } from '../../src/pcap/fix/fix-checksums.js';
import { withoutUndefined } from '../../src/report.js';

const fixture = (...p: string[]) => fileURLToPath(new URL(`../../../../fixtures/${p.join('/')}`, import.meta.url));
const esx67 = fixture('esxi', 'configBundle-esx67.tgz');
const esx70 = fixture('esxi', 'configBundle-esx70.tgz');

/** The paths of the keys that hold undefined, for a readable failure. */
function undefinedKeys(value: unknown, path = '$'): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [`${path}.${k}`] : undefinedKeys(v, `${path}.${k}`)));
}

function expectPlain(report: unknown): void {
  expect(undefinedKeys(report)).toEqual([]);
  expect(report).toStrictEqual(JSON.parse(JSON.stringify(report)));
}

describe('every report is its own JSON', () => {
  const out = mkdtempSync(join(tmpdir(), 'plain-data-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('esxi: show, extract, check, diff, restore plan (fields a backup does not hold are omitted)', async () => {
    expectPlain(await showBackup(esx67));
    expectPlain(await showBackup(esx70));
    expectPlain(await extractBackup(esx67, join(out, 'extracted')));
    expectPlain(await checkBackup(esx70));
    expectPlain(await diffBackups(esx67, esx70));
    expectPlain(await restorePlan(esx70));
  });

  it('pcap: analyze and fix-checksums', async () => {
    const capture = fixture('pcap', 'checksums-example.pcapng');
    expectPlain(await analyzeCapture(capture));
    expectPlain(await fixChecksums(capture, join(out, 'fixed.pcapng')));
    // not a capture: the report of what was read, without the format it could not tell
    const notCapture = await fixChecksums(fixture('psod', 'e1000.txt'), join(out, 'none.pcap'));
    expect(notCapture.error).toBeDefined();
    expect(notCapture).not.toHaveProperty('format');
    expectPlain(notCapture);
  });

  it('dump, fleet, psod, profiles, events, code', async () => {
    expectPlain(await analyzeDump(fixture('dump', 'synthetic-triage-x64.dmp'), { engine: 'native' }));
    expectPlain(await analyzeDumpFleet([fixture('dump', 'synthetic-triage-x64.dmp')], { engine: 'native', workers: 0 }));
    expectPlain(await analyzePsod(fixture('psod', 'e1000.txt')));
    expectPlain(await analyzeProfiles(fixture('windows', 'temp-profile.reg')));
    expectPlain(await analyzeEvents(fixture('events', 'application-temp-profile.evtx')));
    expectPlain(await lookupCode('0x80070005'));
    expectPlain(await searchCodes('access denied'));
  });

  it('withoutUndefined drops such keys at any depth and keeps everything else', () => {
    const when = new Date(0);
    const bytes = new Uint8Array([1]);
    expect(withoutUndefined({ a: 1, b: undefined, c: { d: undefined, e: [{ f: undefined, g: null }] }, when, bytes })).toStrictEqual({ a: 1, c: { e: [{ g: null }] }, when, bytes });
  });
});
