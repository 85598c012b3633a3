/**
 * A damaged (truncated or corrupt) backup: the error names the byte where the damage is, and `esxi show`
 * still reports what was read before it (audit: a local.tgz cut at 9,000 bytes printed only the error,
 * "at byte 8488", while GNU tar lists its 7 intact members). Inputs are the fixtures, cut here.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { showBackup } from '../../../src/api/esxi.js';
import { AnalyzeError } from '../../../src/errors.js';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { analyzeErrorOf } from '../../helpers/errors.js';
import { fixturePath } from '../../helpers/corpus.js';

/** fixtures/esxi/local-6.7.tgz inflated: esx.conf (header at 0, 2,395 bytes), passwd (3072), shadow (4096), group (5120), hosts (6144), resolv.conf (7168), ssh_host_rsa_key (8192, 122 bytes), ... */
const L67 = gunzipSync(readFileSync(fixturePath('esxi', 'local-6.7.tgz')));
/** fixtures/esxi/state-7.0.tgz inflated: local.tgz (header at 0, 3,061 bytes), then the end marker. */
const S70 = gunzipSync(readFileSync(fixturePath('esxi', 'state-7.0.tgz')));
const INTACT_BEFORE_9000 = ['etc/group', 'etc/hosts', 'etc/passwd', 'etc/resolv.conf', 'etc/shadow', 'etc/ssh/ssh_host_rsa_key', 'etc/vmware/esx.conf'];

const refused = (input: Buffer): AnalyzeError => analyzeErrorOf(() => openBackup(input, { name: 'cut.tar' }));

describe('esxi: a tar cut short is damaged where it stops', () => {
  it('in the padding of its last block (9,000 bytes): at byte 9000, not 8488', () => {
    const e = refused(L67.subarray(0, 9000));
    expect(e).toMatchObject({ code: 'ESXI_TAR_INVALID', offset: 9000 });
    expect(e.message).toMatch(/^the tar stream ends after 9000 bytes, in the middle of a 512-byte block: the archive is cut short/);
  });

  it('inside a member\'s data (the first 600 bytes of a state.tgz): at byte 600, naming the member and how much of it is there', () => {
    const e = refused(S70.subarray(0, 600));
    expect(e).toMatchObject({ code: 'ESXI_TAR_INVALID', offset: 600 });
    expect(e.message).toContain('inside member "local.tgz" (header at byte 0, 88 of its 3061 bytes present)');
  });

  it('inside a header (3,172 bytes): at byte 3172', () => {
    expect(refused(L67.subarray(0, 3172))).toMatchObject({ code: 'ESXI_TAR_INVALID', offset: 3172 });
  });

  it('says "inflated" only of a gzip stream: a plain tar is its own stream', () => {
    expect(refused(L67.subarray(0, 9000)).message).toMatch(/\(offset in the tar stream\)$/);
    const gz = analyzeErrorOf(() => openBackup(gzipSync(L67.subarray(0, 9000)), { name: 'cut.tgz' }));
    expect(gz).toMatchObject({ code: 'ESXI_TAR_INVALID', offset: 9000 });
    expect(gz.message).toMatch(/\(offset in the inflated tar stream\)$/);
    // a layer's entry in a plain outer tar: the input file's own bytes
    const bomb = analyzeErrorOf(() => openBackup(S70, { name: 'state.tar', maxInflated: 100 }));
    expect(bomb.message).toMatch(/\(offset of the local\.tgz entry in the tar stream\)$/);
  });

  it('on a block boundary inside a member (8,704 bytes): at byte 8704, the member named', () => {
    const e = refused(L67.subarray(0, 8704));
    expect(e).toMatchObject({ code: 'ESXI_TAR_INVALID', offset: 8704 });
    expect(e.message).toContain('inside member "etc/ssh/ssh_host_rsa_key" (header at byte 8192, 0 of its 122 bytes present)');
  });
});

describe('esxi show: a damaged backup is shown up to the damage, with the error', () => {
  it('a local.tgz cut at 9,000 bytes lists the 7 members GNU tar lists, with users and network, and the error at 9000', async () => {
    const r = await showBackup(L67.subarray(0, 9000), { name: 'l67t.tar' });
    expect(r.error).toEqual({ code: 'ESXI_TAR_INVALID', message: expect.stringMatching(/ends after 9000 bytes/), offset: 9000 });
    expect(r.files.map((f) => f.path).sort()).toEqual(INTACT_BEFORE_9000);
    expect(r.hostName.value).toBe('esx67.lab.example');
    expect(r.users.map((u) => [u.name, u.passwordHash])).toEqual([['root', 'sha512'], ['admin', 'md5']]);
    expect(r.files.find((f) => f.path === 'etc/ssh/ssh_host_rsa_key')!.secret).toBe(true);
  });

  it('a member the cut goes through is listed with its header\'s size; the members after it are not', async () => {
    const r = await showBackup(L67.subarray(0, 3584), { name: 'cut.tar' });
    expect(r.error).toMatchObject({ offset: 3584 });
    expect(r.files.map((f) => [f.path, f.size])).toEqual([['etc/vmware/esx.conf', 2395], ['etc/passwd', 75]]);
    expect(r.version.release).toBe('6.7.0');
    expect(r.users).toEqual([]); // passwd was cut: no user is made up
  });

  it('a truncated gzip: what inflated before the cut is shown, with ESXI_GZIP_TRUNCATED at the compressed length', async () => {
    const gz = gzipSync(L67);
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    const r = await showBackup(cut, { name: 'cut.tgz' });
    expect(r.error).toMatchObject({ code: 'ESXI_GZIP_TRUNCATED', offset: cut.length });
    expect(r.files.length).toBeGreaterThan(0);
    expect(r.files[0]!.path).toBe('etc/vmware/esx.conf');
  });

  it('a state.tgz cut inside its local.tgz: the outer layer and its member are shown, no host files', async () => {
    const r = await showBackup(S70.subarray(0, 600), { name: 't600.tar' });
    expect(r.kind).toBe('state.tgz');
    expect(r.outer).toEqual([{ layer: 'state.tgz', path: 'local.tgz', size: 3061, type: 'file' }]);
    expect(r.files).toEqual([]);
    expect(r.error).toMatchObject({ code: 'ESXI_TAR_INVALID', offset: 600 });
    expect(r.warnings.map((w) => w.code)).not.toContain('ESXI_NO_LOCAL_TGZ');
  });

  it('a corrupt header after a whole local.tgz: the host is shown from it, the damage is the outer layer\'s', async () => {
    const end = 512 + Math.ceil(3061 / 512) * 512; // past local.tgz's data: where the end marker was
    const bad = Buffer.from(S70.subarray(0, 512)); // a header...
    bad.write('X', 0); // ...whose checksum no longer matches
    const damaged = Buffer.concat([S70.subarray(0, end), bad, Buffer.alloc(1024)]);
    const r = await showBackup(damaged, { name: 's.tar' });
    expect(r.layers).toEqual(['state.tgz', 'local.tgz']);
    expect(r.hostName.value).toBe('esx70.lab.example');
    expect(r.error).toMatchObject({ code: 'ESXI_TAR_INVALID', offset: end });
  });

  it('nothing recognisable before the damage: only the error', async () => {
    await expect(showBackup(gzipSync(S70).subarray(0, 12), { name: 'cut.tgz' })).rejects.toMatchObject({ code: 'ESXI_GZIP_TRUNCATED', offset: 12 });
  });

  it('the other commands still refuse a damaged backup (openBackup without `partial`)', () => {
    expect(refused(L67.subarray(0, 9000)).code).toBe('ESXI_TAR_INVALID');
  });
});
