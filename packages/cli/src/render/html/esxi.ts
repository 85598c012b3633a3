/**
 * The `analyze esxi ... --html` pages, from the documented JSON reports (docs/json-esxi.md): findings
 * first, each with its fix; for diff the changes by area as before/after columns. Values the JSON holds
 * are shown as they are: secrets are already redacted there unless --show-secrets was given (and then the
 * page header says so).
 */
import { AREA_ORDER, AREA_TITLES, type BackupSummary } from '@analyze/core/esxi/diff';
import { card, commands, esc, escCell, facts, HTML_TABLE_ROWS, list, num, plural, table, warningsCard, type Section, type Severity } from './page.js';

interface Finding {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  fix: string;
  subject?: string;
}

/** A backup's summary as the esxi JSON documents hold it (core's type). */
type Summary = BackupSummary;

export interface DiffDoc {
  before: Summary;
  after: Summary;
  changes: { area: string; path: string; key?: string; change: 'added' | 'removed' | 'modified'; label: string; before?: string; after?: string; secret?: boolean; onlyIn?: string }[];
  /** Changes found past those listed (absent in documents from before it existed). */
  changesNotListed?: number;
  noise: { changes: number; files: string[] };
  notCompared?: string[];
  findings: Finding[];
  /** Set by the CLI when --show-secrets was given (docs/json-esxi.md). */
  secretsShown?: boolean;
}

export interface CheckDoc {
  file: string;
  backup: Summary;
  target?: Summary;
  findings: Finding[];
}

export interface PlanDoc {
  file: string;
  route: string;
  blocked: boolean;
  findings: Finding[];
  prerequisites: string[];
  steps: { title: string; commands: string[]; note?: string }[];
  alternative?: { route: string; steps: { title: string; commands: string[]; note?: string }[] };
}

/** The verdict of a finding list: errors block, warnings need a look. */
function findingsVerdict(findings: Finding[]): { errors: number; warnings: number; severity: Severity } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  return { errors, warnings, severity: errors ? 'bad' : warnings ? 'warn' : 'ok' };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Findings, errors first, each with its fix. */
export function findingsCard(findings: Finding[]): string {
  if (findings.length === 0) return card('Findings', '<p>None.</p>', 'findings');
  const sorted = [...findings].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3));
  const items = sorted
    .map(
      (f) =>
        `<div class="finding ${esc(f.severity)}"><span class="sev ${esc(f.severity)}">${esc(f.severity)}</span> <code>${esc(f.code)}</code>${f.subject ? ` <span class="muted">(${esc(f.subject)})</span>` : ''}<p>${esc(f.message)}</p><p class="fix"><b>Fix:</b> ${esc(f.fix)}</p></div>`,
    )
    .join('');
  return card(`Findings (${findings.length})`, items, 'findings');
}

function summaryFacts(s: Summary): [string, unknown][] {
  return [
    ['file', s.source],
    ['kind', s.layers.length > 1 ? `${s.kind} (${s.layers.join(' › ')})` : s.kind],
    ['ESXi', s.version ? `${s.version}${s.build ? ` build ${s.build}` : ''}` : null],
    ['host name', s.hostName],
    ['UUID', s.uuid],
    ['encryption', s.encrypted ? `${s.encryptionMode ?? 'mode unknown'}, ${s.decrypted ? 'decrypted' : 'NOT decrypted'}` : 'none'],
    ['files', num(s.files)],
  ];
}

const CHANGE_WORDS = { added: 'added', removed: 'removed', modified: 'changed' } as const;

export function diffSection(d: DiffDoc): Section {
  const v = findingsVerdict(d.findings);
  const changes = plural(d.changes.length + (d.changesNotListed ?? 0), 'change');
  const verdict = d.notCompared
    ? `Not compared: ${d.notCompared.join(' and ')} could not be decrypted; ${v.errors ? `the restore is blocked by ${plural(v.errors, 'error')}` : 'only the findings apply'}.`
    : v.errors
      ? `${changes}; restoring AFTER onto the BEFORE host is blocked by ${plural(v.errors, 'error')}.`
      : `${changes}; nothing blocks restoring AFTER onto the BEFORE host${v.warnings ? ` (${plural(v.warnings, 'warning')})` : ''}.`;
  let html = findingsCard(d.findings);
  for (const area of AREA_ORDER) {
    const rows = d.changes.filter((c) => c.area === area);
    if (rows.length === 0) continue;
    html += card(
      `${AREA_TITLES[area]} (${rows.length})`,
      table(
        [{ title: 'change' }, { title: 'what' }, { title: 'before' }, { title: 'after' }],
        rows.map((c) => [
          { html: `<span class="change-${c.change}">${CHANGE_WORDS[c.change] ?? esc(c.change)}</span>` },
          { html: `${escCell(c.label)}<div class="muted mono">${escCell(c.path)}${c.key ? ` · ${escCell(c.key)}` : ''}</div>` },
          sideValue(c, 'before'),
          sideValue(c, 'after'),
        ]),
      ),
      'changes',
    );
  }
  // Areas the renderer does not know (a newer report) still show, after the known ones.
  const unknown = d.changes.filter((c) => !(AREA_ORDER as readonly string[]).includes(c.area));
  if (unknown.length) html += card('Other changes', list(unknown.map((c) => `${c.area}: ${c.label}`)));
  if ((d.changesNotListed ?? 0) > 0) html += card('Not listed', `<p class="muted">${plural(d.changesNotListed!, 'more change')} beyond the ${num(d.changes.length)} listed: backups this different are not two states of one host.</p>`);
  if (d.noise.changes > 0) html += card('Noise', `<p class="muted">${plural(d.noise.changes, 'change')} in files the host rewrites on its own: ${esc(d.noise.files.join(', '))} (--all lists them).</p>`);
  html += card(
    'Backups',
    `<div class="tablewrap">${table(
      [{ title: '' }, { title: 'BEFORE' }, { title: 'AFTER' }],
      summaryFacts(d.before).map(([k, b], i) => [k, b as string | null, summaryFacts(d.after)[i]![1] as string | null]),
    )}</div>`,
  );
  return { verdict, severity: d.notCompared && !v.errors ? 'warn' : v.severity, subject: `${d.before.source} → ${d.after.source}`, html };
}

/** The before/after cell: the value, "(secret)" when redacted, or what the whole-file change means. */
function sideValue(c: DiffDoc['changes'][number], side: 'before' | 'after'): { html: string } {
  const value = c[side];
  if (value !== undefined) return { html: `<span class="mono">${escCell(value)}</span>` };
  if (c.secret) return { html: '<span class="muted">(secret: not shown)</span>' };
  if (c.onlyIn && c.onlyIn !== side) return { html: '<span class="muted">(image default)</span>' };
  if ((c.change === 'added' && side === 'before') || (c.change === 'removed' && side === 'after')) return { html: '<span class="muted">(none)</span>' };
  return { html: '' };
}

export function checkSection(d: CheckDoc): Section {
  const v = findingsVerdict(d.findings);
  const verdict = v.errors
    ? `This backup cannot be restored as it is: ${plural(v.errors, 'error')}.`
    : `Nothing blocks restoring this backup${v.warnings ? `; ${plural(v.warnings, 'warning')} to read first` : ''}.`;
  let html = findingsCard(d.findings);
  html += card('Backup', facts(summaryFacts(d.backup)));
  if (d.target) html += card('Target', facts(summaryFacts(d.target)));
  return { verdict, severity: v.severity, subject: d.file, html };
}

export function planSection(d: PlanDoc): Section {
  const v = findingsVerdict(d.findings);
  const route = d.route === 'vim-cmd' ? 'vim-cmd hostsvc/firmware/restore_config' : 'state.tgz into /bootbank';
  const verdict = d.blocked ? `Restore blocked: fix ${plural(v.errors, 'error')} first, or the restore fails or breaks the host.` : `Restore plan ready (route: ${route}).`;
  let html = findingsCard(d.findings);
  html += card('Prerequisites', list(d.prerequisites));
  html += card(`Steps (${d.route} route)`, steps(d.steps), 'steps');
  if (d.alternative) html += card(`Alternative (${d.alternative.route} route)`, steps(d.alternative.steps));
  return { verdict, severity: d.blocked ? 'bad' : v.severity === 'warn' ? 'warn' : 'ok', subject: d.file, html };
}

function steps(list: PlanDoc['steps']): string {
  return `<ol class="plan">${list
    .map((s) => `<li><strong>${esc(s.title)}</strong>${commands(s.commands)}${s.note ? `<p class="muted">${esc(s.note)}</p>` : ''}</li>`)
    .join('')}</ol>`;
}

/** The subset of the `esxi show` document this page reads (docs/json-esxi.md; unknown values are omitted there). */
export interface ShowDoc {
  file: string;
  kind: string;
  layers?: string[];
  version?: { release?: string; build?: string };
  hostName?: { value?: string };
  uuid?: { value?: string };
  encryption?: { encrypted: boolean; decrypted?: boolean; mode?: string; reason?: string };
  files?: unknown[];
  network?: {
    managementInterface?: string;
    managementAddress?: { value?: string };
    gateway?: string;
    dns?: { servers?: string[] };
    vmkernelNics?: { name: string; portGroup?: string; address?: string; dhcp?: boolean; services?: string[] }[];
    vSwitches?: { name: string; uplinks?: string[]; mtu?: string; portGroups?: { name: string; vlanId?: string }[] }[];
  };
  users?: { name: string; uid?: number; passwordHash?: string; groups?: string[] }[];
  advancedSettings?: { option: string; value: string }[];
  warnings?: { code: string; message: string; offset?: number }[];
}

/** A comma-separated list of at most HTML_TABLE_ROWS items, and how many were left out. */
function capped(items: readonly string[]): string {
  const shown = items.slice(0, HTML_TABLE_ROWS).join(', ');
  return items.length > HTML_TABLE_ROWS ? `${shown}, … and ${num(items.length - HTML_TABLE_ROWS)} more` : shown;
}

/** `esxi show`: what the backup holds. */
export function showSection(d: ShowDoc): Section {
  const enc = d.encryption ?? { encrypted: false };
  const locked = enc.encrypted && !enc.decrypted;
  const version = d.version?.release ? `ESXi ${d.version.release}${d.version.build ? ` build ${d.version.build}` : ''}` : 'ESXi (version unknown)';
  const host = d.hostName?.value;
  const verdict = locked
    ? `Encrypted backup that could not be decrypted: ${enc.reason ?? 'no key'}.`
    : `${version} backup${host ? ` of ${host}` : ''}: ${plural((d.files ?? []).length, 'file')}.`;
  const net = d.network ?? {};
  let html = card(
    'Backup',
    facts([
      ['kind', `${d.kind}${(d.layers?.length ?? 0) > 1 ? ` (${d.layers!.join(' › ')})` : ''}`],
      ['version', version],
      ['host name', host],
      ['UUID', d.uuid?.value],
      ['encryption', enc.encrypted ? `${enc.mode ?? 'mode unknown'}, ${enc.decrypted ? 'decrypted' : 'NOT decrypted'}` : 'none'],
      ['management', [net.managementInterface, net.managementAddress?.value].filter(Boolean).join(' ')],
      ['gateway', net.gateway],
      ['DNS', capped(net.dns?.servers ?? [])],
    ]),
  );
  if (net.vmkernelNics?.length) {
    html += card('VMkernel NICs', table([{ title: 'name' }, { title: 'port group' }, { title: 'address' }, { title: 'services' }], net.vmkernelNics.map((n) => [n.name, n.portGroup, n.address ?? (n.dhcp ? 'DHCP' : null), (n.services ?? []).join(', ')])));
  }
  if (net.vSwitches?.length) {
    html += card(
      'vSwitches',
      table(
        [{ title: 'name' }, { title: 'uplinks' }, { title: 'MTU' }, { title: 'port groups' }],
        net.vSwitches.map((v) => [v.name, (v.uplinks ?? []).join(', '), v.mtu, (v.portGroups ?? []).map((p) => `${p.name}${p.vlanId ? ` (VLAN ${p.vlanId})` : ''}`).join(', ')]),
      ),
    );
  }
  if (d.users?.length) html += card('Users', table([{ title: 'name' }, { title: 'uid', numeric: true }, { title: 'password hash' }, { title: 'groups' }], d.users.map((u) => [u.name, u.uid, u.passwordHash, (u.groups ?? []).join(', ')])));
  if (d.advancedSettings?.length) html += card('Advanced settings', table([{ title: 'option' }, { title: 'value' }], d.advancedSettings.map((a) => [a.option, a.value])));
  html += warningsCard(d.warnings);
  return { verdict, severity: locked ? 'warn' : 'ok', subject: d.file, html };
}

/** The subset of the `esxi extract` document this page reads. */
export interface ExtractDoc {
  file: string;
  to: string;
  written?: { path: string; size: number; secret: boolean }[];
  skipped?: { path: string; reason: string; message: string }[];
  warnings?: { code: string; message: string; offset?: number }[];
}

/** `esxi extract`: what was written and what was refused. */
export function extractSection(d: ExtractDoc): Section {
  const written = d.written ?? [];
  const skipped = d.skipped ?? [];
  const verdict = `${plural(written.length, 'file')} written to ${d.to}${skipped.length ? `; ${plural(skipped.length, 'entry', 'entries')} refused` : ''}.`;
  let html = '';
  if (skipped.length) html += card('Refused entries', table([{ title: 'path' }, { title: 'reason' }, { title: 'message' }], skipped.map((x) => [x.path, x.reason, x.message])));
  html += card('Written', table([{ title: 'path' }, { title: 'size', numeric: true }, { title: 'secret' }], written.map((w) => [w.path, w.size, w.secret ? 'yes' : ''])));
  html += warningsCard(d.warnings);
  return { verdict, severity: skipped.length ? 'warn' : 'ok', subject: d.file, html };
}
