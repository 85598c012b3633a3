/**
 * Issue 20: members stream by. Only the files the analysis reads are held (each capped, a larger one is
 * an error naming it and its size); other members are sized and hashed, compared by hash in a diff, and
 * extracted straight to disk. Extraction refuses names Windows cannot hold when the target is Windows.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { AnalyzeError } from '../../../src/errors.js';
import { extractBackup } from '../../../src/esxi/backup/extract.js';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { windowsNameProblem } from '../../../src/esxi/backup/portable-names.js';
import { MAX_HELD_MEMBER, MAX_OPTIONAL_MEMBER } from '../../../src/esxi/backup/tarball.js';
import { diffBackups } from '../../../src/esxi/diff/backups.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';

type Entry = { path: string; data?: Buffer | string; size?: number };

/** A gzipped tar; `size` without data writes that many zero bytes. */
function tgz(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(e.size ?? 0) : Buffer.from(e.data);
    const h = Buffer.alloc(512);
    new Header({ path: e.path, size: data.length, type: 'File', mode: 0o644, mtime: new Date(0) }).encode(h);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level: 1 });
}

const ESXCONF = { path: 'etc/vmware/esx.conf', data: '/adv/Misc/HostName = "h"\n' };

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'analyze-stream-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe('members the analysis reads are held, under a per-member cap', () => {
  it('a required file over the cap is an error naming it, its size and where its header is', () => {
    const big = MAX_HELD_MEMBER + 1;
    let error: unknown;
    try {
      openBackup(tgz([ESXCONF, { path: 'etc/hosts', size: big }]), { name: 'b.tgz' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnalyzeError);
    expect(error).toMatchObject({ code: 'ESXI_MEMBER_TOO_LARGE', offset: 1024 });
    expect((error as Error).message).toContain(`"etc/hosts" is ${big} bytes`);
  });

  it('any other member is streamed: sized and hashed, not held', () => {
    const size = 3 * MAX_OPTIONAL_MEMBER;
    const b = openBackup(tgz([ESXCONF, { path: 'etc/vmware/big.bin', size }, { path: 'etc/small.txt', data: 'x\n' }]));
    const big = b.files.get('etc/vmware/big.bin')!;
    expect(big.size).toBe(size);
    expect(big.data).toBeUndefined();
    expect(big.sha256).toBe(createHash('sha256').update(Buffer.alloc(size)).digest('hex'));
    expect(b.files.get('etc/small.txt')!.data!.toString()).toBe('x\n');
    expect(b.files.get('etc/vmware/esx.conf')!.data!.toString()).toBe(ESXCONF.data);
  });

  it('a streamed private key is still recognised as secret by its first bytes', () => {
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${'A'.repeat(3 * MAX_OPTIONAL_MEMBER)}\n`;
    const b = openBackup(tgz([ESXCONF, { path: 'etc/opaque.bin', data: key }]));
    expect(b.files.get('etc/opaque.bin')!.data).toBeUndefined();
    expect(b.files.get('etc/opaque.bin')!.secret).toBe(true);
  });

  it('diff compares streamed members by hash', async () => {
    const size = 2 * MAX_OPTIONAL_MEMBER;
    const changed = Buffer.alloc(size);
    changed[size - 1] = 1;
    const side = async (data: Buffer) => parseBackup(openBackup(tgz([ESXCONF, { path: 'etc/vmware/big.bin', data }])));
    const a = await side(Buffer.alloc(size));
    expect(diffBackups(a, await side(Buffer.alloc(size)), { all: true }).changes).toEqual([]);
    const d = diffBackups(a, await side(changed), { all: true }).changes;
    expect(d.map((c) => [c.path, c.change])).toEqual([['etc/vmware/big.bin', 'modified']]);
  });

  it('extract writes a streamed member straight to disk, byte for byte', () => {
    const data = Buffer.alloc(3 * MAX_OPTIONAL_MEMBER, 7);
    const r = extractBackup(openBackup(tgz([ESXCONF, { path: 'etc/vmware/big.bin', data }])), out);
    expect(r.written.map((w) => [w.path, w.size])).toEqual([['etc/vmware/big.bin', data.length], ['etc/vmware/esx.conf', ESXCONF.data.length]]);
    expect(readFileSync(join(out, 'etc', 'vmware', 'big.bin')).equals(data)).toBe(true);
  });

  it('a duplicate member: the later copy is the one extracted', () => {
    const r = extractBackup(openBackup(tgz([ESXCONF, { path: 'etc/hosts', data: 'first\n' }, { path: 'etc/hosts', data: 'second\n' }])), out);
    expect(r.written.map((w) => w.path)).toEqual(['etc/hosts', 'etc/vmware/esx.conf']);
    expect(readFileSync(join(out, 'etc', 'hosts'), 'utf8')).toBe('second\n');
  });
});

describe('portable extraction: names Windows cannot hold', () => {
  const names = ['etc/CON', 'etc/aux.txt', 'etc/NUL', 'etc/com1', 'etc/LPT9.log', 'etc/a:b', 'etc/star*', 'etc/q?', 'etc/"quoted"', 'etc/lt<', 'etc/gt>', 'etc/pipe|', 'etc/dot.', 'etc/space ', 'etc/con/inside'];

  it.each(names)('%s is refused when the target is Windows', (name) => {
    expect(windowsNameProblem(name)).toMatchObject({ reason: 'windows-name' });
  });

  it('ordinary names (and names that only contain a device name) are fine', () => {
    for (const ok of ['etc/hosts', 'etc/vmware/esx.conf', 'etc/console', 'etc/nul1', 'etc/com10', 'etc/.hidden', 'var/lib/vmware/configstore/backup/current-store-1']) expect(windowsNameProblem(ok)).toBeUndefined();
  });

  it('extract with platform win32 skips them with a reason and writes the rest; on Linux they are written as they are', () => {
    const backup = () => openBackup(tgz([ESXCONF, ...names.map((path) => ({ path, data: 'x\n' }))]));
    const win = extractBackup(backup(), join(out, 'win'), { platform: 'win32' });
    expect(win.written.map((w) => w.path)).toEqual(['etc/vmware/esx.conf']);
    expect(win.skipped.map((s) => s.reason)).toEqual(names.map(() => 'windows-name'));
    expect(win.skipped.find((s) => s.path === 'etc/a:b')!.message).toMatch(/alternate data stream/);
    expect(readdirSync(join(out, 'win', 'etc')).sort()).toEqual(['vmware']);
    const linux = extractBackup(backup(), join(out, 'linux'), { platform: 'linux' });
    expect(linux.skipped).toEqual([]);
    expect(linux.written).toHaveLength(names.length + 1);
  });
});
