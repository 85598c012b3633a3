/** Text view of a fleet report: the summary paragraph, the causes largest first, then the table of dumps by crash time. */
import type { FleetGroup, FleetReport, FleetRow } from '@analyze/core/dump/fleet';
import type { Colors } from '../../render/color.js';
import { printable } from '../../render/printable.js';

/** The summary is wrapped to this width (terminals are at least 80 wide; the table is wider anyway). */
const WRAP = 100;
/** Groups shown in the text view (all of them with --debug; the JSON always has all). */
const GROUPS_SHOWN = 20;

/** The text view; names from the dumps are shown escaped on the way out (printable.ts: control and bidi characters). */
export function renderFleet(r: FleetReport, c: Colors, opts: { verbose: boolean }): string {
  return renderFleetText(r, c, opts);
}

function renderFleetText(r: FleetReport, c: Colors, opts: { verbose: boolean }): string {
  let out = `${wrap(r.summary, WRAP).join('\n')}\n`;
  if (r.groups.length) {
    out += `\n${c.bold('Causes')} ${c.dim('(largest first)')}\n`;
    const shown = opts.verbose ? r.groups : r.groups.slice(0, GROUPS_SHOWN);
    shown.forEach((g, i) => (out += renderGroup(g, i + 1, c)));
    if (shown.length < r.groups.length) out += c.dim(`  ... ${r.groups.length - shown.length} more causes (--debug or --json shows all)\n`);
  }
  if (r.rows.length) out += `\n${c.bold('Dumps')} ${c.dim('(by crash time)')}\n${renderTable(r.rows, c)}`;
  // Damage only: a debugger's own warning line (in nearly every cdb output) is a note, not a dump read in part.
  const partial = r.rows.filter((row) => row.error === null && row.damage > 0).length;
  if (partial) {
    const dumps = partial === 1 ? '1 dump was read only in part (damaged or cut short): its row shows' : `${partial} dumps were read only in part (damaged or cut short): their rows show`;
    out += c.dim(`  ${dumps} what could be read; \`analyze dump FILE\` names the damage and its byte offset.\n`);
  }
  return out;
}

function renderGroup(g: FleetGroup, n: number, c: Colors): string {
  const what = `${g.name ?? (g.kind === 'kernel' ? 'bugcheck' : 'exception')} ${g.code}`;
  const who = g.culprit ? `  ${c.bold(printable(g.culprit))}` : '';
  const sym = g.symbol ? c.dim(` (${printable(g.symbol)})`) : '';
  let out = `  ${n}. ${c.red(`${g.count}× (${Math.round(g.share * 100)} %)`)} ${what}${who}${sym}  ${c.dim(`[${g.kind}]`)}\n`;
  const pad = '     ';
  const span = g.firstCrash === null ? 'crash time not recorded' : g.firstCrash === g.lastCrash ? `crashed ${time(g.firstCrash)}` : `first ${time(g.firstCrash)}, last ${time(g.lastCrash)}`;
  const folders = `${g.folderCount === 1 ? 'from' : `from ${g.folderCount} folders:`} ${g.folders.map(printable).join(', ')}${g.folderCount > g.folders.length ? ', ...' : ''}`;
  out += `${pad}${span}; ${folders}\n`;
  if (g.thirdParty !== null || g.versions) {
    const tp = g.thirdParty === true ? c.yellow('third-party driver') : g.thirdParty === false ? 'Windows module' : '';
    const vr = g.versions ? `${g.versions.min === g.versions.max ? 'version' : 'versions'} ${g.versions.min === g.versions.max ? g.versions.min : `${g.versions.min} to ${g.versions.max}`}` : '';
    out += `${pad}${[tp, vr].filter(Boolean).join(', ')}\n`;
  }
  out += `${pad}${c.dim('e.g.')} ${g.examples.map(printable).join(', ')}\n`;
  if (g.advice.meaning) out += `${pad}${c.dim('meaning')} ${printable(g.advice.meaning)}\n`;
  for (const [i, s] of g.advice.steps.entries()) out += `${pad}${c.dim(i === 0 ? 'do' : '  ')} ${printable(s)}\n`;
  return out;
}

const COLUMNS = ['crash time', 'code', 'name', 'parameters / address', 'culprit', 'version', 'os build', 'engine', 'file'] as const;

function renderTable(rows: readonly FleetRow[], c: Colors): string {
  const cells = rows.map((r) => {
    // What was read before the error stays in its cells (a crash recorded but unreadable keeps its OS build and engine).
    if (r.error) return [time(r.crashTime), '', c.red('unreadable'), '', '', '', printable(r.osBuild ?? ''), r.engine ?? '', `${printable(r.file)}: ${printable(r.error.message)}${r.error.offset === undefined ? '' : ` (at byte ${r.error.offset})`} [${r.error.code}]`];
    return [
      time(r.crashTime),
      r.code ?? '-',
      r.name ?? (r.kind === null ? 'no crash recorded' : ''),
      r.parameters.length ? r.parameters.join(' ') : (r.address ?? ''),
      printable(r.culprit ?? ''),
      printable(r.culpritVersion ?? r.culpritTimestamp ?? ''),
      printable(r.osBuild ?? ''),
      r.engine ?? '',
      printable(r.file) + (r.damage > 0 ? c.yellow(` (read in part: ${r.damage} ${r.damage === 1 ? 'warning' : 'warnings'} of damage)`) : ''),
    ];
  });
  // Widths from the plain text (colour codes do not take columns); the last column is not padded.
  const plain = (s: string) => s.replace(/\ue01b\[[0-9;]*m/g, ''); // colour marks (color.ts) take no column
  // A loop, not Math.max(...rows): one argument per row overflowed the stack past ~126,000 rows.
  const widths = COLUMNS.map((h, i) => cells.reduce((w, row) => Math.max(w, plain(row[i]!).length), h.length));
  const line = (row: readonly string[]) => `  ${row.map((s, i) => (i === row.length - 1 ? s : s + ' '.repeat(widths[i]! - plain(s).length))).join('  ')}`.trimEnd();
  return `${c.dim(line(COLUMNS))}\n${cells.map((row) => `${line(row)}\n`).join('')}`;
}

/** `2021-02-21 01:38:22` (UTC, as the dump records it), or `-`. */
function time(iso: string | null): string {
  return iso === null ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of printable(text).split(' ')) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}
