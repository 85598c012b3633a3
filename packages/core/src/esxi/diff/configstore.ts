/**
 * ConfigStore compared per row (component/group/name/identifier), per value column and per JSON field.
 * Timestamp churn (ModifiedTime, CreationTime, Revision — bumped by triggers on every write) is never
 * compared; CachedValue (runtime cache: DHCP lease state, reboot reason) and KVTable boot flags are noise.
 */
import type { ConfigStore, ConfigStoreRow, ValueColumn } from '../config/configstore.js';
import { CONFIGSTORE_PATH } from '../config/configstore.js';
import { isSecretChange, withValues } from '../secrets.js';
import type { Change, ChangeArea } from './model.js';

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

/** Flatten a JSON value to leaf path → JSON text. Arrays of identified objects are keyed by their id.
 * @example flattenJson({ a: { b: 1 } }); // Map { 'a.b' => '1' }
 */
export function flattenJson(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    const ids = value.map(idOf);
    if (value.length > 0 && ids.every((id) => id !== undefined) && new Set(ids).size === ids.length) {
      value.forEach((item, i) => flattenJson(item, `${prefix}[${ids[i]}]`, out));
      return out;
    }
    out.set(prefix, JSON.stringify(value));
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(prefix, '{}');
    for (const [k, v] of entries) flattenJson(v, prefix === '' ? k : `${prefix}.${k}`, out);
    return out;
  }
  out.set(prefix, JSON.stringify(value));
  return out;
}

function idOf(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  for (const f of ID_FIELDS) if (typeof o[f] === 'string' && o[f] !== '') return `${f}=${o[f] as string}`;
  return undefined;
}

function leafName(field: string): string {
  return field.replace(/\[[^\]]*\]/g, '').split('.').pop() ?? field;
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

function unquote(s: string): string {
  return s.startsWith('"') ? (JSON.parse(s) as string) : s;
}

/**
 * Changes between two ConfigStore databases, row by row and JSON field by field (secrets without values).
 * @example diffConfigStore(a.configStore, b.configStore, false).map((c) => c.label)
 */
export function diffConfigStore(before: ConfigStore | undefined, after: ConfigStore | undefined, showSecrets: boolean): Change[] {
  const a = new Map((before?.rows ?? []).map((r) => [rowId(r), r]));
  const b = new Map((after?.rows ?? []).map((r) => [rowId(r), r]));
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: Change[] = [];
  for (const id of ids) {
    const x = a.get(id);
    const y = b.get(id);
    const row = (y ?? x) as ConfigStoreRow;
    const where = `ConfigStore ${row.group}/${row.name}${row.identifier === '' ? '' : ` ${row.identifier}`}`;
    if (!x || !y) {
      const kind = x ? 'removed' : 'added';
      out.push({ area: configStoreArea(row), path: CONFIGSTORE_PATH, key: id, change: kind, label: `${where}: ${x ? 'row removed' : 'row added'}` });
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
        const secret = isSecretChange(leaf, va, vb);
        const kind = va === undefined ? 'added' : vb === undefined ? 'removed' : 'modified';
        const fieldName = `${COLUMN_NAMES[col]}${field === '' ? '' : `.${field}`}`;
        let text: string;
        if (secret && !showSecrets) text = `${fieldName} ${kind === 'modified' ? 'changed' : kind}`;
        else if (kind === 'modified') text = `${fieldName} ${arrayDelta(va ?? '', vb ?? '') ?? `${va} → ${vb}`}`;
        else if (kind === 'added') text = `${fieldName} set to ${vb}`;
        else text = `${fieldName} removed (was ${va})`;
        const c: Change = { area: noise ? 'noise' : configStoreArea(row), path: CONFIGSTORE_PATH, key: `${id}:${fieldName}`, change: kind, label: `${where}: ${text}` };
        out.push(withValues(c, secret, va, vb, showSecrets));
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
    out.push(c);
  }
  return out;
}
