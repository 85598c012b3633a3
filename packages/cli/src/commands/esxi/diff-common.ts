import { AREA_ORDER, AREA_TITLES, type BackupSummary, type DiffResult, type Finding, type RestorePlan } from '@analyze/core/esxi/diff';
import type { Colors } from '../../render/color.js';
import { printable } from '../../render/printable.js';

export interface BackupArgs {
  keystore?: string;
  'max-inflated'?: string;
}

export function renderSummary(label: string, s: BackupSummary, c: Colors): string {
  const parts = [s.kind + (s.layers.length > 1 ? ` (${s.layers.join(' › ')})` : '')];
  if (s.version) parts.push(`ESXi ${s.version}${s.build ? ` build ${s.build}` : ''}`);
  if (s.hostName) parts.push(`host ${s.hostName}`);
  if (s.uuid) parts.push(`UUID ${s.uuid}`);
  if (s.encrypted) parts.push(`encrypted (${s.encryptionMode ?? 'mode unknown'}, ${s.decrypted ? 'decrypted' : 'NOT decrypted'})`);
  return `${c.bold(label)} ${printable(`${s.source}: ${parts.join(', ')}`)}\n`;
}

const MARK = { added: '+', removed: '-', modified: '~' } as const;

export function renderFindings(findings: readonly Finding[], c: Colors): string {
  if (findings.length === 0) return `${c.bold('Findings')}: none\n`;
  let out = `${c.bold('Findings')}\n`;
  for (const f of findings) {
    const sev = f.severity === 'error' ? c.red('error  ') : f.severity === 'warning' ? c.yellow('warning') : c.dim('info   ');
    out += `  ${sev} ${f.code}: ${printable(f.message)}\n          ${c.cyan('fix:')} ${printable(f.fix)}\n`;
  }
  return out;
}

/** With --show-secrets, a secret change whose label says only "changed" (a password) gets its values appended. */
function secretValues(ch: DiffResult['changes'][number]): string {
  const shown = [ch.before, ch.after].filter((v): v is string => v !== undefined);
  if (shown.length === 0 || shown.every((v) => ch.label.includes(v))) return '';
  return `: ${ch.before ?? '(none)'} → ${ch.after ?? '(none)'}`;
}

export function renderDiff(r: DiffResult, c: Colors, all: boolean, showSecrets = false): string {
  let out = renderSummary('BEFORE', r.before, c) + renderSummary('AFTER ', r.after, c) + '\n';
  if (r.notCompared !== undefined) {
    const sides = r.notCompared.map((s) => s.toUpperCase()).join(' and ');
    out += c.yellow(`Not compared: ${sides} ${r.notCompared.length > 1 ? 'are' : 'is'} encrypted and could not be decrypted, so ${r.notCompared.length > 1 ? 'their' : 'its'} files are unknown; only the findings below apply.\n`);
  } else if (r.changes.length === 0) out += 'No configuration changes.\n';
  for (const area of AREA_ORDER) {
    const list = r.changes.filter((x) => x.area === area);
    if (list.length === 0) continue;
    out += `${c.bold(AREA_TITLES[area])}\n`;
    for (const ch of list) {
      const mark = ch.change === 'added' ? c.green(MARK.added) : ch.change === 'removed' ? c.red(MARK.removed) : c.yellow(MARK.modified);
      // Labels carry names and values read from the backups: a line break in one is shown, not obeyed.
      out += `  ${mark} ${printable(`${ch.label}${showSecrets && ch.secret ? secretValues(ch) : ''}`)}${ch.secret ? c.dim(' [secret]') : ''}\n`;
    }
  }
  if (r.changesNotListed > 0) out += c.yellow(`… and ${r.changesNotListed} more changes not listed (the first ${r.changes.length} are): backups this different are not two states of one host\n`);
  if (!all && r.noise.changes > 0) {
    out += c.dim(`Noise: ${r.noise.changes} change${r.noise.changes === 1 ? '' : 's'} in ${printable(r.noise.files.join(', '))} (rewritten by the host; --all lists them)\n`);
  }
  out += `\n${renderFindings(r.findings, c)}`;
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const total = r.changes.length + r.changesNotListed;
  out += `\n${total} change${total === 1 ? '' : 's'}; ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'})\n`;
  return out;
}

export function renderPlan(file: string, p: RestorePlan, c: Colors): string {
  let out = `${c.bold('Restore plan')} for ${file} (route: ${p.route === 'vim-cmd' ? 'vim-cmd hostsvc/firmware/restore_config' : 'state.tgz into /bootbank'})\n\n`;
  if (p.blocked) out += `${c.red('BLOCKED')}: fix the errors below first, or the restore fails or breaks the host.\n\n`;
  out += renderFindings(p.findings, c);
  out += `\n${c.bold('Prerequisites')}\n${p.prerequisites.map((x) => `  - ${x}\n`).join('')}`;
  const steps = (list: RestorePlan['steps']) =>
    list.map((s, i) => `  ${i + 1}. ${s.title}\n${s.commands.map((cmd) => `       ${cmd}\n`).join('')}${s.note ? `       ${c.dim(`(${s.note})`)}\n` : ''}`).join('');
  out += `\n${c.bold('Steps')}\n${steps(p.steps)}`;
  if (p.alternative) out += `\n${c.bold(`Alternative (${p.alternative.route} route)`)}\n${steps(p.alternative.steps)}`;
  return out;
}
