import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { hashAlgorithm, parseGroup, parsePasswd, parseShadow, shadowSecrets } from '../../../src/esxi/config/passwd.js';
import { parseHosts } from '../../../src/esxi/config/hosts.js';
import { parseResolv } from '../../../src/esxi/config/resolv.js';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';

const r702 = (p: string) => readFileSync(corpusPath('esxi', 'dissect-hypervisor-envelope', 'x', p), 'utf8');
/** Synthetic /etc of a fresh 6.7 host (fixtures/gen/esxi/hostd-etc.mjs). */
const img67 = (p: string) => readFileSync(fixturePath('esxi', 'etc-6.7', p), 'utf8');

describe('passwd / shadow / group', () => {
  it('reads the real 7.0.2 shadow: algorithms, never the hash', () => {
    const text = r702('etc/shadow');
    const users = parseShadow(text);
    expect(users.map((u) => [u.name, u.algorithm, u.locked])).toEqual([
      ['root', 'sha512', false],
      ['dcui', 'locked', true],
      ['vpxuser', 'locked', true],
    ]);
    const hash = text.split('\n')[0]!.split(':')[1]!;
    expect(hash.startsWith('$6$')).toBe(true);
    expect(JSON.stringify(users)).not.toContain(hash);
    expect(JSON.stringify(users)).not.toContain(hash.split('$')[2]); // not even the salt
    expect(shadowSecrets(text).get('root')).toBe(hash);
  });

  it('reads a fresh 6.7 host\'s shadow (MD5 default) and passwd (synthetic)', () => {
    expect(parseShadow(img67('etc/shadow')).find((u) => u.name === 'root')?.algorithm).toBe('md5');
    const users = parsePasswd(img67('etc/passwd'));
    expect(users.map((u) => u.name)).toEqual(['root', 'daemon', 'nfsnobody', 'dcui', 'vpxuser']);
    expect(users[0]).toEqual({ name: 'root', uid: '0', gid: '0', gecos: 'Administrator', home: '/', shell: '/bin/sh' });
  });

  it('classifies crypt schemes', () => {
    expect(hashAlgorithm('')).toBe('none');
    expect(hashAlgorithm('$5$abc$def')).toBe('sha256');
    expect(hashAlgorithm('$2b$10$x')).toBe('bcrypt');
    expect(hashAlgorithm('$y$j9T$x')).toBe('yescrypt');
    expect(hashAlgorithm('abcdefghijklm')).toBe('des');
    expect(hashAlgorithm('$9$weird')).toBe('unknown');
  });

  it('reads groups with members', () => {
    expect(parseGroup(r702('etc/group'))).toEqual([
      { name: 'root', gid: '0', members: ['root'] },
      { name: 'users', gid: '100', members: [] },
    ]);
  });
});

describe('hosts and resolv.conf', () => {
  it('reads the real 7.0.2 hosts without comments', () => {
    expect(parseHosts(r702('etc/hosts'))).toEqual([
      { address: '127.0.0.1', names: ['localhost.localdomain', 'localhost'] },
      { address: '::1', names: ['localhost.localdomain', 'localhost'] },
      { address: '10.199.5.140', names: ['jemoeder.internet.vm', 'jemoeder'] },
    ]);
  });

  it('reads the real 7.0.2 resolv.conf (trailing space in search)', () => {
    expect(parseResolv(r702('etc/resolv.conf'))).toEqual({ nameservers: ['10.199.5.1'], search: ['internet.vm'], domain: undefined, options: [] });
  });

  it('drops the comment of a CRLF line too (the old /#.*$/ stopped at the \\r and kept it)', () => {
    expect(parseHosts('10.0.0.1 esx01 # old name\r\n10.0.0.2 esx02\r\n')).toEqual([
      { address: '10.0.0.1', names: ['esx01'] },
      { address: '10.0.0.2', names: ['esx02'] },
    ]);
    expect(parseResolv('nameserver 10.0.0.9 ; second\r\nsearch lab # note\r\n')).toEqual({ nameservers: ['10.0.0.9'], search: ['lab'], domain: undefined, options: [] });
  });

  it('reads lines of 4 MB of comment characters in linear time (the old regexes backtracked: minutes)', () => {
    const t = Date.now();
    expect(parseHosts(`${'#'.repeat(4_000_000)}\rx\n10.0.0.1 esx01\n`)).toEqual([{ address: '10.0.0.1', names: ['esx01'] }]);
    expect(parseResolv(`${'#'.repeat(4_000_000)}\rx\nnameserver 10.0.0.9\n`).nameservers).toEqual(['10.0.0.9']);
    // one '#' at the very end of 200,000 lines: each line does not search the rest of the text again
    expect(parseHosts(`${'10.0.0.1 a\n'.repeat(200_000)}#`)).toHaveLength(200_000);
    expect(Date.now() - t).toBeLessThan(5_000);
  });
});
