/**
 * Redaction of secret material inside values a report would print (docs/formats/esxi.md §4, the
 * redaction list): crypt(3) hashes, PEM private keys, licence `<epoc>` blobs, the keystore's `ConfigEncData`,
 * and JSON/XML fields whose names say they hold a secret. Whole secret FILES are handled by
 * backup/secrets.ts; this module is the safety net for values that reach a report from anywhere.
 */

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
 * hand-made scripts): `password=…`, `rootpw=…`, `secret: …`, `--password …`, `rocommunity …`. Only `=`/`:`
 * assignments, command-line flags and the SNMP directive count, so prose such as the report's own
 * "root: password changed" is left alone.
 */
const SECRET_ASSIGNMENT = /\b([\w.-]*(?:pass(?:word|wd|phrase)|pw|pswd|(?<=[\w.-])(?<!\bold)pwd|secret|communit(?:y|ies)|psk|api_?key|token))(\s*[=:]\s*)(["']?)(?!(?:<redacted>|changed|unchanged|added|removed)\b)([^\s"',;<>]+)\3/gi;
const SECRET_FLAG = /(--?(?:password|passwd|pass|secret|community|psk|token)(?:=|\s+))(["']?)(?!<redacted>)([^\s"']+)\2/gi;
const SNMP_COMMUNITY = /\b((?:ro|rw)community6?\s+)(?!<redacted>)(\S+)/gi;

/**
 * Field names that hold secrets in ConfigStore JSON, XML configs and esx.conf leaves: …password, …passwd,
 * and the short forms …pw (kickstart `rootpw`), …pswd, …pwd — but not a bare `pwd`/`oldpwd` (the shell's
 * working folder). Matched at the end of the name only, so a "pw" inside a word is left alone.
 */
const SECRET_FIELD = /(pass(word|wd|phrase)?|pw|pswd|(?<!^(?:old)?)pwd|secret|chap|private_?key|priv_?key|psk|communit(y|ies)|license_?key|serial_?key|encryption_?key|auth_?key|token_value|ssh_?keys?|authorized_?keys|certificate_?key|key_?material)$/i;

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** True when the text contains anything `redactText` would replace. */
export function containsSecret(text: string): boolean {
  return redactText(text) !== text;
}

/** Replace every recognised secret inside free text with REDACTED. Idempotent. */
export function redactText(text: string): string {
  return text
    .replace(PEM_PRIVATE, `-----BEGIN $1PRIVATE KEY----- ${REDACTED}`)
    .replace(CRYPT_HASH, REDACTED)
    .replace(LICENSE_BLOB, (_m, tag: string) => `<${tag}>${REDACTED}</${tag}>`)
    .replace(CONFIG_ENC, `$1${REDACTED}$2`)
    .replace(LICENSE_KEY, REDACTED)
    .replace(SECRET_ASSIGNMENT, (_m, key: string, sep: string, q: string) => `${key}${sep}${q}${REDACTED}${q}`)
    .replace(SECRET_FLAG, (_m, flag: string, q: string) => `${flag}${q}${REDACTED}${q}`)
    .replace(SNMP_COMMUNITY, `$1${REDACTED}`);
}
