/** The rows of a fleet report as CSV (RFC 4180), one line per dump, for a spreadsheet. */
import type { FleetRow } from '@analyze/core/dump/fleet';
import { printable } from '../../render/printable.js';

const HEADER = [
  'file', 'archive', 'member', 'folder', 'crash_time', 'kind', 'code', 'name', 'p1', 'p2', 'p3', 'p4', 'address',
  'culprit', 'culprit_version', 'culprit_timestamp', 'symbol', 'process', 'os_build', 'engine', 'format', 'error_code', 'error_message', 'error_offset', 'warnings', 'damage',
];

export function fleetCsv(rows: readonly FleetRow[]): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    const p = (i: number) => r.parameters[i] ?? '';
    lines.push(
      [
        r.file, r.archive, r.member, r.folder, r.crashTime, r.kind, r.code, r.name, p(0), p(1), p(2), p(3), r.address,
        r.culprit, r.culpritVersion, r.culpritTimestamp, r.symbol, r.process, r.osBuild, r.engine, r.format, r.error?.code, r.error?.message, r.error?.offset?.toString(), String(r.warnings), String(r.damage),
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * One field: quoted when it holds a comma, quote or line break. A value a spreadsheet would run as a formula
 * (a hostile file name starting with `=`, `+`, `-`, `@`) gets a leading apostrophe (OWASP "CSV injection").
 * Control characters (module and file names come from the dumps: an escape sequence reached the terminal
 * with `--csv -`) and bidi controls are shown as `\xNN` / `\uXXXX`, as the text report shows them.
 */
function cell(v: string | null | undefined): string {
  let s = printable(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
