/**
 * Per-entry comparison of the small /etc files: users (passwd, shadow, group), hosts, resolv.conf.
 * Password hashes are compared but never copied into a Change unless showSecrets.
 */
import { hashAlgorithm, parseGroup, parsePasswd, parseShadow, shadowSecrets, type ShadowUser } from '../config/passwd.js';
import { parseHosts } from '../config/hosts.js';
import { parseResolv } from '../config/resolv.js';
import type { Change } from './model.js';
import { withValues } from '../secrets.js';

/**
 * Account details per user, and the password field (field 2) like the shadow hash: normally `x` (the hash
 * is in etc/shadow), but a hash stored here is just as secret and its change is reported the same way.
 */
export function diffPasswd(path: string, before: string, after: string, showSecrets: boolean): Change[] {
  const a = new Map(parsePasswd(before).map((u) => [u.name, u]));
  const b = new Map(parsePasswd(after).map((u) => [u.name, u]));
  const ha = shadowSecrets(before);
  const hb = shadowSecrets(after);
  const out: Change[] = [];
  for (const name of union(a, b)) {
    const x = a.get(name);
    const y = b.get(name);
    const fmt = (u: typeof x) => (u ? `uid=${u.uid} gid=${u.gid} home=${u.home} shell=${u.shell} (${u.gecos})` : undefined);
    if (!x) out.push(change('users', path, name, 'added', `user ${name} added`, undefined, fmt(y)));
    else if (!y) out.push(change('users', path, name, 'removed', `user ${name} removed`, fmt(x), undefined));
    else {
      // fields compared first: formatting both sides of every unchanged user was most of the cost
      const same = x.uid === y.uid && x.gid === y.gid && x.home === y.home && x.shell === y.shell && x.gecos === y.gecos;
      if (!same && fmt(x) !== fmt(y)) out.push(change('users', path, name, 'modified', `user ${name}: account details changed`, fmt(x), fmt(y)));
      const px = ha.get(name) ?? '';
      const py = hb.get(name) ?? '';
      if (px !== py) {
        const scheme = (f: string) => (f === 'x' ? 'in etc/shadow' : hashAlgorithm(f));
        const algo = scheme(px) === scheme(py) ? '' : ` (${scheme(px)} → ${scheme(py)})`;
        const lx = hashAlgorithm(px) === 'locked';
        const ly = hashAlgorithm(py) === 'locked';
        const what = lx !== ly ? (ly ? 'password locked' : 'password unlocked') : 'password changed';
        out.push(secretChange(path, name, 'modified', `${name}: ${what} in ${path}${algo}`, px, py, showSecrets));
      }
    }
  }
  return out;
}

export function diffShadow(path: string, before: string, after: string, showSecrets: boolean): Change[] {
  const a = new Map(parseShadow(before).map((u) => [u.name, u]));
  const b = new Map(parseShadow(after).map((u) => [u.name, u]));
  const ha = shadowSecrets(before);
  const hb = shadowSecrets(after);
  const out: Change[] = [];
  for (const name of union(a, b)) {
    const x = a.get(name);
    const y = b.get(name);
    if (!x || !y) {
      const label = `user ${name}: password entry ${x ? 'removed' : 'added'}${(y ?? x)?.locked ? ' (locked)' : ''}`;
      out.push(secretChange(path, name, x ? 'removed' : 'added', label, ha.get(name), hb.get(name), showSecrets));
      continue;
    }
    if (ha.get(name) !== hb.get(name)) {
      const algo = x.algorithm === y.algorithm ? '' : ` (${x.algorithm} → ${y.algorithm})`;
      const what = x.locked !== y.locked ? (y.locked ? 'password locked' : 'password unlocked') : 'password changed';
      out.push(secretChange(path, name, 'modified', `${name}: ${what}${algo}`, ha.get(name), hb.get(name), showSecrets));
    }
    const ageing = ageingChange(path, x, y);
    if (ageing) out.push(ageing);
  }
  return out;
}

/** The shadow ageing fields (3-8) and their names in a report. */
const AGEING_FIELDS: ReadonlyArray<readonly ['lastChange' | 'minDays' | 'maxDays' | 'warnDays' | 'inactiveDays' | 'expires', string]> = [
  ['lastChange', 'last change'],
  ['minDays', 'min days'],
  ['maxDays', 'max days'],
  ['warnDays', 'warn days'],
  ['inactiveDays', 'inactive days'],
  ['expires', 'expires'],
];

/** An ageing field is a number of days; anything else (a hash in the wrong field of a broken line) is not quoted. */
const DAYS = /^-?\d{1,12}$/;

function days(value: string): string {
  return value === '' ? '(empty)' : DAYS.test(value) ? value : '(not a number)';
}

/**
 * The password ageing of a user changed (max days 99999 → 90 on a password last changed in 2019 expires it
 * as soon as the backup is restored): one change naming each field, with the values only (never field 2).
 */
function ageingChange(path: string, x: ShadowUser, y: ShadowUser): Change | undefined {
  const changed = AGEING_FIELDS.filter(([field]) => x[field] !== y[field]);
  if (changed.length === 0) return undefined;
  const side = (u: ShadowUser) => changed.map(([field, label]) => `${label} ${days(u[field])}`).join(', ');
  const what = changed.map(([field, label]) => `${label} ${days(x[field])} → ${days(y[field])}`).join(', ');
  return change('users', path, x.name, 'modified', `${x.name}: password ageing changed (${what})`, side(x), side(y));
}

/** A change of a password field: marked secret, its values only with showSecrets. */
function secretChange(path: string, name: string, kind: Change['change'], label: string, before: string | undefined, after: string | undefined, showSecrets: boolean): Change {
  return withValues(change('users', path, name, kind, label, undefined, undefined), true, before, after, showSecrets);
}

export function diffGroup(path: string, before: string, after: string): Change[] {
  const a = new Map(parseGroup(before).map((g) => [g.name, g]));
  const b = new Map(parseGroup(after).map((g) => [g.name, g]));
  const out: Change[] = [];
  for (const name of union(a, b)) {
    const fmt = (g: ReturnType<typeof a.get>) => (g ? `gid=${g.gid} members=${g.members.join(',')}` : undefined);
    const x = fmt(a.get(name));
    const y = fmt(b.get(name));
    if (x === y) continue;
    const kind = x === undefined ? 'added' : y === undefined ? 'removed' : 'modified';
    out.push(change('users', path, name, kind, `group ${name} ${kind === 'modified' ? 'changed' : kind}`, x, y));
  }
  return out;
}

/** hosts: one change per address (names compared as written). */
export function diffHosts(path: string, before: string, after: string): Change[] {
  // names of every line of an address, joined once at the end (re-joining per line was quadratic)
  const byAddr = (t: string) => {
    const names = new Map<string, string[]>();
    for (const e of parseHosts(t)) {
      let list = names.get(e.address);
      if (list === undefined) names.set(e.address, (list = []));
      for (const n of e.names) if (n !== '') list.push(n);
    }
    return new Map([...names].map(([addr, list]) => [addr, list.join(' ')]));
  };
  const a = byAddr(before);
  const b = byAddr(after);
  const out: Change[] = [];
  for (const addr of union(a, b)) {
    const x = a.get(addr);
    const y = b.get(addr);
    if (x === y) continue;
    const kind = x === undefined ? 'added' : y === undefined ? 'removed' : 'modified';
    const text = kind === 'added' ? `hosts entry ${addr} ${y} added` : kind === 'removed' ? `hosts entry ${addr} ${x} removed` : `hosts entry ${addr}: ${x} → ${y}`;
    out.push(change('network', path, addr, kind, text, x, y));
  }
  return out;
}

/** resolv.conf: each name server added/removed; search list and domain as values. */
export function diffResolv(path: string, before: string, after: string): Change[] {
  const a = parseResolv(before);
  const b = parseResolv(after);
  const out: Change[] = [];
  const inA = new Set(a.nameservers);
  const inB = new Set(b.nameservers);
  for (const ns of b.nameservers) if (!inA.has(ns)) out.push(change('network', path, `nameserver ${ns}`, 'added', `DNS server ${ns} added`, undefined, ns));
  for (const ns of a.nameservers) if (!inB.has(ns)) out.push(change('network', path, `nameserver ${ns}`, 'removed', `DNS server ${ns} removed`, ns, undefined));
  if (a.nameservers.join() !== b.nameservers.join() && sameSet(a.nameservers, b.nameservers)) {
    out.push(change('network', path, 'nameserver order', 'modified', `DNS server order: ${a.nameservers.join(', ')} → ${b.nameservers.join(', ')}`, a.nameservers.join(', '), b.nameservers.join(', ')));
  }
  const pairs: Array<[string, string, string]> = [
    ['search', a.search.join(' '), b.search.join(' ')],
    ['domain', a.domain ?? '', b.domain ?? ''],
    ['options', a.options.join(' '), b.options.join(' ')],
  ];
  for (const [key, x, y] of pairs) {
    if (x === y) continue;
    const kind = x === '' ? 'added' : y === '' ? 'removed' : 'modified';
    out.push(change('network', path, key, kind, `DNS ${key}: ${x || '(none)'} → ${y || '(none)'}`, x || undefined, y || undefined));
  }
  return out;
}

function change(area: Change['area'], path: string, key: string, kind: Change['change'], label: string, before: string | undefined, after: string | undefined): Change {
  const c: Change = { area, path, key, change: kind, label };
  setValues(c, before, after);
  return c;
}

function setValues(c: Change, before: string | undefined, after: string | undefined): void {
  if (before !== undefined) c.before = before;
  if (after !== undefined) c.after = after;
}

function union<K>(a: Map<K, unknown>, b: Map<K, unknown>): K[] {
  return [...new Set([...a.keys(), ...b.keys()])];
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((x, i) => x === sb[i]);
}
