/**
 * The one place esxi decides "is this a secret", for show, diff, check and restore-plan alike
 * (shared/notes/esxi-format.md §4):
 * - whole FILES: password hashes, private keys, licence, keystores, AD/iSCSI/vSAN secrets (mostly what
 *   VMware's own vm-support manifest config-system.mfx prunes), by path or by content;
 * - VALUES inside any file: crypt(3) hashes, PEM private keys, licence `<epoc>` blobs, the keystore's
 *   `ConfigEncData`, credentials in free text, and fields whose names say they hold a secret;
 * - and what a report may show of a secret change: the fact, never the values (unless showSecrets).
 */
import type { Change } from './diff/model.js';

/** Secret files by exact path (normalised, no leading '/'). */
const SECRET_PATHS = new Set([
  'etc/shadow',
  'etc/ssh/keys-root/authorized_keys',
  'etc/vmware/license.cfg',
  'etc/vmware/vmware.lic',
  'etc/vmware/encryption.info',
  '.#encryption.info',
  'encryption.info',
  'etc/vmware/vmkiscsid/vmkiscsid.db',
  'etc/vmware/dvsdata.db',
  'etc/vmware/nas/nas.conf',
  'etc/likewise/db/registry.db',
  'etc/krb5.keytab',
  'etc/vmware/answerfile.xml.gz',
  'etc/vmware/hostprofile.xml.gz',
  'etc/vmware/ssl/rui.key',
  'etc/vmware/ssl/rui.bak',
  'etc/vmware/ssl/vsanvp_secret',
  'etc/vmware/vsan/vsan_kms_pwd',
  'etc/vmware/snmp.xml',
  // ConfigStore (7.x+) may hold user accounts, SSH keys, iSCSI CHAP and AD secrets
  'var/lib/vmware/configstore/backup/current-store-1',
  'var/lib/vmware/configstore/backup/datafile-store',
]);

/** Patterns: SSH host private keys (not .pub), vSAN KMS/VP material, any *.key / *.pem private key file. */
const SECRET_PATTERNS: RegExp[] = [
  /^etc\/ssh\/ssh_host_[a-z0-9]+_key$/,
  /^etc\/vmware\/ssl\/vsan_kms_/,
  /^etc\/vmware\/ssl\/vsanvp.*\.pem$/,
  /\.key$/,
  /(^|\/)local\.tgz\.ve$/,
];

/** Content markers of secret material, for files not in the lists above. */
const SECRET_CONTENT = [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, /(^|[:\s])\$(1|2[aby]?|5|6|y)\$[^\s:]{4,}/m];

/**
 * A file known to hold secrets by its path: listed, matching a pattern, or named like a secret field
 * (`vsan_kms_pwd`, `vsanvp_secret`, `...token`). VMware keeps the previous copy of a config file as
 * `.#name` beside it (`.#nas.conf`, `.#vsan_kms_pwd`): that copy is as secret as the file.
 * @example isSecretPath('etc/shadow') // true; isSecretPath('etc/vmware/nas/.#nas.conf') // true
 */
export function isSecretPath(path: string): boolean {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const current = name.startsWith('.#') ? `${path.slice(0, slash + 1)}${name.slice(2)}` : path;
  const base = current.slice(slash + 1);
  return [path, current].some((p) => SECRET_PATHS.has(p) || SECRET_PATTERNS.some((re) => re.test(p))) || isSecretField(base) || /token$/i.test(base);
}

/** True when the path is a known secret or the content holds key or hash material anywhere (a key
 * appended to a long file is as secret as one at its start).
 * @example isSecretFile('etc/shadow', undefined); // true
 */
export function isSecretFile(path: string, data: Buffer | undefined): boolean {
  return isSecretPath(path) || (data !== undefined && hasSecretContent(data));
}

/** True when the bytes hold a PEM private key or a crypt(3) hash (the reader checks a streamed file's start with it).
 * @example hasSecretContent(Buffer.from('root:$6$salt$hash:19000::::::')); // true
 */
export function hasSecretContent(data: Buffer): boolean {
  if (data.length === 0) return false;
  const text = data.toString('latin1');
  return SECRET_CONTENT.some((re) => re.test(text));
}

/** What replaces a secret value in reports. */
export const REDACTED = '<redacted>';

/** crypt(3) strings: $1$ MD5, $2*$ bcrypt, $5$/$6$ SHA-2, $y$ yescrypt (salt and hash, any length ≥ 4). */
const CRYPT_HASH = /\$(?:1|2[abxy]?|5|6|y|7|gy|sha1|md5)\$[^\s:"'<>,]{4,}/g;
/** PEM private key blocks (RSA, EC, OpenSSH, PKCS#8, encrypted). */
const PEM_PRIVATE = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
/** license.cfg obfuscated licence blobs. */
const LICENSE_BLOB = /<(epoc|float|serial|key)>[^<]*<\/\1>/gi;
/** encryption.info key material (`ConfigEncData = "keyId=…:data1=…:data2=…"`). */
const CONFIG_ENC = /(ConfigEncData\s*=\s*")[^"]*(")/g;
/** Licence keys written as 5×5 groups (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX). */
const LICENSE_KEY = /\b[0-9A-Z]{5}(?:-[0-9A-Z]{5}){4}\b/g;

/**
 * Credentials in free-form text files that no rule above knows (rc.local.d/local.sh, snmpd.conf,
 * hand-made scripts): `password=…`, `rootpw=…`, `secret: …`, `--password …`, `rocommunity …`, and JSON
 * members such as `"password":"…"` or `"auth_hash":"…"` (ConfigStore arrays compared as one text). Only `=`/`:`
 * assignments, command-line flags and the SNMP directive count, so prose such as the report's own
 * "root: password changed" is left alone.
 * The name is tried once per run of name characters, from the run's first word character: as `\b[\w.-]*`
 * every word boundary in `a.a.a…` began a scan to the run's end (32 KB took 4 s, 64 KB 16 s). The
 * keyword ends where the run does, so the first boundary finds what any later one would.
 */
const SECRET_ASSIGNMENT = /(?<![\w.-])([.-]*)\b([\w.-]*(?:pass(?:word|wd|phrase)|pw|pswd|(?<=[\w.-])(?<!\bold)pwd|secret|communit(?:y|ies)|psk|api_?key|token|(?:pass(?:word)?|pw|auth|priv|secret)_?hash|(?:secret|access)_?key))(["']?\s*[=:]\s*)(["']?)(?!(?:<redacted>|changed|unchanged|added|removed)\b)([^\s"',;<>]+)\4/gi;
const SECRET_FLAG = /(--?(?:password|passwd|pass|secret|community|psk|token)(?:=|\s+))(["']?)(?!<redacted>)([^\s"']+)\2/gi;
const SNMP_COMMUNITY = /\b((?:ro|rw)community6?\s+)(?!<redacted>)(\S+)/gi;
/** Kickstart `rootpw [--iscrypted] PASSWORD` (the form ESXi's installer reads: a space, not `=`). */
const KICKSTART_ROOTPW = /\b(rootpw(?:\s+--iscrypted)?\s+)(?!<redacted>)(?!--)(\S+)/gi;
/** Credentials in a URL: `tcp://admin:PASSWORD@loghost` (syslog targets, proxies). The lookbehind starts one try per scheme. */
const URL_PASSWORD = /((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)(?!<redacted>@)([^\s@/]+)(@)/gi;
/** `esxcli system account add|set ... -p PASSWORD -c PASSWORD`: short flags, so only on esxcli account lines. */
const ESXCLI_ACCOUNT_FLAG = /(\s-[pc](?:=|\s+))(["']?)(?!<redacted>)([^\s"']+)\2/g;

/** The password flags of `esxcli ... account` lines redacted; other lines as they are (`-p` is a port elsewhere). */
function redactEsxcliAccount(text: string): string {
  if (!text.includes('esxcli')) return text;
  return text
    .split('\n')
    .map((line) => (line.includes('esxcli') && /\baccount\b/.test(line) ? line.replace(ESXCLI_ACCOUNT_FLAG, (_m, flag: string, q: string) => `${flag}${q}${REDACTED}${q}`) : line))
    .join('\n');
}

/**
 * Field names that hold secrets in ConfigStore JSON, XML configs and esx.conf leaves: …password, …passwd,
 * hashes of them (password_hash, SNMPv3 auth_hash / priv_hash), API and access keys, and the short forms …pw (kickstart `rootpw`), …pswd, …pwd — but not a bare `pwd`/`oldpwd` (the shell's
 * working folder). Matched at the end of the name only, so a "pw" inside a word is left alone.
 */
const SECRET_FIELD = /(pass(word|wd|phrase)?|pw|pswd|(?<!^(?:old)?)pwd|secret|chap|private_?key|priv_?key|psk|communit(y|ies)|license_?key|serial_?key|encryption_?key|auth_?key|token_value|ssh_?keys?|authorized_?keys|certificate_?key|key_?material|(pass(word)?|pw|auth|priv|secret)_?hash|(api|secret|access)_?key)$/i;

/**
 * A field, key leaf or element name that says it holds a secret.
 * @example isSecretField('rootpw') // true; isSecretField('pwd') // false
 */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** True when the text contains anything `redactText` would replace.
 * @example containsSecret('-----BEGIN PRIVATE KEY-----\nMIIE...'); // true
 */
export function containsSecret(text: string): boolean {
  return redactText(text) !== text;
}

/** Replace every recognised secret inside free text with REDACTED. Idempotent.
 * @example const safe = redactText(readFileSync('etc/vmware/ssl/rui.key', 'utf8'));
 */
export function redactText(text: string): string {
  return redactEsxcliAccount(text)
    .replace(PEM_PRIVATE, `-----BEGIN $1PRIVATE KEY----- ${REDACTED}`)
    .replace(CRYPT_HASH, REDACTED)
    .replace(LICENSE_BLOB, (_m, tag: string) => `<${tag}>${REDACTED}</${tag}>`)
    .replace(CONFIG_ENC, `$1${REDACTED}$2`)
    .replace(LICENSE_KEY, REDACTED)
    .replace(SECRET_ASSIGNMENT, (_m, lead: string, key: string, sep: string, q: string) => `${lead}${key}${sep}${q}${REDACTED}${q}`)
    .replace(SECRET_FLAG, (_m, flag: string, q: string) => `${flag}${q}${REDACTED}${q}`)
    .replace(SNMP_COMMUNITY, `$1${REDACTED}`)
    .replace(KICKSTART_ROOTPW, `$1${REDACTED}`)
    .replace(URL_PASSWORD, `$1${REDACTED}$3`);
}

/**
 * The decision every differ makes for a changed value: secret when its name says so (the leaf of an
 * esx.conf key, a ConfigStore JSON field, an XML element or attribute) or when either side holds
 * recognisable secret material.
 * @example isSecretChange('rootpw', 'a', 'b') // true
 */
export function isSecretChange(name: string, before: string | undefined, after: string | undefined): boolean {
  return isSecretField(name) || containsSecret(before ?? '') || containsSecret(after ?? '');
}

/** Mark `c` secret when it is, and give it its before/after values only when they may be shown. */
export function withValues(c: Change, secret: boolean, before: string | undefined, after: string | undefined, showSecrets: boolean): Change {
  if (secret) c.secret = true;
  if (!secret || showSecrets) {
    if (before !== undefined) c.before = before;
    if (after !== undefined) c.after = after;
  }
  return c;
}

/** The safety net over every change a diff reports: no recognisable secret survives in a printed field. */
export function redactChange(c: Change): Change {
  // The label starts with the file's path: a name such as `vsan_kms_pwd:` is not an assignment to redact.
  const label = c.label.startsWith(`${c.path}:`) ? `${c.path}${redactText(c.label.slice(c.path.length))}` : redactText(c.label);
  const r: Change = { ...c, label };
  if (c.key !== undefined) r.key = redactText(c.key);
  if (c.before !== undefined) r.before = redactText(c.before);
  if (c.after !== undefined) r.after = redactText(c.after);
  if (r.label !== c.label || r.before !== c.before || r.after !== c.after || r.key !== c.key) r.secret = true;
  return r;
}

/** An advanced setting as `show` prints it: the value redacted when the option is named like a secret or holds one. */
export function shownSetting(a: { option: string; value: string }): { option: string; value: string } {
  return isSecretChange(a.option.split('/').pop() ?? '', a.value, undefined) ? { option: a.option, value: REDACTED } : a;
}
