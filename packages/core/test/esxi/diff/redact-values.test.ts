/**
 * The last pass of the secret redaction on the values people really write (audit of `esxi diff`, 2026-12):
 * esxcli account's long flags (`--password-confirmation`, the `-c` that VMware documents), quoted values with
 * spaces, and unquoted ones with `, ; < >` were printed in clear, whole or in part.
 */
import { describe, expect, it } from '@jest/globals';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { containsSecret, isSecretFile, isSecretPath, redactText, REDACTED } from '../../../src/esxi/secrets.js';
import { fixturePath } from '../../helpers/corpus.js';

const R = REDACTED;

function expectRedacted(cases: Array<[string, string]>): void {
  for (const [text, redacted] of cases) expect([text, redactText(text)]).toEqual([text, redacted]);
}

describe('redaction of credential values', () => {
  it('esxcli account: every password flag, long or short, with = or a space', () => {
    expectRedacted([
      ['esxcli system account add --id=bob --password=PwA1 --password-confirmation=PwA2', `esxcli system account add --id=bob --password=${R} --password-confirmation=${R}`],
      ['esxcli system account set --id root --password PwB1 --password-confirmation PwB2', `esxcli system account set --id root --password ${R} --password-confirmation ${R}`],
      ["esxcli system account set -i root -p 'Pa ss3' -c 'Pa ss3'", `esxcli system account set -i root -p '${R}' -c '${R}'`],
      ['esxcli system account add -i ops -p "Two words" -c "Two words" -d "Ops user"', `esxcli system account add -i ops -p "${R}" -c "${R}" -d "Ops user"`],
      // other long flags whose name has a secret word as one of its parts
      ['esxcli iscsi adapter auth chap set --secret "a b" --mutual-secret=c,d -A vmhba64', `esxcli iscsi adapter auth chap set --secret "${R}" --mutual-secret=${R} -A vmhba64`],
      ['tool --auth-token tok;en --api-key=k<1> --kms-password x', `tool --auth-token ${R} --api-key=${R} --kms-password ${R}`],
    ]);
  });

  it('quoted values are redacted up to their closing quote, whatever they hold', () => {
    expectRedacted([
      ['password="two words"', `password="${R}"`],
      ["export PASSWORD='x,y'", `export PASSWORD='${R}'`],
      ['password: "has space here"', `password: "${R}"`],
      ['{"name":"x","password":"JSON PW","secret":"s;t","user":"root"}', `{"name":"x","password":"${R}","secret":"${R}","user":"root"}`],
      ['{"password":"with \\"escaped\\" quote","user":"root"}', `{"password":"${R}","user":"root"}`],
      // an unclosed quote: to the end of its line
      ['password="never closed\nnext=line', `password="${R}"\nnext=line`],
    ]);
  });

  it('unquoted values are redacted up to whitespace, punctuation included', () => {
    expectRedacted([
      ['password=Sup3r,PART1 rest', `password=${R} rest`],
      ['secret = Ab<PART2>', `secret = ${R}`],
      ['db_password=a;b;c', `db_password=${R}`],
      ['api_token=t0k apikey=k3y secret_key=s private_key=p credentials=c', `api_token=${R} apikey=${R} secret_key=${R} private_key=${R} credentials=${R}`],
      ['rocommunity "pub lic" 10.0.0.0/8', `rocommunity "${R}" 10.0.0.0/8`],
      ['rootpw "root pw"', `rootpw "${R}"`],
    ]);
  });

  it('curl -u keeps the user, not the password; a URL password holding an @ is redacted whole', () => {
    expectRedacted([
      ['curl -u admin:CurlPw1 https://vc/api', `curl -u admin:${R} https://vc/api`],
      ["curl --user 'admin:pa ss' https://vc/api", `curl --user 'admin:${R}' https://vc/api`],
      ['wget ftp://bob:FtpPw@rest@host/f', `wget ftp://bob:${R}@host/f`],
    ]);
    // -u is not a credential elsewhere
    expectRedacted([['date -u +%s; sort -u x', 'date -u +%s; sort -u x']]);
  });

  it("leaves the report's own words, ordinary flags and settings alone, and is idempotent", () => {
    for (const t of [
      'root: password changed [secret]',
      'advanced setting /UserVars/SomeToken: changed',
      'advanced setting /UserVars/SomeToken: added (value not shown; image default before)',
      'advanced setting /UserVars/SomeToken: removed, back to the image default',
      'esxcli network firewall ruleset set -r sshServer -p 22',
      'esxcli system settings kernel set --setting=passthrough --value=TRUE',
      'vmkload_mod --passthrough x',
    ]) expect([t, redactText(t)]).toEqual([t, t]);
    const once = redactText(`password="a b" --password-confirmation 'c d' secret=e,f curl -u u:p`);
    expect(redactText(once)).toBe(once);
    expect(containsSecret(once)).toBe(false);
  });

  it.each([
    ['--a-a-a…', '--a-a-a-'],
    ['--password-password…', '--password-password-'],
    ['"password":"…', '"password":"x'],
    ["password='…", "password='x "],
    ['curl -u …', 'curl -u a:b '],
  ])('1 MB of %s is redacted in linear time (a hang guard)', (_name, unit) => {
    const value = unit.repeat(Math.ceil(1_000_000 / unit.length));
    const t = process.hrtime.bigint();
    redactText(value);
    expect(Number(process.hrtime.bigint() - t) / 1e9).toBeLessThan(3);
  });
});

describe('etc/passwd is secret only when it holds a hash', () => {
  const passwd = (field2: string) => Buffer.from(`root:${field2}:0:0:Administrator:/:/bin/sh\nadmin:x:1000:1000:Local admin:/:/bin/sh\n`);

  it('by name it is not (its hashes live in shadow); shadow still is', () => {
    expect(isSecretPath('etc/passwd')).toBe(false);
    expect(isSecretPath('etc/.#passwd')).toBe(false);
    expect(isSecretPath('etc/shadow')).toBe(true);
    expect(isSecretPath('etc/security/opasswd')).toBe(true);
  });

  it('by content: placeholders are not secret, a crypt, DES or locked hash in field 2 is', () => {
    for (const field of ['x', '', '*', '!', '!!', '*LK*']) expect([field, isSecretFile('etc/passwd', passwd(field))]).toEqual([field, false]);
    for (const field of ['$6$salt1234$hashhashhash', 'abJnggxhB/yWI', '!$6$salt1234$hashhashhash']) expect([field, isSecretFile('etc/passwd', passwd(field))]).toEqual([field, true]);
    expect(isSecretFile('etc/.#passwd', passwd('abJnggxhB/yWI'))).toBe(true);
  });

  it("the fixture bundle's passwd (root:x:…) is not flagged; its shadow is", () => {
    const files = openBackup(fixturePath('esxi', 'configBundle-esx67.tgz')).files;
    expect(files.get('etc/passwd')!.secret).toBe(false);
    expect(files.get('etc/shadow')!.secret).toBe(true);
  });
});
