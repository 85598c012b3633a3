/**
 * The `analyze events --html` page, from the documented JSON report (docs/json-events.md): the findings
 * first (severity, the one-sentence title, the advice and the next command), then per finding its records
 * and, for crashes, the warnings and errors logged in the minutes before each; the files read; warnings.
 */
import type { EventFinding, EventsFileSummary, EventsReport, Severity as EventSeverity } from '@analyze/core/events';
import { card, commands, esc, facts, num, plural, table, type Section, type Severity } from './page.js';

/** The part of the events JSON document (core's EventsReport, docs/json-events.md) this page reads. */
export type EventsDoc = Pick<EventsReport, 'files' | 'findings' | 'summary' | 'warnings'>;

const RANK: Record<EventSeverity, number> = { critical: 0, error: 1, warning: 2, info: 3 };
/** The page's severity colour for a finding's: a blue screen and an error are both a problem. */
const PAGE_SEVERITY: Record<EventSeverity, Severity> = { critical: 'bad', error: 'bad', warning: 'warn', info: 'info' };
/** The finding box's class (the stylesheet colours `.finding.error/.warning/.info`). */
const BOX: Record<EventSeverity, string> = { critical: 'error', error: 'error', warning: 'warning', info: 'info' };
/** Windows event levels, for the timeline's level column. */
const LEVEL: Record<number, string> = { 1: 'critical', 2: 'error', 3: 'warning', 4: 'information', 5: 'verbose' };

const when = (t: string | null) => (t ? `${t.slice(0, 19).replace('T', ' ')}` : null);

export function eventsSection(d: EventsDoc): Section {
  const s = d.summary;
  const worst = [...d.findings].sort((a, b) => RANK[a.severity] - RANK[b.severity])[0];
  const failed = d.files.filter((f) => f.error);
  let verdict: string;
  let severity: Severity;
  if (worst) {
    const counts = (['critical', 'error', 'warning', 'info'] as const).filter((k) => s.bySeverity[k] > 0).map((k) => plural(s.bySeverity[k], SEVERITY_WORD[k][0], SEVERITY_WORD[k][1])).join(', ');
    verdict = `${plural(s.findings, 'finding')} in ${plural(s.records, 'record')} (${counts}); the most severe: ${worst.title}.`;
    severity = PAGE_SEVERITY[worst.severity];
  } else if (failed.length > 0 && s.records === 0) {
    verdict = `${failed[0]!.file} could not be read: ${failed[0]!.error!.message}.`;
    severity = 'bad';
  } else {
    // As the text report: with a log read in part, "no failures" covers only what was read.
    verdict = `No crashes, temporary profiles, update, service or storage failures in ${plural(s.records, 'record')}${failed.length > 0 ? ' that could be read' : ''}.`;
    severity = 'ok';
  }
  // A log that was damaged or could not be read is exit 2, as on the other commands' pages: Problem, said in the verdict.
  if (failed.length > 0 && !(s.records === 0 && !worst)) {
    verdict += ` ${damageSentence(failed)}`;
    severity = 'bad';
  }
  const many = d.files.length > 1;
  const html =
    damageCard(failed) +
    (d.findings.length ? card(`Findings (${d.findings.length}), newest first`, d.findings.map(findingHtml).join('\n')) : '') +
    d.findings.map((f, i) => recordsCard(f, i, many)).join('\n') +
    card('Files read', filesTable(d.files)) +
    warnings(d.warnings);
  const subject = d.files.length === 1 ? d.files[0]!.file : `${plural(d.files.length, 'file')}: ${d.files.map((f) => f.file).join(', ')}`;
  return { verdict, severity, subject, html };
}

/** Severity words counted in the verdict: "4 errors", not "4 error". */
const SEVERITY_WORD: Record<EventSeverity, [one: string, many: string]> = { critical: ['critical', 'critical'], error: ['error', 'errors'], warning: ['warning', 'warnings'], info: ['info', 'info'] };

/** The caveat for logs with `error`: which were damaged (read in part) and which could not be read at all. */
function damageSentence(failed: readonly EventsFileSummary[]): string {
  const unread = failed.filter((f) => f.records === 0);
  const partly = failed.filter((f) => f.records > 0);
  const parts = [
    ...(partly.length > 0 ? [`${partly.length === 1 ? partly[0]!.file : plural(partly.length, 'log')} ${partly.length === 1 ? 'was' : 'were'} read only up to damage`] : []),
    ...(unread.length > 0 ? [`${unread.length === 1 ? unread[0]!.file : plural(unread.length, 'log')} could not be read`] : []),
  ];
  return `But ${parts.join(', and ')}: a finding in what was not read is not ruled out.`;
}

/** The "Stopped at damage" card of the other commands' pages, one line per log with an error. */
function damageCard(failed: readonly EventsFileSummary[]): string {
  if (failed.length === 0) return '';
  const line = (f: EventsFileSummary) =>
    `<p>${esc(f.file)}: <code>${esc(f.error!.code)}</code> ${esc(f.error!.message)}${f.error!.offset === undefined ? '' : esc(` at byte ${f.error!.offset}`)}${
      f.records > 0 ? esc(` (${plural(f.records, 'record')} read before it)`) : ''
    }</p>`;
  return card('Stopped at damage', failed.map(line).join(''));
}

function findingHtml(f: EventFinding): string {
  const span = f.firstTime === f.lastTime ? when(f.lastTime) : `${when(f.firstTime)} to ${when(f.lastTime)}`;
  return `<div class="finding ${BOX[f.severity]}"><p><span class="sev ${BOX[f.severity]}">${esc(f.severity)}</span> <b>${esc(f.title)}</b> <span class="muted">${esc(plural(f.count, 'record'))}</span></p>${
    span ? `<p class="muted">${esc(span)} UTC</p>` : ''
  }<p>${esc(f.explanation)}</p><p class="fix"><b>Advice</b> ${esc(f.advice)}</p>${f.next ? `<p class="fix"><b>Next</b></p>${commands([f.next])}` : ''}</div>`;
}

/** A finding's records (the newest 20 the JSON keeps), then the timeline before each crash. */
function recordsCard(f: EventFinding, i: number, many: boolean): string {
  const keys = [...new Set(f.occurrences.flatMap((o) => Object.keys(o.details)))];
  const rows = f.occurrences.map((o) => [o.ref.recordId, when(o.ref.time), ...(many ? [o.ref.file] : []), o.ref.provider, o.ref.eventId, ...keys.map((k) => o.details[k] ?? null)]);
  const columns = [{ title: 'record', numeric: true }, { title: 'time (UTC)' }, ...(many ? [{ title: 'file' }] : []), { title: 'provider' }, { title: 'event', numeric: true }, ...keys.map((k) => ({ title: k }))];
  const more = f.count > f.occurrences.length ? `<p class="muted">${esc(`${plural(f.count - f.occurrences.length, 'older record')} not listed (the report keeps the newest ${f.occurrences.length}).`)}</p>` : '';
  const timelines = f.occurrences
    .filter((o) => o.timeline !== undefined)
    .map((o) => {
      const list = o.timeline!;
      const title = `Before the crash of record ${o.ref.recordId} (${when(o.ref.time) ?? 'time unknown'} UTC)`;
      if (list.length === 0) return `<h3>${esc(title)}</h3><p class="muted">No warning or error in the 10 minutes before.</p>`;
      return `<h3>${esc(title)}</h3>${table(
        [{ title: 'time (UTC)' }, { title: 'level' }, { title: 'provider' }, { title: 'event', numeric: true }, { title: 'record', numeric: true }, { title: 'summary' }],
        list.map((t) => [when(t.time), t.level === null ? null : (LEVEL[t.level] ?? String(t.level)), t.provider, t.eventId, t.recordId, t.summary]),
        { rowClass: () => 'timeline-entry' },
      )}`;
    })
    .join('');
  return `<section class="card" id="records-${i}"><h2>${esc(`Records: ${f.title}`)}</h2>${facts(Object.entries(f.details).map(([k, v]) => [k, v]))}${table(columns, rows)}${more}${timelines}</section>`;
}

function filesTable(files: EventsFileSummary[]): string {
  return table(
    [{ title: 'file' }, { title: 'records', numeric: true }, { title: 'damaged', numeric: true }, { title: 'chunks skipped', numeric: true }, { title: 'first (UTC)' }, { title: 'last (UTC)' }, { title: 'computers' }, { title: 'channels' }, { title: 'closed cleanly' }, { title: 'error' }],
    files.map((f) => [f.file, f.records, f.recordsDamaged, f.chunksSkipped, when(f.firstTime), when(f.lastTime), f.computers.join(', '), f.channels.join(', '), f.dirty === null ? null : f.dirty ? 'no' : 'yes', f.error ? `${f.error.code}: ${f.error.message}${f.error.offset === undefined ? '' : ` (at byte ${f.error.offset})`}` : null]),
  );
}

function warnings(list: EventsDoc['warnings']): string {
  if (list.length === 0) return '';
  return card(`Warnings (${list.length})`, table([{ title: 'code' }, { title: 'file' }, { title: 'message' }, { title: 'byte', numeric: true }], list.map((w) => [w.code, w.file ?? null, w.message, w.offset ?? null])), 'warnings');
}
