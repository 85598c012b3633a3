/**
 * Which backup files hold secrets (docs/formats/esxi.md §4): password hashes, private keys,
 * licence, keystores, AD/iSCSI/vSAN secrets. Mostly the files VMware's own vm-support manifest
 * (config-system.mfx) prunes. `show` lists them but never prints their contents.
 */

/** Exact paths (normalised, no leading '/'). */
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

export function isSecretPath(path: string): boolean {
  return SECRET_PATHS.has(path) || SECRET_PATTERNS.some((re) => re.test(path));
}

/** True when the path is a known secret or the first 64 KiB of the content look like key or hash material. */
export function isSecret(path: string, data: Buffer | undefined): boolean {
  if (isSecretPath(path)) return true;
  if (data === undefined || data.length === 0) return false;
  const head = data.subarray(0, 64 * 1024).toString('latin1');
  return SECRET_CONTENT.some((re) => re.test(head));
}
