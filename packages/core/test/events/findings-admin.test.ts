/**
 * What the findings tell an admin, checked against real corpus logs where they hold the case and against
 * logs written here with the project's EVTX writer where none does: the service key name `sc qc` needs,
 * storport 129 from any miniport, the exception of each WER report type, crash timelines (application
 * crashes; records written at the next boot looking back from the crash), every error of a service, mixed
 * restarts, the same log named twice, and values out of range.
 */
import { describe, expect, it } from '@jest/globals';
import { corpusPath, fixturePath } from '../helpers/corpus.js';
import { analyzeEvents, type EventFinding, type EventsReport } from '../../src/events/index.js';
import { serviceKeyOf } from '../../src/events/findings/services.js';
import { uint32Of } from '../../src/events/findings/types.js';
import { evtxFiles } from './evtx-files.js';

const { writeEvtx } = (await import(fixturePath('gen', 'events', 'evtx-writer.mjs'))) as { writeEvtx: (e: object[]) => Buffer };
const { tmp } = evtxFiles('analyze-evtx-admin-');

const SCM = 'Service Control Manager';
let rid = 100;
type Data = Record<string, string | { type: string; value: unknown }>;
const event = (time: string, provider: string, eventId: number, level: number, data: Data, extra: object = {}) => ({
  channel: 'System', computer: 'PC', time, provider, eventId, level, recordId: ++rid, data, ...extra,
});
/** The key name as SCM writes it in Binary since Windows 8: UTF-16, NUL-terminated. */
const keyBinary = (key: string) => ({ type: 'binary', value: Buffer.concat([Buffer.from(key, 'utf16le'), Buffer.alloc(2)]).toString('hex') });
const scm = (time: string, eventId: number, data: Data) => event(time, SCM, eventId, 2, data, { qualifiers: 49152, source: SCM });

async function analyzeLog(events: object[]): Promise<EventsReport> {
  return analyzeEvents([tmp(writeEvtx(events))]);
}
const ofKind = (r: EventsReport, kind: string) => r.findings.filter((f) => f.kind === kind);
const corpus = (name: string) => analyzeEvents([corpusPath('evtx', name)]);

describe('services: the key name sc needs', () => {
  it('Belkasoft System record 300: 7031 names "Windows Defender Antivirus Network Inspection Service", its Binary the key WdNisSvc', async () => {
    const f = ofKind(await corpus('AndrewRathbun__BelkasoftCTF_InsiderThreat_System.evtx'), 'service-failure').find((x) => x.details['serviceKey'] === 'WdNisSvc')!;
    expect(f.title).toBe('Service Windows Defender Antivirus Network Inspection Service (WdNisSvc): 1 failure (SCM 7031)');
    expect(f.details['service']).toBe('Windows Defender Antivirus Network Inspection Service');
    expect(f.advice).toContain('`sc qc WdNisSvc`, `sc queryex WdNisSvc`');
    expect(f.advice).not.toContain('sc qc "Windows Defender');
  });

  it('one service named by display name in one record and key name in another is one finding, by its key', async () => {
    const r = await analyzeLog([
      scm('2026-12-05T07:02:00.0000000Z', 7034, { param1: 'Print Spooler', param2: '1', Binary: keyBinary('Spooler') }),
      scm('2026-12-05T07:03:00.0000000Z', 7023, { param1: 'Spooler', param2: '%%1058', Binary: keyBinary('Spooler') }),
    ]);
    const [f, ...others] = ofKind(r, 'service-failure');
    expect(others).toEqual([]);
    expect(f!.count).toBe(2);
    expect(f!.title).toBe('Service Print Spooler (Spooler): 2 failures (SCM 7023, 7034)');
    expect(f!.details).toMatchObject({ service: 'Print Spooler', serviceKey: 'Spooler' });
  });

  it('no key name in the record (Windows 7: log2timeline System): sc getkeyname turns the display name into it', async () => {
    const f = ofKind(await corpus('log2timeline__System.evtx'), 'service-failure').find((x) => x.details['service'] === 'Windows Time')!;
    expect(f.details['serviceKey']).toBeNull();
    expect(f.advice).toContain('`sc getkeyname "Windows Time"`');
    expect(f.advice).not.toContain('sc qc "Windows Time"');
  });

  it('a Binary that is not a UTF-16 key name gives none', () => {
    expect(serviceKeyOf('570064004E00690073005300760063000000')).toBe('WdNisSvc');
    expect(serviceKeyOf('0100000000000000')).toBeNull(); // U+0001: not a name
    expect(serviceKeyOf('5C0078000000')).toBeNull(); // "\x": a path separator
    expect(serviceKeyOf('ABC')).toBeNull();
    expect(serviceKeyOf(undefined)).toBeNull();
  });
});

describe('services: every error of the records', () => {
  it('log2timeline System: Windows Time stopped with 1792 (record 548), then 5 (record 557): both named, the newest first', async () => {
    const f = ofKind(await corpus('log2timeline__System.evtx'), 'service-failure').find((x) => x.details['service'] === 'Windows Time')!;
    expect(f.explanation).toBe('The service Windows Time stopped with an error; errors 5 (ERROR_ACCESS_DENIED), 1792 (ERROR_NETLOGON_NOT_STARTED).');
    expect(f.details).toMatchObject({ error: '5', errorName: 'ERROR_ACCESS_DENIED', errors: '5, 1792' });
    expect(f.next).toBe('analyze code 5');
  });

  it('an error only in records older than the occurrences kept is still named', async () => {
    const events = [scm('2026-12-01T00:00:00.0000000Z', 7000, { param1: 'Svc', param2: '%%1792' })];
    for (let i = 1; i <= 25; i++) events.push(scm(`2026-12-01T00:${String(i).padStart(2, '0')}:00.0000000Z`, 7000, { param1: 'Svc', param2: '%%5' }));
    const [f] = ofKind(await analyzeLog(events), 'service-failure');
    expect(f!.occurrences.some((o) => o.details['error'] === '1792')).toBe(false);
    expect(f!.details['errors']).toBe('5, 1792');
  });
});

describe('storage: storport 129 from any miniport', () => {
  it('129 "Reset to device, \\Device\\RaidPortN" from pvscsi, percsas3i, HpCISSs3, smartpqi and storahci: one finding each; Time-Service 129 is not storage', async () => {
    const miniports = ['pvscsi', 'percsas3i', 'HpCISSs3', 'smartpqi', 'storahci'];
    const r = await analyzeLog([
      ...miniports.map((p, i) => event(`2026-12-05T08:0${i}:00.0000000Z`, p, 129, 3, { '#1': `\\Device\\RaidPort${i}` }, { qualifiers: 32772 })),
      event('2026-12-05T08:10:00.0000000Z', 'Microsoft-Windows-Time-Service', 129, 3, { DomainPeer: '', ErrorMessage: 'The entry is not found. (0x800706E1)' }),
    ]);
    const found = ofKind(r, 'storage').map((f) => `${f.details['provider']} ${f.details['device']}`).sort();
    expect(found).toEqual(miniports.map((p, i) => `${p} \\Device\\RaidPort${i}`).sort());
  });
});

/** WER 1001 with classic numbered data: %3 the event name, %6-%15 P1-P10, %20 the report id. */
function wer(time: string, type: string, p: string[], reportId: string) {
  const data: Record<string, string> = { '#1': '0', '#2': '5', '#3': type, '#4': 'Not available', '#5': '0' };
  for (let i = 0; i < 10; i++) data[`#${6 + i}`] = p[i] ?? '';
  Object.assign(data, { '#16': '', '#17': '', '#18': '', '#19': '', '#20': reportId, '#21': '0' });
  return event(time, 'Windows Error Reporting', 1001, 4, data, { channel: 'Application', qualifiers: 0 });
}

describe('application crashes', () => {
  it('BEX: the exception code is P8 (P7 is the offset); CLR20r3: P9 is the .NET exception type, with no analyze code', async () => {
    const r = await analyzeLog([
      wer('2026-12-05T10:00:00.0000000Z', 'BEX', ['iexplore.exe', '11.0.9600.17905', '55500bb8', 'MSHTML.dll', '11.0.9600.17905', '5550172d', '0012e2b0', 'c0000409', '00000002', ''], '11111111-2222-3333-4444-555555555555'),
      wer('2026-12-05T10:05:00.0000000Z', 'CLR20r3', ['MyService.exe', '1.2.3.4', '5f1a2b3c', 'mscorlib', '4.8.4300.0', '5e7d0a3b', '1a3', '2b', 'System.IO.FileNotFoundException', ''], '66666666-7777-8888-9999-000000000000'),
    ]);
    const bex = ofKind(r, 'app-crash').find((f) => f.details['application'] === 'iexplore.exe')!;
    expect(bex.details).toMatchObject({ exceptionCode: '0xC0000409', exceptionName: 'STATUS_STACK_BUFFER_OVERRUN', exceptionType: null });
    expect(bex.next).toBe('analyze code 0xC0000409');
    const clr = ofKind(r, 'app-crash').find((f) => f.details['application'] === 'MyService.exe')!;
    expect(clr.details).toMatchObject({ module: 'mscorlib', exceptionCode: null, exceptionType: 'System.IO.FileNotFoundException' });
    expect(clr.explanation).toContain('.NET exception System.IO.FileNotFoundException');
    expect(clr.next).toBeNull();
  });

  it('an application crash carries the warnings and errors of the 10 minutes before it (docs/events.md)', async () => {
    const r = await analyzeLog([
      event('2026-12-05T11:49:00.0000000Z', 'ESENT', 490, 2, { '#1': 'too early' }, { channel: 'Application' }),
      event('2026-12-05T11:55:00.0000000Z', 'MSSQLSERVER', 17053, 2, { '#1': 'LogWriter: Operating system error 1117' }, { channel: 'Application', qualifiers: 49152 }),
      event('2026-12-05T11:58:00.0000000Z', 'ESENT', 482, 2, { '#1': 'svchost (1234)', '#2': 'disk full' }, { channel: 'Application' }),
      event('2026-12-05T12:00:00.0000000Z', 'Application Error', 1000, 2, { '#1': 'sqlservr.exe', '#4': 'ntdll.dll', '#7': 'c0000374', '#13': '' }, { channel: 'Application', qualifiers: 0 }),
    ]);
    const [crash] = ofKind(r, 'app-crash');
    expect(crash!.occurrences[0]!.timeline!.map((t) => `${t.provider} ${t.eventId}`)).toEqual(['MSSQLSERVER 17053', 'ESENT 482']);
    expect(crash!.occurrences[0]!.timelineFrom).toEqual({ time: '2026-12-05T12:00:00.0000000Z', basis: 'record' });
  });

  it('the same log named twice: the crash does not list its own record as another of the same report', async () => {
    const log = corpusPath('evtx', 'sans-blue-team__many-events-application.evtx');
    const r = await analyzeEvents([log, log]);
    const [crash, ...others] = ofKind(r, 'app-crash');
    expect(others).toEqual([]);
    expect(crash!.count).toBe(1);
    expect(crash!.occurrences[0]!.ref.recordId).toBe(1590);
    expect(crash!.occurrences[0]!.details['sameCrashRecords']).toBe('1591, 1592');
  });
});

const bugcheck = (time: string, dump: string) =>
  event(time, 'Microsoft-Windows-WER-SystemErrorReporting', 1001, 2, { param1: '0x000000d1 (0x0000000000000000, 0x0000000000000002, 0x0000000000000000, 0xfffff80012345678)', param2: dump, param3: '' }, { qualifiers: 16384, source: 'BugCheck' });

describe('blue screens', () => {
  it('a BugCheck 1001 that names no dump (volmgr 161 before it) does not say a dump was written', async () => {
    const r = await analyzeLog([event('2026-12-05T09:00:00.0000000Z', 'volmgr', 161, 2, { '#1': '\\Device\\HarddiskVolume2' }, { qualifiers: 49156 }), bugcheck('2026-12-05T09:00:30.0000000Z', '')]);
    const [f] = ofKind(r, 'bugcheck');
    expect(f!.explanation).not.toMatch(/wrote a crash dump/);
    expect(f!.explanation).toContain('The record names no crash dump file');
    expect(f!.next).toBe('analyze code 0x000000D1');
  });
});

/** EventLog 6008's Binary: the moment the machine went down as SYSTEMTIME, local then UTC (here the same). */
function shutdownBinary(iso: string): string {
  const d = new Date(iso);
  const st = Buffer.alloc(16);
  [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDay(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()].forEach((v, i) => st.writeUInt16LE(v, 2 * i));
  return Buffer.concat([st, st]).toString('hex').toUpperCase();
}
const bootStart = (time: string) => event(time, 'Microsoft-Windows-Kernel-General', 12, 4, { StartTime: time });
const kp41 = (time: string, code = '0', button = '0') => event(time, 'Microsoft-Windows-Kernel-Power', 41, 1, { BugcheckCode: code, PowerButtonTimestamp: button });
const ev6008 = (time: string, crash: string) => event(time, 'EventLog', 6008, 2, { '#1': '', '#2': '', Binary: shutdownBinary(crash) }, { qualifiers: 32768 });
const names = (f: EventFinding, recordId: number) => f.occurrences.find((o) => o.ref.recordId === recordId)!.timeline!.map((t) => `${t.provider} ${t.eventId}`);

describe('records written at the boot after a crash look back from the crash, not from that boot', () => {
  it('from the crash time of the boot\'s 6008 (also when EventLog wrote it before Kernel-General 12), else from the last record before the boot', async () => {
    const r = await analyzeLog([
      event('2026-12-05T08:00:00.0000000Z', 'disk', 7, 2, { '#1': '\\Device\\Harddisk0\\DR0' }, { qualifiers: 49156 }),
      event('2026-12-05T08:05:00.0000000Z', 'Service Control Manager', 7036, 4, { param1: 'x', param2: 'running' }),
      // boot 2: EventLog's 6008 is in the file before the boot's Kernel-General 12, with a later time
      ev6008('2026-12-05T09:00:03.0000000Z', '2026-12-05T08:06:00.000Z'),
      bootStart('2026-12-05T09:00:00.0000000Z'),
      kp41('2026-12-05T09:00:01.0000000Z', '209'),
      event('2026-12-05T09:00:20.0000000Z', 'volmgr', 161, 2, { '#1': '\\Device\\HarddiskVolume2' }, { qualifiers: 49156 }),
      bugcheck('2026-12-05T09:01:00.0000000Z', 'C:\\Windows\\MEMORY.DMP'),
      event('2026-12-05T09:30:00.0000000Z', 'disk', 51, 3, { '#1': '\\Device\\Harddisk0\\DR0' }, { qualifiers: 32772 }),
      event('2026-12-05T09:35:00.0000000Z', 'Service Control Manager', 7036, 4, { param1: 'x', param2: 'stopped' }),
      // boot 3: no 6008
      bootStart('2026-12-05T10:00:00.0000000Z'),
      kp41('2026-12-05T10:00:01.0000000Z'),
    ]);
    const [bsod] = ofKind(r, 'bugcheck');
    const [restarts] = ofKind(r, 'unexpected-restart');
    const at = (f: EventFinding, recordId: number) => f.occurrences.find((o) => o.ref.recordId === recordId)!.timelineFrom;
    const [b2_6008, , b2_41, , b2_1001] = [rid - 8, rid - 7, rid - 6, rid - 5, rid - 4];
    const b3_41 = rid;
    for (const [f, id] of [[bsod!, b2_1001], [restarts!, b2_41], [restarts!, b2_6008]] as const) {
      expect(at(f, id)).toEqual({ time: '2026-12-05T08:06:00.0000000Z', basis: 'crashTime' });
      expect(names(f, id)).toEqual(['disk 7']); // not boot 2's own volmgr 161 or Kernel-Power 41
    }
    expect(at(restarts!, b3_41)).toEqual({ time: '2026-12-05T09:35:00.0000000Z', basis: 'lastBeforeBoot' });
    expect(names(restarts!, b3_41)).toEqual(['disk 51']);
  });

  it('Belkasoft System: a 6008 crash time older than the records logged after it is stale; the later of the two is when the machine went down', async () => {
    const [f] = ofKind(await corpus('AndrewRathbun__BelkasoftCTF_InsiderThreat_System.evtx'), 'unexpected-restart');
    const o = (id: number) => f!.occurrences.find((x) => x.ref.recordId === id)!;
    // 6008 record 1660 says 02:03:54 (3 s after that session's boot: the alive stamp of the boot); records go on until 02:23:01.
    expect(o(1660).details['crashTime']).toBe('2021-02-14T02:03:54.9980000Z');
    for (const id of [1660, 1679]) {
      expect(o(id).timelineFrom).toEqual({ time: '2021-02-14T02:23:01.9895737Z', basis: 'lastBeforeBoot' });
      expect(names(f!, id)).toEqual(['Microsoft-Windows-DistributedCOM 10016', 'Microsoft-Windows-DNS-Client 1012']);
    }
    // 6008 record 877 says 20:11:37, after the last record before its boot (20:04:04): the crash time stands.
    expect(o(877).timelineFrom).toEqual({ time: '2020-08-07T20:11:37.3740000Z', basis: 'crashTime' });
  });

  it('without the boot\'s start in the log, from the record\'s own time, and it says so', async () => {
    const r = await analyzeLog([event('2026-12-05T09:00:00.0000000Z', 'volmgr', 161, 2, { '#1': '\\Device\\HarddiskVolume2' }), bugcheck('2026-12-05T09:00:30.0000000Z', '')]);
    const o = ofKind(r, 'bugcheck')[0]!.occurrences[0]!;
    expect(o.timelineFrom).toEqual({ time: '2026-12-05T09:00:30.0000000Z', basis: 'bootRecord' });
    expect(o.timeline!.map((t) => `${t.provider} ${t.eventId}`)).toEqual(['volmgr 161']);
  });
});

describe('unexpected restarts of several kinds', () => {
  it('a blue screen and a power-off in one group: each its sentence and advice', async () => {
    const r = await analyzeLog([kp41('2026-12-01T08:00:00.0000000Z', '0', '134093664000000000'), kp41('2026-12-03T08:00:00.0000000Z', '209')]);
    const [f] = ofKind(r, 'unexpected-restart');
    expect(f!.explanation).toContain('1 Kernel-Power 41 record names bug check 0x000000D1: it was a blue screen.');
    expect(f!.explanation).toContain('1 Kernel-Power 41 record carries no bug check code, so Windows did not record a blue screen for it');
    expect(f!.advice).toMatch(/^For the blue screens: look for the crash dump .* For the restarts without a bug check code: check power supply \/ UPS/);
    expect(f!.next).toBe('analyze dump C:\\Windows\\MEMORY.DMP');
  });

  it('log2timeline System record 1046: PowerButtonTimestamp 130849833260468750 is 2015-08-25 13:35:26 UTC', async () => {
    const [f] = ofKind(await corpus('log2timeline__System.evtx'), 'unexpected-restart');
    expect(f!.occurrences.find((o) => o.ref.recordId === 1046)!.details['powerButton']).toBe('2015-08-25T13:35:26.0468750Z');
    expect(f!.explanation).toContain('1 Kernel-Power 41 record came after the power button was pressed (PowerButtonTimestamp: 2015-08-25 13:35:26 UTC)');
  });
});

describe('values out of range are not wrapped into codes', () => {
  it('uint32Of: decimal or hex up to 0xFFFFFFFF, else null', () => {
    expect(uint32Of('2147942414')).toBe(0x8007000e);
    expect(uint32Of('0xFFFFFFFF')).toBe(0xffffffff);
    for (const v of ['4294967296', '99999999999999999999', '0x100000000', '-1', 'garbage', '']) expect([v, uint32Of(v)]).toEqual([v, null]);
  });

  it('SCM %%N past 32 bits, a 20-digit BugcheckCode, a 48-bit or textual WU errorCode: shown as written, unnamed, no analyze code', async () => {
    const r = await analyzeLog([
      scm('2026-12-05T15:00:00.0000000Z', 7000, { param1: 'Odd', param2: '%%99999999999' }),
      scm('2026-12-05T15:00:01.0000000Z', 7000, { param1: 'Odd2', param2: '%%4294967296' }),
      scm('2026-12-05T15:00:02.0000000Z', 7000, { param1: 'Even', param2: '%%2147942414' }),
      event('2026-12-05T15:00:03.0000000Z', 'Microsoft-Windows-WindowsUpdateClient', 20, 2, { errorCode: '0xFFFFFFFFFFFF', updateTitle: 'X (KB1234567)' }),
      event('2026-12-05T15:00:04.0000000Z', 'Microsoft-Windows-WindowsUpdateClient', 20, 2, { errorCode: 'garbage', updateTitle: 'Y' }),
      kp41('2026-12-05T15:00:05.0000000Z', '99999999999999999999'),
    ]);
    const service = (name: string) => ofKind(r, 'service-failure').find((f) => f.details['service'] === name)!;
    for (const [name, raw] of [['Odd', '%%99999999999'], ['Odd2', '%%4294967296']]) {
      expect(service(name!).details).toMatchObject({ error: raw, errorName: null });
      expect(service(name!).explanation).toContain(`error ${raw} (out of range: not a 32-bit code)`);
      expect(service(name!).next).toBeNull();
    }
    expect(service('Even').details).toMatchObject({ error: '0x8007000E', errorName: 'E_OUTOFMEMORY' });
    for (const f of ofKind(r, 'update-failure')) {
      expect(f.next).toBeNull();
      expect(f.details['errorName']).toBeNull();
      expect(f.explanation).toContain('left unnamed');
    }
    const [restart] = ofKind(r, 'unexpected-restart');
    expect(restart!.occurrences[0]!.details).toMatchObject({ bugcheckCode: '99999999999999999999', bugcheckName: null });
    expect(restart!.details['bugcheckCodes']).toBeNull();
    expect(restart!.explanation).not.toMatch(/blue screen\./);
    expect(restart!.next).toBeNull();
  });
});
