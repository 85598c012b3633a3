/**
 * Findings on the real corpus logs. Expected counts come from the ground truth (libevtx's per
 * (Provider/EventID) counts over every record), not from our reader.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusPath } from '../helpers/corpus.js';
import { analyzeEvents, hasProblem, MAX_EVENT_LOGS, type EventsReport } from '../../src/events/index.js';

const truthCounts = (name: string) =>
  (JSON.parse(readFileSync(corpusPath('evtx', 'ground-truth', `${name}.truth.json`), 'utf8')) as { counts: Record<string, number> }).counts;

/** Which (Provider/EventID) pairs each kind of finding counts (Ntfs 98 and WER 1001 depend on content, left out). */
const PAIRS: Record<string, RegExp> = {
  'unexpected-restart': /^(Microsoft-Windows-Kernel-Power\/41|EventLog\/6008)$/,
  'service-failure': /^Service Control Manager\/(7000|7001|7009|7011|7023|7031|7034)$/,
  'update-failure': /^Microsoft-Windows-WindowsUpdateClient\/(20|25|31)$/,
  'temporary-profile': /^Microsoft-Windows-User Profiles? Service\/(1500|1508|1511|1515)$/,
  'profile-handle-leak': /^Microsoft-Windows-User Profiles? Service\/1530$/,
  bugcheck: /^Microsoft-Windows-WER-SystemErrorReporting\/1001$/,
};

const FILES = [
  'log2timeline__System.evtx',
  'AndrewRathbun__BelkasoftCTF_InsiderThreat_System.evtx',
  'omerbenamram__system.evtx',
  'mdecrevoisier__ID7009-Service_deployment_time_out_meterpreter.evtx',
  'sans-blue-team__metasploit-psexec-powershell-target-system.evtx',
  'sans-blue-team__many-events-application.evtx',
  'fukusuket__Microsoft-Windows-User_Profile_Service%4Operational.evtx',
];

const reports = new Map<string, EventsReport>();
async function report(name: string): Promise<EventsReport> {
  let r = reports.get(name);
  if (!r) {
    r = await analyzeEvents([corpusPath('evtx', name)]);
    reports.set(name, r);
  }
  return r;
}

describe('findings on the corpus logs: counts agree with libevtx', () => {
  for (const name of FILES) {
    it(name, async () => {
      const r = await report(name);
      const counts = truthCounts(name);
      for (const [kind, re] of Object.entries(PAIRS)) {
        const want = Object.entries(counts).filter(([k]) => re.test(k)).reduce((s, [, v]) => s + v, 0);
        const got = r.findings.filter((f) => f.kind === kind).reduce((s, f) => s + f.count, 0);
        expect([kind, got]).toEqual([kind, want]);
      }
    });
  }
});

describe('findings on the corpus logs: content', () => {
  it('Belkasoft System: 5 Kernel-Power 41 + 3 EventLog 6008, no bug check code, dated; exit status 1', async () => {
    const r = await report('AndrewRathbun__BelkasoftCTF_InsiderThreat_System.evtx');
    const f = r.findings.find((x) => x.kind === 'unexpected-restart')!;
    expect(f.severity).toBe('error');
    expect(f.details['bugcheckCodes']).toBeNull();
    expect(f.explanation).toMatch(/did not record a blue screen/);
    expect(f.lastTime).toBe('2021-02-14T02:31:40.0232634Z');
    expect(f.occurrences.filter((o) => o.details['event'] === 'EventLog 6008').map((o) => o.details['shutdownAt'])).toContain('2/13/2021 9:03:54 PM');
    // newest first
    const times = f.occurrences.map((o) => o.ref.time!);
    expect([...times].sort().reverse()).toEqual(times);
    // 6008's binary data holds the moment the machine went down (UTC); its timeline looks back from there
    const crash = f.occurrences.find((o) => o.ref.recordId === 877)!;
    expect(crash.details['crashTime']).toBe('2020-08-07T20:11:37.3740000Z');
    const before = crash.timeline!;
    expect(before.map((t) => `${t.provider} ${t.eventId}`)).toContain('NETLOGON 5719');
    for (const t of before) expect(t.time >= '2020-08-07T20:01:37' && t.time <= '2020-08-07T20:11:37.374').toBe(true);
    expect(hasProblem(r)).toBe(true);
  });

  it('omerbenamram system: WindowsUpdateClient 20 with 0x80248007 x4 (KB4025342) and 0x80246013 x1, interpreted', async () => {
    const r = await report('omerbenamram__system.evtx');
    const wu = r.findings.filter((f) => f.kind === 'update-failure').map((f) => [f.details['kb'], f.details['errorCode'], f.count, f.details['errorName']]);
    expect(wu).toEqual(
      expect.arrayContaining([
        ['KB4025342', '0x80248007', 4, 'WU_E_DS_NODATA'],
        [expect.stringMatching(/^KB/), '0x80246013', 1, expect.anything()],
      ]),
    );
    const scm = r.findings.find((f) => f.kind === 'service-failure' && f.details['service'] === 'CldFlt')!;
    expect(scm.count).toBe(3);
    expect(scm.details['error']).toBe('50');
  });

  it('zero-data-size sample: disk 153 retries on \\Device\\Harddisk0\\DR0, SCM 7031/7009 by service', async () => {
    const r = await analyzeEvents([corpusPath('evtx', 'omerbenamram__sample-with-zero-data-size-event.evtx')]);
    const disk = r.findings.find((f) => f.kind === 'storage' && f.details['eventId'] === 153)!;
    expect(disk.details['device']).toBe('\\Device\\Harddisk0\\DR0');
    expect(disk.count).toBeGreaterThanOrEqual(12); // libevtx sees 12; we also read records after the damaged one
    const services = r.findings.filter((f) => f.kind === 'service-failure').reduce((s, f) => s + f.count, 0);
    expect(services).toBeGreaterThanOrEqual(4);
  });

  it('many-events Application: Application Error 1000 and the WER APPCRASH reports of the same crash count once', async () => {
    const r = await report('sans-blue-team__many-events-application.evtx');
    const crash = r.findings.find((f) => f.kind === 'app-crash' && f.details['application'] === 'rundll32.exe')!;
    expect(crash.details['module']).toBe('KERNELBASE.dll');
    expect(crash.details['exceptionCode']).toBe('0xC0000005');
    expect(crash.details['exceptionName']).toBe('EXCEPTION_ACCESS_VIOLATION');
    expect(crash.count).toBe(1); // Application Error 1000 and the two WER 1001 APPCRASH reports of it share one Report Id
    expect(crash.occurrences[0]!.details['sameCrashRecords']).toBe('1591, 1592');
    const leak = r.findings.find((f) => f.kind === 'profile-handle-leak')!;
    expect(leak.severity).toBe('info');
    expect(leak.details['sid']).toMatch(/^S-1-5-21-3463664321-/);
  });

  it('Kernel-WHEA (empty log): no findings, exit status 0', async () => {
    const r = await analyzeEvents([corpusPath('evtx', 'fukusuket__Microsoft-Windows-Kernel-WHEA%4Errors.evtx')]);
    expect(r.findings).toEqual([]);
    expect(r.files[0]!.records).toBe(0);
    expect(hasProblem(r)).toBe(false);
  });

  it('a folder without .evtx files is an error (EVTX_NO_LOGS), not an empty success', async () => {
    const r = await analyzeEvents([corpusPath('evtx', 'ground-truth')]);
    expect(r.files).toEqual([expect.objectContaining({ error: { code: 'EVTX_NO_LOGS', message: 'folder holds no .evtx file' } })]);
  });

  it(`at most ${MAX_EVENT_LOGS} logs in one run: the rest not read, one EVTX_TOO_MANY_LOGS summary says so (100,000 empty logs peaked --json at 261 MB)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-events-many-'));
    try {
      mkdirSync(join(dir, 'a'));
      for (let i = 0; i < MAX_EVENT_LOGS - 2; i++) writeFileSync(join(dir, 'a', `${String(i).padStart(5, '0')}.evtx`), '');
      mkdirSync(join(dir, 'b'));
      for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'b', `${i}.evtx`), '');
      const system = corpusPath('evtx', 'omerbenamram__system.evtx');
      const r = await analyzeEvents([join(dir, 'a'), join(dir, 'b'), system]);
      expect(r.files).toHaveLength(MAX_EVENT_LOGS + 1);
      expect(r.files.at(-2)!.file).toBe(join(dir, 'b', '1.evtx')); // the last taken: two of b's five
      expect(r.files.at(-1)).toMatchObject({ file: join(dir, 'b'), records: 0, error: { code: 'EVTX_TOO_MANY_LOGS', message: `more than ${MAX_EVENT_LOGS} logs in all: the first ${MAX_EVENT_LOGS} were read, the other 3 here and any named after it were not (name fewer folders at a time)` } });
      expect(r.summary.records).toBe(0); // the System log named after it was not read
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a file that is not a log is reported with its error; the other files are still analysed', async () => {
    const r = await analyzeEvents([corpusPath('evtx', 'README.md'), corpusPath('evtx', 'omerbenamram__system.evtx')]);
    expect(r.files[0]!.error).toEqual({ code: 'EVTX_NOT_EVTX', message: expect.any(String), offset: 0 });
    expect(r.files[1]!.records).toBe(1881);
  });
});
