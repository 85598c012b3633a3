import { PROFILE_LIST_KEY } from './source.js';

/**
 * `reg.exe` commands for the live machine (run from an elevated prompt while the user is signed
 * out). reg.exe has no rename: a rename is `reg copy /s` followed by `reg delete`. Every fix starts by
 * exporting ProfileList to a file named after the SID, without /y, so an earlier backup is never
 * overwritten.
 */
const q = (s: string) => `"${s}"`;
const keyOf = (name: string) => `${PROFILE_LIST_KEY}\\${name}`;

export function backupStep(sid: string): string {
  return `reg export ${q(PROFILE_LIST_KEY)} ${q(`%USERPROFILE%\\ProfileList-before-${sid}.reg`)}`;
}

export function deleteKey(name: string): string {
  return `reg delete ${q(keyOf(name))} /f`;
}

/** A rename, as reg.exe can do it. */
export function renameKey(from: string, to: string): string[] {
  return [`reg copy ${q(keyOf(from))} ${q(keyOf(to))} /s /f`, deleteKey(from)];
}

export function setDword(name: string, value: string, data: number): string {
  return `reg add ${q(keyOf(name))} /v ${value} /t REG_DWORD /d ${data} /f`;
}

/** KB 947215 step 4: RefCount and State to 0 on the key that stays (RefCount is created if missing). */
export function resetCounters(name: string): string[] {
  return [setDword(name, 'RefCount', 0), setDword(name, 'State', 0)];
}
