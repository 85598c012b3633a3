import type { Profile } from './profile.js';
import { backupStep, deleteKey, renameKey, resetCounters, setDword } from './fix.js';
import { isServiceSid, isSidKeyName } from './sid.js';
import { decodeState, PROFILE_TEMP_ASSIGNED, SUSPECT_STATE_BITS } from './state.js';

export type FindingCode =
  /** `<SID>` and `<SID>.bak` both exist. */
  | 'PROFILE_BAK_DUPLICATE'
  /** Only `<SID>.bak` exists. */
  | 'PROFILE_BAK_ONLY'
  /** The profile points at a TEMP folder (C:\Users\TEMP, TEMP.<domain>, TEMP.000...). */
  | 'PROFILE_TEMP_FOLDER'
  /** State has temporary/backup bits on an otherwise ordinary key. */
  | 'PROFILE_STATE_FLAGS'
  /** RefCount left non-zero in an offline hive, on an otherwise ordinary user profile. */
  | 'PROFILE_REFCOUNT_LEFT';

export interface Finding {
  sid: string;
  code: FindingCode;
  message: string;
  /** The facts the verdict rests on, one sentence each. */
  evidence: string[];
  /** The key judged to be the user's real profile, when there is a choice; else null. */
  realKey: string | null;
  /** reg.exe commands to run on the live machine, the backup export first. */
  fix: string[];
}

export interface DiagnoseOptions {
  /**
   * 'hive': an offline hive, where nothing is loaded, so any RefCount left non-zero is stale.
   * 'reg': possibly a live export, where RefCount 1 just means the user is signed in.
   */
  source: 'hive' | 'reg';
}

/** Last path component `TEMP`, `TEMP.<DOMAIN>` or `TEMP.000`: the folders Windows uses for a temporary profile.
 * @example isTempFolder('C:\\Users\\TEMP'); // true
 */
export function isTempFolder(path: string | null): boolean {
  if (path === null) return false;
  return /^TEMP(\.[^\\/]*)?$/i.test(lastComponent(path));
}

/** `C:\Users\alice.000` (or `.001`...): a fresh folder Windows made because the usual one was taken or unloadable.
 * @example isFreshCopyFolder('C:\\Users\\alice.CONTOSO.000'); // true
 */
export function isFreshCopyFolder(path: string | null): boolean {
  return path !== null && /\.\d{3}$/.test(trimTrailingSeparators(path));
}

/**
 * The path without its trailing `\` and `/`. A loop, not `/[\\/]+$/`: that regex retries from every
 * separator of a run, quadratic in its length (100,000 backslashes in a .reg path took over 25 s).
 */
function trimTrailingSeparators(path: string): string {
  let end = path.length;
  while (end > 0 && (path.charCodeAt(end - 1) === 0x5c || path.charCodeAt(end - 1) === 0x2f)) end--;
  return path.slice(0, end);
}

/** The folder or State says temporary. `TEMP.<name>` alone may also be a real account's folder (see below). */
function looksTemporary(p: Profile): boolean {
  return isTempFolder(p.profileImagePath) || ((p.state ?? 0) & PROFILE_TEMP_ASSIGNED) !== 0;
}

/**
 * Temporary beyond doubt: State has TEMP_ASSIGNED, or the folder is `TEMP` or `TEMP.000`-`TEMP.999`. A folder
 * `TEMP.<name>` is also what an account called `temp.<name>` gets (temporary staff and contractors often have
 * such accounts), so alone it never leads to deleting a key that has no other copy.
 */
function certainlyTemporary(p: Profile): boolean {
  if (((p.state ?? 0) & PROFILE_TEMP_ASSIGNED) !== 0) return true;
  if (!isTempFolder(p.profileImagePath)) return false;
  const last = lastComponent(p.profileImagePath ?? '');
  return last.length === 4 || (last.length === 8 && /^\.\d{3}$/.test(last.slice(4)));
}

function lastComponent(path: string): string {
  const trimmed = trimTrailingSeparators(path);
  return trimmed.slice(Math.max(trimmed.lastIndexOf('\\'), trimmed.lastIndexOf('/')) + 1);
}

/** One sentence per fact about a key that bears on the verdict. */
function facts(p: Profile, source: DiagnoseOptions['source']): string[] {
  const out: string[] = [];
  if (p.profileImagePath === null) out.push(`${p.key} has no ProfileImagePath`);
  else if (isTempFolder(p.profileImagePath) && certainlyTemporary(p)) out.push(`${p.key} points at the temporary folder ${p.profileImagePath}`);
  else if (isTempFolder(p.profileImagePath)) out.push(`${p.key} points at ${p.profileImagePath}: a temporary profile's folder, or the folder of an account with that name`);
  else if (isFreshCopyFolder(p.profileImagePath)) out.push(`${p.key} points at ${p.profileImagePath}, a fresh copy Windows made beside the usual folder`);
  else out.push(`${p.key} points at ${p.profileImagePath}`);
  const suspect = (p.state ?? 0) & SUSPECT_STATE_BITS;
  if (suspect) out.push(`${p.key} State 0x${(p.state ?? 0).toString(16).padStart(4, '0')} has ${decodeState(suspect).join(' + ')}`);
  if ((p.refCount ?? 0) !== 0 && (source === 'hive' || p.isBak)) out.push(`${p.key} RefCount is ${p.refCount} (should be 0 when no one is signed in with it)`);
  return out;
}

/**
 * The verdicts, in profile order. Each SID gets at most one finding, the one whose fix covers the
 * rest: a `.bak` pair or lone `.bak` first, then a TEMP folder, then State bits, then a stale RefCount.
 * The facts behind it are in `evidence`.
 * @example const findings = diagnose(source.profiles, { source: 'hive' });
 */
export function diagnose(profiles: Profile[], options: DiagnoseOptions): Finding[] {
  const bySid = new Map<string, { plain?: Profile; bak?: Profile }>();
  for (const p of profiles) {
    const id = p.sid.toUpperCase();
    const g = bySid.get(id) ?? {};
    if (p.isBak) g.bak = p;
    else g.plain = p;
    bySid.set(id, g);
  }
  const findings: Finding[] = [];
  for (const { plain, bak } of bySid.values()) {
    const f = plain && bak ? duplicate(plain, bak, options) : bak ? loneBak(bak, options) : plain ? single(plain, options) : undefined;
    if (!f) continue;
    if (!isSidKeyName(f.sid)) {
      // The commands embed the key name; a crafted name (`S-1-5-21-1" & calc & "`) would run as a command
      // when pasted. Windows names these keys by SID only, so anything else gets no commands.
      f.fix = [];
      f.evidence.push('the key name is not a SID (S-1-...), so no reg commands are given: inspect the key in regedit');
    }
    findings.push(f);
  }
  return findings;
}

function duplicate(plain: Profile, bak: Profile, options: DiagnoseOptions): Finding {
  const sid = plain.sid;
  const evidence = [...facts(plain, options.source), ...facts(bak, options.source)];
  // Judged against each other, a TEMP.<name> key beside an ordinary one is the temporary one. Two TEMP.<name>
  // keys prove nothing (the account may be called temp.<name>): deleting both needs one certain.
  const bothByName = looksTemporary(plain) && looksTemporary(bak);
  const sure = certainlyTemporary(plain) || certainlyTemporary(bak);
  const plainTemp = looksTemporary(plain) && (!bothByName || sure);
  const bakTemp = looksTemporary(bak) && (!bothByName || sure);
  const base = { sid, code: 'PROFILE_BAK_DUPLICATE' as const, evidence };
  if (plainTemp && bakTemp) {
    return {
      ...base,
      realKey: null,
      message: `${sid} is listed twice and both keys are temporary profiles: the real profile's key is gone. Deleting both lets Windows build a new profile at the next sign-in; copy the user's files over from their old folder under C:\\Users afterwards.`,
      fix: [backupStep(sid), deleteKey(bak.key), deleteKey(plain.key)],
    };
  }
  const realIsBak = plainTemp || (!bakTemp && isFreshCopyFolder(plain.profileImagePath) && !isFreshCopyFolder(bak.profileImagePath));
  if (realIsBak) {
    return {
      ...base,
      realKey: bak.key,
      message: `${sid} is listed twice: Windows renamed the user's profile key to ${bak.key} (${bak.profileImagePath ?? 'no path'}) and signs them in with ${plain.key} (${plain.profileImagePath ?? 'no path'})${plainTemp ? ', a temporary profile' : ''}. Put the real key back: delete ${plain.key}, rename ${bak.key} to ${sid}, reset RefCount and State.`,
      fix: [backupStep(sid), deleteKey(plain.key), ...renameKey(bak.key, sid), ...resetCounters(sid)],
    };
  }
  return {
    ...base,
    realKey: plain.key,
    message: `${sid} is listed twice: ${plain.key} (${plain.profileImagePath ?? 'no path'}) is the profile in use and ${bak.key} (${bak.profileImagePath ?? 'no path'}) is a stale backup${bakTemp ? ' of a temporary profile' : ''}. Delete ${bak.key} and reset RefCount and State on ${plain.key}.`,
    fix: [backupStep(sid), deleteKey(bak.key), ...resetCounters(plain.key)],
  };
}

function loneBak(bak: Profile, options: DiagnoseOptions): Finding {
  const sid = bak.sid;
  const evidence = facts(bak, options.source);
  if (certainlyTemporary(bak)) {
    return {
      sid,
      code: 'PROFILE_BAK_ONLY',
      evidence,
      realKey: null,
      message: `${sid} exists only as ${bak.key}, and it is a temporary profile (${bak.profileImagePath ?? 'no path'}). Delete it; Windows builds a new profile at the next sign-in.`,
      fix: [backupStep(sid), deleteKey(bak.key)],
    };
  }
  return {
    sid,
    code: 'PROFILE_BAK_ONLY',
    evidence,
    realKey: bak.key,
    message: `${sid} exists only as ${bak.key} (${bak.profileImagePath ?? 'no path'}): Windows cannot find the user's profile and will sign them in with a temporary one. Rename it back to ${sid} and reset RefCount and State.`,
    fix: [backupStep(sid), ...renameKey(bak.key, sid), ...resetCounters(sid)],
  };
}

function single(p: Profile, options: DiagnoseOptions): Finding | undefined {
  const sid = p.sid;
  const evidence = facts(p, options.source);
  if (certainlyTemporary(p) && isTempFolder(p.profileImagePath)) {
    return {
      sid,
      code: 'PROFILE_TEMP_FOLDER',
      evidence,
      realKey: null,
      message: `${sid} points at the temporary folder ${p.profileImagePath} and no .bak key is left to restore. Delete the key so Windows builds a new profile at the next sign-in, then copy the user's files over from their old folder under C:\\Users.`,
      fix: [backupStep(sid), deleteKey(p.key)],
    };
  }
  const suspect = (p.state ?? 0) & SUSPECT_STATE_BITS;
  if (suspect) {
    return {
      sid,
      code: 'PROFILE_STATE_FLAGS',
      evidence,
      realKey: p.key,
      message: `${sid} State 0x${(p.state ?? 0).toString(16).padStart(4, '0')} marks it as ${decodeState(suspect).join(' + ')} although its folder is ${p.profileImagePath ?? 'not set'}. Reset State and RefCount to 0.`,
      fix: [backupStep(sid), ...resetCounters(p.key)],
    };
  }
  if (options.source === 'hive' && (p.refCount ?? 0) !== 0 && !isServiceSid(sid)) {
    return {
      sid,
      code: 'PROFILE_REFCOUNT_LEFT',
      evidence,
      realKey: p.key,
      message: `${sid} RefCount is ${p.refCount} in an offline hive: the profile was not unloaded cleanly, and a stale count can stop it loading. Reset RefCount to 0.`,
      fix: [backupStep(sid), setDword(p.key, 'RefCount', 0)],
    };
  }
  return undefined;
}
