import type { Profile, ProfilesReport } from '@analyze/core/windows';
import type { Colors } from '../../render/color.js';

const hex4 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

function profileLine(p: Profile, c: Colors, flagged: boolean): string {
  const name = p.wellKnown ? c.dim(` (${p.wellKnown})`) : '';
  const state = p.state === null ? 'State -' : `State ${hex4(p.state)}${p.stateBits.length ? ` ${p.stateBits.join('+')}` : ''}`;
  const key = flagged ? c.yellow(p.key) : p.key;
  return `  ${key}${name}\n      ${p.profileImagePath ?? c.dim('(no ProfileImagePath)')}  ${state}  RefCount ${p.refCount ?? '-'}  Flags ${p.flags ?? '-'}\n`;
}

/** Human-readable report for one file. */
export function renderProfiles(file: string, r: ProfilesReport, c: Colors): string {
  const what = r.source === 'hive' ? 'SOFTWARE hive' : `.reg export (${r.format}, ${r.encoding})`;
  const flaggedSids = new Set(r.findings.map((f) => f.sid.toUpperCase()));
  let out = `${c.bold(file)}: ${what}, ${r.profiles.length} profile${r.profiles.length === 1 ? '' : 's'} in ProfileList\n`;
  for (const p of r.profiles) out += profileLine(p, c, flaggedSids.has(p.sid.toUpperCase()));
  if (r.findings.length === 0) return `${out}${c.green('No temporary-profile problem found in ProfileList.')}\n`;
  out += `\n${c.red(`${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}:`)}\n`;
  for (const f of r.findings) {
    out += `\n${c.bold(f.code)} ${f.sid}\n  ${f.message}\n`;
    for (const e of f.evidence) out += `  - ${e}\n`;
    out += `  Fix (elevated prompt, user signed out; the first command backs ProfileList up, then restart):\n`;
    for (const cmd of f.fix) out += `    ${c.cyan(cmd)}\n`;
  }
  return out;
}
