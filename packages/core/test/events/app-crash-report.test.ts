/**
 * One application crash is written by Windows as Application Error 1000 and one or two Windows Error
 * Reporting 1001 (queued, then sent) carrying the same Report Id (wer.dll messages: 1000 `Report Id: %13`,
 * 1001 `Report Id: %20`; Windows 11 names them IntegratorReportId / ReportId): it is counted once.
 */
import { describe, expect, it } from '@jest/globals';
import { corpusPath, fixturePath } from '../helpers/corpus.js';
import { analyzeEvents, type EventFinding } from '../../src/events/index.js';
import { evtxFiles } from './evtx-files.js';

const { writeEvtx } = (await import(fixturePath('gen', 'events', 'evtx-writer.mjs'))) as { writeEvtx: (e: object[]) => Buffer };
const { tmp } = evtxFiles('analyze-evtx-crash-');

const ID_A = 'efc65f51-657f-11e6-8eb4-000c290d8d3a';
const ID_B = '0b7c3e2a-1111-4a4a-9d9d-000c290d8d3a';

let rid = 100;
const event = (time: string, provider: string, eventId: number, level: number, data: Record<string, string>) => ({
  channel: 'Application', computer: 'PC', qualifiers: 0, time, provider, eventId, level, recordId: ++rid, data,
});

/** Application Error 1000 as Windows 7-10 write it (unnamed Data, %1..%13). */
const appError = (time: string, app: string, module: string, reportId: string) =>
  event(time, 'Application Error', 1000, 2, {
    '#1': app, '#2': '1.0.0.0', '#3': '4a5bc637', '#4': module, '#5': '6.1.7601.23392', '#6': '56eb2fb9', '#7': 'c0000005', '#8': '00000003',
    '#9': 'ffc', '#10': '01d1f98cb1cb25dd', '#11': `C:\\Windows\\system32\\${app}`, '#12': `C:\\Windows\\system32\\${module}`, '#13': reportId,
  });

/** WER 1001 APPCRASH (unnamed Data, %1..%21): P1 the application, P4 the module, P7 the exception, %20 the report id. */
const werReport = (time: string, app: string, module: string, reportId: string, status: string) =>
  event(time, 'Windows Error Reporting', 1001, 4, {
    '#1': '', '#2': '0', '#3': 'APPCRASH', '#4': 'Not available', '#5': '0', '#6': app, '#7': '1.0.0.0', '#8': '4a5bc637', '#9': module,
    '#10': '6.1.7601.23392', '#11': '56eb2fb9', '#12': 'c0000005', '#13': '00000003', '#14': '', '#15': '', '#16': '', '#17': '', '#18': '',
    '#19': '0', '#20': reportId, '#21': status,
  });

const crashes = (fs: EventFinding[]) => fs.filter((f) => f.kind === 'app-crash');

describe('application crashes: the records of one WER report count once', () => {
  it('the real Windows 7 Application log: rundll32.exe crashed once (1000 + two 1001 of report efc65f51..., records 1590-1592)', async () => {
    const r = await analyzeEvents([corpusPath('evtx', 'sans-blue-team__many-events-application.evtx')]);
    const [crash, ...others] = crashes(r.findings);
    expect(others).toEqual([]);
    expect(crash!.title).toBe('rundll32.exe crashed 1 time in KERNELBASE.dll');
    expect(crash!.count).toBe(1);
    expect(crash!.occurrences).toHaveLength(1);
    // The occurrence is the Application Error record; the WER records of the same report are named in it.
    expect(crash!.occurrences[0]!.ref).toMatchObject({ recordId: 1590, eventId: 1000, provider: 'Application Error' });
    expect(crash!.occurrences[0]!.details).toEqual({ application: 'rundll32.exe', module: 'KERNELBASE.dll', exceptionCode: '0xC0000005', exceptionType: null, reportId: ID_A, sameCrashRecords: '1591, 1592' });
  });

  it('a constructed log: 1000 + two 1001 of one report are one crash; a 1001 whose report matches no 1000 is a crash too', async () => {
    const log = tmp(
      writeEvtx([
        appError('2026-01-01T10:00:00.0000000Z', 'app.exe', 'ntdll.dll', ID_A),
        werReport('2026-01-01T10:00:01.0000000Z', 'app.exe', 'ntdll.dll', ID_A, '4'),
        werReport('2026-01-01T10:00:16.0000000Z', 'app.exe', 'ntdll.dll', `{${ID_A.toUpperCase()}}`, '0'),
        werReport('2026-01-02T09:00:00.0000000Z', 'app.exe', 'ntdll.dll', ID_B, '4'), // Application Error not logged
        // Without a report id (Vista; or one not made: all zeros) nothing ties records together: each counts.
        appError('2026-01-03T09:00:00.0000000Z', 'app.exe', 'ntdll.dll', ''),
        appError('2026-01-03T09:00:05.0000000Z', 'app.exe', 'ntdll.dll', '00000000-0000-0000-0000-000000000000'),
        werReport('2026-01-03T09:00:06.0000000Z', 'app.exe', 'ntdll.dll', '00000000-0000-0000-0000-000000000000', '4'),
      ]),
    );
    const r = await analyzeEvents([log]);
    const [crash, ...others] = crashes(r.findings);
    expect(others).toEqual([]);
    expect(crash!.count).toBe(5);
    expect(crash!.title).toBe('app.exe crashed 5 times in ntdll.dll');
    const byId = crash!.occurrences.map((o) => [o.ref.eventId, o.details['reportId'], o.details['sameCrashRecords']]);
    expect(byId).toEqual([
      [1001, null, null],
      [1000, null, null],
      [1000, null, null],
      [1001, ID_B, null],
      [1000, ID_A, `${rid - 5}, ${rid - 4}`],
    ]);
  });

  it('Windows 11 names the fields (IntegratorReportId / ReportId); the same report in another log is the same crash', async () => {
    const named = tmp(
      writeEvtx([
        event('2026-02-01T10:00:00.0000000Z', 'Application Error', 1000, 2, { AppName: 'app.exe', ModuleName: 'app.dll', ExceptionCode: 'c0000409', IntegratorReportId: ID_B }),
        event('2026-02-01T10:00:02.0000000Z', 'Windows Error Reporting', 1001, 4, { EventName: 'BEX64', P1: 'app.exe', P4: 'app.dll', P7: 'c0000409', ReportId: ID_B }),
      ]),
    );
    const copy = tmp(writeEvtx([event('2026-02-01T10:00:30.0000000Z', 'Windows Error Reporting', 1001, 4, { EventName: 'BEX64', P1: 'app.exe', P4: 'app.dll', P7: 'c0000409', ReportId: ID_B })]));
    const r = await analyzeEvents([{ name: 'Application.evtx', path: named }, { name: 'copy.evtx', path: copy }]);
    const [crash] = crashes(r.findings);
    expect(crash!.count).toBe(1);
    expect(crash!.occurrences[0]!.details).toMatchObject({ exceptionCode: '0xC0000409', reportId: ID_B, sameCrashRecords: `${rid - 1}, copy.evtx record ${rid}` });
  });
});
