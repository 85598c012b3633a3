/**
 * SIDs as ProfileList names them. Names for the built-in ones: Microsoft "Well-known SIDs" and the
 * KB2704233 ProfileList .reg (S-1-5-18/19/20). Account SIDs (S-1-5-21-...-RID) get no name: even RID 500
 * is a real person's profile as far as ProfileList is concerned.
 */
const WELL_KNOWN: Record<string, string> = {
  'S-1-5-18': 'LocalSystem (NT AUTHORITY\\SYSTEM)',
  'S-1-5-19': 'LocalService',
  'S-1-5-20': 'NetworkService',
};

/** Prefixes of service and virtual accounts that get ProfileList entries of their own. */
const WELL_KNOWN_PREFIXES: [string, string][] = [
  ['S-1-5-80-', 'service account (NT SERVICE\\...)'],
  ['S-1-5-82-', 'IIS application pool identity'],
  ['S-1-5-90-', 'Window Manager (DWM) virtual account'],
  ['S-1-5-96-', 'Font Driver Host (UMFD) virtual account'],
];

/** A SID as ProfileList names its subkeys (`S-1-5-21-...-1001`): digits and dashes only, safe inside a command line.
 * @example isSidKeyName('S-1-5-21-1004336348-1177238915-682003330-1001'); // true
 */
export function isSidKeyName(sid: string): boolean {
  return /^S-1(?:-\d{1,15}){1,16}$/i.test(sid);
}

/**
 * The name of a built-in SID, or null for an account SID.
 * @example wellKnownName('S-1-5-18') // 'LocalSystem (NT AUTHORITY\\SYSTEM)'
 */
export function wellKnownName(sid: string): string | null {
  const upper = sid.toUpperCase();
  const exact = WELL_KNOWN[upper];
  if (exact) return exact;
  for (const [prefix, name] of WELL_KNOWN_PREFIXES) if (upper.startsWith(prefix)) return name;
  return null;
}

/** Accounts whose profile is always loaded by Windows itself: a non-zero RefCount is normal there.
 * @example isServiceSid('S-1-5-18'); // true (LocalSystem)
 */
export function isServiceSid(sid: string): boolean {
  const upper = sid.toUpperCase();
  return upper in WELL_KNOWN || WELL_KNOWN_PREFIXES.some(([p]) => upper.startsWith(p));
}

/** Binary SID (revision, sub-authority count, 48-bit big-endian authority, little-endian sub-authorities) to text; null if malformed.
 * @example sidFromBinary(Buffer.from('010100000000000512000000', 'hex')); // 'S-1-5-18'
 */
export function sidFromBinary(data: Buffer): string | null {
  if (data.length < 8) return null;
  const count = data[1]!;
  if (data[0] !== 1 || data.length < 8 + 4 * count) return null;
  const authority = data.readUIntBE(2, 6);
  const parts = [`S-1-${authority}`];
  for (let i = 0; i < count; i++) parts.push(String(data.readUInt32LE(8 + 4 * i)));
  return parts.join('-');
}

/** Orders SIDs by their numeric components, so -500 comes before -1001 whatever order the source used.
 * @example ['S-1-5-21-1-1001', 'S-1-5-18'].sort(compareSids); // ['S-1-5-18', 'S-1-5-21-1-1001']
 */
export function compareSids(a: string, b: string): number {
  const pa = a.split('-');
  const pb = b.split('-');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
