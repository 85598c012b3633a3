/**
 * ProfileList `State` bits. Microsoft does not document them; these names come from private SDK-style
 * defines (diversenok/NtUtilsLibrary Ntapi.UserEnv.pas) and agree with the IT-pro pages (windowsitpro
 * "What is the meaning of the State value", precedence.co.uk ProfileStates). See docs/profiles.md.
 */
export const STATE_BITS: readonly (readonly [number, string])[] = [
  [0x0001, 'PROFILE_MANDATORY'],
  [0x0002, 'PROFILE_USE_CACHE'],
  [0x0004, 'PROFILE_NEW_LOCAL'],
  [0x0008, 'PROFILE_NEW_CENTRAL'],
  [0x0010, 'PROFILE_UPDATE_CENTRAL'],
  [0x0020, 'PROFILE_DELETE_CACHE'],
  [0x0040, 'PROFILE_UPGRADE'],
  [0x0080, 'PROFILE_GUEST_USER'],
  [0x0100, 'PROFILE_ADMIN_USER'],
  [0x0200, 'DEFAULT_NET_READY'],
  [0x0400, 'PROFILE_SLOW_LINK'],
  [0x0800, 'PROFILE_TEMP_ASSIGNED'],
  [0x2000, 'PROFILE_PARTLY_LOADED'],
  [0x4000, 'PROFILE_BACKUP_EXISTS'],
  [0x8000, 'PROFILE_THIS_IS_BAK'],
  [0x10000, 'PROFILE_READONLY'],
  [0x20000, 'PROFILE_LOCALMANDATORY'],
];

export const PROFILE_TEMP_ASSIGNED = 0x0800;
export const PROFILE_BACKUP_EXISTS = 0x4000;
export const PROFILE_THIS_IS_BAK = 0x8000;
/** Bits that mean "temporary or backup profile": Windows sets them when it could not load the real one. */
export const SUSPECT_STATE_BITS = PROFILE_TEMP_ASSIGNED | PROFILE_BACKUP_EXISTS | PROFILE_THIS_IS_BAK;

/** Names of the bits set in `state`; bits without a name appear as hex (`0x1000`).
 * @example const flags = decodeState(0x8000); // names of the set State bits
 */
export function decodeState(state: number): string[] {
  const names: string[] = [];
  let rest = state >>> 0;
  for (const [bit, name] of STATE_BITS) {
    if (rest & bit) {
      names.push(name);
      rest &= ~bit;
    }
  }
  for (let bit = 1; rest !== 0 && bit !== 0; bit = (bit << 1) >>> 0) {
    if (rest & bit) {
      names.push(`0x${bit.toString(16)}`);
      rest = (rest & ~bit) >>> 0;
    }
  }
  return names;
}
