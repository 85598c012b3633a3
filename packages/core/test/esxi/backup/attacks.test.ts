// One test per attack on `esxi extract` / openBackup, named after the attack (fixtures: fixtures/gen/esxi/make.mjs).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyzeError } from '../../../src/errors.js';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { showBackup } from '../../../src/api/esxi.js';
import { extractBackup, MAX_EXTRACT_DEPTH, setTime } from '../../../src/esxi/backup/extract.js';
import { Header } from 'tar';
import { gzipSync } from 'node:zlib';
import { fixturePath } from '../../helpers/corpus.js';

const fx = (name: string) => fixturePath('esxi', name);
let base: string;
let out: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'analyze-esxi-'));
  out = join(base, 'out');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** CPU time of this process (ms): the machine running the suite may be shared. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Everything under `dir`, as relative paths. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    const rel = prefix + n;
    return lstatSync(p).isDirectory() ? [`${rel}/`, ...tree(p, `${rel}/`)] : [rel];
  });
}

/** Nothing but DIR itself appeared beside DIR. */
function expectNothingOutside(): void {
  expect(readdirSync(base)).toEqual(['out']);
}

/** An uncompressed tar of the given entries, made with the `tar` package's own header writer. */
function tarOf(entries: { path: string; data?: string; type?: 'File' | 'SymbolicLink'; linkpath?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    const h = new Header({ path: e.path, type: e.type ?? 'File', size: data.length, mode: 0o644, mtime: new Date(0), ...(e.linkpath === undefined ? {} : { linkpath: e.linkpath }) });
    h.encode();
    blocks.push(h.block!, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}

/** `tar` with the time field of the members at the given indexes set to a base-256 number of seconds (checksums redone). */
function withTimes(tar: Buffer, seconds: Record<number, number>): Buffer {
  const out = Buffer.from(tar);
  let at = 0;
  for (let i = 0; at + 512 <= out.length && out[at] !== 0; i++) {
    const size = parseInt(out.subarray(at + 124, at + 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    const s = seconds[i];
    if (s !== undefined) {
      out.fill(0, at + 136, at + 148);
      out[at + 136] = 0x80; // base-256: the rest of the field is a big-endian number
      out.writeBigUInt64BE(BigInt(s), at + 140);
      out.fill(0x20, at + 148, at + 156);
      let sum = 0;
      for (let k = at; k < at + 512; k++) sum += out[k]!;
      out.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** The AnalyzeError openBackup throws for a fixture (by name) or an in-memory archive. */
function refused(input: string | Buffer, opts: { maxInflated?: number } = {}): AnalyzeError {
  try {
    openBackup(typeof input === 'string' ? fx(input) : input, { ...opts, name: 'in-memory.tgz' });
  } catch (e) {
    if (e instanceof AnalyzeError) return e;
    throw e;
  }
  throw new Error(`${typeof input === 'string' ? input : 'the in-memory archive'} was not refused`);
}

describe('esxi extract: hostile archives are refused or contained', () => {
  it('path traversal (../) entries are skipped and nothing lands outside DIR', () => {
    const r = extractBackup(openBackup(fx('evil-path-traversal.tgz')), out);
    expect(r.skipped.map((s) => [s.path, s.reason])).toEqual([
      ['../../analyze-escape-traversal.txt', 'path-traversal'],
      ['etc/../../../analyze-escape-traversal2.txt', 'path-traversal'],
    ]);
    expect(tree(out)).toEqual(['etc/', 'etc/hosts']);
    expectNothingOutside();
    expect(existsSync(join(base, '..', 'analyze-escape-traversal.txt'))).toBe(false);
  });

  it('absolute path (/tmp/...) is written relative to DIR, never at the absolute path', () => {
    const before = existsSync('/tmp/analyze-escape-absolute.txt');
    const r = extractBackup(openBackup(fx('evil-absolute-path.tgz')), out);
    expect(r.written.find((w) => w.path === 'tmp/analyze-escape-absolute.txt')?.storedAs).toBe('/tmp/analyze-escape-absolute.txt');
    expect(readFileSync(join(out, 'tmp', 'analyze-escape-absolute.txt'), 'utf8')).toBe('absolute\n');
    expect(existsSync('/tmp/analyze-escape-absolute.txt')).toBe(before);
    expectNothingOutside();
  });

  it('symlink escape: links are not created, so files "through" them stay inside DIR', () => {
    const r = extractBackup(openBackup(fx('evil-symlink-escape.tgz')), out);
    expect(r.skipped.filter((s) => s.reason === 'symlink').map((s) => s.path)).toEqual(['etc/lnk', 'etc/up']);
    expect(existsSync('/tmp/analyze-escape-symlink.txt')).toBe(false);
    expect(lstatSync(join(out, 'etc', 'lnk')).isDirectory()).toBe(true);
    expect(tree(out).filter((p) => !p.endsWith('/'))).toEqual(['etc/hosts', 'etc/lnk/analyze-escape-symlink.txt', 'etc/up/tmp/analyze-escape-symlink2.txt']);
    expectNothingOutside();
  });

  it('symlink planted in the destination is never followed', () => {
    const elsewhere = join(base, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(out);
    symlinkSync(elsewhere, join(out, 'etc'));
    const r = extractBackup(openBackup(fx('state-6.7.tgz')), out, { force: true });
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(r.written).toEqual([]);
    expect(r.skipped.every((s) => s.reason === 'symlink-in-path')).toBe(true);
  });

  it('hard link escape: hard links are not created', () => {
    const r = extractBackup(openBackup(fx('evil-hardlink-escape.tgz')), out);
    expect(r.skipped.map((s) => [s.path, s.reason])).toEqual([
      ['etc/hostname-link', 'hardlink'],
      ['etc/passwd-link', 'hardlink'],
    ]);
    expect(tree(out)).toEqual(['etc/', 'etc/hosts']);
    expectNothingOutside();
  });

  it('setuid, setgid and sticky bits are stripped; devices and FIFOs are not created', () => {
    const r = extractBackup(openBackup(fx('evil-setuid-device.tgz')), out);
    for (const name of ['setuid-shell', 'setgid-tool', 'sticky-file']) {
      expect(statSync(join(out, 'etc', name)).mode & 0o7000).toBe(0);
    }
    expect(r.written.find((w) => w.path === 'etc/setuid-shell')).toMatchObject({ mode: 0o755, strippedBits: 0o4000 });
    expect(r.skipped.map((s) => [s.path, s.reason])).toEqual([
      ['etc/console', 'special-file'],
      ['etc/fifo', 'special-file'],
    ]);
    expect(statSync(join(out, 'etc', 'setuid-shell')).uid).toBe(process.getuid!());
  });

  it('decompression bomb (a 1 GiB + 1 MiB esx.conf in 2 KB) is refused at its header by the per-member cap, naming it and its size', () => {
    const t = Date.now();
    const e = refused('evil-decompression-bomb.tgz');
    expect(e.code).toBe('ESXI_MEMBER_TOO_LARGE');
    expect(e.message).toMatch(/^local\.tgz: member "etc\/vmware\/esx\.conf" is 1074790400 bytes, more than the 16777216-byte limit/);
    expect(e.offset).toBe(0);
    expect(Date.now() - t).toBeLessThan(5000);
  });

  it('decompression bomb with a forged gzip size is stopped by the running cap (a bomb member the analysis does not hold)', () => {
    const e = refused('evil-bomb-forged-size.tgz', { maxInflated: 16 * 1024 * 1024 });
    expect(e.code).toBe('ESXI_MEMBER_TOO_LARGE');
    const forged = Buffer.from(gzipSync(Buffer.concat([tarOf([{ path: 'etc/vmware/esx.conf', data: 'x\n' }]).subarray(0, 1024), Buffer.alloc(64 * 1024 * 1024)]), { level: 1 }));
    forged.writeUInt32LE(1000, forged.length - 4);
    expect(refused(forged, { maxInflated: 16 * 1024 * 1024 }).code).toBe('ESXI_INFLATE_LIMIT');
  });

  it('gzip inside gzip is refused: the tar parser would inflate the inner layer itself, past the cap', () => {
    // 4 MiB of member data, double-gzipped into a few KB; with a 1 MiB cap it must not be read at all
    const inner = gzipSync(tarOf([{ path: 'etc/vmware/esx.conf', data: '/adv/Misc/HostName = "h"\n' }, { path: 'etc/big', data: 'x'.repeat(4 * 1024 * 1024) }]));
    const e = refused(gzipSync(inner), { maxInflated: 1024 * 1024 });
    expect(e.code).toBe('ESXI_TAR_INVALID');
    expect(e.message).toMatch(/compressed again/);
    expect(e.offset).toBe(0);
  });

  it('truncated gzip is refused with the offset where it ends', () => {
    const e = refused('evil-truncated-gzip.tgz');
    expect(e.code).toBe('ESXI_GZIP_TRUNCATED');
    expect(e.offset).toBe(statSync(fx('evil-truncated-gzip.tgz')).size);
  });

  it('corrupted gzip data is refused with the offset where inflating fails', () => {
    const copy = Buffer.from(readFileSync(fx('state-6.7.tgz')));
    copy.write('\x07\x00\xff', 20, 'latin1'); // inside the first deflate block's code tables
    const e = refused(copy);
    expect(e.code).toBe('ESXI_GZIP_CORRUPT');
    expect(e.offset).toBeGreaterThanOrEqual(20);
    expect(e.offset).toBeLessThan(20 + 512);
  });

  it('a gzip checksum mismatch is refused at the trailer, saying the bytes before it are damaged', () => {
    const copy = Buffer.from(readFileSync(fx('state-6.7.tgz')));
    copy.writeUInt8(copy.readUInt8(copy.length - 8) ^ 1, copy.length - 8); // the CRC-32
    const e = refused(copy);
    expect(e.code).toBe('ESXI_GZIP_CORRUPT');
    expect(e.offset).toBe(copy.length - 8);
    expect(e.message).toMatch(/checksum in the trailer does not match/);
  });

  it('garbage is refused as not a backup, at byte 0', () => {
    const e = refused('garbage.bin');
    expect(e.code).toBe('ESXI_NOT_A_BACKUP');
    expect(e.offset).toBe(0);
  });

  it('nested state.tgz loop is refused instead of unpacked forever, at the offset of the nested entry', async () => {
    const e = refused('evil-nesting.tgz');
    expect(e.code).toBe('ESXI_NESTING');
    expect(e.offset).toBe(0);
    // the nested state.tgz as the second entry: its header follows a 1-block notes.txt
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { stateTgz(m: Record<string, Buffer>): Buffer };
    const inner = lib.stateTgz({ 'local.tgz': readFileSync(fx('local-6.7.tgz')) });
    const second = refused(lib.stateTgz({ 'notes.txt': Buffer.from('x\n'), 'local.tgz': inner }));
    expect(second.code).toBe('ESXI_NESTING');
    expect(second.offset).toBe(1024);
    expect(second.message).toMatch(/\(offset of the local\.tgz entry in the inflated tar stream\)$/);
  });

  it('the size cap names where the layer that crossed it starts: the input itself, or its entry in the parent', () => {
    const outer = refused('state-6.7.tgz', { maxInflated: 100 });
    expect(outer.code).toBe('ESXI_INFLATE_LIMIT');
    expect(outer.offset).toBe(0);
    expect(outer.message).toMatch(/--max-inflated if the backup is genuine$/);
    // configBundle: Manifest.txt (header + 1 data block), then the state.tgz entry at 1024
    const inner = refused('configBundle-esx70.tgz', { maxInflated: 30_000 });
    expect(inner.code).toBe('ESXI_INFLATE_LIMIT');
    expect(inner.offset).toBe(1024);
    expect(inner.message).toMatch(/^state\.tgz: inflates to more than.*\(offset of the state\.tgz entry in the inflated tar stream\)$/);
  });

  it('corrupt tar header is an error with its offset, not a silently shorter list', () => {
    const e = refused('evil-corrupt-tar-header.tgz');
    expect(e.code).toBe('ESXI_TAR_INVALID');
    expect(e.offset).toBe(1024);
  });

  it('names too long for the file system (300-byte component, 5,893-byte path) are skipped, the rest is written', () => {
    const r = extractBackup(openBackup(fx('evil-long-names.tgz')), out);
    // sorted by path: etc/0ddd.../f (4 + 23 × 256 + 1 bytes, over PATH_MAX) before etc/nnn...
    expect(r.skipped.map((s) => [s.path.length, s.reason])).toEqual([
      [4 + 23 * 256 + 1, 'name-too-long'],
      [4 + 300, 'name-too-long'],
    ]);
    expect(r.written.map((w) => w.path)).toEqual(['etc/hosts', 'etc/resolv.conf']);
    // the path over PATH_MAX is refused before any of its folders is made
    expect(r.skipped[0]!.message).toMatch(/^the path is 5893 bytes long, more than the 4095/);
    expect(tree(out)).toEqual(['etc/', 'etc/hosts', 'etc/resolv.conf']);
    expectNothingOutside();
  });

  it(`a path ${MAX_EXTRACT_DEPTH + 1} or 20,000 folders deep is skipped as too-deep, at once; ${MAX_EXTRACT_DEPTH} are written`, async () => {
    // one pax name of 40 KB: every parent prefix built and lstat'ed took 8.9 s and 500 MB
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { gzip(b: Buffer): Buffer; makeTar(e: object[]): Buffer; paxEntry(r: object): Buffer };
    const path = (levels: number, c: string) => `etc/${`${c}/`.repeat(levels - 1)}f`;
    const tgz = lib.gzip(
      lib.makeTar([
        { name: 'etc/hosts', data: 'h\n' },
        ...[path(MAX_EXTRACT_DEPTH, 'a'), path(MAX_EXTRACT_DEPTH + 1, 'b'), path(20_000, 'c')].flatMap((p) => [lib.paxEntry({ path: p }), { name: 'StandIn', data: 'x\n', format: 'ustar' }]),
      ]),
    );
    const t = cpuMs();
    const r = extractBackup(openBackup(tgz), out);
    expect(cpuMs() - t).toBeLessThan(1000);
    expect(r.written.map((w) => w.path)).toEqual([path(MAX_EXTRACT_DEPTH, 'a'), 'etc/hosts']);
    expect(r.skipped.map((s) => [s.path.length, s.reason, s.message])).toEqual([
      [4 + 2 * MAX_EXTRACT_DEPTH + 1, 'too-deep', expect.stringMatching(new RegExp(`^the path is ${MAX_EXTRACT_DEPTH + 1} folders deep, more than the ${MAX_EXTRACT_DEPTH} written`))],
      [4 + 2 * 19_999 + 1, 'too-deep', expect.stringMatching(/^the path is 20000 folders deep/)],
    ]);
    expect(existsSync(join(out, 'etc', 'b'))).toBe(false);
    expect(existsSync(join(out, 'etc', 'c'))).toBe(false);
    expectNothingOutside();
  });

  it('file named like a folder: the file is written, entries that need it as a folder are skipped', () => {
    const r = extractBackup(openBackup(fx('evil-file-named-like-folder.tgz')), out);
    expect(r.written.map((w) => w.path)).toEqual(['etc/hosts', 'etc/vmware']);
    expect(r.skipped).toEqual([{ path: 'etc/vmware/esx.conf', reason: 'not-a-directory', message: expect.stringMatching(/is not a folder/) }]);
    expect(readFileSync(join(out, 'etc', 'vmware'), 'utf8')).toBe('a file, not a folder\n');
    expectNothingOutside();
  });

  it('symlink then a file through it: the link is not made, the file lands in a real folder inside DIR', () => {
    // the same name first as a link out of DIR, then as a folder holding a file
    const r = extractBackup(openBackup(tarOf([{ path: 'etc/hosts', data: 'h\n' }, { path: 'etc/out', type: 'SymbolicLink', linkpath: base }, { path: 'etc/out/analyze-through-link', data: 'x\n' }])), out);
    expect(r.skipped.map((s) => [s.path, s.reason])).toEqual([['etc/out', 'symlink']]);
    expect(lstatSync(join(out, 'etc', 'out')).isDirectory()).toBe(true);
    expect(existsSync(join(base, 'analyze-through-link'))).toBe(false);
    expectNothingOutside();
  });

  it('flood of 100,001 empty members is refused with ESXI_TOO_MANY_ENTRIES, without hanging', () => {
    const one = tarOf([{ path: 'etc/m', data: '' }]).subarray(0, 512);
    const flood = Buffer.concat([...Array.from({ length: 100_001 }, () => one), Buffer.alloc(1024)]);
    const t = Date.now();
    expect(refused(flood).code).toBe('ESXI_TOO_MANY_ENTRIES');
    expect(Date.now() - t).toBeLessThan(10_000);
  });

  it('a time no date or file system can hold (base-256 header field): listed without one or written without it, never a crash', async () => {
    // etc/hosts dated 2^42 s (the year 141,338: a Date holds it, the file system does not), etc/group 2^50 s (no Date holds it)
    const tar = withTimes(tarOf([{ path: 'etc/vmware/esx.conf', data: '/adv/Misc/HostName = "x"\n' }, { path: 'etc/hosts', data: '127.0.0.1 localhost\n' }, { path: 'etc/group', data: 'root:x:0:\n' }]), { 1: 2 ** 42, 2: 2 ** 50 });
    const b = openBackup(tar, { name: 'times.tar' });
    expect(b.files.get('etc/hosts')!.mtime).toBe(2 ** 42 * 1000);
    expect(b.files.get('etc/group')!.mtime).toBeUndefined();
    expect(b.warnings.map((w) => w.code)).toEqual(['ESXI_TAR_TIME']);
    expect(b.warnings[0]!.message).toContain('"etc/group"');
    // esxi show crashed on it ("internal error: Invalid time value")
    const shown = await showBackup(tar, { name: 'times.tar' });
    expect(shown.files.map((f) => [f.path, f.mtime])).toEqual([
      ['etc/vmware/esx.conf', '1970-01-01T00:00:00.000Z'],
      ['etc/hosts', '+141338-07-19T02:25:04.000Z'],
      ['etc/group', undefined],
    ]);
    const r = extractBackup(b, out);
    expect(r.written.map((w) => w.path).sort()).toEqual(['etc/group', 'etc/hosts', 'etc/vmware/esx.conf']);
    // far in the future: as the archive says, or as far as the file system goes (ext4 stops at 2446), or left (timeNotSet)
    const hosts = r.written.find((w) => w.path === 'etc/hosts')!;
    expect(hosts.timeNotSet === true || statSync(join(out, 'etc/hosts')).mtimeMs > Date.UTC(2400, 0, 1)).toBe(true);
    expect(statSync(join(out, 'etc/group')).mtimeMs).toBeGreaterThan(Date.now() - 60_000); // no time: the time of writing
    expect(readFileSync(join(out, 'etc/hosts'), 'utf8')).toBe('127.0.0.1 localhost\n');
  });

  it('a time the system refuses leaves the file as written (setTime: false), anything else still throws', () => {
    mkdirSync(out);
    const file = join(out, 'f');
    writeFileSync(file, 'x');
    const before = statSync(file).mtimeMs;
    const fd = openSync(file, 'r+');
    try {
      expect(setTime(fd, 9.3e18)).toBe(false); // past a 64-bit time_t: EINVAL
      expect(statSync(file).mtimeMs).toBe(before);
      expect(setTime(fd, 1_600_000_000)).toBe(true);
      expect(statSync(file).mtimeMs).toBe(1_600_000_000_000);
    } finally {
      closeSync(fd);
    }
    expect(() => setTime(fd, 1)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });

  it('existing files are not overwritten without force; force replaces regular files only', () => {
    mkdirSync(join(out, 'etc'), { recursive: true });
    writeFileSync(join(out, 'etc', 'hosts'), 'mine\n');
    const first = extractBackup(openBackup(fx('local-6.7.tgz')), out);
    expect(first.skipped).toEqual([{ path: 'etc/hosts', reason: 'exists', message: expect.stringMatching(/--force/) }]);
    expect(readFileSync(join(out, 'etc', 'hosts'), 'utf8')).toBe('mine\n');
    const forced = extractBackup(openBackup(fx('local-6.7.tgz')), out, { force: true });
    expect(forced.skipped).toEqual([]);
    expect(readFileSync(join(out, 'etc', 'hosts'), 'utf8')).toContain('esx67.lab.example');
    // read-only files (0400 keys) are replaced too, and keep their mode
    expect(statSync(join(out, 'etc', 'ssh', 'ssh_host_rsa_key')).mode & 0o777).toBe(0o400);
  });
});

/** The AnalyzeError extractBackup throws for a destination. */
function refusedDestination(to: string): AnalyzeError {
  try {
    extractBackup(openBackup(fx('local-6.7.tgz')), to);
  } catch (e) {
    if (e instanceof AnalyzeError) return e;
    throw e;
  }
  throw new Error(`${to} was accepted as the destination`);
}

describe('esxi extract: a destination that cannot be made is one error naming it', () => {
  // Node 20's mkdirSync(..., { recursive: true }) spun at 100 % CPU for ever on this ENOENT
  (process.platform === 'linux' ? it : it.skip)('under /proc (mkdir gives ENOENT although /proc exists)', () => {
    const e = refusedDestination('/proc/analyze-nope/out');
    expect(e.code).toBe('ESXI_EXTRACT_DESTINATION');
    expect(e.message).toBe('cannot use /proc/analyze-nope/out as the destination folder (ENOENT at /proc/analyze-nope)');
    expect(e.describe()).not.toContain('\n');
  });

  it('whose parent is a regular file: names that file, creates nothing', () => {
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'file'), 'x\n');
    const e = refusedDestination(join(base, 'file', 'a', 'out'));
    expect(e.code).toBe('ESXI_EXTRACT_DESTINATION');
    expect(e.message).toBe(`cannot use ${join(base, 'file', 'a', 'out')} as the destination folder (${join(base, 'file')} is not a folder)`);
    expect(readdirSync(base)).toEqual(['file']);
  });

  it('made one level at a time, through a link the user already had', () => {
    mkdirSync(join(base, 'real'));
    symlinkSync(join(base, 'real'), join(base, 'link'));
    const r = extractBackup(openBackup(fx('local-6.7.tgz')), join(base, 'link', 'a', 'b'));
    expect(r.to).toBe(join(realpathSync(base), 'real', 'a', 'b'));
    expect(readFileSync(join(base, 'real', 'a', 'b', 'etc', 'hosts'), 'utf8')).toContain('esx67.lab.example');
  });
});

describe('esxi extract: a real backup', () => {
  it('writes every file of the encrypted 7.0.3 fixture, decrypted, with mtimes', () => {
    const b = openBackup(fx('state-7.0.3-encrypted.tgz'));
    const r = extractBackup(b, out);
    expect(r.skipped).toEqual([]);
    expect(r.written.length).toBe(b.files.size);
    expect(readFileSync(join(out, 'var/lib/vmware/configstore/backup/current-store-1')).subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(statSync(join(out, 'etc/hosts')).mtime.toISOString()).toBe('2021-08-11T07:33:00.000Z');
    expect(statSync(join(out, 'etc/random-seed')).mode & 0o7777).toBe(0o600);
  });
});
