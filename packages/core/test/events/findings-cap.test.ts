/**
 * Finding groups are capped (MAX_GROUPS per class of finding): a log naming a different application,
 * service, user or device in every record must not make one finding per record (58,812 findings took
 * 300-470 MB in the CLI). The groups first seen are kept with exact counts; the records of the others are
 * counted in one "not listed" finding of the same kind, so the counts of a kind still add up.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeEvents, type EventFinding, type EvtxRecord } from '../../src/events/index.js';
import { AppCrashDetector } from '../../src/events/findings/crash.js';
import { ProfileDetector } from '../../src/events/findings/profile.js';
import { ServiceDetector } from '../../src/events/findings/services.js';
import { StorageDetector } from '../../src/events/findings/storage.js';
import { Groups, MAX_GROUPS, MAX_OCCURRENCES, type Detector, type TimelineSource } from '../../src/events/findings/types.js';

const BASE_MS = Date.parse('2024-03-01T00:00:00Z');

/** A record as the reader gives it: record n is n seconds after BASE_MS. */
function rec(n: number, provider: string, eventId: number, data: Record<string, string>, level = 2): EvtxRecord {
  const timeMs = BASE_MS + n * 1000;
  return {
    recordId: n,
    headerNumber: n,
    offset: 0,
    eventId,
    qualifiers: null,
    level,
    time: new Date(timeMs).toISOString().replace('Z', '0000Z'),
    timeMs,
    provider,
    eventSourceName: null,
    channel: 'Application',
    computer: 'HOST',
    userId: null,
    data,
    userData: null,
  };
}

const appCrash = (n: number, app: string) => rec(n, 'Application Error', 1000, { AppName: app, ModuleName: 'ntdll.dll', ExceptionCode: 'c0000005' });

/** No timelines: these tests count groups. */
const NO_TIMELINE: TimelineSource = { atRecord: () => ({ timeline: [], timelineFrom: null }), atBootCrash: () => ({ timeline: [], timelineFrom: null }) };

function run(d: Detector, records: EvtxRecord[]): EventFinding[] {
  for (const r of records) d.add(r, 'x.evtx', NO_TIMELINE);
  return d.findings();
}

const total = (fs: EventFinding[]) => fs.reduce((s, f) => s + f.count, 0);
const notListed = (fs: EventFinding[]) => fs.filter((f) => 'groupsListed' in f.details);

describe('finding groups are capped, counts stay true', () => {
  it('Groups: the first MAX_GROUPS keys kept with exact counts, the records of later keys counted apart', () => {
    const g = new Groups<{ key: string }>();
    let n = 0;
    const occ = () => ({ ref: { file: 'x', recordId: ++n, eventId: 1, provider: 'p', time: new Date(BASE_MS + n * 1000).toISOString() }, details: {} });
    for (let i = 0; i < MAX_GROUPS + 500; i++) g.add(`k${i}`, () => ({ key: `k${i}` }), occ());
    for (let i = 0; i < MAX_GROUPS + 500; i += 7) g.add(`k${i}`, () => ({ key: `k${i}` }), occ()); // repeats, kept or not
    const kept = g.entries();
    expect(kept.map((e) => e.group.key)).toEqual(Array.from({ length: MAX_GROUPS }, (_, i) => `k${i}`));
    for (const [i, e] of kept.entries()) expect([e.group.key, e.count]).toEqual([`k${i}`, i % 7 === 0 ? 2 : 1]);
    const rest = g.notListed();
    expect(rest).toHaveLength(1);
    expect(rest[0]!.groupsListed).toBe(MAX_GROUPS);
    expect(rest[0]!.group.key).toBe(`k${MAX_GROUPS}`); // the first record not kept stands for the class
    expect(rest[0]!.occurrences).toHaveLength(MAX_OCCURRENCES);
    expect(rest[0]!.occurrences[0]!.ref.recordId).toBe(n); // newest first
    expect(kept.reduce((s, e) => s + e.count, 0) + rest[0]!.count).toBe(n);
  });

  it('Groups: each class has its own cap; a class under it has no not-listed entry', () => {
    const g = new Groups<null>(3);
    const occ = { ref: { file: 'x', recordId: 1, eventId: 1, provider: 'p', time: null }, details: {} };
    for (let i = 0; i < 10; i++) g.add(`a${i}`, () => null, occ, 'a');
    for (let i = 0; i < 3; i++) g.add(`b${i}`, () => null, occ, 'b');
    expect(g.entries()).toHaveLength(6);
    expect(g.notListed().map((e) => [e.count, e.groupsListed])).toEqual([[7, 3]]);
  });

  it('application crashes: 58,812 applications give MAX_GROUPS findings + 1, the first ones intact', () => {
    const records = Array.from({ length: 58_812 }, (_, i) => appCrash(i + 1, `a${i + 1}.exe`));
    records.push(appCrash(58_813, 'a1.exe'), appCrash(58_814, 'A2.EXE')); // kept groups still count their later records
    const fs = run(new AppCrashDetector(), records);
    expect(fs).toHaveLength(MAX_GROUPS + 1);
    expect(total(fs)).toBe(records.length);
    expect(fs.slice(0, 3).map((f) => [f.title, f.count, f.details['application'], f.details['exceptionCode']])).toEqual([
      ['a1.exe crashed 2 times in ntdll.dll', 2, 'a1.exe', '0xC0000005'],
      ['a2.exe crashed 2 times in ntdll.dll', 2, 'a2.exe', '0xC0000005'],
      ['a3.exe crashed 1 time in ntdll.dll', 1, 'a3.exe', '0xC0000005'],
    ]);
    expect(fs[MAX_GROUPS - 1]!.details['application']).toBe(`a${MAX_GROUPS}.exe`);
    const other = fs[MAX_GROUPS]!;
    expect(other).toMatchObject({
      kind: 'app-crash',
      family: 'crash',
      severity: 'warning',
      count: 58_812 - MAX_GROUPS,
      title: `Other applications crashed ${58_812 - MAX_GROUPS} times (not listed one by one)`,
      firstTime: records[MAX_GROUPS]!.time,
      lastTime: records[58_811]!.time,
      details: { application: null, module: null, exceptionCode: null, exceptionName: null, groupsListed: MAX_GROUPS },
    });
    expect(other.explanation).toContain('the newest: a58812.exe (ntdll.dll), a58811.exe (ntdll.dll)');
    expect(other.occurrences).toHaveLength(MAX_OCCURRENCES);
    expect(other.occurrences[0]!.details).toEqual({ application: 'a58812.exe', module: 'ntdll.dll', exceptionCode: '0xC0000005', exceptionType: null, reportId: null, sameCrashRecords: null });
  });

  it('temporary profiles: many handle-leak (1530) users never push a temporary profile (1511) out of the list', () => {
    const P = 'Microsoft-Windows-User Profiles Service';
    const records = Array.from({ length: 3 * MAX_GROUPS }, (_, i) => rec(i + 1, P, 1530, { Detail: `S-1-5-21-1-2-3-${1000 + i} leaked` }, 4));
    records.push(rec(1_000_000, P, 1511, { Detail: 'S-1-5-21-1-2-3-42' }));
    const fs = run(new ProfileDetector(), records);
    expect(fs.filter((f) => f.kind === 'temporary-profile').map((f) => [f.details['sid'], f.count])).toEqual([['S-1-5-21-1-2-3-42', 1]]);
    const leaks = fs.filter((f) => f.kind === 'profile-handle-leak');
    expect(leaks).toHaveLength(MAX_GROUPS + 1);
    expect(notListed(leaks).map((f) => [f.count, f.severity])).toEqual([[2 * MAX_GROUPS, 'info']]);
    expect(total(fs)).toBe(records.length);
  });

  it('services: the not-listed records name their service (a listed finding names it in its details)', () => {
    const records = Array.from({ length: MAX_GROUPS + 5 }, (_, i) => rec(i + 1, 'Service Control Manager', 7000, { param1: `Svc${i}`, param2: '%%1053' }));
    const fs = run(new ServiceDetector(), records);
    expect(fs[0]!.occurrences[0]!.details).not.toHaveProperty('service');
    const [other] = notListed(fs);
    expect(other).toMatchObject({ kind: 'service-failure', count: 5, details: { service: null, error: null, errorName: null, groupsListed: MAX_GROUPS } });
    expect(other!.occurrences.map((o) => o.details['service'])).toEqual(['Svc104', 'Svc103', 'Svc102', 'Svc101', 'Svc100']);
  });

  it('storage: errors and warnings are capped apart, each not-listed finding keeps its severity', () => {
    const records = Array.from({ length: 2 * (MAX_GROUPS + 2) }, (_, i) => rec(i + 1, 'disk', i % 2 ? 7 : 153, { DeviceName: `\\Device\\Harddisk${i}\\DR${i}` }));
    const fs = run(new StorageDetector(), records);
    expect(fs).toHaveLength(2 * MAX_GROUPS + 2);
    expect(notListed(fs).map((f) => [f.severity, f.count, f.title])).toEqual([
      ['warning', 2, 'Storage warnings on other devices: 2 times (not listed one by one)'],
      ['error', 2, 'Storage errors on other devices: 2 times (not listed one by one)'],
    ]);
    expect(total(fs)).toBe(records.length);
  });

  it('analyzeEvents on a generated log of 58,812 crashing applications (fixtures/gen/events/many-apps.mjs)', async () => {
    const gen = (await import(fileURLToPath(new URL('../../../../fixtures/gen/events/many-apps.mjs', import.meta.url)))) as { manyAppsEvtx(records?: number): Buffer };
    const dir = mkdtempSync(join(tmpdir(), 'analyze-evtx-cap-'));
    try {
      const file = join(dir, 'many-apps.evtx');
      writeFileSync(file, gen.manyAppsEvtx(58_812));
      const r = await analyzeEvents([file]);
      expect(r.files[0]).toMatchObject({ records: 58_812, recordsDamaged: 0, chunksSkipped: 0, error: null });
      expect(r.summary).toMatchObject({ records: 58_812, findings: MAX_GROUPS + 1, bySeverity: { critical: 0, error: 0, warning: MAX_GROUPS + 1, info: 0 } });
      expect(total(r.findings)).toBe(58_812);
      // newest first: the not-listed finding holds the newest record
      expect(r.findings[0]).toMatchObject({ count: 58_812 - MAX_GROUPS, details: { groupsListed: MAX_GROUPS } });
      expect(r.findings.at(-1)).toMatchObject({ title: 'a1.exe crashed 1 time', count: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
