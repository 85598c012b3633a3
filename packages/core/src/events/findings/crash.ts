/**
 * Crashes: blue screens (BugCheck 1001), unexpected restarts (Kernel-Power 41, EventLog 6008) and
 * application crashes (Application Error 1000, Windows Error Reporting 1001 APPCRASH).
 */
import { interpretAs } from '../../codes/index.js';
import type { EvtxRecord } from '../types.js';
import { dataValue, Groups, notListedFinding, refOf, type Detector, type EventFinding, type Occurrence, type TimelineEntry } from './types.js';

const BUGCHECK_PROVIDER = 'Microsoft-Windows-WER-SystemErrorReporting';

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

function bugcheckName(code: number): string | null {
  return interpretAs('bugcheck', code).name;
}

/**
 * BugCheck 1001 param1: `0x0000009f (0x0000000000000003, 0x..., 0x..., 0x...)`.
 * @example parseBugcheckText('0x0000009f (0x3, 0x0, 0x0, 0x0)') // { code: 0x9f, parameters: ['0x3', '0x0', '0x0', '0x0'] }
 */
export function parseBugcheckText(s: string): { code: number; parameters: string[] } | null {
  const m = /^\s*0x([0-9a-f]{1,8})\s*\(([^)]*)\)/i.exec(s);
  if (!m) return null;
  return { code: Number.parseInt(m[1]!, 16), parameters: m[2]!.split(',').map((p) => p.trim()).filter(Boolean) };
}

export class BugcheckDetector implements Detector {
  private readonly groups = new Groups<{ code: number }>();

  add(r: EvtxRecord, file: string, timeline: (atMs?: number) => TimelineEntry[]): void {
    if (r.eventId !== 1001 || !(r.provider === BUGCHECK_PROVIDER || r.eventSourceName === 'BugCheck')) return;
    const parsed = parseBugcheckText(dataValue(r, 'param1', 1) ?? '');
    if (!parsed) return;
    const dump = dataValue(r, 'param2', 2);
    this.groups.add(String(parsed.code), () => ({ code: parsed.code }), {
      ref: refOf(r, file),
      details: { stopCode: hex32(parsed.code), parameters: parsed.parameters.join(', '), dumpPath: dump || null, reportId: dataValue(r, 'param3', 3) },
      timeline: timeline(),
    });
  }

  findings(): EventFinding[] {
    const listed = this.groups.entries().map(({ group, count, first, last, occurrences }): EventFinding => {
      const name = bugcheckName(group.code);
      const code = hex32(group.code);
      const dump = occurrences.map((o) => o.details['dumpPath']).find((d) => typeof d === 'string' && d) as string | undefined;
      return {
        kind: 'bugcheck',
        family: 'crash',
        severity: 'critical',
        title: `Blue screen ${code}${name ? ` ${name}` : ''}: ${count} time${count === 1 ? '' : 's'}`,
        explanation: `Windows stopped with bug check ${code}${name ? ` (${name})` : ''} and wrote a crash dump${dump ? ` to ${dump}` : ''}. The parameters of each stop are below.`,
        advice: `Open the dump to see the driver that caused it; \`analyze code ${code}\` explains the stop code and its parameters.`,
        next: dump ? `analyze dump ${shellQuote(dump)}` : `analyze code ${code}`,
        count,
        firstTime: first,
        lastTime: last,
        details: { stopCode: code, name, dumpPath: dump ?? null },
        occurrences,
      };
    });
    const others = this.groups.notListed().map((e) =>
      notListedFinding(e, {
        kind: 'bugcheck',
        family: 'crash',
        severity: 'critical',
        title: `Blue screens with other stop codes: ${e.count} time${e.count === 1 ? '' : 's'}`,
        what: 'different stop codes',
        advice: 'Open the dumps to see the drivers that caused them; `analyze code` explains each stop code below and its parameters.',
        next: null,
        details: ['stopCode', 'name', 'dumpPath'],
        name: (o) => o.details['stopCode'] as string,
      }),
    );
    return [...listed, ...others];
  }
}

/** Kernel-Power 41 (the system rebooted without cleanly shutting down) and EventLog 6008 (previous shutdown unexpected). */
export class UnexpectedRestartDetector implements Detector {
  private readonly groups = new Groups<null>();

  add(r: EvtxRecord, file: string, timeline: (atMs?: number) => TimelineEntry[]): void {
    const kp41 = r.eventId === 41 && r.provider === 'Microsoft-Windows-Kernel-Power';
    const ev6008 = r.eventId === 6008 && r.provider === 'EventLog';
    if (!kp41 && !ev6008) return;
    const details: Record<string, string | number | null> = { event: kp41 ? 'Kernel-Power 41' : 'EventLog 6008' };
    if (kp41) {
      const code = Number(r.data['BugcheckCode'] ?? '0');
      details['bugcheckCode'] = Number.isFinite(code) && code !== 0 ? hex32(code) : null;
      details['bugcheckName'] = Number.isFinite(code) && code !== 0 ? bugcheckName(code) : null;
      details['powerButton'] = r.data['PowerButtonTimestamp'] && r.data['PowerButtonTimestamp'] !== '0' ? 'yes' : null;
    }
    let crashMs: number | undefined;
    if (ev6008) {
      details['shutdownAt'] = [r.data['#2'], r.data['#1']].filter(Boolean).join(' ').replace(/\u200e/g, '') || null;
      const utc = shutdownUtc(r.data['Binary']);
      details['crashTime'] = utc?.iso ?? null;
      crashMs = utc?.ms;
    }
    // 6008 is written at the next boot; its timeline looks back from the moment the machine went down.
    // One group: never more than MAX_GROUPS, so no not-listed finding.
    this.groups.add('restart', () => null, { ref: refOf(r, file), details, timeline: timeline(crashMs) });
  }

  findings(): EventFinding[] {
    return this.groups.entries().map(({ count, first, last, occurrences }) => {
      const codes = [...new Set(occurrences.map((o) => o.details['bugcheckCode']).filter((c): c is string => typeof c === 'string'))];
      const button = occurrences.filter((o) => o.details['powerButton'] === 'yes').length;
      return {
        kind: 'unexpected-restart',
        family: 'crash',
        severity: 'error',
        title: `Unexpected restarts: ${count} record${count === 1 ? '' : 's'} (Kernel-Power 41 / EventLog 6008)`,
        explanation:
          'The machine restarted without a clean shutdown: a blue screen, a hang, a power loss or a held power button. ' +
          (codes.length ? `Kernel-Power 41 names bug check ${codes.join(', ')}: it was a blue screen.` : 'Kernel-Power 41 carries no bug check code, so Windows did not record a blue screen: think power, hardware hang or a forced power-off.') +
          (button ? ` ${button} of them came after the power button was pressed (PowerButtonTimestamp set): someone forced the machine off, usually because it hung.` : ''),
        advice: codes.length
          ? 'Look for the crash dump (C:\\Windows\\MEMORY.DMP, C:\\Windows\\Minidump) and analyse it.'
          : 'Check power supply / UPS and hardware logs (iLO, iDRAC), firmware and driver updates; enable a complete or kernel memory dump so a next crash leaves one.',
        next: codes.length ? 'analyze dump C:\\Windows\\MEMORY.DMP' : null,
        count,
        firstTime: first,
        lastTime: last,
        details: { bugcheckCodes: codes.join(', ') || null },
        occurrences,
      };
    });
  }
}

/** WER 1001 event names (`#3` / EventName) that report an application that crashed or hung. */
const APP_FAILURE_REPORT = /^(APPCRASH|BEX|BEX64|APPHANG|AppHangB1|CLR20r3|MoAppCrash)$/i;

/**
 * Report ids remembered to count each crash once: a crash's records (Application Error 1000, then WER 1001
 * when the report is queued and again when it is sent) come seconds apart, the sent one at worst at a later
 * boot. Real logs hold a few dozen crashes (a crash loop of one a minute: this many cover 16 hours); past it
 * the oldest id is forgotten, so a hostile log of distinct ids keeps memory flat.
 */
export const MAX_REMEMBERED_REPORTS = 1000;

/** Other records of one crash listed in its occurrence (`sameCrashRecords`); real crashes have one or two. */
const MAX_SAME_CRASH_REFS = 5;

/** One application crash (or hang) as a record tells it. */
interface AppFailure {
  app: string;
  module: string | null;
  exception: string | null;
  /** The WER report id shared by the records of one crash (lower case), or null. */
  reportId: string | null;
}

/** A WER report id: a GUID, with or without braces. */
const REPORT_ID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/**
 * The WER Report Id in lower case, or null when the record carries none (Vista writes none; a report not
 * made leaves it empty or all zeros): records without one are never taken for the same crash.
 * @example reportIdOf('{EFC65F51-657F-11E6-8EB4-000C290D8D3A}') // 'efc65f51-657f-11e6-8eb4-000c290d8d3a'
 */
function reportIdOf(value: string | null | undefined): string | null {
  const id = REPORT_ID.exec((value ?? '').trim())?.[1]?.toLowerCase();
  return id && /[1-9a-f]/.test(id) ? id : null;
}

/**
 * Application Error 1000 and WER 1001 of an application failure, read by their documented layout (wer.dll
 * messages, Windows 7 to 11; named Data on Windows 11): 1000 `%1` AppName, `%4` ModuleName, `%7`
 * ExceptionCode, `%13` Report Id (IntegratorReportId); 1001 `%3` Event Name, `%6`-`%15` P1-P10 (P1 the
 * application, P4 the module, P7 the exception code), `%20` Report Id.
 */
function appFailureOf(r: EvtxRecord): AppFailure | null {
  let app: string | null;
  let module: string | null;
  let exception: string | null;
  let reportId: string | null;
  if (r.eventId === 1000 && r.provider === 'Application Error') {
    app = dataValue(r, 'AppName', 1);
    module = dataValue(r, 'ModuleName', 4);
    exception = dataValue(r, 'ExceptionCode', 7);
    reportId = reportIdOf(dataValue(r, 'IntegratorReportId', 13));
  } else if (r.eventId === 1001 && r.provider === 'Windows Error Reporting') {
    const type = r.data['#3'] ?? r.data['EventName'] ?? '';
    if (!APP_FAILURE_REPORT.test(type)) return null;
    const hang = /hang/i.test(type);
    app = r.data['#6'] ?? r.data['P1'] ?? null;
    module = hang ? null : (r.data['#9'] ?? r.data['P4'] ?? null);
    exception = hang ? 'hang' : (r.data['#12'] ?? r.data['P7'] ?? null);
    reportId = reportIdOf(r.data['#20'] ?? r.data['ReportId']);
  } else return null;
  return app ? { app, module, exception, reportId } : null;
}

/** A crash already counted: its occurrence names the other records of the same report in `sameCrashRecords`. */
class CountedCrash {
  private readonly others: string[] = [];
  private more = 0;

  constructor(readonly occurrence: Occurrence) {}

  /** One more record of this crash (`ref`: its record id, with its file when another log holds it). */
  note(ref: string): void {
    if (this.others.length < MAX_SAME_CRASH_REFS) this.others.push(ref);
    else this.more++;
    this.occurrence.details['sameCrashRecords'] = `${this.others.join(', ')}${this.more ? ` and ${this.more} more` : ''}`;
  }
}

/**
 * Application Error 1000 and WER 1001 (APPCRASH / BEX / APPHANG), grouped by application and module. One
 * crash is counted once: Windows writes Application Error 1000 and one or two WER 1001 with the same Report
 * Id; the first record of a report is the occurrence, the later ones are named in its `sameCrashRecords`.
 * A record without a report id, or whose id no earlier record had, is a crash of its own.
 */
export class AppCrashDetector implements Detector {
  private readonly groups = new Groups<{ app: string; module: string | null }>();
  /** Report id -> the crash counted for it (insertion order: oldest first). */
  private readonly reports = new Map<string, CountedCrash>();

  add(r: EvtxRecord, file: string): void {
    const crash = appFailureOf(r);
    if (!crash) return;
    const counted = crash.reportId === null ? undefined : this.reports.get(crash.reportId);
    if (counted) {
      counted.note(file === counted.occurrence.ref.file ? String(r.recordId) : `${file} record ${r.recordId}`);
      return;
    }
    const { app, module, exception, reportId } = crash;
    const key = `${app.toLowerCase()}|${(module ?? '').toLowerCase()}`;
    const code = exception && /^(0x)?[0-9a-f]{8}$/i.test(exception) ? `0x${exception.replace(/^0x/i, '').toUpperCase()}` : exception;
    const occurrence: Occurrence = { ref: refOf(r, file), details: { application: app, module, exceptionCode: code, reportId, sameCrashRecords: null } };
    this.groups.add(key, () => ({ app, module }), occurrence);
    if (reportId !== null) this.remember(reportId, new CountedCrash(occurrence));
  }

  private remember(reportId: string, crash: CountedCrash): void {
    if (this.reports.size >= MAX_REMEMBERED_REPORTS) this.reports.delete(this.reports.keys().next().value!);
    this.reports.set(reportId, crash);
  }

  findings(): EventFinding[] {
    const listed = this.groups.entries().map(({ group, count, first, last, occurrences }): EventFinding => {
      const code = occurrences.map((o) => o.details['exceptionCode']).find((c) => typeof c === 'string' && c.startsWith('0x')) as string | undefined;
      const name = code ? (interpretAs('exception', Number.parseInt(code, 16)).name ?? interpretAs('ntstatus', Number.parseInt(code, 16)).name) : null;
      return {
        kind: 'app-crash',
        family: 'crash',
        severity: 'warning',
        title: `${group.app} crashed ${count} time${count === 1 ? '' : 's'}${group.module ? ` in ${group.module}` : ''}`,
        explanation: `The application ${group.app} stopped${group.module ? ` with a fault in module ${group.module}` : ''}${code ? `, exception ${code}${name ? ` (${name})` : ''}` : ''}.`,
        advice: group.module && group.module.toLowerCase() !== group.app.toLowerCase()
          ? `Update or repair the product that ships ${group.module}; if it is a Windows module, run \`sfc /scannow\` and update the application.`
          : 'Update or reinstall the application; collect a dump with WER LocalDumps if it keeps crashing.',
        next: code ? `analyze code ${code}` : null,
        count,
        firstTime: first,
        lastTime: last,
        details: { application: group.app, module: group.module, exceptionCode: code ?? null, exceptionName: name },
        occurrences,
      };
    });
    const others = this.groups.notListed().map((e) =>
      notListedFinding(e, {
        kind: 'app-crash',
        family: 'crash',
        severity: 'warning',
        title: `Other applications crashed ${e.count} time${e.count === 1 ? '' : 's'}`,
        what: 'applications (with their faulting module) crashed',
        advice: 'Update or reinstall the crashing applications (each record names its own); collect a dump with WER LocalDumps for one that keeps crashing.',
        next: null,
        details: ['application', 'module', 'exceptionCode', 'exceptionName'],
        name: (o) => `${o.details['application']}${o.details['module'] ? ` (${o.details['module']})` : ''}`,
      }),
    );
    return [...listed, ...others];
  }
}

/** A path as one shell word: as is when plain, else in double quotes (Windows paths keep their backslashes). */
function shellQuote(path: string): string {
  return /^[\w:\\/.-]+$/.test(path) ? path : `"${path.replace(/"/g, '\\"')}"`;
}

/**
 * EventLog 6008's binary data: two SYSTEMTIMEs (16 bytes each), the unexpected shutdown in local time, then
 * in UTC. Returns the UTC one, or null when the data is not that.
 */
export function shutdownUtc(hex: string | undefined): { iso: string; ms: number } | null {
  if (!hex || hex.length < 64 || !/^[0-9A-F]+$/i.test(hex)) return null;
  const b = Buffer.from(hex.slice(32, 64), 'hex');
  const [y, mo, , d, h, mi, s, ms] = Array.from({ length: 8 }, (_, i) => b.readUInt16LE(2 * i)) as [number, number, number, number, number, number, number, number];
  if (y < 1601 || y > 30827 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || ms > 999) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return { iso: new Date(t).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z'), ms: t };
}
