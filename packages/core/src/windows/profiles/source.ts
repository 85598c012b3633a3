import { AnalyzeError } from '../../errors.js';
import type { Hive } from '../registry/hive.js';
import { readRegFile, type ParseRegOptions, type RegFile, type RegFileInfo, type RegFileValue, type RegFileVisitor } from '../regfile/parse.js';

/** A value as both sources give it: type and the bytes a hive would hold. */
export interface RawValue {
  type: number;
  data: Buffer;
}

/** One subkey of ProfileList, from either source. Value names are matched case-insensitively. */
export interface ProfileListEntry {
  keyName: string;
  values: Map<string, RawValue>;
}

export interface ProfileListSource {
  /** Values of the ProfileList key itself (ProfilesDirectory, Default, Public); empty if the source lacks it. */
  listValues: Map<string, RawValue>;
  entries: ProfileListEntry[];
  /** Subkeys the source lists when more than `entries` (reading stopped at a cut); undefined when all were read. */
  listed?: number;
}

/** The values of a ProfileList subkey that toProfile reads (uppercase); no other is read or kept. */
export const PROFILE_VALUE_NAMES: ReadonlySet<string> = new Set(['PROFILEIMAGEPATH', 'STATE', 'REFCOUNT', 'FLAGS', 'GUID', 'SID']);
/** The values of the ProfileList key itself that are kept. */
export const LIST_VALUE_NAMES: ReadonlySet<string> = new Set(['PROFILESDIRECTORY', 'DEFAULT', 'PUBLIC']);
/**
 * Data bytes read per value from a hive: the longest path Windows takes (32,767 UTF-16 units) and its NUL;
 * the other values read are a few bytes (a Sid at most 68). Longer data is cut (REGF_VALUE_CUT), so values
 * sharing one large data cell cannot multiply it (the data of 60,000 copies of one value cost 543 MB).
 */
export const MAX_PROFILE_VALUE_BYTES = 65_536;
/**
 * Value data read from a hive in all. Real lists hold a few hundred bytes per subkey (a few MB for
 * 10,000); the data is copied into every profile, finding and report line that names it, so 10,000
 * subkeys sharing one 65,000-byte data cell (a 1.6 MB hive) peaked at 2.7 GB and printed 975 MB. Past
 * this the list is cut (PROFILES_DATA_CUT), so each profile analysed has all its values.
 */
export const MAX_PROFILE_LIST_DATA = 8 * 1024 * 1024;
/**
 * Value-list entries walked over ProfileList's subkeys in all (Hive.valueEntriesRead). A real subkey lists
 * 10-20 values (200,000 for 10,000 subkeys); the values of other names cost no data, but subkeys can share
 * one list: 10,000 of them sharing a list of 100,000 entries (a 1.5 MB hive) walked 10^9 entries in 75 s.
 * Past this the list is cut (PROFILES_DATA_CUT), so the work is linear in the hive.
 */
export const MAX_PROFILE_LIST_VALUE_ENTRIES = 1_000_000;

/** Where ProfileList sits in an offline SOFTWARE hive (the hive root stands for HKLM\SOFTWARE). */
export const PROFILE_LIST_IN_SOFTWARE = 'Microsoft\\Windows NT\\CurrentVersion\\ProfileList';
/** The same key on a live machine, as `reg` commands name it. */
export const PROFILE_LIST_KEY = `HKLM\\SOFTWARE\\${PROFILE_LIST_IN_SOFTWARE}`;

function noProfileList(file: string | undefined, what: string): AnalyzeError {
  return new AnalyzeError('PROFILES_NO_PROFILELIST', `has no ${PROFILE_LIST_IN_SOFTWARE} key (${what})`, { file });
}

/** ProfileList from a SOFTWARE hive (also accepted one level down, under a SOFTWARE key).
 * @example const source = profileListFromHive(Hive.open(readFileSync('SOFTWARE'), { file: 'SOFTWARE' }));
 */
export function profileListFromHive(hive: Hive, maxEntries = Infinity): ProfileListSource {
  const chain = hive.chain(PROFILE_LIST_IN_SOFTWARE) ?? hive.chain(`SOFTWARE\\${PROFILE_LIST_IN_SOFTWARE}`);
  const list = chain?.at(-1);
  if (!chain || !list) {
    // A damaged SOFTWARE hive may have lost the key: say so rather than suggest it is the wrong hive.
    // (A bad checksum or unequal sequence numbers alone lose no keys.)
    const damage = hive.warnings.find((w) => w.code !== 'REGF_BAD_CHECKSUM' && w.code !== 'REGF_DIRTY');
    const wrongHive = 'is this the SOFTWARE hive from C:\\Windows\\System32\\config?';
    const lost = damage && `the key may be in the lost part: ${damage.message}${hive.warnings.length > 1 ? ` (+${hive.warnings.length - 1} more warnings)` : ''}`;
    // Its Microsoft key still there: a SOFTWARE hive that lost ProfileList; else maybe another hive, maybe damaged.
    const isSoftware = hive.get('Microsoft') !== undefined || hive.get('SOFTWARE\\Microsoft') !== undefined;
    throw noProfileList(hive.file, !lost ? wrongHive : isSoftware ? `the hive is damaged and ${lost}` : `${wrongHive} The hive is also damaged; ${lost}`);
  }
  const toMap = (values: { name: string; type: number; data: Buffer }[]) => new Map(values.map((v) => [v.name.toUpperCase(), { type: v.type, data: v.data }]));
  const read = list.subkeysUpTo(maxEntries);
  const cut = read.cut;
  // A slot naming ProfileList or a key above it is damage, not a profile (and the real one it held is lost).
  const keys = hive.loopFreeSubkeys(list, chain, `\\${chain.slice(1).map((k) => k.name).join('\\')}`, read.keys);
  const own = list.values({ names: LIST_VALUE_NAMES, maxData: MAX_PROFILE_VALUE_BYTES });
  let budget = MAX_PROFILE_LIST_DATA - dataSize(own);
  const firstEntry = hive.valueEntriesRead;
  const entries: ProfileListEntry[] = [];
  for (const k of keys) {
    const values = k.values({ names: PROFILE_VALUE_NAMES, maxData: MAX_PROFILE_VALUE_BYTES });
    budget -= dataSize(values);
    const over =
      budget < 0
        ? `the values of ProfileList's subkeys hold more than ${MAX_PROFILE_LIST_DATA} bytes`
        : hive.valueEntriesRead - firstEntry > MAX_PROFILE_LIST_VALUE_ENTRIES
          ? `the value lists of ProfileList's subkeys name more than ${MAX_PROFILE_LIST_VALUE_ENTRIES} values in all (real ones 10-20 each)`
          : undefined;
    if (over !== undefined) {
      hive.warn('PROFILES_DATA_CUT', `${over}; only the first ${entries.length} of ${read.keys.length + cut} subkeys are analysed (${budget < 0 ? 'memory' : 'time'} budget)`, k.fileOffset);
      break;
    }
    entries.push({ keyName: k.name, values: toMap(values) });
  }
  return { listValues: toMap(own), entries, ...(cut > 0 ? { listed: read.keys.length + cut } : {}) };
}

function dataSize(values: { data: Buffer }[]): number {
  return values.reduce((n, v) => n + v.data.length, 0);
}

const PROFILE_LIST_PATH = /(?:^|\\)Microsoft\\Windows NT\\CurrentVersion\\ProfileList(?:\\([^\\]+))?$/i;

/**
 * ProfileList from a .reg file, whatever root the export used (HKEY_LOCAL_MACHINE\SOFTWARE, HKLM, or a
 * hive loaded under another name). Sections are applied in order, as an import would: a repeated key
 * merges, `[-key]` removes it, `"name"=-` removes a value.
 * @example const source = profileListFromRegFile(parseRegFile(readFileSync('profilelist.reg')), 'profilelist.reg');
 */
export function profileListFromRegFile(reg: RegFile, file: string | undefined): ProfileListSource {
  const builder = new RegProfileList();
  for (const key of reg.keys) {
    builder.key(key);
    for (const v of key.values) builder.value(v);
  }
  return builder.result(file);
}

/**
 * The same straight from the bytes of a .reg file: only ProfileList and the values analysed are kept as
 * the file is read, whatever else the export holds (12 MB of other sections, or of value lines, kept
 * whole peaked at 482-707 MB).
 * @example const { source, info } = profileListFromRegData(readFileSync('profilelist.reg'), { file: 'profilelist.reg' });
 */
export function profileListFromRegData(data: Uint8Array, options: ParseRegOptions): { source: ProfileListSource; info: RegFileInfo } {
  const builder = new RegProfileList();
  const info = readRegFile(data, options, builder);
  return { source: builder.result(options.file), info };
}

/** Applies .reg sections in order, as an import would, keeping only ProfileList and its analysed values. */
class RegProfileList implements RegFileVisitor {
  private readonly listValues = new Map<string, RawValue>();
  private readonly byName = new Map<string, ProfileListEntry>();
  private sawList = false;
  /** Where the values of the current section go; undefined: nowhere (not ProfileList, or deleted). */
  private target: { values: Map<string, RawValue>; names: ReadonlySet<string> } | undefined;

  key(key: { path: string; deleted: boolean }): void {
    this.target = undefined;
    const m = PROFILE_LIST_PATH.exec(key.path);
    if (!m) return;
    this.sawList = true;
    const sub = m[1];
    if (sub === undefined) {
      if (key.deleted) this.byName.clear();
      this.target = { values: this.listValues, names: LIST_VALUE_NAMES };
      return;
    }
    const id = sub.toUpperCase();
    if (key.deleted) {
      this.byName.delete(id);
      return;
    }
    const entry = this.byName.get(id) ?? { keyName: sub, values: new Map<string, RawValue>() };
    this.byName.set(id, entry);
    this.target = { values: entry.values, names: PROFILE_VALUE_NAMES };
  }

  value(v: RegFileValue): void {
    if (!this.target) return;
    const name = v.name.toUpperCase();
    if (!this.target.names.has(name)) return;
    if (v.data === null) this.target.values.delete(name);
    else this.target.values.set(name, { type: v.type, data: v.data });
  }

  result(file: string | undefined): ProfileListSource {
    if (!this.sawList) throw noProfileList(file, 'export HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList with reg export');
    return { listValues: this.listValues, entries: [...this.byName.values()] };
  }
}
