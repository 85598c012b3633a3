/**
 * Crashes: blue screens (BugCheck 1001), unexpected restarts (Kernel-Power 41, EventLog 6008) and
 * application crashes (Application Error 1000, Windows Error Reporting 1001 APPCRASH).
 */
import { interpretAs } from '../../codes/index.js';
import { filetimeToIso7 } from '../filetime.js';
import type { EvtxRecord } from '../types.js';
import { shutdownUtc } from './timeline.js';
import { dataValue, Groups, notListedFinding, refOf, uint32Of, type Detector, type EventFinding, type Occurrence, type TimelineSource } from './types.js';

const BUGCHECK_PROVIDER = 'Microsoft-Windows-WER-SystemErrorReporting';

/** A 32-bit code as `0x%08X` (callers pass only values uint32Of or an 8-digit pattern accepted). */
function hex32(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
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

  add(r: EvtxRecord, file: string, timeline: TimelineSource): void {
    if (r.eventId !== 1001 || !(r.provider === BUGCHECK_PROVIDER || r.eventSourceName === 'BugCheck')) return;
    const parsed = parseBugcheckText(dataValue(r, 'param1', 1) ?? '');
    if (!parsed) return;
    const dump = dataValue(r, 'param2', 2);
    // Written at the boot after the blue screen: its timeline looks back from the crash, not from that boot.
    this.groups.add(String(parsed.code), () => ({ code: parsed.code }), {
      ref: refOf(r, file),
      details: { stopCode: hex32(parsed.code), parameters: parsed.parameters.join(', '), dumpPath: dump || null, reportId: dataValue(r, 'param3', 3) },
      ...timeline.atBootCrash(),
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
        explanation:
          `Windows stopped with bug check ${code}${name ? ` (${name})` : ''}` +
          (dump ? ` and wrote a crash dump to ${dump}.` : '. The record names no crash dump file, so perhaps none was written (a volmgr 161 or 46 in the System log tells why).') +
          ' The parameters of each stop are below.',
        advice: dump
          ? `Open the dump to see the driver that caused it; \`analyze code ${code}\` explains the stop code and its parameters.`
          : `Look for a dump in C:\\Windows\\Minidump and C:\\Windows\\MEMORY.DMP; if there is none, check the page file on the system volume and the dump settings (Startup and Recovery) so a next stop leaves one. \`analyze code ${code}\` explains the stop code and its parameters.`,
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

/** Distinct bug check codes of Kernel-Power 41 named in the unexpected-restart finding; real logs have one or two. */
const MAX_RESTART_CODES = 10;
/** Power-button times quoted in the explanation (the newest); each occurrence also shows its own. */
const BUTTON_TIMES_QUOTED = 3;

/**
 * What the Kernel-Power 41 and EventLog 6008 records of the log say, over all of them (not only the
 * occurrences kept): each kind of restart gets its own sentence and advice.
 */
interface RestartTally {
  /** Kernel-Power 41 with a bug check code: a blue screen. */
  blueScreens: number;
  codes: Set<string>;
  /** Kernel-Power 41 without one: power loss, hang, forced power-off. */
  noCode: number;
  /** Kernel-Power 41 whose BugcheckCode is not a 32-bit number: left unnamed. */
  unreadable: number;
  /** Kernel-Power 41 after the power button was held, with the times PowerButtonTimestamp gives (newest last). */
  button: number;
  buttonTimes: string[];
}

/**
 * Kernel-Power 41's PowerButtonTimestamp: a FILETIME (100 ns since 1601, decimal); "0" when the button was
 * not pressed. The time in UTC, `yes` when the value is a number but not a time, null otherwise.
 * @example powerButtonOf('130849833260468750') // '2015-08-25T13:35:26.0468750Z'
 */
function powerButtonOf(value: string | undefined): string | null {
  const t = (value ?? '').trim();
  if (!/^\d{1,20}$/.test(t) || /^0+$/.test(t)) return null;
  const ticks = BigInt(t);
  if (ticks >= 1n << 64n) return 'yes';
  return filetimeToIso7(Number(ticks & 0xffffffffn), Number(ticks >> 32n))?.iso ?? 'yes';
}

/** Kernel-Power 41 (the system rebooted without cleanly shutting down) and EventLog 6008 (previous shutdown unexpected). */
export class UnexpectedRestartDetector implements Detector {
  private readonly groups = new Groups<RestartTally>();

  add(r: EvtxRecord, file: string, timeline: TimelineSource): void {
    const kp41 = r.eventId === 41 && r.provider === 'Microsoft-Windows-Kernel-Power';
    const ev6008 = r.eventId === 6008 && r.provider === 'EventLog';
    if (!kp41 && !ev6008) return;
    const details: Record<string, string | number | null> = { event: kp41 ? 'Kernel-Power 41' : 'EventLog 6008' };
    let bugcheck: string | null = null;
    let button: string | null = null;
    if (kp41) {
      const raw = (r.data['BugcheckCode'] ?? '').trim();
      const code = raw === '' ? 0 : uint32Of(raw);
      // Out of range (or not a number): the value as written, never wrapped into another code, and unnamed.
      bugcheck = code === null ? raw : code !== 0 ? hex32(code) : null;
      button = powerButtonOf(r.data['PowerButtonTimestamp']);
      details['bugcheckCode'] = bugcheck;
      details['bugcheckName'] = code ? bugcheckName(code) : null;
      details['powerButton'] = button;
    }
    let crash: { ms: number; time: string } | null = null;
    if (ev6008) {
      details['shutdownAt'] = [r.data['#2'], r.data['#1']].filter(Boolean).join(' ').replace(/\u200e/g, '') || null;
      const utc = shutdownUtc(r.data['Binary']);
      details['crashTime'] = utc?.iso ?? null;
      crash = utc ? { ms: utc.ms, time: utc.iso } : null;
    }
    // Both are written at the next boot: the timeline looks back from the moment the machine went down.
    // One group: never more than MAX_GROUPS, so no not-listed finding.
    const tally = this.groups.add('restart', () => ({ blueScreens: 0, codes: new Set(), noCode: 0, unreadable: 0, button: 0, buttonTimes: [] }), {
      ref: refOf(r, file),
      details,
      ...timeline.atBootCrash(crash),
    });
    if (tally && kp41) count41(tally, bugcheck, button);
  }

  findings(): EventFinding[] {
    return this.groups.entries().map(({ group: t, count, first, last, occurrences }) => {
      const codes = [...t.codes];
      return {
        kind: 'unexpected-restart',
        family: 'crash',
        severity: 'error',
        title: `Unexpected restarts: ${count} record${count === 1 ? '' : 's'} (Kernel-Power 41 / EventLog 6008)`,
        explanation: ['The machine restarted without a clean shutdown: a blue screen, a hang, a power loss or a held power button.', ...restartSentences(t)].join(' '),
        advice: restartAdvice(t),
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

/** Count one Kernel-Power 41 in the tally: its `bugcheckCode` and `powerButton` details. */
function count41(t: RestartTally, code: string | null, button: string | null): void {
  if (code?.startsWith('0x')) {
    t.blueScreens++;
    if (t.codes.size < MAX_RESTART_CODES) t.codes.add(code);
  } else if (code) t.unreadable++;
  else t.noCode++;
  if (button) {
    t.button++;
    if (button !== 'yes') t.buttonTimes = [...t.buttonTimes, button].sort().slice(-BUTTON_TIMES_QUOTED);
  }
}

/** `N Kernel-Power 41 record(s)` with the verb agreeing (`verbs`: [singular, plural]). */
const records41 = (n: number, verbs: [string, string]) => `${n} Kernel-Power 41 record${n === 1 ? '' : 's'} ${n === 1 ? verbs[0] : verbs[1]}`;

/** One sentence per kind of restart the records show. */
function restartSentences(t: RestartTally): string[] {
  const out: string[] = [];
  const mixed = [t.blueScreens, t.noCode, t.unreadable].filter((n) => n > 0).length > 1;
  if (t.blueScreens) out.push(`${records41(t.blueScreens, ['names', 'name'])} bug check ${[...t.codes].join(', ')}: ${t.blueScreens === 1 ? 'it was a blue screen' : 'they were blue screens'}.`);
  if (t.noCode) {
    const who = mixed ? records41(t.noCode, ['carries', 'carry']) : 'Kernel-Power 41 carries';
    out.push(`${who} no bug check code, so Windows did not record a blue screen${mixed ? (t.noCode === 1 ? ' for it' : ' for those') : ''}: think power, hardware hang or a forced power-off.`);
  }
  if (t.unreadable) out.push(`${records41(t.unreadable, ['holds', 'hold'])} a BugcheckCode that is not a 32-bit number: shown as written, left unnamed.`);
  if (t.button) {
    const at = t.buttonTimes.map((x) => x.slice(0, 19).replace('T', ' ')).reverse();
    out.push(`${records41(t.button, ['came', 'came'])} after the power button was pressed (PowerButtonTimestamp${at.length ? `: ${at.join(', ')} UTC` : ' set'}): someone forced the machine off, usually because it hung.`);
  }
  if (!t.blueScreens && !t.noCode && !t.unreadable) out.push('EventLog 6008 says only that the previous shutdown was unexpected, not why.');
  return out;
}

const DUMP_ADVICE = 'Look for the crash dump (C:\\Windows\\MEMORY.DMP, C:\\Windows\\Minidump) and analyse it.';
const POWER_ADVICE = 'Check power supply / UPS and hardware logs (iLO, iDRAC), firmware and driver updates; enable a complete or kernel memory dump so a next crash leaves one.';

/**
 * The advice of each kind of restart present: the dump for blue screens, power and hardware for the others
 * (also when only 6008 says the shutdown was unexpected); each says which restarts it is for when both are.
 */
function restartAdvice(t: RestartTally): string {
  const power = t.noCode > 0 || t.unreadable > 0 || t.blueScreens === 0;
  if (!t.blueScreens || !power) return t.blueScreens ? DUMP_ADVICE : POWER_ADVICE;
  const lower = (s: string) => `${s.charAt(0).toLowerCase()}${s.slice(1)}`;
  return `For the blue screens: ${lower(DUMP_ADVICE)} For the restarts without a bug check code: ${lower(POWER_ADVICE)}`;
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
  /** The exception code (hex, as written), `hang`, or null. */
  exception: string | null;
  /** The .NET exception type (CLR20r3), or null. */
  exceptionType: string | null;
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
 * application, P4 the module, the exception where its report type puts it: `werException`), `%20` Report Id.
 */
function appFailureOf(r: EvtxRecord): AppFailure | null {
  let app: string | null;
  let module: string | null;
  let exception: string | null;
  let exceptionType: string | null = null;
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
    app = werParameter(r, 1);
    module = hang ? null : werParameter(r, 4);
    ({ exception, exceptionType } = hang ? { exception: 'hang', exceptionType: null } : werException(r, type));
    reportId = reportIdOf(r.data['#20'] ?? r.data['ReportId']);
  } else return null;
  return app ? { app, module, exception, exceptionType, reportId } : null;
}

/** WER 1001's problem signature parameter Pn (`%6`-`%15`; named `P1`-`P10` on Windows 11). */
function werParameter(r: EvtxRecord, n: number): string | null {
  return r.data[`#${n + 5}`] ?? r.data[`P${n}`] ?? null;
}

/**
 * Where a WER report type puts the exception. APPCRASH: P7 the exception code (P8 its offset). BEX / BEX64
 * (a stack buffer overrun or DEP stop): P7 the offset, P8 the exception code. CLR20r3 (.NET): P7 the
 * method token, P8 the IL offset, P9 the .NET exception type, a name and not a code.
 */
function werException(r: EvtxRecord, type: string): { exception: string | null; exceptionType: string | null } {
  if (/^BEX(64)?$/i.test(type)) return { exception: werParameter(r, 8), exceptionType: null };
  if (/^CLR20r3$/i.test(type)) return { exception: null, exceptionType: werParameter(r, 9) || null };
  return { exception: werParameter(r, 7), exceptionType: null };
}

/** A crash already counted: its occurrence names the other records of the same report in `sameCrashRecords`. */
class CountedCrash {
  private readonly others: string[] = [];
  private more = 0;
  /** The records counted for this crash (file name + record id), the occurrence's own first. */
  private readonly records: Set<string>;

  constructor(readonly occurrence: Occurrence) {
    this.records = new Set([recordKey(occurrence.ref.file, occurrence.ref.recordId)]);
  }

  /**
   * One more record of this crash, named in `sameCrashRecords` (with its file when another log holds it).
   * A record already counted is not: the same log named twice reads each record twice.
   */
  note(file: string, recordId: number): void {
    const key = recordKey(file, recordId);
    if (this.records.has(key)) return;
    if (this.others.length < MAX_SAME_CRASH_REFS) {
      this.records.add(key);
      this.others.push(file === this.occurrence.ref.file ? String(recordId) : `${file} record ${recordId}`);
    } else this.more++;
    this.occurrence.details['sameCrashRecords'] = `${this.others.join(', ')}${this.more ? ` and ${this.more} more` : ''}`;
  }
}

/** A record's identity across the logs of a run: the log's name (as given: one name, one file) and the record id. */
const recordKey = (file: string, recordId: number) => `${file}\u0000${recordId}`;

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

  add(r: EvtxRecord, file: string, timeline: TimelineSource): void {
    const crash = appFailureOf(r);
    if (!crash) return;
    const counted = crash.reportId === null ? undefined : this.reports.get(crash.reportId);
    if (counted) {
      counted.note(file, r.recordId);
      return;
    }
    const { app, module, exception, exceptionType, reportId } = crash;
    const key = `${app.toLowerCase()}|${(module ?? '').toLowerCase()}`;
    const code = exception && /^(0x)?[0-9a-f]{8}$/i.test(exception) ? `0x${exception.replace(/^0x/i, '').toUpperCase()}` : exception;
    // The first record of a crash is written when the application fails: its timeline looks back from it.
    const occurrence: Occurrence = {
      ref: refOf(r, file),
      details: { application: app, module, exceptionCode: code, exceptionType, reportId, sameCrashRecords: null },
      ...timeline.atRecord(),
    };
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
      const type = occurrences.map((o) => o.details['exceptionType']).find((t) => typeof t === 'string' && t) as string | undefined;
      return {
        kind: 'app-crash',
        family: 'crash',
        severity: 'warning',
        title: `${group.app} crashed ${count} time${count === 1 ? '' : 's'}${group.module ? ` in ${group.module}` : ''}`,
        explanation: `The application ${group.app} stopped${group.module ? ` with a fault in module ${group.module}` : ''}${code ? `, exception ${code}${name ? ` (${name})` : ''}` : ''}${type ? `, .NET exception ${type}` : ''}.`,
        advice: group.module && group.module.toLowerCase() !== group.app.toLowerCase()
          ? `Update or repair the product that ships ${group.module}; if it is a Windows module, run \`sfc /scannow\` and update the application.`
          : 'Update or reinstall the application; collect a dump with WER LocalDumps if it keeps crashing.',
        next: code ? `analyze code ${code}` : null,
        count,
        firstTime: first,
        lastTime: last,
        details: { application: group.app, module: group.module, exceptionCode: code ?? null, exceptionName: name, exceptionType: type ?? null },
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
        details: ['application', 'module', 'exceptionCode', 'exceptionName', 'exceptionType'],
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
