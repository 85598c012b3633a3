/**
 * The ESXi 7.x ConfigStore: SQLite database `var/lib/vmware/configstore/backup/current-store-1` inside
 * local.tgz (docs/formats/esxi.md §6). Read from memory with sql.js (SQLite compiled to WASM):
 * no temporary file, no native build. Why sql.js and what it costs: docs/esxi.md "ConfigStore".
 *
 * Table Config(Component, ConfigGroup, Name, Identifier, ModifiedTime, CreationTime, Version, Success,
 * AutoConfValue, UserValue, VitalValue, CachedValue, DesiredValue, Revision); values are JSON text.
 */
import { setFlagsFromString } from 'node:v8';
import { createRequire } from 'node:module';
import type { Database, SqlJsStatic } from 'sql.js';
import { AnalyzeError } from '../../errors.js';

export const CONFIGSTORE_PATH = 'var/lib/vmware/configstore/backup/current-store-1';

/** The five value columns, in the order ESXi layers them (auto defaults, what the admin set, hardware facts, runtime cache, desired state). */
export const VALUE_COLUMNS = ['AutoConfValue', 'UserValue', 'VitalValue', 'CachedValue', 'DesiredValue'] as const;
export type ValueColumn = (typeof VALUE_COLUMNS)[number];

export interface ConfigStoreRow {
  component: string;
  group: string;
  name: string;
  /** '' for singleton rows. */
  identifier: string;
  modifiedTime: string | undefined;
  creationTime: string | undefined;
  version: string | undefined;
  success: boolean | undefined;
  revision: number | undefined;
  /** Parsed JSON per value column (raw text when it is not valid JSON); absent columns are left out. */
  values: Partial<Record<ValueColumn, unknown>>;
}

export interface ConfigStore {
  rows: ConfigStoreRow[];
  /** KVTable (boot flags such as BOOT_MODE). */
  kv: Array<{ key: string; value: string | null; modifiedTime: string | undefined }>;
  /** Table names found in the database. */
  tables: string[];
}

let sqlJs: Promise<SqlJsStatic> | undefined;

/**
 * Loads and compiles the WASM build once per process (the measured cost is in docs/esxi.md).
 *
 * V8 compiles WASM with its baseline compiler (Liftoff) and then re-compiles hot code with TurboFan on
 * a background thread. For a CLI run that reads one ~100-row database this second compile of sql.js's
 * 1.2 MB module is pure cost: on the 2-core reference machine it took `esxi diff` from ~390 ms to
 * ~280 ms to stay on Liftoff (bench/esxi-diff.mjs). The flag is process-wide and other areas compile WASM
 * too (the pcap checksum kernel), so it is set only while sql.js compiles and cleared once it is ready.
 */
function sqlJsModule(): Promise<SqlJsStatic> {
  if (sqlJs === undefined) setFlagsFromString('--liftoff-only');
  // require, not import(): sql.js is CommonJS, and importing it from ESM first has Node scan its 100 KB of
  // JavaScript for export names (cjs-module-lexer, ~8 ms of a ~250 ms `esxi diff`, measured).
  sqlJs ??= Promise.resolve().then(() => {
    const init = createRequire(import.meta.url)('sql.js') as (cfg?: object) => Promise<SqlJsStatic>;
    return init().finally(() => setFlagsFromString('--no-liftoff-only'));
  });
  return sqlJs;
}

/**
 * Compiles sql.js ahead of the first ConfigStore read (optional; readConfigStore loads it on demand).
 * Returns nothing so that sql.js's types stay out of the published declarations.
 * @example await loadSqlJs(); // load the SQLite engine once, before many readConfigStore calls
 */
export async function loadSqlJs(): Promise<void> {
  await sqlJsModule();
}

/** SQLite files start with this 16-byte header string. */
const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * The SQLite 3 header (a ConfigStore database).
 * @example isSqlite(readFileSync('current-store-1'))
 */
export function isSqlite(data: Uint8Array): boolean {
  return data.length >= 16 && Buffer.from(data.subarray(0, 16)).toString('latin1') === SQLITE_MAGIC;
}

/** Read a ConfigStore database held in memory. Throws ESXI_CONFIGSTORE_INVALID when it is not one.
 * @example const store = await readConfigStore(readFileSync('configstore-backup.sqlite'), 'configstore-backup.sqlite');
 */
export async function readConfigStore(data: Uint8Array, file?: string): Promise<ConfigStore> {
  if (!isSqlite(data)) throw new AnalyzeError('ESXI_CONFIGSTORE_INVALID', `${CONFIGSTORE_PATH}: not an SQLite database`, { file, offset: 0 });
  const SQL = await sqlJsModule();
  let db: Database | undefined;
  try {
    db = new SQL.Database(data);
    const tables = all(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => String(r['name']));
    if (!tables.includes('Config')) {
      throw new AnalyzeError('ESXI_CONFIGSTORE_INVALID', `${CONFIGSTORE_PATH}: an SQLite database without a Config table (tables: ${tables.join(', ') || 'none'})`, { file });
    }
    const columns = new Set(all(db, 'PRAGMA table_info(Config)').map((r) => String(r['name'])));
    const present = VALUE_COLUMNS.filter((c) => columns.has(c));
    const opt = (c: string) => (columns.has(c) ? c : `NULL AS ${c}`);
    const sql = `SELECT Component, ConfigGroup, Name, ${opt('Identifier')}, ${opt('ModifiedTime')}, ${opt('CreationTime')}, ${opt('Version')}, ${opt('Success')}, ${opt('Revision')}${present.map((c) => `, ${c}`).join('')} FROM Config ORDER BY Component, ConfigGroup, Name, Identifier`;
    const rows = all(db, sql).map((r): ConfigStoreRow => {
      const values: Partial<Record<ValueColumn, unknown>> = {};
      for (const c of present) {
        const v = r[c];
        if (v !== null && v !== undefined && v !== '') values[c] = parseJson(v);
      }
      return {
        component: str(r['Component']) ?? '',
        group: str(r['ConfigGroup']) ?? '',
        name: str(r['Name']) ?? '',
        identifier: str(r['Identifier']) ?? '',
        modifiedTime: str(r['ModifiedTime']),
        creationTime: str(r['CreationTime']),
        version: str(r['Version']),
        success: r['Success'] === null || r['Success'] === undefined ? undefined : Number(r['Success']) !== 0,
        revision: typeof r['Revision'] === 'number' ? r['Revision'] : undefined,
        values,
      };
    });
    const kv = tables.includes('KVTable')
      ? all(db, 'SELECT * FROM KVTable ORDER BY Key').map((r) => ({ key: str(r['Key']) ?? '', value: r['Value'] === null ? null : String(r['Value']), modifiedTime: str(r['ModifiedTime']) }))
      : [];
    return { rows, kv, tables };
  } catch (e) {
    if (e instanceof AnalyzeError) throw e;
    throw new AnalyzeError('ESXI_CONFIGSTORE_INVALID', `${CONFIGSTORE_PATH}: damaged SQLite database (${(e as Error).message})`, { file, cause: e });
  } finally {
    db?.close();
  }
}

function all(db: Database, sql: string): Array<Record<string, unknown>> {
  const stmt = db.prepare(sql);
  const out: Array<Record<string, unknown>> = [];
  try {
    // get() + the column names once: getAsObject() looks the names up again for every row
    const names = stmt.getColumnNames();
    while (stmt.step()) {
      const values = stmt.get();
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
      out.push(row);
    }
  } finally {
    stmt.free();
  }
  return out;
}

function str(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : typeof v === 'string' ? v : String(v);
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/** Rows of one component/group/name, e.g. rowsOf(store, 'esx', 'network_vss', 'switches').
 * @example const rows = rowsOf(store, 'esx', 'network_vss', 'switches');
 */
export function rowsOf(store: ConfigStore, component: string, group: string, name: string): ConfigStoreRow[] {
  return store.rows.filter((r) => r.component === component && r.group === group && r.name === name);
}

/**
 * The row's effective value: AutoConf, then User, Vital and Cached layered over it (objects merged by
 * key, arrays of named objects merged by their `name`/`key`), DesiredValue not applied. This is a
 * presentation aid: diffs compare the columns separately.
 * @example const value = mergedValue(rowsOf(store, 'esx', 'network_vss', 'switches')[0]!);
 */
export function mergedValue(row: ConfigStoreRow): unknown {
  let out: unknown = undefined;
  for (const c of ['AutoConfValue', 'UserValue', 'VitalValue', 'CachedValue'] as const) {
    if (c in row.values) out = merge(out, row.values[c]);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idOf(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const id = v['name'] ?? v['key'];
  return typeof id === 'string' ? id : undefined;
}

function merge(a: unknown, b: unknown): unknown {
  if (isObject(a) && isObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && b.every((x) => idOf(x) !== undefined) && a.every((x) => idOf(x) !== undefined)) {
    const out = [...a];
    // position of the first element of each id (a findIndex per item was quadratic)
    const at = new Map<string, number>();
    out.forEach((x, i) => {
      const id = idOf(x)!;
      if (!at.has(id)) at.set(id, i);
    });
    for (const item of b) {
      const id = idOf(item)!;
      const i = at.get(id);
      if (i !== undefined) out[i] = merge(out[i], item);
      else {
        at.set(id, out.length);
        out.push(item);
      }
    }
    return out;
  }
  return b === undefined ? a : b;
}
