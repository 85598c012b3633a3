/**
 * ConfigStore compared per row (component/group/name/identifier), per value column and per JSON field.
 * Timestamp churn (ModifiedTime, CreationTime, Revision — bumped by triggers on every write) is never
 * compared; CachedValue (runtime cache: DHCP lease state, reboot reason) and KVTable boot flags are noise.
 */
import type { ConfigStore, ConfigStoreRow, ValueColumn } from '../config/configstore.js';
import { CONFIGSTORE_PATH, MAX_CONFIGSTORE_DEPTH } from '../config/configstore.js';
import { cutForMessage } from '../../errors.js';
import { isSecretChange, withValues } from '../secrets.js';
import { MAX_CHANGE_LABEL, type Change, type ChangeArea } from './model.js';

const COLUMN_NAMES: Record<ValueColumn, string> = {
  AutoConfValue: 'auto',
  UserValue: 'user',
  VitalValue: 'vital',
  CachedValue: 'cached',
  DesiredValue: 'desired',
};

/** Columns whose differences are runtime state, not configuration. */
const NOISE_COLUMNS: ReadonlySet<ValueColumn> = new Set(['CachedValue']);

/** JSON fields that are timestamps or write counters (churn, like the ModifiedTime column). */
const TIMESTAMP_FIELD = /(^|_)(modified_?time|creation_?time|timestamp|last_?(update|modified|changed)(_time)?|revision)$/i;

/** Keys that identify an element of an array of objects, in order of preference. */
const ID_FIELDS = ['name', 'key', 'device', 'id', 'volume_name', 'profile_name', 'address'];

export function rowId(r: ConfigStoreRow): string {
  return `${r.component}/${r.group}/${r.name}${r.identifier === '' ? '' : `/${r.identifier}`}`;
}

/** Area of a ConfigStore row from its group and name. */
export function configStoreArea(r: ConfigStoreRow): ChangeArea {
  const g = r.group;
  if (g === 'system' && (r.name === 'device_data' || r.name === 'vmware_software_devices')) return 'devices';
  if (g.startsWith('network')) return 'network';
  if (g.startsWith('storage')) return 'storage';
  if (g === 'authentication' || g === 'authorization' || g === 'users' || g === 'accounts') return 'users';
  if (g === 'services' || g === 'syslog') return 'services';
  if (g.startsWith('security') || g === 'ssh' || g === 'certificates') return 'security';
  return 'system';
}

/**
 * Longest field path under which a value is still split into its members (the real 7.0.2 sample's longest
 * is 83 characters): an object or array at a longer path is one field, its JSON text. Each member's path
 * repeats its parent's, so 2,000 members under a 20,000-character key (42 KB of JSON) made 40 MB of paths
 * and took 4.9 s (`esxi diff` of two: 60 s, 570 MB); with the bound each path costs at most this much more
 * than its own name.
 */
export const MAX_FIELD_PATH = 256;

/**
 * Longest row name (group/name/identifier) a change quotes whole; real ones are a few dozen characters.
 * Every changed field of a row quotes it: 20,000 of a row with a 1,000,000-character identifier (an SQLite
 * field may hold 1 MiB) took `esxi diff` past 4 GB and 100 s, out of memory.
 */
export const MAX_ROW_NAME = 256;

/** A value as a change's label quotes it (the label is cut to MAX_CHANGE_LABEL when listed: no more is needed). */
function quoted(value: string | undefined): string {
  return cutForMessage(value ?? '', MAX_CHANGE_LABEL);
}

/** A row name as changes quote it, cut past MAX_ROW_NAME. */
function shortened(name: string): string {
  return cutForMessage(name, MAX_ROW_NAME);
}

/** Flatten a JSON value to leaf path → JSON text. Arrays of identified objects are keyed by their id.
 * Objects and arrays deeper than MAX_CONFIGSTORE_DEPTH or at a path longer than MAX_FIELD_PATH are one leaf.
 * @example flattenJson({ a: { b: 1 } }); // Map { 'a.b' => '1' }
 */
export function flattenJson(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  return flattenAt(value, prefix, out, 0);
}

function flattenAt(value: unknown, prefix: string, out: Map<string, string>, depth: number): Map<string, string> {
  if (typeof value === 'object' && value !== null && (depth >= MAX_CONFIGSTORE_DEPTH || prefix.length > MAX_FIELD_PATH)) {
    out.set(prefix, jsonText(value));
    return out;
  }
  if (Array.isArray(value)) {
    const ids = value.map(idOf);
    if (value.length > 0 && ids.every((id) => id !== undefined) && new Set(ids).size === ids.length) {
      value.forEach((item, i) => flattenAt(item, `${prefix}[${ids[i]}]`, out, depth + 1));
      return out;
    }
    out.set(prefix, JSON.stringify(value));
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(prefix, '{}');
    for (const [k, v] of entries) flattenAt(v, prefix === '' ? k : `${prefix}.${k}`, out, depth + 1);
    return out;
  }
  out.set(prefix, JSON.stringify(value));
  return out;
}

/**
 * The JSON text of a value kept whole. readConfigStore never gives one deeper than MAX_CONFIGSTORE_DEPTH;
 * a caller's own deeper value may be past what JSON.stringify walks (about 4,000 levels), and is named so.
 */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return JSON.stringify('(nested too deep to show)');
  }
}

function idOf(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  for (const f of ID_FIELDS) if (typeof o[f] === 'string' && o[f] !== '') return `${f}=${o[f] as string}`;
  return undefined;
}

/**
 * The last name of a field path, the ids in brackets left out: `a[name=x].b` → `b`. A scan, not
 * `replace(/\[[^\]]*\]/g, '')`, which rescanned to the end from each `[` without a `]` after it (quadratic).
 */
function leafName(field: string): string {
  let names = '';
  for (let i = 0; i < field.length; ) {
    const open = field.indexOf('[', i);
    const close = open < 0 ? -1 : field.indexOf(']', open + 1);
    if (close < 0) {
      names += field.slice(i);
      break;
    }
    names += field.slice(i, open);
    i = close + 1;
  }
  return names.slice(names.lastIndexOf('.') + 1);
}

/** "gained vmnic1, lost vmnic2" for two JSON arrays of scalars; undefined otherwise. */
function arrayDelta(before: string, after: string): string | undefined {
  try {
    const a = JSON.parse(before) as unknown;
    const b = JSON.parse(after) as unknown;
    if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
    const sa = a.map((x) => JSON.stringify(x));
    const sb = b.map((x) => JSON.stringify(x));
    const inA = new Set(sa);
    const inB = new Set(sb);
    const gained = sb.filter((x) => !inA.has(x)).map(unquote);
    const lost = sa.filter((x) => !inB.has(x)).map(unquote);
    const parts = [gained.length ? `gained ${gained.join(', ')}` : '', lost.length ? `lost ${lost.join(', ')}` : ''].filter(Boolean);
    return parts.length ? parts.join(', ') : `order ${before} → ${after}`;
  } catch {
    return undefined;
  }
}

/** The string a JSON string text holds; undefined for any other JSON text. */
function stringIn(json: string | undefined): string | undefined {
  return json?.startsWith('"') ? (JSON.parse(json) as string) : undefined;
}

function unquote(s: string): string {
  return s.startsWith('"') ? (JSON.parse(s) as string) : s;
}

/**
 * Changes between two ConfigStore databases, row by row and JSON field by field (secrets without values).
 * @example diffConfigStore(a.configStore, b.configStore, false).map((c) => c.label)
 */
export function diffConfigStore(before: ConfigStore | undefined, after: ConfigStore | undefined, showSecrets: boolean): Change[] {
  return [...configStoreChanges(before, after, showSecrets)];
}

/**
 * diffConfigStore one change at a time, for the diff's loop that lists the first MAX_CHANGES_LISTED and counts
 * the rest: two 16 MB databases differing in 1.26 million fields peaked at 1.2 GB held as one list.
 */
export function* configStoreChanges(before: ConfigStore | undefined, after: ConfigStore | undefined, showSecrets: boolean): Generator<Change> {
  const a = new Map((before?.rows ?? []).map((r) => [rowId(r), r]));
  const b = new Map((after?.rows ?? []).map((r) => [rowId(r), r]));
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const id of ids) {
    const x = a.get(id);
    const y = b.get(id);
    const row = (y ?? x) as ConfigStoreRow;
    const shownId = shortened(id);
    const where = `ConfigStore ${shortened(`${row.group}/${row.name}${row.identifier === '' ? '' : ` ${row.identifier}`}`)}`;
    if (!x || !y) {
      const kind = x ? 'removed' : 'added';
      yield { area: configStoreArea(row), path: CONFIGSTORE_PATH, key: shownId, change: kind, label: `${where}: ${x ? 'row removed' : 'row added'}` };
      continue;
    }
    for (const col of new Set([...Object.keys(x.values), ...Object.keys(y.values)]) as Set<ValueColumn>) {
      const fa = col in x.values ? flattenJson(x.values[col]) : new Map<string, string>();
      const fb = col in y.values ? flattenJson(y.values[col]) : new Map<string, string>();
      for (const field of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
        const va = fa.get(field);
        const vb = fb.get(field);
        if (va === vb) continue;
        const leaf = leafName(field);
        const noise = NOISE_COLUMNS.has(col) || TIMESTAMP_FIELD.test(leaf);
        // a value kept as text (not JSON, or nested too deep) is a JSON string here, its quotes escaped:
        // a `"password":"…"` inside it is checked as written too
        const secret = isSecretChange(leaf, va, vb) || isSecretChange(leaf, stringIn(va), stringIn(vb));
        const kind = va === undefined ? 'added' : vb === undefined ? 'removed' : 'modified';
        const fieldName = `${COLUMN_NAMES[col]}${field === '' ? '' : `.${field}`}`;
        let text: string;
        if (secret && !showSecrets) text = `${fieldName} ${kind === 'modified' ? 'changed' : kind}`;
        // values quoted cut here already (MAX_CHANGE_LABEL): a label is redacted, then cut, as one string
        else if (kind === 'modified') text = `${fieldName} ${arrayDelta(va ?? '', vb ?? '') ?? `${quoted(va)} → ${quoted(vb)}`}`;
        else if (kind === 'added') text = `${fieldName} set to ${quoted(vb)}`;
        else text = `${fieldName} removed (was ${quoted(va)})`;
        const c: Change = { area: noise ? 'noise' : configStoreArea(row), path: CONFIGSTORE_PATH, key: `${shownId}:${fieldName}`, change: kind, label: `${where}: ${text}` };
        yield withValues(c, secret, va, vb, showSecrets);
      }
    }
  }
  const ka = new Map((before?.kv ?? []).map((k) => [k.key, k.value]));
  const kb = new Map((after?.kv ?? []).map((k) => [k.key, k.value]));
  for (const k of [...new Set([...ka.keys(), ...kb.keys()])].sort()) {
    const va = ka.get(k);
    const vb = kb.get(k);
    if (va === vb) continue;
    const kind = !ka.has(k) ? 'added' : !kb.has(k) ? 'removed' : 'modified';
    const c: Change = { area: 'noise', path: CONFIGSTORE_PATH, key: `KVTable/${k}`, change: kind, label: `ConfigStore boot flag ${k}: ${va ?? '(none)'} → ${vb ?? '(none)'}` };
    if (va !== undefined && va !== null) c.before = va;
    if (vb !== undefined && vb !== null) c.after = vb;
    yield c;
  }
}
