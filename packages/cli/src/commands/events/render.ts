import type { EventFinding, EventsReport, Occurrence, Severity } from '@analyze/core/events';
import type { Colors } from '../../render/color.js';
import { printable } from '../../render/printable.js';

/** Occurrences listed per finding in text (the JSON has up to 20). */
const SHOWN_OCCURRENCES = 5;

function label(s: Severity, c: Colors): string {
  const text = s.toUpperCase().padEnd(8);
  return s === 'critical' || s === 'error' ? c.red(c.bold(text)) : s === 'warning' ? c.yellow(text) : c.dim(text);
}

const day = (t: string | null) => (t ? t.slice(0, 19).replace('T', ' ') : '?');

/** Longest occurrence line and timeline line (characters, before colour): a value can be a page of text. */
const OCCURRENCE_CHARS = 400;
const TIMELINE_CHARS = 200;

/**
 * One line of plain text: line breaks (a 1530's Detail lists one process a line) become spaces, control
 * characters are shown escaped, and a text longer than `max` is cut with "…". Cut before colouring, so no
 * colour is left open.
 */
function oneLine(text: string, max: number): string {
  const flat = printable(text.replace(/\s*[\r\n]+\s*/g, ' '));
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What the "before it" list of a crash looks back from: the record itself, or the crash moment before its boot. */
function timelineLabel(o: Occurrence): string {
  const from = o.timelineFrom;
  if (!from) return 'before it:';
  switch (from.basis) {
    case 'crashTime':
      return `before the crash at ${day(from.time)} UTC (the crash time of EventLog 6008):`;
    case 'lastBeforeBoot':
      return `before the machine went down (the last record before the boot it was logged at: ${day(from.time)} UTC):`;
    case 'bootRecord':
      return 'before the record (logged at the next boot, whose start is not in the log: these can be that boot\'s own):';
    default:
      return 'before it:';
  }
}

function finding(f: EventFinding, c: Colors, many: boolean): string[] {
  const out = [`${label(f.severity, c)} ${c.bold(printable(f.title))}`];
  const span = f.firstTime === f.lastTime ? day(f.lastTime) : `${day(f.firstTime)} .. ${day(f.lastTime)}`;
  out.push(`         ${c.dim(`when     ${span} UTC`)}`);
  out.push(`         ${printable(f.explanation)}`);
  out.push(`         ${c.yellow('advice')}   ${printable(f.advice)}`);
  if (f.next) out.push(`         ${c.yellow('next')}     ${printable(f.next)}`);
  // A finding's title names its application, except the one that counts the applications not listed one by one.
  const hidden = 'groupsListed' in f.details ? ['what', 'event'] : ['what', 'event', 'application'];
  for (const o of f.occurrences.slice(0, SHOWN_OCCURRENCES)) {
    const extra = Object.entries(o.details)
      .filter(([k, v]) => v !== null && v !== '' && !hidden.includes(k))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    out.push(`         ${c.dim(oneLine(`- record ${o.ref.recordId}  ${day(o.ref.time)}${many ? `  ${o.ref.file}` : ''}${extra ? `  ${extra}` : ''}`, OCCURRENCE_CHARS))}`);
    if (o.timeline?.length) {
      out.push(`           ${c.dim(timelineLabel(o))}`);
      for (const t of o.timeline) out.push(`             ${c.dim(oneLine(`${day(t.time)}  ${t.provider ?? '?'} ${t.eventId ?? '?'}  ${t.summary}`, TIMELINE_CHARS))}`);
    }
  }
  if (f.count > SHOWN_OCCURRENCES) out.push(`         ${c.dim(`(${f.count - Math.min(SHOWN_OCCURRENCES, f.occurrences.length)} more; --json lists ${Math.min(f.count, 20)})`)}`);
  return out;
}

export function renderEvents(r: EventsReport, c: Colors): string {
  // No log could be read: the lines on stderr say why; "no crashes in these logs" would claim a reading.
  if (r.files.length > 0 && r.files.every((f) => f.error && f.records === 0)) return '';
  const out: string[] = [];
  for (const f of r.files) {
    if (f.error && f.records === 0) continue;
    const records = f.records === 1 ? '1 record' : `${f.records} records`;
    const span = f.firstTime ? `, ${day(f.firstTime)} .. ${day(f.lastTime)} UTC` : '';
    const damage = f.recordsDamaged || f.chunksSkipped ? c.yellow(`, ${f.recordsDamaged} damaged record(s), ${f.chunksSkipped} chunk(s) skipped`) : '';
    out.push(`${c.bold(printable(f.file))}: ${records}${span}${f.computers.length ? `, ${printable(f.computers.join(', '))}` : ''}${damage}`);
  }
  const many = r.files.length > 1;
  // A log read in part (damaged, truncated): the verdict covers only what was read.
  const partly = r.files.some((f) => f.error);
  if (r.findings.length === 0) out.push('', `No crashes, temporary profiles, update, service or storage failures in ${partly ? 'what could be read of ' : ''}these logs.`);
  for (const f of r.findings) out.push('', ...finding(f, c, many));
  const s = r.summary.bySeverity;
  out.push('', `${r.summary.findings} finding(s): ${s.critical} critical, ${s.error} error, ${s.warning} warning, ${s.info} info`);
  return `${out.join('\n')}\n`;
}
