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
  /**
   * Parsed JSON per value column (raw text when it is not valid JSON, nests deeper than MAX_CONFIGSTORE_DEPTH or
   * holds MAX_CONFIGSTORE_ITEMS or more items); absent columns are left out.
   */
  values: Partial<Record<ValueColumn, unknown>>;
}

/**
 * Most rows read from a ConfigStore table (Config, KVTable). The real 7.0.2 sample holds 102 Config rows and a
 * busy host a few thousand; a 16 MB database can hold 430,000, which as rows peaked `esxi show` at 523 MB
 * and `esxi diff` at 517 MB (the budget is 256). Past it the first rows as stored are read, in key order,
 * and `rowsNotRead` says so.
 */
export const MAX_CONFIGSTORE_ROWS = 20_000;
/**
 * Longest value (JSON text, or any other field) a ConfigStore may hold: real ones are a few KB. A database
 * with a longer one is not read (ESXI_CONFIGSTORE_INVALID: compared by bytes only): two with a 15 MB value
 * each peaked `esxi diff` at 340 MB, as sql.js copies such a value several times into its memory, which
 * never shrinks. Found with one scan in SQLite, before any row is read.
 */
export const MAX_CONFIGSTORE_VALUE = 1024 * 1024;
/**
 * Deepest nesting of objects and arrays a ConfigStore JSON value is read with; real ones nest 9 deep (the
 * 7.0.2 sample). Deeper text is kept as its JSON text, as text that is not JSON is: everything that walks a
 * value (mergedValue, the diff's flattenJson, JSON.stringify) recurses per level, and 300 KB of `{"a":`
 * (50,000 levels) overflowed the stack of `esxi show` and `esxi diff`, which JSON.stringify does from about
 * 4,000 levels on.
 */
export const MAX_CONFIGSTORE_DEPTH = 64;
/**
 * Most members and items (all levels together) a ConfigStore JSON value is read with; the real 7.0.2 sample's
 * largest value has 156. A value with more is kept as its JSON text, as a deep one is: sixteen values of 80,000
 * members each, all changed, made 1.27 million changes in `esxi diff` and peaked it at 1 GB (each member a
 * property of a parsed object, then a field compared one by one).
 */
export const MAX_CONFIGSTORE_ITEMS = 4096;
/**
 * Most members and items read as JSON from one ConfigStore, all values together (the real 7.0.2 sample has
 * ~3,000). Past it values are kept as their JSON text: 400 values of 4,000 members each (a 1.5 MB .tgz), each
 * within MAX_CONFIGSTORE_ITEMS, peaked `esxi diff` at 400 MB and `restore-plan` at 360 MB.
 */
export const MAX_CONFIGSTORE_ITEMS_TOTAL = 50_000;

export interface ConfigStore {
  rows: ConfigStoreRow[];
  /** Tables that held more than MAX_CONFIGSTORE_ROWS rows: only the first, in key order, were read. */
  rowsNotRead?: Array<'Config' | 'KVTable'>;
  /** JSON values kept as their text for their depth or size (MAX_CONFIGSTORE_DEPTH, MAX_CONFIGSTORE_ITEMS, MAX_CONFIGSTORE_ITEMS_TOTAL). */
  valuesKeptAsText?: number;
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
  // A host that chose --liftoff-only itself keeps it: the flag is only switched on (and off again) when it was off.
  const toggle = sqlJs === undefined && !hostSetLiftoffOnly();
  if (toggle) setFlagsFromString('--liftoff-only');
  // require, not import(): sql.js is CommonJS, and importing it from ESM first has Node scan its 100 KB of
  // JavaScript for export names (cjs-module-lexer, ~8 ms of a ~250 ms `esxi diff`, measured).
  sqlJs ??= Promise.resolve().then(() => {
    const init = createRequire(import.meta.url)('sql.js') as (cfg?: object) => Promise<SqlJsStatic>;
    return toggle ? init().finally(() => setFlagsFromString('--no-liftoff-only')) : init();
  });
  return sqlJs;
}

/** The embedding process was started with --liftoff-only (on its command line or in NODE_OPTIONS). */
function hostSetLiftoffOnly(): boolean {
  return [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)].some((a) => a === '--liftoff-only' || a === '--liftoff_only');
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
    for (const t of ['Config', 'KVTable'] as const) if (tables.includes(t)) refuseComputedFields(db, t, file);
    const columns = new Set(all(db, 'PRAGMA table_info(Config)').map((r) => String(r['name'])));
    const present = VALUE_COLUMNS.filter((c) => columns.has(c));
    refuseLongValues(db, 'Config', [...CONFIG_COLUMNS, ...VALUE_COLUMNS].filter((c) => columns.has(c)), file);
    const opt = (c: string) => (columns.has(c) ? c : `NULL AS ${c}`);
    const selected = `Component, ConfigGroup, Name, ${opt('Identifier')}, ${opt('ModifiedTime')}, ${opt('CreationTime')}, ${opt('Version')}, ${opt('Success')}, ${opt('Revision')}${present.map((c) => `, ${c}`).join('')}`;
    const notRead: Array<'Config' | 'KVTable'> = [];
    const json = new JsonBudget();
    const rows = inKeyOrder(db, selected, 'Config', ['Component', 'ConfigGroup', 'Name', 'Identifier'], notRead).map((r): ConfigStoreRow => {
      const values: Partial<Record<ValueColumn, unknown>> = {};
      for (const c of present) {
        const v = r[c];
        if (v !== null && v !== undefined && v !== '') values[c] = json.parse(v);
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
    const kvColumns = tables.includes('KVTable') ? new Set(all(db, 'PRAGMA table_info(KVTable)').map((r) => String(r['name']))) : new Set<string>();
    const kvOpt = (c: string) => (kvColumns.has(c) ? c : `NULL AS ${c}`);
    if (tables.includes('KVTable')) refuseLongValues(db, 'KVTable', KV_COLUMNS.filter((c) => kvColumns.has(c)), file);
    const kv = tables.includes('KVTable')
      ? inKeyOrder(db, KV_COLUMNS.map(kvOpt).join(', '), 'KVTable', ['Key'], notRead).map((r) => ({ key: str(r['Key']) ?? '', value: r['Value'] === null ? null : String(r['Value']), modifiedTime: str(r['ModifiedTime']) }))
      : [];
    return { rows, kv, tables, ...(notRead.length > 0 ? { rowsNotRead: notRead } : {}), ...(json.keptAsText > 0 ? { valuesKeptAsText: json.keptAsText } : {}) };
  } catch (e) {
    if (e instanceof AnalyzeError) throw e;
    throw new AnalyzeError('ESXI_CONFIGSTORE_INVALID', `${CONFIGSTORE_PATH}: damaged SQLite database (${(e as Error).message})`, { file, cause: e });
  } finally {
    db?.close();
  }
}

/** The Config columns read besides the values, and the KVTable ones. */
const CONFIG_COLUMNS = ['Component', 'ConfigGroup', 'Name', 'Identifier', 'ModifiedTime', 'CreationTime', 'Version', 'Success', 'Revision'];
const KV_COLUMNS = ['Key', 'Value', 'ModifiedTime'];

/**
 * Throw ESXI_CONFIGSTORE_INVALID when `table` computes its fields as they are read: a generated column is
 * evaluated on every SELECT (a Component of `printf('%.*c', 200000000, 'x')` made `esxi show` run past 120 s),
 * and a virtual table runs a module. ESXi writes plain tables; every read below assumes stored values.
 */
function refuseComputedFields(db: Database, table: 'Config' | 'KVTable', file: string | undefined): void {
  const sql = String(all(db, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '${table}'`)[0]?.['sql'] ?? '');
  const generated = /^\s*CREATE\s+VIRTUAL\b/i.test(sql) ? [] : all(db, `PRAGMA table_xinfo(${table})`).filter((r) => Number(r['hidden']) !== 0);
  if (/^\s*CREATE\s+VIRTUAL\b/i.test(sql) || generated.length > 0) {
    const what = generated.length > 0 ? `generated column${generated.length === 1 ? '' : 's'} ${generated.map((r) => String(r['name'])).join(', ')}` : 'a virtual table';
    throw new AnalyzeError('ESXI_CONFIGSTORE_INVALID', `${CONFIGSTORE_PATH}: ${table} has ${what}, computed as it is read (ESXi writes plain tables): not read`, { file });
  }
}

/** Throw ESXI_CONFIGSTORE_INVALID when a field of `columns` in `table` is longer than MAX_CONFIGSTORE_VALUE. */
function refuseLongValues(db: Database, table: 'Config' | 'KVTable', columns: string[], file: string | undefined): void {
  if (columns.length === 0) return;
  // the scalar max() of each row's lengths (0 added: it needs two arguments), then the largest of them
  const longest = Number(all(db, `SELECT max(len) AS n FROM (SELECT max(${columns.map((c) => `coalesce(length(${c}), 0)`).join(', ')}, 0) AS len FROM ${table})`)[0]?.['n'] ?? 0);
  if (longest > MAX_CONFIGSTORE_VALUE) {
    throw new AnalyzeError(
      'ESXI_CONFIGSTORE_INVALID',
      `${CONFIGSTORE_PATH}: a ${table} field of ${longest} characters, more than the ${MAX_CONFIGSTORE_VALUE} a ConfigStore value may hold (real ones are a few KB): not read`,
      { file },
    );
  }
}

/** The rows of a query, at most MAX_CONFIGSTORE_ROWS (a guard: a database of a million tables lists them all). */
function all(db: Database, sql: string): Array<Record<string, unknown>> {
  const stmt = db.prepare(sql);
  const out: Array<Record<string, unknown>> = [];
  try {
    // get() + the column names once: getAsObject() looks the names up again for every row
    const names = stmt.getColumnNames();
    while (out.length < MAX_CONFIGSTORE_ROWS && stmt.step()) {
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

/**
 * `SELECT columns FROM table` ordered by `keys`, at most MAX_CONFIGSTORE_ROWS rows. Within the cap SQLite
 * sorts; past it (noted in `notRead`) the first rows as stored are read and sorted here, since SQLite would
 * first sort the whole table in sql.js's memory, which never shrinks. NULL keys sort first, as in SQLite.
 */
function inKeyOrder(db: Database, columns: string, table: 'Config' | 'KVTable', keys: string[], notRead: Array<'Config' | 'KVTable'>): Array<Record<string, unknown>> {
  const count = Number(all(db, `SELECT COUNT(*) AS n FROM ${table}`)[0]?.['n'] ?? 0);
  if (count <= MAX_CONFIGSTORE_ROWS) return all(db, `SELECT ${columns} FROM ${table} ORDER BY ${keys.join(', ')}`);
  notRead.push(table);
  const rows = all(db, `SELECT ${columns} FROM ${table} LIMIT ${MAX_CONFIGSTORE_ROWS}`);
  const key = (r: Record<string, unknown>, k: string): string | undefined => str(r[k]);
  return rows.sort((a, b) => {
    for (const k of keys) {
      const x = key(a, k);
      const y = key(b, k);
      if (x === y) continue;
      if (x === undefined) return -1;
      if (y === undefined) return 1;
      return x < y ? -1 : 1;
    }
    return 0;
  });
}

function str(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : typeof v === 'string' ? v : String(v);
}

/** Values parsed as JSON from one store, within MAX_CONFIGSTORE_DEPTH, MAX_CONFIGSTORE_ITEMS and MAX_CONFIGSTORE_ITEMS_TOTAL. */
class JsonBudget {
  private items = 0;
  /** JSON values kept as text for their depth or size. */
  keptAsText = 0;

  /** The value parsed, or as it is when it is not JSON or too deep or big to parse. */
  parse(v: unknown): unknown {
    if (typeof v !== 'string') return v;
    const items = jsonItems(v);
    if (items < 0 || this.items + items > MAX_CONFIGSTORE_ITEMS_TOTAL) {
      if (looksLikeJson(v)) this.keptAsText++;
      return v;
    }
    try {
      const parsed = JSON.parse(v) as unknown;
      this.items += items;
      return parsed;
    } catch {
      return v;
    }
  }
}

/** Starts as a JSON object or array would (after spaces). */
function looksLikeJson(v: string): boolean {
  return /^\s*[[{]/.test(v);
}

/**
 * The commas of a JSON text (its members and items, all levels together, give or take one per container), or -1
 * when it opens more than MAX_CONFIGSTORE_DEPTH objects or arrays inside one another or holds MAX_CONFIGSTORE_ITEMS
 * or more commas; brackets and commas in strings are not counted. One pass, before anything is parsed.
 */
function jsonItems(text: string): number {
  let depth = 0;
  let commas = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x2c) {
      if (++commas >= MAX_CONFIGSTORE_ITEMS) return -1;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_CONFIGSTORE_DEPTH) return -1;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return commas;
}

/**
 * The ESXI_CONFIGSTORE_VALUES warning for a store with values kept as text for their size (`valuesKeptAsText`), or undefined.
 * @example const w = valuesKeptAsTextWarning(store); if (w) warnings.warn(w.code, w.message);
 */
export function valuesKeptAsTextWarning(store: ConfigStore): { code: 'ESXI_CONFIGSTORE_VALUES'; message: string } | undefined {
  const n = store.valuesKeptAsText;
  if (n === undefined) return undefined;
  return {
    code: 'ESXI_CONFIGSTORE_VALUES',
    message: `${CONFIGSTORE_PATH}: ${n} JSON value${n === 1 ? '' : 's'} nested deeper than ${MAX_CONFIGSTORE_DEPTH} levels, with ${MAX_CONFIGSTORE_ITEMS} or more items, or past ${MAX_CONFIGSTORE_ITEMS_TOTAL} items read in all (a real host's values have at most a few hundred): kept as text, not read field by field`,
  };
}

/**
 * The ESXI_CONFIGSTORE_ROWS warning for a store read in part (`rowsNotRead`), or undefined.
 * @example const w = rowsNotReadWarning(store); if (w) warnings.warn(w.code, w.message);
 */
export function rowsNotReadWarning(store: ConfigStore): { code: 'ESXI_CONFIGSTORE_ROWS'; message: string } | undefined {
  if (store.rowsNotRead === undefined) return undefined;
  const tables = store.rowsNotRead.join(' and ');
  return {
    code: 'ESXI_CONFIGSTORE_ROWS',
    message: `${CONFIGSTORE_PATH}: ${tables} holds more than ${MAX_CONFIGSTORE_ROWS} rows (a real host has a few hundred): only the first ${MAX_CONFIGSTORE_ROWS}, in key order, are read`,
  };
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
    if (c in row.values) out = merge(out, row.values[c], 0);
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

/** `b` layered over `a`, `depth` levels down; past MAX_CONFIGSTORE_DEPTH (values not read from a ConfigStore) `b` replaces `a`. */
function merge(a: unknown, b: unknown, depth: number): unknown {
  if (depth >= MAX_CONFIGSTORE_DEPTH) return b === undefined ? a : b;
  if (isObject(a) && isObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v, depth + 1) : v;
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
      if (i !== undefined) out[i] = merge(out[i], item, depth + 1);
      else {
        at.set(id, out.length);
        out.push(item);
      }
    }
    return out;
  }
  return b === undefined ? a : b;
}
