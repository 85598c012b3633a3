import type { ProfilesJson } from '@analyze/core/api/profiles';
import type { Profile } from '@analyze/core/windows';
import type { Colors } from '../../render/color.js';

const hex4 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

/** Key names and paths come from the file: control characters (terminal escape sequences) are shown as U+FFFD. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const printable = (s: string) => s.replace(CONTROL, '\uFFFD');

function profileLine(p: Profile, c: Colors, flagged: boolean): string {
  const name = p.wellKnown ? c.dim(` (${p.wellKnown})`) : '';
  const state = p.state === null ? 'State -' : `State ${hex4(p.state)}${p.stateBits.length ? ` ${p.stateBits.join('+')}` : ''}`;
  const key = flagged ? c.yellow(printable(p.key)) : printable(p.key);
  return `  ${key}${name}\n      ${p.profileImagePath === null ? c.dim('(no ProfileImagePath)') : printable(p.profileImagePath)}  ${state}  RefCount ${p.refCount ?? '-'}  Flags ${p.flags ?? '-'}\n`;
}

type WithWarnings = { warnings?: readonly { code: string }[] };

/**
 * The file was cut short (REGFILE_TRUNCATED, REGF_TRUNCATED): what was read is reported, but "no problem" would
 * claim the keys past the cut too (a cut ProfileList export loses its `.bak` keys first, they sort last).
 */
export function isCutShort(r: WithWarnings): boolean {
  return (r.warnings ?? []).some((w) => w.code === 'REGFILE_TRUNCATED' || w.code === 'REGF_TRUNCATED');
}

/**
 * Warnings that lose nothing the file holds: header oddities with every hive bin still read (REGF_DIRTY,
 * REGF_BAD_CHECKSUM, REGF_BAD_DATA_SIZE), an entry named twice or a key listed under another parent, read once
 * where it is listed (REGF_KEY_LOOP, REGF_LIST_LOOP, REGF_DUPLICATE_SUBKEY, REGF_DUPLICATE_VALUE, REGF_BAD_PARENT),
 * and the analysis' own budgets on a whole file (REGF_VALUE_CUT, PROFILES_LIST_CUT, PROFILES_DATA_CUT).
 */
const LOSSLESS_WARNINGS: ReadonlySet<string> = new Set([
  'REGF_DIRTY',
  'REGF_BAD_CHECKSUM',
  'REGF_BAD_DATA_SIZE',
  'REGF_KEY_LOOP',
  'REGF_LIST_LOOP',
  'REGF_DUPLICATE_SUBKEY',
  'REGF_DUPLICATE_VALUE',
  'REGF_BAD_PARENT',
  'REGF_VALUE_CUT',
  'PROFILES_LIST_CUT',
  'PROFILES_DATA_CUT',
]);

/**
 * The input is damaged: cut short, or a key, value, list or line that could not be read (every other warning,
 * WARNINGS_CAPPED included: the warnings it counts are unknown), so keys or values of ProfileList may be missing
 * from what was read. Exit 2, as for every damaged input, with the findings still reported.
 */
export function isDamaged(r: WithWarnings): boolean {
  return (r.warnings ?? []).some((w) => !LOSSLESS_WARNINGS.has(w.code));
}

/** Human-readable report for one file. */
export function renderProfiles(file: string, r: ProfilesJson, c: Colors): string {
  const what = r.source === 'hive' ? 'SOFTWARE hive' : `.reg export (${r.format}, ${r.encoding})`;
  const flaggedSids = new Set(r.findings.map((f) => f.sid.toUpperCase()));
  let out = `${c.bold(file)}: ${what}, ${r.profiles.length} profile${r.profiles.length === 1 ? '' : 's'} in ProfileList\n`;
  for (const p of r.profiles) out += profileLine(p, c, flaggedSids.has(p.sid.toUpperCase()));
  if (r.findings.length === 0 && isCutShort(r)) return `${out}${c.yellow('No temporary-profile problem found in the part of ProfileList read, but the file was cut short (see the warning): keys past the cut are not ruled out.')}\n`;
  if (r.findings.length === 0 && isDamaged(r)) return `${out}${c.yellow('No temporary-profile problem found in the part of ProfileList read, but the file is damaged (see the warnings): keys or values lost to the damage are not ruled out.')}\n`;
  if (r.findings.length === 0) return `${out}${c.green('No temporary-profile problem found in ProfileList.')}\n`;
  out += `\n${c.red(`${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}:`)}\n`;
  for (const f of r.findings) {
    out += `\n${c.bold(f.code)} ${printable(f.sid)}\n  ${printable(f.message)}\n`;
    for (const e of f.evidence) out += `  - ${printable(e)}\n`;
    if (f.fix.length === 0) continue;
    // %USERPROFILE% in the backup path is expanded by cmd.exe; PowerShell would pass it to reg.exe literally.
    out += `  Fix (elevated Command Prompt, cmd.exe; user signed out; the first command backs ProfileList up; then restart):\n`;
    for (const cmd of f.fix) out += `    ${c.cyan(cmd)}\n`;
  }
  if (isDamaged(r)) out += `\n${c.yellow(`The file ${isCutShort(r) ? 'was cut short' : 'is damaged'} (see the warnings): these findings are from the part that could be read; keys or values lost to the damage are not checked.`)}\n`;
  return out;
}
