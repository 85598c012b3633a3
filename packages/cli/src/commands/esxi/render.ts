import type { ExtractReport, ShowReport } from '@analyze/core/esxi';
import { cutForMessage } from '@analyze/core/errors';
import type { Colors } from '../../render/color.js';
import { formatBytes } from '../../render/progress.js';
import { printable } from '../../render/printable.js';

const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));
const LABEL = 16;
/**
 * Longest list (users, advanced settings, DNS servers, files…) printed in full in the text view. Real hosts
 * have tens of each; a backup with 100,000 is a generated or damaged one, and printing every line would
 * cost more memory than the whole analysis. --json keeps every entry.
 */
export const SHOW_TEXT_LIST_LIMIT = 1000;

/** The first SHOW_TEXT_LIST_LIMIT entries, and the line that says how many were left out. */
function shown<T>(list: readonly T[], c: Colors): { items: readonly T[]; more: string | undefined } {
  if (list.length <= SHOW_TEXT_LIST_LIMIT) return { items: list, more: undefined };
  return { items: list.slice(0, SHOW_TEXT_LIST_LIMIT), more: `  ${c.dim(`… and ${list.length - SHOW_TEXT_LIST_LIMIT} more (--json lists all ${list.length})`)}` };
}

/** The text form of `esxi show`. No secret value is in the report, so none can be printed here. */
export function renderShow(file: string, r: ShowReport, c: Colors): string {
  const out: string[] = [];
  const line = (label: string, value: string) => out.push(`  ${pad(label, LABEL)}${value}`);
  const list = <T>(all: readonly T[], each: (x: T) => void) => {
    const { items, more } = shown(all, c);
    items.forEach(each);
    if (more) out.push(more);
  };
  out.push(`${c.bold(file)}: ESXi ${r.kind} (${r.layers.join(' › ')})`);
  const v = r.version;
  line('ESXi version', v.release === undefined ? c.dim('unknown') : `${v.release}${v.update ? ` ${v.update}` : ''}${v.build ? ` build ${v.build}` : c.dim(' (build not recorded)')} ${c.dim(`from ${v.source}`)}`);
  line('host name', r.hostName.value ?? c.dim('unknown'));
  line('UUID', r.uuid.value ?? c.dim('unknown'));
  if (r.manifest && r.manifest.uuid !== undefined && r.manifest.uuid !== r.uuid.value) line('bundle UUID', r.manifest.uuid);
  if (r.manifest?.kernelOpts) line('boot options', r.manifest.kernelOpts);
  const e = r.encryption;
  const untold = r.error === undefined ? 'no local.tgz or local.tgz.ve in the backup' : 'the backup is damaged before its local.tgz';
  if (!e.encrypted) line('encryption', r.layers.includes('local.tgz') ? 'none (plain local.tgz)' : c.dim(`none to tell: ${untold}`));
  else if (e.decrypted) line('encryption', `local.tgz.ve, keystore mode ${e.mode}: decrypted offline${e.keyId ? c.dim(` (key ${e.keyId})`) : ''}`);
  else line('encryption', c.yellow(`local.tgz.ve, NOT decrypted: ${e.reason ?? 'unknown reason'}`));
  if (r.outer.length > 0) line('outer members', r.outer.map((m) => `${m.path} (${formatBytes(m.size)})`).join(', '));

  const n = r.network;
  if (n.source !== undefined || n.vSwitches.length > 0) {
    out.push('', c.bold(`Network ${c.dim(`(from ${n.source ?? 'unknown'})`)}`));
    const addr = n.managementAddress.value;
    line('management', `${n.managementInterface ?? 'vmk0'} ${addr ?? c.dim('address unknown')}${addr && n.managementAddress.source !== n.source ? c.dim(` (from ${n.managementAddress.source})`) : ''}`);
    if (n.gateway) line('gateway', n.gateway);
    if (n.dns.servers.length > 0) {
      const dns = shown(n.dns.servers, c);
      const search = shown(n.dns.search, c);
      line('DNS', `${dns.items.join(', ')}${dns.more ? ',' : ''}${search.items.length > 0 ? ` (search ${search.items.join(' ')})` : ''}`);
      if (dns.more) out.push(dns.more);
    }
    list(n.physicalNics, (p) => line(p.name, `physical NIC${p.mac ? `, MAC ${p.mac}` : ''}`));
    list(n.vSwitches, (s) => {
      line(s.name, `uplinks ${s.uplinks.join(', ') || c.dim('none')}${s.mtu ? `, MTU ${s.mtu}` : ''}`);
      list(s.portGroups, (pg) => line('', `port group "${pg.name}"${pg.vlanId !== undefined ? ` VLAN ${pg.vlanId}` : ''}`));
    });
    list(n.vmkernelNics, (k) => {
      const ip = k.address ? `${k.address}${k.netmask ? `/${k.netmask}` : ''}` : k.dhcp ? 'DHCP' : c.dim('no IPv4');
      line(k.name, `${ip}${k.portGroup ? ` on "${k.portGroup}"` : ''}${k.mac ? `, MAC ${k.mac}` : ''}${k.services.length > 0 ? `, ${k.services.join(', ')}` : ''}`);
    });
  }
  if (r.passthrough.length > 0) {
    out.push('', c.bold('Passthrough (VMDirectPath) devices'));
    list(r.passthrough, (p) => line(p.device, `${p.address ? `${p.address} ` : ''}owner ${p.owner}${p.name ? ` (${p.name})` : ''}`));
  }
  if (r.users.length > 0) {
    out.push('', c.bold(`Users ${c.dim('(password hashes are never shown)')}`));
    list(r.users, (u) => {
      const pw = u.passwordHash === undefined ? 'no shadow entry' : u.passwordHash === 'locked' ? 'login locked' : u.passwordHash === 'none' ? c.yellow('EMPTY password') : `${u.passwordHash} password hash`;
      line(u.name, `${u.uid !== undefined ? `uid ${u.uid}, ` : ''}${pw}${u.groups.length > 0 ? `, groups ${u.groups.join(' ')}` : ''}`);
    });
  }
  if (r.advancedSettings.length > 0) {
    out.push('', c.bold(`Advanced settings ${c.dim('(esx.conf /adv: only non-default values are stored)')}`));
    list(r.advancedSettings, (a) => line('', `${a.option} = ${a.value}`));
  }
  if (r.configStore) out.push('', `${c.bold('ConfigStore')}  ${r.configStore.rows} rows in ${r.configStore.groups.length} groups`);
  if (r.files.length > 0) {
    const secrets = r.files.filter((f) => f.secret).length;
    out.push('', c.bold(`Files (${r.files.length}; ${secrets} hold secrets, marked ${c.yellow('secret')}: their contents are never shown)`));
    let w = 0;
    for (const f of r.files) w = Math.max(w, String(f.size).length); // no spread: a backup may list 100,000 files
    list([...r.files].sort((a, b) => (a.path < b.path ? -1 : 1)), (f) => {
      const when = f.mtime === undefined ? '                ' : f.mtime.slice(0, 16).replace('T', ' ');
      const kind = f.type === 'file' ? '' : ` ${c.dim(`[${f.type}${f.linkpath !== undefined ? ` → ${f.linkpath}` : ''}]`)}`;
      out.push(`  ${f.mode}  ${when}  ${String(f.size).padStart(w)}  ${f.path}${kind}${f.secret ? ` ${c.yellow('secret')}` : ''}`);
    });
  }
  // One entry per line: a line break inside a name or value read from the backup is shown as \x0a, not obeyed.
  return `${out.map(printable).join('\n')}\n`;
}

/** Longest skipped path shown whole (real ones are under 200 characters; written ones at most 4,095 bytes). */
const SHOWN_PATH_CHARS = 4096;

export function renderExtract(file: string, r: ExtractReport, c: Colors): string {
  const out = [`${c.bold(file)}: wrote ${r.written.length} file${r.written.length === 1 ? '' : 's'} (${formatBytes(r.written.reduce((s, f) => s + f.size, 0))}) under ${r.to}`];
  const stripped = r.written.filter((f) => f.strippedBits !== undefined);
  for (const f of stripped) out.push(`  ${f.path}: removed setuid/setgid/sticky bits ${f.strippedBits!.toString(8).padStart(4, '0')}`);
  for (const f of r.written.filter((w) => w.storedAs !== undefined)) out.push(`  ${f.path}: stored as absolute path ${f.storedAs}, written inside the folder`);
  for (const f of r.written.filter((w) => w.timeNotSet)) out.push(`  ${f.path}: its time in the archive is one this file system cannot hold; it keeps the time it was written`);
  const secrets = r.written.filter((f) => f.secret).length;
  if (secrets > 0) out.push(c.yellow(`  ${secrets} written files hold secrets (password hashes, private keys): protect the folder`));
  if (r.skipped.length > 0) {
    out.push(c.yellow(`Skipped ${r.skipped.length}:`));
    // A refused path can be a 1 MiB pax name: quoted cut, not as a 1 MiB line.
    for (const s of r.skipped) out.push(`  ${cutForMessage(s.path, SHOWN_PATH_CHARS)}: ${s.message} [${s.reason}]`);
  }
  return `${out.map(printable).join('\n')}\n`;
}
