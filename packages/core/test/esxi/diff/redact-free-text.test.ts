import { describe, expect, it } from '@jest/globals';
import { diffLines, diffXml, xmlLeafNames } from '../../../src/esxi/diff/text.js';
import type { ConfigStore } from '../../../src/esxi/config/configstore.js';
import { diffConfigStore } from '../../../src/esxi/diff/configstore.js';
import { isSecretField, isSecretFile, redactText } from '../../../src/esxi/secrets.js';
import { parseEsxConf } from '../../../src/esxi/config/esxconf.js';
import { diffEsxConf } from '../../../src/esxi/diff/esxconf.js';

// Credentials in files no specific rule knows (local.sh, snmpd.conf) must not reach a report either.
describe('redaction of credentials in free-form text', () => {
  it('hides assignments, command-line flags and SNMP communities', () => {
    expect(redactText('PASSWORD=Hunter2')).toBe('PASSWORD=<redacted>');
    expect(redactText('esxcli iscsi adapter auth chap set --secret=Hunter2 -A vmhba64')).toBe('esxcli iscsi adapter auth chap set --secret=<redacted> -A vmhba64');
    expect(redactText('esxcli system account add -i ops --password "Hunter2"')).toBe('esxcli system account add -i ops --password "<redacted>"');
    expect(redactText('rocommunity s3cret 10.0.0.0/8')).toBe('rocommunity <redacted> 10.0.0.0/8');
    expect(redactText('snmp communities: public')).toBe('snmp communities: <redacted>');
  });

  it("leaves the report's own sentences and ordinary settings alone, and is idempotent", () => {
    for (const t of ['root: password changed [secret]', 'Password: changed', 'DNS: 10.0.0.1', 'vSwitch0: uplink vmnic1 added']) expect(redactText(t)).toBe(t);
    const once = redactText('a_password: x --token y rwcommunity z');
    expect(redactText(once)).toBe(once);
    expect(once).not.toMatch(/\b[xyz]\b/);
  });

  it('no credential from a changed local.sh or snmpd.conf survives the diff + redaction pipeline', () => {
    const before = '#!/bin/sh\nesxcli system account add -i ops --password "OldPass1!"\n';
    const after = '#!/bin/sh\nesxcli system account add -i ops --password "NewPass2!"\nexport VC_PASSWORD=NewPass2!\n';
    const snmpBefore = 'rocommunity public\n';
    const snmpAfter = 'rocommunity Corp0rate\n';
    const changes = [...diffLines('etc/rc.local.d/local.sh', 'system', before, after), ...diffLines('etc/snmp/snmpd.conf', 'system', snmpBefore, snmpAfter)];
    expect(changes.length).toBeGreaterThan(0);
    const printed = JSON.stringify(changes.map((c) => ({ label: redactText(c.label), before: c.before && redactText(c.before), after: c.after && redactText(c.after) })));
    for (const secret of ['OldPass1', 'NewPass2', 'Corp0rate']) expect(printed).not.toContain(secret);
    // The unredacted diff did contain them, so the test would catch a redaction that stopped working.
    expect(JSON.stringify(changes)).toContain('NewPass2');
  });

  it('an esx.conf secret that was added reads "added", and redaction leaves that label intact', () => {
    const before = parseEsxConf('/adv/Misc/HostName = "h"\n');
    const after = parseEsxConf('/adv/Misc/HostName = "h"\n/adv/UserVars/ActiveDirectoryPassword = "Hunter2AdPass"\n/net/snmp/community = "Corp0rate"\n');
    const labels = diffEsxConf(before, after, false).map((c) => c.label);
    expect(labels).toEqual([
      'advanced setting /UserVars/ActiveDirectoryPassword: added (value not shown; image default before)',
      '/net/snmp/community: added (value not shown)',
    ]);
    for (const l of labels) expect(redactText(l)).toBe(l);
  });

  it('short password names (kickstart rootpw, …Pwd, …pswd) are secret; a bare pwd/OLDPWD or a "pw" inside a word is not', () => {
    for (const n of ['rootpw', 'PW', 'adminPwd', 'vsan_kms_pwd', 'bmcPswd', 'passwd', 'rootPasswd']) expect([n, isSecretField(n)]).toEqual([n, true]);
    // names from the real 7.0.2 esx.conf / rootfs and the fixtures that merely contain the letters
    for (const n of ['pwd', 'OLDPWD', 'rootPasswdExpiration', 'SuppressCoredumpWarning', 'pwdMinLength', 'HostName']) expect([n, isSecretField(n)]).toEqual([n, false]);
    expect(redactText('rootpw=Hunter2 admin_pwd: Hunter3')).toBe('rootpw=<redacted> admin_pwd: <redacted>');
    for (const t of ['cd "$OLDPWD"', 'PWD=/scratch', 'OLDPWD=/tmp']) expect(redactText(t)).toBe(t);
  });

  it('a kickstart rootpw in esx.conf is changed/added without its value', () => {
    const before = parseEsxConf('/adv/Misc/HostName = "h"\n/system/kickstart/rootpw = "OldKsPass1"\n');
    const after = parseEsxConf('/adv/Misc/HostName = "h"\n/system/kickstart/rootpw = "NewKsPass2"\n/system/kickstart/adminpw = "AddedKsPass3"\n');
    const changes = diffEsxConf(before, after, false);
    expect(changes.map((c) => [c.label, c.secret])).toEqual([
      ['/system/kickstart/adminpw: added (value not shown)', true],
      ['/system/kickstart/rootpw: changed', true],
    ]);
    for (const v of ['OldKsPass1', 'NewKsPass2', 'AddedKsPass3']) expect(JSON.stringify(changes)).not.toContain(v);
    expect(JSON.stringify(diffEsxConf(before, after, true))).toContain('NewKsPass2');
  });

  it('hides JSON members and hashes of passwords: ConfigStore arrays are compared as one JSON text', () => {
    expect(redactText('[{"url":"http://proxy:3128","password":"OldPlainPassw0rd"}]')).toBe('[{"url":"http://proxy:3128","password":"<redacted>"}]');
    expect(redactText('[{"username":"monitor","auth_hash":"a1b2c3d4","priv_hash":"4d3c2b1a"}]')).toBe('[{"username":"monitor","auth_hash":"<redacted>","priv_hash":"<redacted>"}]');
    for (const field of ['password_hash', 'auth_hash', 'priv_hash', 'api_key', 'secret_key', 'access_key']) expect(isSecretField(field)).toBe(true);
    for (const field of ['hash', 'config_hash', 'key', 'monkey']) expect(isSecretField(field)).toBe(false);
    const store = (password: string, authHash: string): ConfigStore => ({
      rows: [
        { component: 'esx', group: 'services', name: 'proxy', identifier: '', modifiedTime: undefined, creationTime: undefined, version: undefined, success: undefined, revision: undefined, values: { UserValue: { servers: [{ url: 'http://proxy:3128', password }] } } },
        { component: 'esx', group: 'services', name: 'snmp', identifier: '', modifiedTime: undefined, creationTime: undefined, version: undefined, success: undefined, revision: undefined, values: { UserValue: { users: [{ username: 'monitor', auth_hash: authHash }] } } },
      ],
      kv: [],
      tables: ['Config'],
    });
    const changes = diffConfigStore(store('OldPlainPassw0rd', 'a1b2c3d4e5f6'), store('NewPlainPassw0rd', 'ffeeddccbbaa'), false);
    expect(changes.map((c) => c.label)).toEqual(['ConfigStore services/proxy: user.servers changed', 'ConfigStore services/snmp: user.users changed']);
    expect(changes.every((c) => c.secret === true)).toBe(true);
    expect(JSON.stringify(changes)).not.toMatch(/PlainPassw0rd|a1b2c3d4e5f6|ffeeddccbbaa/);
  });

  it('an XML name/value pair named like a secret is one, whatever its value attribute is called', () => {
    expect(xmlLeafNames('/ConfigRoot/proxy/option[name=ProxyPassword]/@value')).toEqual(['value', 'option', 'ProxyPassword']);
    const xml = (v: string) => `<ConfigRoot><proxy><option name="ProxyHost" value="proxy"/><option name="ProxyPassword" value="${v}"/></proxy></ConfigRoot>`;
    const changes = diffXml('etc/vmware/hostd/proxy.xml', 'services', xml('OldXmlPassw0rd'), xml('NewXmlPassw0rd'))!;
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ secret: true, label: 'etc/vmware/hostd/proxy.xml /ConfigRoot/proxy/option[name=ProxyPassword]/@value changed' });
    expect(JSON.stringify(changes)).not.toContain('XmlPassw0rd');
  });

  it('a private key anywhere in a file makes it a secret file, not only in its first 64 KiB', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n';
    expect(isSecretFile('etc/rc.local.d/local.sh', Buffer.from(`${'# padding\n'.repeat(10_000)}${key}`))).toBe(true);
    expect(isSecretFile('etc/rc.local.d/local.sh', Buffer.from('# padding\n'.repeat(10_000)))).toBe(false);
  });
});
