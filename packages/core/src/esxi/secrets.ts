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
 * Files named like a secret field that hold none by their nature: /etc/passwd keeps its hashes in shadow
 * (field 2 is `x`), so its contents decide (passwdHoldsHash).
 */
const PUBLIC_BY_NAME = new Set(['etc/passwd']);

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
  if (PUBLIC_BY_NAME.has(current)) return false;
  const base = current.slice(slash + 1);
  return [path, current].some((p) => SECRET_PATHS.has(p) || SECRET_PATTERNS.some((re) => re.test(p))) || isSecretField(base);
}

/** True when the path is a known secret or the content holds key or hash material anywhere (a key
 * appended to a long file is as secret as one at its start; a passwd line with a hash in field 2).
 * @example isSecretFile('etc/shadow', undefined); // true
 */
export function isSecretFile(path: string, data: Buffer | undefined): boolean {
  if (isSecretPath(path)) return true;
  if (data === undefined) return false;
  return hasSecretContent(data) || (isPasswdPath(path) && passwdHoldsHash(data));
}

/** etc/passwd or the `.#passwd` copy beside it. */
function isPasswdPath(path: string): boolean {
  return /^etc\/(?:\.#)?passwd$/.test(path);
}

/**
 * A passwd line whose field 2 holds more than a placeholder (`x`, empty, `*`, `!`, `*LK*`): a DES or locked
 * (`!$6$…`) hash there is one the crypt pattern alone does not see. Anchored per line and read once.
 */
const PASSWD_HASH_LINE = /^(?!#)[^:\n]*:(?!(?:x|\*+|!+|\*LK\*)?:)[^:\n]+:/m;

/** True when a passwd file keeps a password hash in field 2 instead of in shadow.
 * @example passwdHoldsHash(Buffer.from('root:x:0:0::/:/bin/sh\n')); // false
 */
export function passwdHoldsHash(data: Buffer): boolean {
  return PASSWD_HASH_LINE.test(data.toString('latin1'));
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
 * A credential's value as shells, configs and JSON write it: quoted, up to its closing quote (`\"` inside
 * "…" does not close it; an unclosed quote runs to the end of the line); unquoted, up to whitespace. A password
 * policy asks for spaces and punctuation: stopping at a space inside quotes, or at `, ; < >`, printed the rest.
 * Each alternative reads on without turning back, so the match is linear in the value.
 */
const VALUE = String.raw`(?:"(?:[^"\\\n]|\\.)*(?:"|$)|'[^'\n]*(?:'|$)|\S+)`;
/** Not a value to redact: one already redacted, or the report's own word after `password:` ("changed"). */
const NOT_A_VALUE = String.raw`(?!["']?<redacted>)(?!["']?(?:changed|unchanged|added|removed)(?:[\s"',;)]|$))`;

/** A redacted value keeps the quotes it was written with. */
function redactedValue(value: string): string {
  const q = value[0];
  return q === '"' || q === "'" ? `${q}${REDACTED}${q}` : REDACTED;
}

/**
 * Credentials in free-form text files that no rule above knows (rc.local.d/local.sh, snmpd.conf,
 * hand-made scripts): `password=…`, `rootpw=…`, `secret: …`, `api_token=…`, `--password …`, `rocommunity …`, and JSON
 * members such as `"password":"…"` or `"auth_hash":"…"` (ConfigStore arrays compared as one text). Only `=`/`:`
 * assignments, command-line flags and the SNMP directive count, so prose such as the report's own
 * "root: password changed" is left alone.
 * The name is tried once per run of name characters, from the run's first word character: as `\b[\w.-]*`
 * every word boundary in `a.a.a…` began a scan to the run's end (32 KB took 4 s, 64 KB 16 s). The
 * keyword ends where the run does, so the first boundary finds what any later one would.
 */
const SECRET_ASSIGNMENT = new RegExp(
  String.raw`(?<![\w.-])([.-]*)\b([\w.-]*(?:pass(?:word|wd|phrase|code)|pw|pswd|(?<=[\w.-])(?<!\bold)pwd|secret|communit(?:y|ies)|psk|api_?key|token|credentials?|(?:pass(?:word)?|pw|auth|priv|secret)_?hash|(?:secret|access|private|auth)_?key))(["']?\s*[=:]\s*)${NOT_A_VALUE}(${VALUE})`,
  'gim',
);
/**
 * A command-line flag whose name has a secret word as one of its parts: `--password`, `--password-confirmation`
 * (esxcli account's `-c`), `--secret`, `--auth-token`, `--api-key`, `-pass` (the lookahead finds the word; the name
 * is then read once, so `--a-a-a…` is linear).
 */
const SECRET_FLAG = new RegExp(
  String.raw`(?<![\w-])(--?(?=[\w-]*?(?:password|passwd|pass|pwd|passphrase|secret|community|psk|token|api-?key|apikey|credentials?)(?![a-z0-9]))[\w-]+(?:=|\s+))${NOT_A_VALUE}(${VALUE})`,
  'gim',
);
const SNMP_COMMUNITY = new RegExp(String.raw`\b((?:ro|rw)community6?\s+)${NOT_A_VALUE}(${VALUE})`, 'gim');
/** Kickstart `rootpw [--iscrypted] PASSWORD` (the form ESXi's installer reads: a space, not `=`). */
const KICKSTART_ROOTPW = new RegExp(String.raw`\b(rootpw(?:\s+--iscrypted)?\s+)${NOT_A_VALUE}(?!--)(${VALUE})`, 'gim');
/**
 * Credentials in a URL: `tcp://admin:PASSWORD@loghost` (syslog targets, proxies), up to the last `@` before the
 * path (an unescaped `@` in a password left its rest printed). The lookbehind starts one try per scheme.
 */
const URL_PASSWORD = /((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)(?!<redacted>@)([^\s/]+)(@)/gi;
/** `esxcli system account add|set ... -p PASSWORD -c PASSWORD`: short flags, so only on esxcli account lines. */
const ESXCLI_ACCOUNT_FLAG = new RegExp(String.raw`(\s-[pc](?:=|\s+))${NOT_A_VALUE}(${VALUE})`, 'gm');
/** `curl -u USER:PASSWORD` (and `--user`, `--proxy-user`, `-U`): only on curl lines (`-u` is other things elsewhere). */
const CURL_USER_FLAG = new RegExp(String.raw`((?<![\w-])(?:-u|-U|--user|--proxy-user)(?:=|\s+))${NOT_A_VALUE}(${VALUE})`, 'gm');

/** `edit` applied to the lines that hold `command` and that `wanted` accepts; the other lines as they are. */
function onCommandLines(text: string, command: string, wanted: (line: string) => boolean, edit: (line: string) => string): string {
  if (!text.includes(command)) return text;
  return text
    .split('\n')
    .map((line) => (line.includes(command) && wanted(line) ? edit(line) : line))
    .join('\n');
}

/** The password flags of `esxcli ... account` lines redacted; other lines as they are (`-p` is a port elsewhere). */
function redactEsxcliAccount(text: string): string {
  return onCommandLines(text, 'esxcli', (line) => /\baccount\b/.test(line), (line) => line.replace(ESXCLI_ACCOUNT_FLAG, (_m, flag: string, value: string) => `${flag}${redactedValue(value)}`));
}

/** The password of `curl -u user:password` redacted (the user name kept). */
function redactCurlUser(text: string): string {
  return onCommandLines(text, 'curl', (line) => /\bcurl\b/.test(line), (line) =>
    line.replace(CURL_USER_FLAG, (m, flag: string, value: string) => {
      const q = value[0] === '"' || value[0] === "'" ? value[0] : '';
      const bare = q === '' ? value : value.slice(1, value.endsWith(q) && value.length > 1 ? -1 : undefined);
      const colon = bare.indexOf(':');
      return colon < 0 ? m : `${flag}${q}${bare.slice(0, colon + 1)}${REDACTED}${q}`;
    }),
  );
}

/**
 * Field names that hold secrets in ConfigStore JSON, XML configs and esx.conf leaves: …password, …passwd,
 * hashes of them (password_hash, SNMPv3 auth_hash / priv_hash), API and access keys, tokens and credentials
 * (`api_token`, `/UserVars/…Token`, `apikey`, `secret_key`), and the short forms …pw (kickstart `rootpw`), …pswd, …pwd — but not a bare `pwd`/`oldpwd` (the shell's
 * working folder). Matched at the end of the name only, so a "pw" inside a word is left alone.
 */
const SECRET_FIELD = /(pass(word|wd|phrase|code)?|pw|pswd|(?<!^(?:old)?)pwd|secret|chap|private_?key|priv_?key|psk|communit(y|ies)|license_?key|serial_?key|encryption_?key|auth_?key|token|token_value|credentials?|ssh_?keys?|authorized_?keys|certificate_?key|key_?material|(pass(word)?|pw|auth|priv|secret)_?hash|(api|secret|access)_?key)$/i;

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
  return redactCurlUser(redactEsxcliAccount(text))
    .replace(PEM_PRIVATE, `-----BEGIN $1PRIVATE KEY----- ${REDACTED}`)
    .replace(CRYPT_HASH, REDACTED)
    .replace(LICENSE_BLOB, (_m, tag: string) => `<${tag}>${REDACTED}</${tag}>`)
    .replace(CONFIG_ENC, `$1${REDACTED}$2`)
    .replace(LICENSE_KEY, REDACTED)
    .replace(SECRET_ASSIGNMENT, (_m, lead: string, key: string, sep: string, value: string) => `${lead}${key}${sep}${redactedValue(value)}`)
    .replace(SECRET_FLAG, (_m, flag: string, value: string) => `${flag}${redactedValue(value)}`)
    .replace(SNMP_COMMUNITY, (_m, directive: string, value: string) => `${directive}${redactedValue(value)}`)
    .replace(KICKSTART_ROOTPW, (_m, directive: string, value: string) => `${directive}${redactedValue(value)}`)
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

/**
 * The safety net over every change a diff reports: no recognisable secret survives in a printed field. A change
 * it finds a secret in (or one already marked secret) reports the fact only: `before`/`after` are dropped, and
 * a value the label or key still quotes is cut out too (the redaction may have caught another word:
 * `SomeToken: set to "…"` lost "set", not the token).
 */
export function redactChange(c: Change): Change {
  const label = onLabelText(c, redactText);
  const r: Change = { ...c, label };
  if (c.key !== undefined) r.key = redactText(c.key);
  const found = r.label !== c.label || r.key !== c.key || (c.before !== undefined && containsSecret(c.before)) || (c.after !== undefined && containsSecret(c.after));
  if (!found && c.secret !== true) return r;
  r.secret = true;
  delete r.before;
  delete r.after;
  for (const value of [c.before, c.after]) {
    if (value === undefined || value === '') continue;
    r.label = onLabelText(r, (text) => withoutValue(text, value));
    if (r.key !== undefined) r.key = withoutValue(r.key, value);
  }
  return r;
}

/** `edit` applied to a label after the file path it starts with: a name such as `vsan_kms_pwd:` is not an assignment to redact. */
function onLabelText(c: Change, edit: (text: string) => string): string {
  return c.label.startsWith(`${c.path}:`) ? `${c.path}${edit(c.label.slice(c.path.length))}` : edit(c.label);
}

/** Word characters: a value is cut out where it stands alone, not where it is part of a longer word. */
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** `text` with every occurrence of `value` that is not part of a longer word replaced by REDACTED. */
function withoutValue(text: string, value: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + value.length)) {
    const before = text[at - 1];
    const after = text[at + value.length];
    const alone = (before === undefined || !WORD_CHAR.test(before) || !WORD_CHAR.test(value[0]!)) && (after === undefined || !WORD_CHAR.test(after) || !WORD_CHAR.test(value[value.length - 1]!));
    if (!alone) continue;
    out += `${text.slice(from, at)}${REDACTED}`;
    from = at + value.length;
  }
  return out + text.slice(from);
}

/** An advanced setting as `show` prints it: the value redacted when the option is named like a secret or holds one. */
export function shownSetting(a: { option: string; value: string }): { option: string; value: string } {
  return isSecretChange(a.option.split('/').pop() ?? '', a.value, undefined) ? { option: a.option, value: REDACTED } : a;
}

/** A free-text value as `show` prints it (Manifest boot options): every recognised secret in it redacted. */
export function shownText(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redactText(text);
}
