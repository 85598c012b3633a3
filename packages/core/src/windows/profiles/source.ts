import { AnalyzeError } from '../../errors.js';
import type { Hive } from '../registry/hive.js';
import type { RegFile } from '../regfile/parse.js';

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
}

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
export function profileListFromHive(hive: Hive): ProfileListSource {
  const list = hive.get(PROFILE_LIST_IN_SOFTWARE) ?? hive.get(`SOFTWARE\\${PROFILE_LIST_IN_SOFTWARE}`);
  if (!list) {
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
  return {
    listValues: toMap(list.values()),
    entries: list.subkeys().map((k) => ({ keyName: k.name, values: toMap(k.values()) })),
  };
}

const PROFILE_LIST_PATH = /(?:^|\\)Microsoft\\Windows NT\\CurrentVersion\\ProfileList(?:\\([^\\]+))?$/i;

/**
 * ProfileList from a .reg file, whatever root the export used (HKEY_LOCAL_MACHINE\SOFTWARE, HKLM, or a
 * hive loaded under another name). Sections are applied in order, as an import would: a repeated key
 * merges, `[-key]` removes it, `"name"=-` removes a value.
 * @example const source = profileListFromRegFile(parseRegFile(readFileSync('profilelist.reg')), 'profilelist.reg');
 */
export function profileListFromRegFile(reg: RegFile, file: string | undefined): ProfileListSource {
  const listValues = new Map<string, RawValue>();
  const byName = new Map<string, ProfileListEntry>();
  let sawList = false;
  for (const key of reg.keys) {
    const m = PROFILE_LIST_PATH.exec(key.path);
    if (!m) continue;
    sawList = true;
    const sub = m[1];
    if (sub === undefined) {
      if (key.deleted) byName.clear();
      applyValues(listValues, key.values);
      continue;
    }
    const id = sub.toUpperCase();
    if (key.deleted) {
      byName.delete(id);
      continue;
    }
    const entry = byName.get(id) ?? { keyName: sub, values: new Map<string, RawValue>() };
    byName.set(id, entry);
    applyValues(entry.values, key.values);
  }
  if (!sawList) throw noProfileList(file, 'export HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList with reg export');
  return { listValues, entries: [...byName.values()] };
}

function applyValues(into: Map<string, RawValue>, values: RegFile['keys'][number]['values']): void {
  for (const v of values) {
    if (v.data === null) into.delete(v.name.toUpperCase());
    else into.set(v.name.toUpperCase(), { type: v.type, data: v.data });
  }
}
