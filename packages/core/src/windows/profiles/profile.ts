import { REG_DWORD, REG_EXPAND_SZ, REG_QWORD, REG_SZ, utf16z } from '../registry/value-types.js';
import { compareSids, sidFromBinary, wellKnownName } from './sid.js';
import type { ProfileListEntry, RawValue } from './source.js';
import { decodeState } from './state.js';

/** One ProfileList subkey, decoded. Absent values are null. */
export interface Profile {
  /** The subkey name as stored, e.g. `S-1-5-21-...-1001.bak`. */
  key: string;
  /** The SID without any `.bak` suffix. */
  sid: string;
  isBak: boolean;
  wellKnown: string | null;
  profileImagePath: string | null;
  state: number | null;
  stateBits: string[];
  refCount: number | null;
  flags: number | null;
  guid: string | null;
  /** The `Sid` value (binary) as text; null when absent or malformed. */
  sidValue: string | null;
}

const BAK = /\.bak$/i;

function text(v: RawValue | undefined): string | null {
  return v && (v.type === REG_SZ || v.type === REG_EXPAND_SZ) ? utf16z(v.data) : null;
}

/** DWORDs are usually REG_DWORD; a QWORD or 4+ bytes of another type still carry the number in their first 4 bytes. */
function dword(v: RawValue | undefined): number | null {
  if (!v || v.data.length < 4) return null;
  return v.type === REG_DWORD || v.type === REG_QWORD || v.data.length === 4 ? v.data.readUInt32LE(0) : null;
}

/**
 * One ProfileList subkey's values decoded into a Profile.
 * @example profileListFromHive(hive).entries.map(toProfile)
 */
export function toProfile(entry: ProfileListEntry): Profile {
  const isBak = BAK.test(entry.keyName);
  const sid = isBak ? entry.keyName.slice(0, -4) : entry.keyName;
  const state = dword(entry.values.get('STATE'));
  const sidRaw = entry.values.get('SID');
  return {
    key: entry.keyName,
    sid,
    isBak,
    wellKnown: wellKnownName(sid),
    profileImagePath: text(entry.values.get('PROFILEIMAGEPATH')),
    state,
    stateBits: state === null ? [] : decodeState(state),
    refCount: dword(entry.values.get('REFCOUNT')),
    flags: dword(entry.values.get('FLAGS')),
    guid: text(entry.values.get('GUID')),
    sidValue: sidRaw ? sidFromBinary(sidRaw.data) : null,
  };
}

/** Profiles in SID order, each `<SID>` before its `<SID>.bak`, so a hive and its .reg export list them alike.
 * @example const ordered = sortProfiles(profiles); // by SID, each .bak after its plain key
 */
export function sortProfiles(profiles: Profile[]): Profile[] {
  return [...profiles].sort((a, b) => compareSids(a.sid, b.sid) || Number(a.isBak) - Number(b.isBak));
}
