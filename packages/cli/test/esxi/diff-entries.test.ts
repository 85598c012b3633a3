/**
 * `esxi diff` reports what a restore writes besides bytes and secrets' neighbours: a file's mode, a symlink's
 * target, a file replaced by a symlink, and shadow password ageing, in text, JSON and HTML alike. Before, each of
 * these pairs was "No configuration changes." (mode, ageing) or an empty-text change (symlinks).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { esxiSpec } from '../../src/commands/esxi/spec.js';
import { captureIo } from '../helpers/io.js';

const REPO = new URL('../../../../', import.meta.url).pathname;

interface Lib {
  etc67(o?: object): Record<string, { data: string; mode: number } | string>;
  localTgz(f: Record<string, unknown>): Buffer;
  stateTgz(m: Record<string, Buffer>): Buffer;
  privateKey(): string;
  FAKE_ROOT_HASH: string;
  FAKE_KEY_BODY: string;
}

let lib: Lib;
let dir: string;
beforeAll(async () => {
  lib = (await import(`${REPO}fixtures/gen/esxi/lib.mjs`)) as Lib;
  dir = mkdtempSync(join(tmpdir(), 'analyze-esxi-entries-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (argv: string[]) => {
  const io = captureIo();
  const code = await main(argv, io, [esxiSpec]);
  return { code, out: io.stdout, err: io.stderr };
};

/** BEFORE: the generator's 6.7 /etc; AFTER: the same with `changes` over it. */
function pair(name: string, changes: (etc: Record<string, unknown>) => Record<string, unknown>): [string, string] {
  const write = (side: string, files: Record<string, unknown>) => {
    const p = join(dir, `${name}-${side}.tgz`);
    writeFileSync(p, lib.stateTgz({ 'local.tgz': lib.localTgz(files) }));
    return p;
  };
  return [write('before', lib.etc67()), write('after', { ...lib.etc67(), ...changes(lib.etc67()) })];
}

describe('analyze esxi diff: modes, symlinks, password ageing', () => {
  it('in text, JSON and HTML, with nothing secret printed', async () => {
    const files = pair('entries', (etc) => {
      const shadow = etc['etc/shadow'] as { data: string; mode: number };
      return {
        'etc/ssh/ssh_host_rsa_key': { data: lib.privateKey(), mode: 0o644 },
        'etc/shadow': { data: shadow.data.replace(/^(root:[^:]*:18000:0:)99999:/m, (_m, head: string) => `${head}90:`), mode: 0o600 },
        'etc/vmware/ssl/rui.crt': { type: '2', linkname: '/scratch/evil/rui.crt', mode: 0o777 },
      };
    });
    const expected = [
      'etc/ssh/ssh_host_rsa_key: mode 0400 → 0644',
      'etc/shadow: mode 0644 → 0600',
      'root: password ageing changed (max days 99999 → 90)',
      'etc/vmware/ssl/rui.crt: regular file → symlink to /scratch/evil/rui.crt',
    ];
    const text = await run(['esxi', 'diff', ...files]);
    expect(text.code).toBe(0);
    for (const label of expected) expect(text.out).toContain(label);
    expect(text.out).not.toContain('No configuration changes');

    const json = JSON.parse((await run(['--json', 'esxi', 'diff', ...files])).out) as { changes: Array<Record<string, unknown>> };
    expect(json.changes).toContainEqual({ area: 'security', path: 'etc/ssh/ssh_host_rsa_key', change: 'modified', aspect: 'mode', label: expected[0], before: '0400', after: '0644' });
    expect(json.changes).toContainEqual({ area: 'users', path: 'etc/shadow', key: 'root', change: 'modified', label: expected[2], before: 'max days 99999', after: 'max days 90' });
    expect(json.changes).toContainEqual(expect.objectContaining({ path: 'etc/vmware/ssl/rui.crt', aspect: 'type', before: 'regular file', after: 'symlink to /scratch/evil/rui.crt' }));

    const html = (await run(['esxi', 'diff', '--html', '-', ...files])).out;
    expect(html).toContain('etc/ssh/ssh_host_rsa_key: mode 0400 → 0644');
    expect(html).toContain('symlink to /scratch/evil/rui.crt');
    for (const out of [text.out, JSON.stringify(json), html]) {
      expect(out).not.toContain(lib.FAKE_KEY_BODY);
      expect(out).not.toContain(lib.FAKE_ROOT_HASH.split('$')[3]!.slice(0, 20));
    }
  });

  it('a symlink pointed elsewhere: "symlink target A → B", not "only layout or order changed (0 → 0 bytes)"', async () => {
    const link = (target: string) => ({ 'etc/ntp.conf': { type: '2', linkname: target, mode: 0o777 } });
    const write = (side: string, target: string) => {
      const p = join(dir, `symlink-${side}.tgz`);
      writeFileSync(p, lib.stateTgz({ 'local.tgz': lib.localTgz({ ...lib.etc67(), ...link(target) }) }));
      return p;
    };
    const r = await run(['esxi', 'diff', write('before', '/etc/ntp.conf.orig'), write('after', '/scratch/evil/ntp.conf')]);
    expect(r.out).toContain('~ etc/ntp.conf: symlink target /etc/ntp.conf.orig → /scratch/evil/ntp.conf');
    expect(r.out).not.toContain('only layout or order changed');
  });
});
