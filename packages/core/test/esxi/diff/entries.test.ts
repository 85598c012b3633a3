/**
 * What a restore writes besides bytes: permission bits, and what a path is (a file, a symlink and its target).
 * Before: an SSH host key 0400 → 0644 and shadow 0644 → 0600 were "No configuration changes"; a symlink's new
 * target was "only layout or order changed (0 → 0 bytes)", and a file replaced by a symlink "line removed: …".
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { diffBackups } from '../../../src/esxi/diff/backups.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';
import { fixturePath } from '../../helpers/corpus.js';

interface Lib {
  etc67(o?: object): Record<string, unknown>;
  localTgz(f: Record<string, unknown>): Buffer;
  stateTgz(m: Record<string, Buffer>): Buffer;
  privateKey(): string;
  FAKE_KEY_BODY: string;
}

let lib: Lib;
beforeAll(async () => {
  lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as Lib;
});

/** The changes of restoring a 6.7 host's /etc with `after` over one with `before` (both over etc67's files). */
async function changes(before: Record<string, unknown>, after: Record<string, unknown>) {
  const side = async (extra: Record<string, unknown>) => parseBackup(openBackup(lib.stateTgz({ 'local.tgz': lib.localTgz({ ...lib.etc67(), ...extra }) })));
  return diffBackups(await side(before), await side(after)).changes;
}

const symlink = (target: string) => ({ type: '2', linkname: target, mode: 0o777 });

describe('diff: modes, symlinks and what a path is', () => {
  it('a mode change alone is reported, with the modes as before/after (a private key 0400 → 0644, shadow 0644 → 0600)', async () => {
    const shadow = lib.etc67()['etc/shadow'] as { data: string };
    const r = await changes({}, { 'etc/ssh/ssh_host_rsa_key': { data: lib.privateKey(), mode: 0o644 }, 'etc/shadow': { data: shadow.data, mode: 0o600 } });
    expect(r).toEqual([
      { area: 'users', path: 'etc/shadow', change: 'modified', aspect: 'mode', label: 'etc/shadow: mode 0644 → 0600', before: '0644', after: '0600' },
      { area: 'security', path: 'etc/ssh/ssh_host_rsa_key', change: 'modified', aspect: 'mode', label: 'etc/ssh/ssh_host_rsa_key: mode 0400 → 0644', before: '0400', after: '0644' },
    ]);
    expect(JSON.stringify(r)).not.toContain(lib.FAKE_KEY_BODY);
  });

  it('mode and contents both changed: both; setuid bits and folders count; a symlink\'s own mode does not', async () => {
    const hosts = '127.0.0.1\tlocalhost\n';
    const r = await changes(
      { 'etc/hosts': { data: hosts, mode: 0o644 }, 'etc/rc.local.d/': { type: '5', mode: 0o755 }, 'etc/rc.local.d/local.sh': { data: 'exit 0\n', mode: 0o755 }, 'etc/l': { ...symlink('/etc/hosts'), mode: 0o777 } },
      { 'etc/hosts': { data: `${hosts}10.0.0.9\tnas\n`, mode: 0o666 }, 'etc/rc.local.d/': { type: '5', mode: 0o777 }, 'etc/rc.local.d/local.sh': { data: 'exit 0\n', mode: 0o4755 }, 'etc/l': { ...symlink('/etc/hosts'), mode: 0o755 } },
    );
    expect(r.map((c) => c.label)).toEqual(['etc/hosts: mode 0644 → 0666', 'hosts entry 10.0.0.9 nas added', 'etc/rc.local.d: mode 0755 → 0777', 'etc/rc.local.d/local.sh: mode 0755 → 4755']);
  });

  it('a symlink pointed elsewhere: "symlink target A → B", its targets as before/after', async () => {
    const r = await changes({ 'etc/ntp.conf': symlink('/etc/ntp.conf.orig') }, { 'etc/ntp.conf': symlink('/scratch/evil/ntp.conf') });
    expect(r).toEqual([
      { area: 'network', path: 'etc/ntp.conf', change: 'modified', aspect: 'target', label: 'etc/ntp.conf: symlink target /etc/ntp.conf.orig → /scratch/evil/ntp.conf', before: '/etc/ntp.conf.orig', after: '/scratch/evil/ntp.conf' },
    ]);
  });

  it('a regular file replaced by a symlink, and the reverse: one change each, not the lines of the file', async () => {
    const file = 'server 10.0.0.1\n';
    expect(await changes({ 'etc/ntp.conf': file }, { 'etc/ntp.conf': symlink('/tmp/ntp.conf') })).toEqual([
      { area: 'network', path: 'etc/ntp.conf', change: 'modified', aspect: 'type', label: 'etc/ntp.conf: regular file → symlink to /tmp/ntp.conf', before: 'regular file', after: 'symlink to /tmp/ntp.conf' },
    ]);
    expect((await changes({ 'etc/ntp.conf': symlink('/tmp/ntp.conf') }, { 'etc/ntp.conf': file })).map((c) => c.label)).toEqual(['etc/ntp.conf: symlink to /tmp/ntp.conf → regular file']);
    // a secret file replaced by a link: what it was, never its contents
    const key = await changes({}, { 'etc/ssh/ssh_host_rsa_key': symlink('/scratch/k') });
    expect(key.map((c) => c.label)).toEqual(['etc/ssh/ssh_host_rsa_key: regular file → symlink to /scratch/k']);
    expect(JSON.stringify(key)).not.toContain(lib.FAKE_KEY_BODY);
  });

  it('a symlink on one side only is named as one, not as a file of 0 bytes', async () => {
    expect((await changes({}, { 'etc/ntp.conf': symlink('/tmp/ntp.conf') })).map((c) => c.label)).toEqual(['etc/ntp.conf: only in AFTER (symlink to /tmp/ntp.conf); BEFORE has the image default']);
  });

  it('unchanged links, modes and folders: no change', async () => {
    const same = { 'etc/ntp.conf': symlink('/etc/ntp.conf.orig'), 'etc/rc.local.d/': { type: '5', mode: 0o755 } };
    expect(await changes(same, same)).toEqual([]);
  });
});
