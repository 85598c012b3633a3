/**
 * The `analyze dump` fleet page (several dumps, a folder, an archive), from the documented JSON report
 * (docs/json-dump-fleet.md): the summary paragraph, the causes largest first (each with a
 * crashes-over-time strip, the third-party culprit and its version range, the advice), then every dump as
 * a sortable table.
 */
import { card, esc, facts, list, num, plural, table, type Section, type Severity } from './page.js';
import { crashStrip } from './svg.js';
import type { FleetGroup, FleetReport, FleetRow } from '@analyze/core/dump/fleet';

/** The part of the fleet JSON document (core's FleetReport, docs/json-dump-fleet.md) this page reads. */
export type FleetDoc = Pick<FleetReport, 'summary' | 'totals' | 'period' | 'rows' | 'groups'>;

/** The rows of each group, in the groups' order, as the report lists them (`rowIndexes`). */
export function rowsByGroup(doc: FleetDoc): FleetRow[][] {
  return doc.groups.map((g) => g.rowIndexes.map((i) => doc.rows[i]).filter((r): r is FleetRow => r !== undefined));
}

const day = (t: string | null) => (t ? t.slice(0, 19).replace('T', ' ') : null);
const ms = (t: string | null) => (t === null ? NaN : Date.parse(t));

export function fleetSection(d: FleetDoc): Section {
  const t = d.totals;
  const severity: Severity = t.crashes > 0 ? 'bad' : t.errors > 0 || t.dumps === 0 ? 'warn' : 'ok';
  const grouped = rowsByGroup(d);
  const start = ms(d.period?.first ?? null);
  const end = ms(d.period?.last ?? null);
  const groups = d.groups.map((g, i) => groupHtml(g, i, grouped[i] ?? [], start, end)).join('\n');
  const html =
    card('Totals', facts([
      ['files looked at', num(t.files)],
      ['dumps', num(t.dumps)],
      ['crashes', num(t.crashes)],
      ['no crash recorded', num(t.noCrash)],
      ['could not be read', num(t.errors)],
      ['skipped (not dumps)', num(t.skipped - t.duplicates)],
      ['named twice (counted once)', t.duplicates ? num(t.duplicates) : null],
      ['distinct causes', num(t.groups)],
      ['period', d.period?.first ? `${day(d.period.first)} to ${day(d.period.last)} UTC` : null],
    ])) +
    (d.groups.length ? card(`Causes, largest first (${d.groups.length})`, groups, 'groups') : '') +
    card(`Dumps (${plural(d.rows.length, 'row')})`, rowsTable(d.rows));
  return { verdict: d.summary, severity, html };
}

function groupHtml(g: FleetGroup, i: number, rows: FleetRow[], start: number, end: number): string {
  const timed = rows.filter((r) => !Number.isNaN(ms(r.crashTime)));
  const head = `${i + 1}. ${g.count}× (${Math.round(g.share * 100)} %) ${g.name ?? 'unknown'} ${g.code}${g.culprit ? `, ${g.culprit}` : ''}${g.symbol ? ` (${g.symbol})` : ''} [${g.kind}]`;
  const untimed = g.count - timed.length;
  const chart = timed.length
    ? crashStrip(timed.map((r) => ms(r.crashTime)), timed.map((r) => `${day(r.crashTime)} UTC: ${r.file}`), Number.isNaN(start) ? ms(timed[0]!.crashTime) : start, Number.isNaN(end) ? ms(timed[0]!.crashTime) : end, `Crashes over time: ${head}`)
    : '';
  const culprit = g.culprit === null ? null : `${g.culprit}${g.thirdParty === true ? ' (third-party driver)' : g.thirdParty === false ? ' (a Windows module)' : ''}`;
  const versions = g.versions ? (g.versions.min === g.versions.max ? g.versions.min : `${g.versions.min} to ${g.versions.max}`) : null;
  return `<div class="finding fleet-group ${g.thirdParty === true || g.kind === 'kernel' ? 'error' : 'warning'}" data-group="${i}"><h3>${esc(head)}</h3>${chart}${
    untimed > 0 ? `<p class="muted">${esc(`${plural(untimed, 'crash', 'crashes')} without a recorded time (not drawn).`)}</p>` : ''
  }${facts([
    ['culprit', culprit],
    ['versions seen', versions],
    ['first crash', day(g.firstCrash)],
    ['last crash', day(g.lastCrash)],
    ['machines (folders)', g.folders.length ? `${g.folders.join(', ')}${g.folderCount > g.folders.length ? `, and ${g.folderCount - g.folders.length} more` : ''}` : null],
    ['meaning', g.advice.meaning],
    ['documentation', g.advice.docUrl],
  ])}${g.advice.steps.length ? `<p class="fix"><b>What to do</b></p>${list(g.advice.steps)}` : ''}${
    g.examples.length ? `<p class="muted">Examples (analyse one on its own for the whole story):</p>${list(g.examples, 'mono')}` : ''
  }</div>`;
}

function rowsTable(rows: FleetRow[]): string {
  return table(
    [{ title: 'file' }, { title: 'crash time (UTC)' }, { title: 'kind' }, { title: 'code' }, { title: 'name' }, { title: 'culprit' }, { title: 'version' }, { title: 'process' }, { title: 'OS build' }, { title: 'warnings', numeric: true }, { title: 'error' }],
    rows.map((r) => [r.file, day(r.crashTime), r.kind, r.code, r.name, r.culprit, r.culpritVersion ?? r.culpritTimestamp, r.process, r.osBuild, r.warnings, r.error ? `${r.error.code}: ${r.error.message}` : null]),
    { sortable: true },
  );
}
