import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { diffPasswd, diffShadow } from '../../../src/esxi/diff/etc.js';
import { fixturePath } from '../../helpers/corpus.js';

const HASH_OLD = '$6$pwSaltOld$PasswdFieldHashThatMustNotBePrinted0123456789abcdef';
const HASH_NEW = '$1$pwSaltN$PasswdFieldMd5MustNotPrint/';
const passwd = (field: string) => `root:${field}:0:0:Administrator:/:/bin/sh\ndcui:x:100:100:DCUI User:/:/sbin/nologin\n`;

describe('etc/passwd: a hash in field 2 is compared like the shadow hash', () => {
  it('a changed hash is reported with its algorithm, secret, without values', () => {
    const changes = diffPasswd('etc/passwd', passwd(HASH_OLD), passwd(HASH_NEW), false);
    expect(changes).toEqual([{ area: 'users', path: 'etc/passwd', key: 'root', change: 'modified', label: 'root: password changed in etc/passwd (sha512 → md5)', secret: true }]);
    expect(JSON.stringify(changes)).not.toContain('pwSalt');
  });

  it('moving the hash into or out of etc/shadow, and locking, are reported too', () => {
    expect(diffPasswd('etc/passwd', passwd('x'), passwd(HASH_OLD), false).map((c) => c.label)).toEqual(['root: password changed in etc/passwd (in etc/shadow → sha512)']);
    expect(diffPasswd('etc/passwd', passwd(HASH_OLD), passwd(`!${HASH_OLD}`), false).map((c) => c.label)).toEqual(['root: password locked in etc/passwd (sha512 → locked)']);
  });

  it('--show-secrets puts the values in before/after', () => {
    expect(diffPasswd('etc/passwd', passwd(HASH_OLD), passwd(HASH_NEW), true)[0]).toMatchObject({ before: HASH_OLD, after: HASH_NEW, secret: true });
  });

  it('a 6.7 host passwd (synthetic) against itself, and with only account details changed: no password change', () => {
    const real = readFileSync(fixturePath('esxi', 'etc-6.7', 'etc', 'passwd'), 'utf8');
    expect(diffPasswd('etc/passwd', real, real, false)).toEqual([]);
    const shell = diffPasswd('etc/passwd', real, real.replace('root:x:0:0:Administrator:/:/bin/sh', 'root:x:0:0:Administrator:/:/bin/ash'), false);
    expect(shell.map((c) => c.label)).toEqual(['user root: account details changed']);
  });
});

describe('etc/shadow: password ageing (fields 3-8) is compared too; the hash never printed', () => {
  const HASH = '$6$agSalt01$ShadowHashThatMustNotBePrintedWithAgeing0123456789abcdef';
  const shadow = (root: string) => `root:${root}\ndcui:*:13358:0:99999:7:::\n`;

  it('max days 99999 → 90 (a password last changed in 2019 expires at the restore): one change, values only', () => {
    const changes = diffShadow('etc/shadow', shadow(`${HASH}:18000:0:99999:7:::`), shadow(`${HASH}:18000:0:90:7:::`), false);
    expect(changes).toEqual([
      { area: 'users', path: 'etc/shadow', key: 'root', change: 'modified', label: 'root: password ageing changed (max days 99999 → 90)', before: 'max days 99999', after: 'max days 90' },
    ]);
    expect(JSON.stringify(changes)).not.toContain('agSalt01');
  });

  it('several fields in one change, in field order; an empty field says so; with a new password, both changes', () => {
    const changes = diffShadow('etc/shadow', shadow(`${HASH}:18000:0:99999:7:::`), shadow(`$6$other$x0123:19500:1:99999:14::19999:`), false);
    expect(changes.map((c) => c.label)).toEqual(['root: password changed', 'root: password ageing changed (last change 18000 → 19500, min days 0 → 1, warn days 7 → 14, expires (empty) → 19999)']);
  });

  it('a broken line with a hash where a number belongs: the hash is not quoted', () => {
    const changes = diffShadow('etc/shadow', shadow(`:${HASH}:0:99999:7:::`), shadow(`::${HASH}:99999:7:::`), false);
    expect(changes.map((c) => c.label)).toEqual(['root: password ageing changed (last change (not a number) → (empty), min days 0 → (not a number))']);
    expect(JSON.stringify(changes)).not.toContain('agSalt01');
  });
});
