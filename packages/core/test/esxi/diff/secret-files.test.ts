/**
 * Files VMware's own vm-support prunes as sensitive (config-system.mfx), their `.#` backup copies, and files
 * named like a secret are compared as secrets: "changed (secret content not shown)", the values in no field.
 * Before, vsan_kms_pwd was line-diffed and its password printed beside a `[secret]` tag.
 */
import { describe, expect, it } from '@jest/globals';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { diffBackups } from '../../../src/esxi/diff/backups.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';
import { isSecretPath, redactText, REDACTED } from '../../../src/esxi/secrets.js';
import { fixturePath } from '../../helpers/corpus.js';

interface Lib {
  etc67(o: object): Record<string, unknown>;
  localTgz(f: Record<string, unknown>): Buffer;
  stateTgz(m: Record<string, Buffer>): Buffer;
}

const SECRET_FILES = [
  'etc/vmware/vsan/vsan_kms_pwd',
  'etc/vmware/vsan/.#vsan_kms_pwd',
  'etc/vmware/ssl/vsanvp_secret',
  'etc/vmware/nas/.#nas.conf',
  'etc/vmware/vmkiscsid/.#vmkiscsid.db',
  'etc/vmware/ssl/.#rui.bak',
  'etc/vmware/ssl/.#rui.key',
  'opt/tools/api.token',
];

describe('secret files in a diff', () => {
  it('by path: the pruned files, their .# copies and secret-named files; not ordinary ones or their copies', () => {
    for (const p of SECRET_FILES) expect([p, isSecretPath(p)]).toEqual([p, true]);
    for (const p of ['etc/ntp.conf', 'etc/vmware/.#esx.conf', 'etc/vmware/ssl/rui.crt', 'etc/ssh/ssh_host_rsa_key.pub', 'etc/pwd.d/notes']) expect([p, isSecretPath(p)]).toEqual([p, false]);
  });

  it('a changed password file says "changed (secret content not shown)"; no field carries the values', async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as Lib;
    const side = async (value: string) =>
      parseBackup(openBackup(lib.stateTgz({ 'local.tgz': lib.localTgz(lib.etc67({ extra: Object.fromEntries(SECRET_FILES.map((p) => [p, `${value}\n`])) })) })));
    const r = diffBackups(await side('OldKmsPassw0rd'), await side('NewKmsPassw0rd'));
    const json = JSON.stringify(r);
    expect(json).not.toMatch(/KmsPassw0rd/);
    for (const p of SECRET_FILES) expect(r.changes.filter((c) => c.path === p).map((c) => [c.label, c.secret])).toEqual([[`${p}: changed (secret content not shown)`, true]]);
  });

  it('credentials ESXi writes without `=`: kickstart rootpw, esxcli account -p/-c, a password in a URL', () => {
    expect(redactText('rootpw NewRootPw2')).toBe(`rootpw ${REDACTED}`);
    expect(redactText('rootpw --iscrypted $6$salt$hashhashhash')).toBe(`rootpw --iscrypted ${REDACTED}`);
    expect(redactText('esxcli system account set -i svc -p Hunter2Pass -c Hunter2Pass')).toBe(`esxcli system account set -i svc -p ${REDACTED} -c ${REDACTED}`);
    // -p is a port elsewhere
    expect(redactText('esxcli network firewall ruleset set -p 22')).toBe('esxcli network firewall ruleset set -p 22');
    expect(redactText('loghost = tcp://admin:SyslogPw77@10.0.0.5:514')).toBe(`loghost = tcp://admin:${REDACTED}@10.0.0.5:514`);
    expect(redactText('server https://10.0.0.5:8443/path')).toBe('server https://10.0.0.5:8443/path');
  });

  it('the label safety net leaves a path named like a field alone (it redacted the word after `vsan_kms_pwd:`)', async () => {
    const { redactChange } = await import('../../../src/esxi/secrets.js');
    const c = redactChange({ area: 'system', path: 'etc/x/db_pwd', change: 'added', label: 'etc/x/db_pwd: line added: hello', after: 'hello' });
    expect(c.label).toBe('etc/x/db_pwd: line added: hello');
  });

  it.each(['x://y:z@', 'a://b:', 'rootpw ', 'esxcli account -p x '])('1 MB of %j is redacted in linear time (a hang guard for the new patterns)', (unit) => {
    const value = unit.repeat(Math.ceil(1_000_000 / unit.length));
    const t = process.hrtime.bigint();
    redactText(value);
    expect(Number(process.hrtime.bigint() - t) / 1e9).toBeLessThan(3);
  });
});
