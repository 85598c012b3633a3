/**
 * /etc/passwd, /etc/shadow and /etc/group. The shadow model carries the hash ALGORITHM and state, never the
 * hash itself; `shadowSecrets` hands the raw fields to the one caller that must compare them (diff), which
 * reports only "changed"/"unchanged".
 */

export interface PasswdUser {
  name: string;
  uid: string;
  gid: string;
  gecos: string;
  home: string;
  shell: string;
}

export function parsePasswd(text: string): PasswdUser[] {
  const out: PasswdUser[] = [];
  for (const line of records(text)) {
    const f = line.split(':');
    if (f.length < 7 || !f[0]) continue;
    out.push({ name: f[0], uid: f[2] ?? '', gid: f[3] ?? '', gecos: f[4] ?? '', home: f[5] ?? '', shell: f.slice(6).join(':') });
  }
  return out;
}

/** crypt(3) scheme of a shadow password field. */
export type HashAlgorithm = 'md5' | 'sha256' | 'sha512' | 'bcrypt' | 'yescrypt' | 'des' | 'none' | 'locked' | 'unknown';

export interface ShadowUser {
  name: string;
  algorithm: HashAlgorithm;
  /** `*` / `!` prefix: no password login. */
  locked: boolean;
  /** Empty password field: login without a password. */
  empty: boolean;
  /** Password ageing (shadow fields 3-8), as written: days since 1970-01-01 of the last change (0: change at next login), */
  lastChange: string;
  /** days before the password may be changed again, */
  minDays: string;
  /** days after which it must be changed, */
  maxDays: string;
  /** days of warning before that, */
  warnDays: string;
  /** days after that until the account is disabled, */
  inactiveDays: string;
  /** and the day the account expires (days since 1970-01-01). Empty: no limit. */
  expires: string;
}

export function hashAlgorithm(field: string): HashAlgorithm {
  if (field === '') return 'none';
  if (field.startsWith('!') || field.startsWith('*')) return 'locked';
  if (field.startsWith('$1$')) return 'md5';
  if (field.startsWith('$5$')) return 'sha256';
  if (field.startsWith('$6$')) return 'sha512';
  if (/^\$2[abxy]?\$/.test(field)) return 'bcrypt';
  if (field.startsWith('$y$')) return 'yescrypt';
  if (/^[./0-9A-Za-z]{13}$/.test(field)) return 'des';
  return 'unknown';
}

export function parseShadow(text: string): ShadowUser[] {
  const out: ShadowUser[] = [];
  for (const line of records(text)) {
    const f = line.split(':');
    if (f.length < 2 || !f[0]) continue;
    const pw = f[1] ?? '';
    const algorithm = hashAlgorithm(pw);
    out.push({
      name: f[0],
      algorithm,
      locked: algorithm === 'locked',
      empty: pw === '',
      lastChange: f[2] ?? '',
      minDays: f[3] ?? '',
      maxDays: f[4] ?? '',
      warnDays: f[5] ?? '',
      inactiveDays: f[6] ?? '',
      expires: f[7] ?? '',
    });
  }
  return out;
}

/** user → raw password field (field 2 of shadow, or of passwd). Only for equality checks; never put these values in a report. */
export function shadowSecrets(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of records(text)) {
    // the first two fields only (a split would make all seven strings of every line)
    const c1 = line.indexOf(':');
    if (c1 <= 0) continue;
    const c2 = line.indexOf(':', c1 + 1);
    out.set(line.slice(0, c1), c2 < 0 ? line.slice(c1 + 1) : line.slice(c1 + 1, c2));
  }
  return out;
}

export interface Group {
  name: string;
  gid: string;
  members: string[];
}

export function parseGroup(text: string): Group[] {
  const out: Group[] = [];
  for (const line of records(text)) {
    const f = line.split(':');
    if (f.length < 3 || !f[0]) continue;
    out.push({ name: f[0], gid: f[2] ?? '', members: (f[3] ?? '').split(',').filter((m) => m !== '') });
  }
  return out;
}

/**
 * Non-empty, non-comment lines without their line ending, one at a time: an array of every line (twice, split
 * then filtered) was a large share of `esxi show` on a 4 MiB passwd.
 */
function* records(text: string): Generator<string> {
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const raw = text.slice(at, end);
    at = end + 1;
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (l !== '' && !l.startsWith('#') && l.trim() !== '') yield l;
  }
}
