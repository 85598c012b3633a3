/**
 * `analyzeEvents`: read one or more .evtx files (or folders of them, or a stream) in one pass each and
 * turn the admin-relevant events into findings. Memory: one chunk per file plus bounded finding groups.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { errorJson } from '../api/report.js';
import { AnalyzeError, type Warning } from '../errors.js';
import { REPORT_SCHEMA_VERSION } from '../report.js';
import { LogWarnings } from './damage.js';
import { AppCrashDetector, BugcheckDetector, UnexpectedRestartDetector } from './findings/crash.js';
import { ProfileDetector } from './findings/profile.js';
import { ServiceDetector } from './findings/services.js';
import { StorageDetector } from './findings/storage.js';
import { TimelineRing } from './findings/timeline.js';
import type { Detector, EventFinding, Severity, TimelineSource } from './findings/types.js';
import { UpdateDetector } from './findings/update.js';
import { readEvtxFile, readEvtxFilePaced, readEvtxStream, type EvtxReadResult } from './reader.js';
import type { EvtxRecord } from './types.js';

/**
 * One input: a file or folder path, a path with the name to show for it (as the user typed it: a folder's
 * logs are then shown as NAME/file.evtx), or a stream (stdin) with its name. Reports and warnings use the
 * names, never the resolved paths.
 */
export type EventsInput = string | { name: string; path: string } | { name: string; stream: AsyncIterable<Uint8Array> };

export interface AnalyzeEventsOptions {
  /** Turn the first warning into an error for that file. */
  strict?: boolean;
  /** Also called with every record, in file order (e.g. to print them). */
  onRecord?: (r: EvtxRecord, file: string) => void;
  /** Awaited after each MiB read: an `onRecord` that writes to a pipe waits for it here (ReadOptions.pace). */
  pace?: () => Promise<void>;
}

/**
 * Logs read in one run, over all inputs: each is a summary in the report (with its error when it could not
 * be read). A Windows Logs folder holds ~350 and a collection from a few dozen machines some thousands; a folder
 * of 100,000 empty .evtx files peaked `--json` at 261 MB. Past this the rest are not read, and one summary
 * with EVTX_TOO_MANY_LOGS says so.
 */
export const MAX_EVENT_LOGS = 10_000;

/** Distinct values kept per file summary (channels, computers). */
const MAX_DISTINCT = 20;

export interface EventsFileSummary {
  file: string;
  records: number;
  recordsDamaged: number;
  chunks: number;
  chunksSkipped: number;
  chunksEmpty: number;
  /** The header's dirty flag (not closed cleanly). */
  dirty: boolean | null;
  firstTime: string | null;
  lastTime: string | null;
  channels: string[];
  computers: string[];
  /**
   * Set when the file could not be read (not an .evtx, unreadable, --strict), or was read in part: its first
   * damage that lost records or data (truncated, a chunk or records skipped; damage.ts). What was read still counts.
   */
  error: { code: string; message: string; offset?: number } | null;
}

export interface EventsReport {
  schemaVersion: string;
  files: EventsFileSummary[];
  /** Newest first (by the time of their latest record), then most severe first. */
  findings: EventFinding[];
  summary: { files: number; records: number; findings: number; worstSeverity: Severity | null; bySeverity: Record<Severity, number> };
  warnings: Warning[];
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, error: 1, warning: 2, info: 3 };

/**
 * The .evtx files of a folder (sorted by name), or the path itself when it is a file.
 * @example expandEventsPath('C:/Logs') // ['C:/Logs/Application.evtx', 'C:/Logs/System.evtx']
 */
export function expandEventsPath(path: string): string[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return [path]; // the reader reports "no such file"
  }
  if (!isDir) return [path];
  return readdirSync(path)
    .filter((n) => n.toLowerCase().endsWith('.evtx'))
    .sort()
    .map((n) => join(path, n));
}

/**
 * Read the event logs and find crashes, temporary profiles, Windows Update failures, service failures and
 * storage errors. Never throws for a damaged or unreadable file: it is listed with its error and the
 * records read before the damage still count. Records are passed to `onRecord` as they are read.
 * @example
 *   const r = await analyzeEvents([{ name: 'System.evtx', path: '/mnt/c/Windows/System32/winevt/Logs/System.evtx' }]);
 *   r.findings.filter((f) => f.family === 'crash'); // bugchecks, unexpected restarts, application crashes
 */
export async function analyzeEvents(inputs: EventsInput[] | EventsInput, options: AnalyzeEventsOptions = {}): Promise<EventsReport> {
  // One log may be given alone; a string is a path, not a list of one-letter paths.
  const list = Array.isArray(inputs) ? inputs : [inputs];
  for (const input of list) {
    const ok = typeof input === 'string' || (typeof input === 'object' && input !== null && typeof input.name === 'string' && ('path' in input || 'stream' in input));
    if (!ok) throw new AnalyzeError('USAGE', 'analyzeEvents takes paths, or {name, path} / {name, stream} entries (bytes are not accepted: a log is read a chunk at a time)');
  }
  const detectors: Detector[] = [new BugcheckDetector(), new UnexpectedRestartDetector(), new AppCrashDetector(), new ProfileDetector(), new UpdateDetector(), new ServiceDetector(), new StorageDetector()];
  const files: EventsFileSummary[] = [];
  const warnings: Warning[] = [];
  let records = 0;

  let taken = 0;
  for (const input of list) {
    const path = typeof input === 'string' ? input : 'path' in input ? input.path : null;
    const name = typeof input === 'string' ? input : input.name;
    // Each log as [where to read it, the name reports use].
    const found = path === null ? [name] : expandEventsPath(path);
    if (found.length === 0) {
      files.push({ ...emptySummary(name), error: { code: 'EVTX_NO_LOGS', message: 'folder holds no .evtx file' } });
      continue;
    }
    const room = MAX_EVENT_LOGS - taken;
    const logs = found.slice(0, room).map((p): [string, string] => (path === null ? [name, name] : [p, shownName(p, path, name)]));
    taken += logs.length;
    for (const [at, file] of logs) {
      const w = new LogWarnings(options.strict ?? false, file);
      const summary = emptySummary(file);
      const ring = new TimelineRing();
      const onRecord = (r: EvtxRecord) => {
        summary.records++;
        if (r.time !== null) {
          if (summary.firstTime === null || r.time < summary.firstTime) summary.firstTime = r.time;
          if (summary.lastTime === null || r.time > summary.lastTime) summary.lastTime = r.time;
        }
        if (r.channel && summary.channels.length < MAX_DISTINCT && !summary.channels.includes(r.channel)) summary.channels.push(r.channel);
        if (r.computer && summary.computers.length < MAX_DISTINCT && !summary.computers.includes(r.computer)) summary.computers.push(r.computer);
        const timeline: TimelineSource = { atRecord: () => ring.atRecord(r), atBootCrash: (crash) => ring.atBootCrash(r, crash) };
        for (const d of detectors) d.add(r, file, timeline);
        ring.push(r);
        options.onRecord?.(r, file);
      };
      let result: EvtxReadResult | null = null;
      try {
        const read = { warnings: w, ...(options.pace ? { pace: options.pace } : {}) };
        if (typeof input !== 'string' && 'stream' in input) result = await readEvtxStream(input.stream, onRecord, read);
        else result = options.pace ? await readEvtxFilePaced(at, onRecord, read) : readEvtxFile(at, onRecord, read);
      } catch (e) {
        // Anything thrown while reading one log is that log's error (an engine limit the caps missed is
        // INPUT_TOO_LARGE, a bug INTERNAL): the other logs are still read and reported.
        summary.error = errorJson(e);
        w.demoteLoss();
      }
      // Damage that lost records is the log's error too: the findings above still come from what was read.
      summary.error ??= w.firstLoss;
      if (result) {
        summary.recordsDamaged = result.stats.recordsDamaged;
        summary.chunks = result.stats.chunks;
        summary.chunksSkipped = result.stats.chunksSkipped;
        summary.chunksEmpty = result.stats.chunksEmpty;
        summary.dirty = result.header.dirty;
      }
      records += summary.records;
      warnings.push(...w.list);
      files.push(summary);
    }
    if (found.length > room) {
      const message = `more than ${MAX_EVENT_LOGS} logs in all: the first ${MAX_EVENT_LOGS} were read, the other ${found.length - room} here and any named after it were not (name fewer folders at a time)`;
      files.push({ ...emptySummary(name), error: { code: 'EVTX_TOO_MANY_LOGS', message } });
      break;
    }
  }

  const findings = detectors
    .flatMap((d) => d.findings())
    .sort((a, b) => (b.lastTime ?? '').localeCompare(a.lastTime ?? '') || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const bySeverity: Record<Severity, number> = { critical: 0, error: 0, warning: 0, info: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  return {
    schemaVersion: EVENTS_SCHEMA_VERSION,
    files,
    findings,
    summary: { files: files.length, records, findings: findings.length, worstSeverity: worst(bySeverity), bySeverity },
    warnings,
  };
}

/** Version of the `analyze events --json` document (docs/json-events.md); follows the project's report version. */
export const EVENTS_SCHEMA_VERSION = REPORT_SCHEMA_VERSION;

/** `log` (found under `path`) as the user named `path`: the folder's name joined to the file's. */
function shownName(log: string, path: string, name: string): string {
  if (log === path || name === path) return log === path ? name : log;
  return join(name, relative(path, log));
}

function emptySummary(file: string): EventsFileSummary {
  return { file, records: 0, recordsDamaged: 0, chunks: 0, chunksSkipped: 0, chunksEmpty: 0, dirty: null, firstTime: null, lastTime: null, channels: [], computers: [], error: null };
}

function worst(by: Record<Severity, number>): Severity | null {
  return (['critical', 'error', 'warning', 'info'] as const).find((s) => by[s] > 0) ?? null;
}

/**
 * True when a finding of severity warning or above exists (the CLI's exit status 1).
 * @example if (hasProblem(await analyzeEvents(['System.evtx']))) process.exitCode = 1;
 */
export function hasProblem(report: EventsReport): boolean {
  return report.findings.some((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK.warning);
}

/**
 * One record as `--records` prints it (one JSON object per line, like evtx_dump): recordId, eventId,
 * qualifiers, level, time (ISO 8601 UTC, 7 fractional digits), provider, channel, computer, data.
 * @example readEvtxFile('System.evtx', (r) => console.log(JSON.stringify(recordJson(r))));
 */
export function recordJson(r: EvtxRecord): Record<string, unknown> {
  return { recordId: r.recordId, eventId: r.eventId, qualifiers: r.qualifiers, level: r.level, time: r.time, provider: r.provider, channel: r.channel, computer: r.computer, data: r.data };
}
