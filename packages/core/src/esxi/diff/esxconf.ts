/**
 * esx.conf compared by key, order-insensitive, with indexes replaced by names so that renumbered children
 * (a port group moved, a vSwitch deleted and re-created) compare by what they are, not where they sit.
 */
import { compareKeys, type EsxConf } from '../config/esxconf.js';
import { isSecretChange, withValues } from '../secrets.js';
import { endsWithGroup, groupsElided, isVswitchChild, uplinkMember, uplinkOrder, uplinkSetMember } from './key-shapes.js';
import type { Change, ChangeArea } from './model.js';

export const ESXCONF_PATH = 'etc/vmware/esx.conf';

/**
 * Keys that change without anyone changing the host: the `/UserVars` option schema (rewritten by every
 * release) and the per-host address-space randomisation seed.
 */
const NOISE_KEYS = [/^\/advUserOptions\//, /^\/adv\/UserMem\/UserMemASRandomSeed$/];

interface Canon {
  value: string;
  raw: string;
}

/**
 * Canonical key → value, in file order. `child[0003]` becomes `child{vSwitch1}` when the child has a `name` leaf;
 * `uplinks/child[N]/pnic = "vmnicX"` becomes the set member `uplinks{vmnicX}`; the teaming order
 * `uplinks[N]/pnic` becomes one ordered list value `uplinks`.
 * @example const canon = canonicalEsxConf(parseEsxConf(text));
 */
export function canonicalEsxConf(conf: EsxConf): Map<string, Canon> {
  const names = new Map<string, string>();
  for (const [k, v] of conf.entries) {
    if (v === '' || !k.endsWith('/name')) continue;
    const m = /^(.*\])\/name$/.exec(k);
    if (m) names.set(m[1] ?? '', v);
  }
  const out = new Map<string, Canon>();
  const orders = new Map<string, Array<[string, string]>>();
  // No sort here: the natural-order collator was a third of a 100,000-key diff, and diffEsxConf sorts the
  // union of both sides once; `put` settles name collisions by natural order so the result does not
  // depend on the order of the file.
  for (const [raw, value] of conf.entries) {
    let key = rename(raw, names);
    const uplink = key.includes('/uplinks');
    const member = uplink ? uplinkMember(key) : undefined;
    const order = uplink ? uplinkOrder(key) : undefined;
    if (member) {
      key = `${member[0]}{${value}}`;
      put(out, key, { value: 'present', raw });
    } else if (order) {
      const list = orders.get(order[0]) ?? [];
      list.push([order[1], value]);
      orders.set(order[0], list);
    } else {
      put(out, key, { value, raw });
    }
  }
  for (const [key, list] of orders) {
    list.sort((a, b) => compareKeys(a[0], b[0]));
    put(out, key, { value: list.map(([, v]) => v).join(', '), raw: `${groupsElided(key)}[…]/pnic` });
  }
  return out;
}

/**
 * Two children with the same name would collide: the one whose raw key comes first in natural order keeps
 * the canonical key, the other is kept under its raw key.
 */
function put(out: Map<string, Canon>, key: string, c: Canon): void {
  const held = out.get(key);
  if (held === undefined) {
    out.set(key, c);
  } else if (compareKeys(c.raw, held.raw) < 0) {
    out.set(held.raw, held);
    out.set(key, c);
  } else {
    out.set(c.raw, c);
  }
}

function rename(raw: string, names: Map<string, string>): string {
  if (raw.startsWith('/')) {
    // one look-up per bracketed segment, by a slice of raw (building every prefix was the costliest step)
    let out = '';
    for (let start = 1; start <= raw.length; ) {
      let end = raw.indexOf('/', start);
      if (end < 0) end = raw.length;
      const seg = raw.slice(start, end);
      const bracket = seg.indexOf('[');
      const name = bracket > 0 ? names.get(raw.slice(0, end)) : undefined;
      out += name !== undefined ? `/${seg.slice(0, bracket)}{${name}}` : `/${seg}`;
      start = end + 1;
    }
    return out;
  }
  let prefix = '';
  let out = '';
  for (const seg of raw.split('/').slice(1)) {
    prefix += `/${seg}`;
    const name = names.get(prefix);
    const bracket = seg.indexOf('[');
    out += name !== undefined && bracket > 0 ? `/${seg.slice(0, bracket)}{${name}}` : `/${seg}`;
  }
  return out;
}

/** Area of an esx.conf key. */
export function esxConfArea(key: string): ChangeArea {
  if (NOISE_KEYS.some((re) => re.test(key))) return 'noise';
  if (/^\/adv\/(Misc\/HostName|Misc\/HostIPAddr|Net\/Management)/.test(key)) return 'network';
  if (key.startsWith('/adv/')) return 'advanced';
  if (key.startsWith('/net/') || key.startsWith('/firewall/')) return 'network';
  if (key.startsWith('/device/') || key.startsWith('/vmkdevmgr/')) return 'devices';
  if (/^\/(fs|storage|nas|iscsi|scsi|disk|lvm)\b/i.test(key)) return 'storage';
  return 'system';
}

/** A readable subject for a canonical key: "vSwitch0, port group \"VM Network\": vlanId". */
function subject(key: string, devName: (addr: string) => string | undefined): string {
  let m = /^\/net\/vswitch\/child\{([^}]*)\}\/portgroup\/child\{([^}]*)\}\/?(.*)$/.exec(key);
  if (m) return `${m[1]}, port group "${m[2]}"${m[3] ? `: ${m[3]}` : ''}`;
  m = /^\/net\/vswitch\/child\{([^}]*)\}\/?(.*)$/.exec(key);
  if (m) return `${m[1]}${m[2] ? `: ${m[2]}` : ''}`;
  m = /^\/net\/pnic\/child\{([^}]*)\}\/?(.*)$/.exec(key);
  if (m) return `NIC ${m[1]}${m[2] ? `: ${m[2]}` : ''}`;
  m = /^\/net\/vmkernelnic\/child\{([^}]*)\}\/?(.*)$/.exec(key);
  if (m) return `VMkernel NIC ${m[1]}${m[2] ? `: ${m[2]}` : ''}`;
  m = /^\/device\/([^/]+)\/(.*)$/.exec(key);
  if (m) {
    const name = devName(m[1] ?? '');
    return `device ${m[1]}${name ? ` (${name})` : ''}: ${m[2]}`;
  }
  m = /^\/vmkdevmgr\/pci\/([^/]+)\/alias$/.exec(key);
  if (m) return `device alias ${m[1]}`;
  if (key === '/adv/Misc/HostName') return 'host name (/Misc/HostName)';
  if (key === '/adv/Net/ManagementAddr') return 'management address (/Net/ManagementAddr)';
  if (key === '/system/uuid') return 'system UUID';
  if (key === '/resourceGroups/version') return 'release (/resourceGroups/version)';
  if (key === '/net/routes/kernel/gateway') return 'default gateway';
  if (key.startsWith('/adv/')) return `advanced setting ${key.slice(4)}`;
  return key;
}

/** Changes between two esx.conf models; either may be absent (file missing on that side).
 * @example const changes = diffEsxConf(parseEsxConf(before), parseEsxConf(after), false);
 */
export function diffEsxConf(before: EsxConf | undefined, after: EsxConf | undefined, showSecrets: boolean): Change[] {
  const a = before ? canonicalEsxConf(before) : new Map<string, Canon>();
  const b = after ? canonicalEsxConf(after) : new Map<string, Canon>();
  const devName = (addr: string) =>
    after?.entries.get(`/device/${addr}/vmkname`) ?? before?.entries.get(`/device/${addr}/vmkname`);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort(compareKeys);
  const changes: Change[] = [];
  // Whole named children that appear or vanish are reported once, not once per leaf.
  const wholeAdded = wholeChildren(keys, a, b);
  const wholeRemoved = wholeChildren(keys, b, a);
  const leavesAdded = leafCounts(keys, b, wholeAdded);
  const leavesRemoved = leafCounts(keys, a, wholeRemoved);
  const reported = new Set<string>();
  for (const key of keys) {
    const x = a.get(key);
    const y = b.get(key);
    if (x?.value === y?.value) continue;
    const whole = shortestPrefixIn(key, y && !x ? wholeAdded : x && !y ? wholeRemoved : undefined);
    if (whole !== undefined) {
      if (reported.has(whole)) continue;
      reported.add(whole);
      changes.push(wholeChange(whole, y ? 'added' : 'removed', (y ? leavesAdded : leavesRemoved).get(whole) ?? 0, y ? b : a, devName));
      continue;
    }
    const secret = isSecretChange(key.split('/').pop() ?? '', x?.value, y?.value);
    const kind = x === undefined ? 'added' : y === undefined ? 'removed' : 'modified';
    const c: Change = { area: esxConfArea(key), path: ESXCONF_PATH, key: y?.raw ?? x?.raw ?? key, change: kind, label: label(key, kind, x?.value, y?.value, secret, showSecrets, devName) };
    // Set members (`.../uplinks{vmnic1}`) have no value of their own.
    const member = endsWithGroup(key);
    withValues(c, secret, member ? undefined : x?.value, member ? undefined : y?.value, showSecrets);
    changes.push(c);
  }
  return changes;
}

/** Prefixes `…child{name}` whose `/name` leaf exists on `side` only. */
function wholeChildren(keys: string[], other: Map<string, Canon>, side: Map<string, Canon>): Set<string> {
  const out = new Set<string>();
  for (const k of keys) {
    if (!k.endsWith('}/name')) continue;
    const m = /^(.*\})\/name$/.exec(k);
    if (m && side.has(k) && !other.has(k)) out.add(m[1] ?? '');
  }
  return out;
}

/** The shortest `prefix` in `set` such that key starts with `prefix/`: one look-up per '/' of the key (linear, not keys × prefixes). */
function shortestPrefixIn(key: string, set: Set<string> | undefined): string | undefined {
  if (set === undefined || set.size === 0 || !key.includes('}')) return undefined;
  for (let i = key.indexOf('/', 1); i > 0; i = key.indexOf('/', i + 1)) {
    const p = key.slice(0, i);
    if (set.has(p)) return p;
  }
  return undefined;
}

/** How many keys of `side` lie under each whole child (for "(N settings)"), in one pass. */
function leafCounts(keys: string[], side: Map<string, Canon>, wholes: Set<string>): Map<string, number> {
  const counts = new Map<string, number>();
  if (wholes.size === 0) return counts;
  for (const k of keys) {
    if (!k.includes('}') || !side.has(k)) continue; // whole children end in `}`: other keys lie under none
    for (let i = k.indexOf('/', 1); i > 0; i = k.indexOf('/', i + 1)) {
      const p = k.slice(0, i);
      if (wholes.has(p)) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
  }
  return counts;
}

function wholeChange(prefix: string, kind: 'added' | 'removed', leaves: number, side: Map<string, Canon>, devName: (a: string) => string | undefined): Change {
  const what = subject(prefix, devName);
  const kindWord = isVswitchChild(prefix) ? 'vSwitch ' : '';
  const name = side.get(`${prefix}/name`)?.raw.replace(/\/name$/, '') ?? prefix;
  return { area: esxConfArea(prefix), path: ESXCONF_PATH, key: name, change: kind, label: `${kindWord}${what} ${kind} (${leaves} settings)` };
}

function label(key: string, kind: 'added' | 'removed' | 'modified', before: string | undefined, after: string | undefined, secret: boolean, showSecrets: boolean, devName: (a: string) => string | undefined): string {
  const member = uplinkSetMember(key);
  if (member) {
    const owner = subject(member[0].slice(0, -'/uplinks'.length), devName);
    return `${owner}: uplink ${member[1]} ${kind === 'added' ? 'added' : 'removed'}`;
  }
  const s = subject(key, devName);
  const show = (v: string | undefined) => (secret && !showSecrets ? '' : ` "${v ?? ''}"`);
  if (secret && !showSecrets && kind === 'modified') return `${s}: changed`;
  // a hidden value reads "added (value not shown)": "set to" without its value would read as broken, and
  // redactText would take the word after "Password: " for the value
  if (kind === 'added' && secret && !showSecrets) return `${s}: added (value not shown${key.startsWith('/adv/') ? '; image default before' : ''})`;
  if (kind === 'added') return `${s}: set to${show(after)}${key.startsWith('/adv/') ? ' (image default before)' : ''}`;
  if (kind === 'removed') {
    const was = secret && !showSecrets ? '' : ` (was "${before ?? ''}")`;
    return `${s}: removed${was}${key.startsWith('/adv/') ? ', back to the image default' : ''}`;
  }
  // "device 000:31.2 (vmhba0): owner vmkernel → passthru" reads better without a second colon
  return `${s}${key.startsWith('/device/') ? ' ' : ': '}${before} → ${after}`;
}
