import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { decryptEnvelope, parseEncryptionInfo } from '../../../src/esxi/backup/envelope.js';
import { parseManifest } from '../../../src/esxi/config/manifest.js';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';
import { analyzeErrorOf } from '../../helpers/errors.js';

const REAL = (name: string) => corpusPath('esxi', 'dissect-hypervisor-envelope', name);
const REAL_DECRYPTED_SHA256 = 'fe131620351b9fd5fc4aef219bf3211340f3742464c038e1695e7b6667f86952';
const fx = (name: string) => fixturePath('esxi', name);
const fixtureLib = fixturePath('gen', 'esxi', 'lib.mjs');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const thrown = analyzeErrorOf;

describe('real ESXi 7.0.2 local.tgz.ve (fixtures/corpus/esxi, from dissect.hypervisor)', () => {
  it('decrypts to the local.tgz whose SHA-256 dissect.hypervisor asserts', () => {
    const b = openBackup(REAL('local.tgz.ve'));
    expect(b.kind).toBe('local.tgz.ve');
    expect(b.layers).toEqual(['local.tgz.ve', 'local.tgz']);
    expect(b.encryption).toMatchObject({ encrypted: true, mode: 'NONE', decrypted: true, keyId: '7e62cec5-6aef-4d7e-838b-cae32eefd251' });
    expect(sha256(b.localTgz!)).toBe(REAL_DECRYPTED_SHA256);
  });

  it('lists the 36 members with modes, sizes, mtimes and secrets flagged', () => {
    const b = openBackup(REAL('local.tgz.ve'));
    expect(b.files.size).toBe(36);
    const shadow = b.files.get('etc/shadow')!;
    expect(shadow).toMatchObject({ type: 'file', size: 178, mode: 0o644, secret: true });
    // GNU tar --full-time (TZ=UTC) lists it as 2021-08-11 07:33:45
    expect(new Date(shadow.mtime!).toISOString()).toBe('2021-08-11T07:33:45.000Z');
    expect(b.files.get('etc/vmware/vmkiscsid/vmkiscsid.db')!.mode).toBe(0o1600);
    expect(b.files.get('etc/ssh/ssh_host_rsa_key')!.secret).toBe(true);
    expect(b.files.get('etc/ssh/ssh_host_rsa_key.pub')!.secret).toBe(false);
    expect(b.files.get('etc/hosts')!.secret).toBe(false);
    expect(b.files.get('etc/vmware/esx.conf')!.data!.toString()).toContain('/adv/Misc/HostName = "jemoeder.internet.vm"');
  });

  it('reads the same files from the already-decrypted copy', () => {
    const a = openBackup(REAL('local.tgz.ve'));
    const b = openBackup(REAL('local.tgz.decrypted'));
    expect(b.kind).toBe('local.tgz');
    expect([...b.files.keys()].sort()).toEqual([...a.files.keys()].sort());
  });

  it('refuses a wrong keystore with ESXI_KEY_MISMATCH instead of garbage', () => {
    const ve = readFileSync(REAL('local.tgz.ve'));
    const other = parseEncryptionInfo('mode = "NONE"\nConfigEncData = "keyId=AAAAAAAAAAAAAAAAAAAAAA%3d%3d:data1=AAAAAAAAAAAAAAAAAAAAAA%3d%3d:data2=AAAAAAAAAAAAAAAAAAAAAA%3d%3d:version=1"\n');
    expect(thrown(() => decryptEnvelope(ve, other)).code).toBe('ESXI_KEY_MISMATCH');
  });

  it('detects a tampered ciphertext (GCM authentication) and names the offset', () => {
    const ve = Buffer.from(readFileSync(REAL('local.tgz.ve')));
    ve[5000]! ^= 1;
    const e = thrown(() => openBackup(ve, { name: 'tampered.ve', encryptionInfo: readFileSync(REAL('encryption.info')) }));
    expect(e.code).toBe('ESXI_DECRYPT_FAILED');
    expect(e.offset).toBe(4096);
  });

  it('inside a state.tgz, envelope damage names the local.tgz.ve layer its offset is in', async () => {
    const lib = (await import(fixtureLib)) as { stateTgz(m: Record<string, Buffer>): Buffer };
    const ve = Buffer.from(readFileSync(REAL('local.tgz.ve')));
    ve[5000]! ^= 1;
    const e = thrown(() => openBackup(lib.stateTgz({ 'local.tgz.ve': ve, 'encryption.info': readFileSync(REAL('encryption.info')) }), { name: 'state.tgz' }));
    expect(e.code).toBe('ESXI_DECRYPT_FAILED');
    expect(e.offset).toBe(4096);
    expect(e.message).toMatch(/^local\.tgz\.ve: authenticated decryption failed.*\(offset in local\.tgz\.ve\)$/);
    const junk = thrown(() => openBackup(lib.stateTgz({ 'local.tgz.ve': Buffer.from('not an envelope'), 'encryption.info': readFileSync(REAL('encryption.info')) }), { name: 'state.tgz' }));
    expect(junk.code).toBe('ESXI_ENVELOPE_MAGIC');
    expect(junk.message).toMatch(/^local\.tgz\.ve: not a DataTransformEnvelope/);
  });

  it('an encryption.info without data1/data2 is ESXI_KEYSTORE_INVALID at the offset of its entry in state.tgz', async () => {
    const lib = (await import(fixtureLib)) as { stateTgz(m: Record<string, Buffer>): Buffer };
    const ve = readFileSync(REAL('local.tgz.ve'));
    const e = thrown(() => openBackup(lib.stateTgz({ 'local.tgz.ve': ve, 'encryption.info': Buffer.from('mode = "NONE"\nConfigEncData = "keyId=AAAA:version=1"\n') }), { name: 'state.tgz' }));
    expect(e.code).toBe('ESXI_KEYSTORE_INVALID');
    // local.tgz.ve's header block and data blocks come first
    expect(e.offset).toBe(512 + Math.ceil(ve.length / 512) * 512);
    expect(e.message).toBe('encryption.info has no ConfigEncData data1/data2 fields (offset of the encryption.info entry in the inflated tar stream)');
    // given beside the file (--keystore), it is not in the backup: no offset into it
    const given = thrown(() => openBackup(ve, { name: 'alone.ve', encryptionInfo: Buffer.from('mode = "NONE"\n') }));
    expect(given.code).toBe('ESXI_KEYSTORE_INVALID');
    expect(given.offset).toBeUndefined();
  });

  it('says a truncated envelope is truncated', () => {
    const ve = readFileSync(REAL('local.tgz.ve')).subarray(0, 50_000);
    const e = thrown(() => openBackup(ve, { name: 'cut.ve', encryptionInfo: readFileSync(REAL('encryption.info')) }));
    expect(e.code).toBe('ESXI_ENVELOPE_TRUNCATED');
  });

  it('without encryption.info still opens, reports encrypted and why it cannot decrypt', () => {
    const b = openBackup(readFileSync(REAL('local.tgz.ve')), { name: 'alone.ve' });
    expect(b.encryption).toMatchObject({ encrypted: true, decrypted: false });
    expect(b.encryption.reason).toMatch(/encryption\.info is missing/);
    expect(b.files.size).toBe(0);
    expect(b.warnings.map((w) => w.code)).toContain('ESXI_KEYSTORE_MISSING');
  });
});

describe('every kind of fixture opens, recognised by content', () => {
  it.each([
    ['local-6.7.tgz', 'local.tgz', ['local.tgz']],
    ['state-6.7.tgz', 'state.tgz', ['state.tgz', 'local.tgz']],
    ['configBundle-esx67.tgz', 'configBundle', ['configBundle', 'state.tgz', 'local.tgz']],
    ['state-7.0.tgz', 'state.tgz', ['state.tgz', 'local.tgz']],
    ['state-7.0.3-encrypted.tgz', 'state.tgz', ['state.tgz', 'local.tgz.ve', 'local.tgz']],
    ['configBundle-esx70.tgz', 'configBundle', ['configBundle', 'state.tgz', 'local.tgz.ve', 'local.tgz']],
  ])('%s is a %s', (name, kind, layers) => {
    const b = openBackup(fx(name));
    expect(b.kind).toBe(kind);
    expect(b.layers).toEqual(layers);
    expect(b.files.get('etc/vmware/esx.conf')?.type).toBe('file');
    expect(b.warnings).toEqual([]);
  });

  it('does not trust the file name: a bundle renamed to .bin is still a bundle', () => {
    const b = openBackup(readFileSync(fx('configBundle-esx67.tgz')), { name: 'whatever.bin' });
    expect(b.kind).toBe('configBundle');
    expect(b.manifest).toMatchObject({ version: '6.7.0', update: 'Update 3', uuid: '5c8f2a10-4d3e-1b2c-9a7f-0025b5a1c001' });
  });

  it('the encrypted 7.0.3 fixture decrypts to the same files as the plain one', () => {
    const plain = openBackup(fx('state-7.0.tgz'));
    const enc = openBackup(fx('state-7.0.3-encrypted.tgz'));
    expect(enc.encryption).toMatchObject({ encrypted: true, mode: 'NONE', decrypted: true });
    expect(sha256(enc.localTgz!)).toBe(sha256(plain.localTgz!));
  });

  it('TPM mode: says only the host can open it, still shows the outer layer', () => {
    const b = openBackup(fx('state-7.0.3-tpm.tgz'));
    expect(b.encryption).toMatchObject({ encrypted: true, mode: 'TPM', decrypted: false });
    expect(b.encryption.reason).toMatch(/TPM.*only that host can open it/);
    expect(b.outer!.map((m) => m.path).sort()).toEqual(['encryption.info', 'local.tgz.ve']);
    expect(b.files.size).toBe(0);
  });

  it('a hand repack with ustar + pax headers, directory entries and ./ prefixes opens', () => {
    const b = openBackup(fx('local-repack-ustar.tgz'));
    expect(b.kind).toBe('local.tgz');
    expect(b.files.get('etc/vmware')?.type).toBe('directory');
    expect(b.files.get('etc/hosts')?.data?.toString()).toContain('esx67.lab.example');
    expect([...b.files.keys()].some((k) => k.endsWith('/notes.txt') && k.length > 100)).toBe(true);
    expect([...b.files.keys()].some((k) => k.startsWith('./') || k.startsWith('/'))).toBe(false);
  });
});

describe('Manifest.txt', () => {
  it('parses vmware -l and vmware -v forms', () => {
    expect(parseManifest('RELEASELEVEL=VMware ESXi 6.7.0 GA\nUUID=abc\nKERNELOPTS= a=1 b\nUSEROPTS=\n')).toMatchObject({
      version: '6.7.0',
      update: 'GA',
      build: undefined,
      uuid: 'abc',
      kernelOpts: 'a=1 b',
      userOpts: '',
    });
    expect(parseManifest('RELEASELEVEL=VMware ESXi 7.0.3 build-21930508\n')).toMatchObject({ version: '7.0.3', build: '21930508', update: undefined });
    expect(parseManifest('RELEASELEVEL=VMware ESXi 6.5.0\t Update 2\n')).toMatchObject({ version: '6.5.0', update: 'Update 2' });
  });
  it('reads a release level of 64 KB of tabs around \\r in linear time (the old regex backtracked: 1.5 s)', () => {
    const t = Date.now();
    const m = parseManifest(`RELEASELEVEL=ESX\r0.0\r${'\t'.repeat(65_000)}\r0.0\rESX\t0.0\n`);
    expect(Date.now() - t).toBeLessThan(500);
    expect(m.version).toBe('0.0'); // the last "ESX 0.0", the only one not followed by a line break, as before
  });
  it('a bundle without Manifest.txt opens with a warning (the restore would fail)', async () => {
    const lib = (await import(fixtureLib)) as { gzip(b: Buffer): Buffer; makeTar(e: object[]): Buffer };
    const state = readFileSync(fx('state-6.7.tgz'));
    const b = openBackup(lib.gzip(lib.makeTar([{ name: 'state.tgz', data: state }])), { name: 'no-manifest.tgz' });
    expect(b.kind).toBe('configBundle');
    expect(b.manifest).toBeUndefined();
    expect(b.warnings.map((w) => w.message).join()).toMatch(/Missing Manifest File/);
  });
});

describe('options', () => {
  it('maxInflated applies to all layers together', () => {
    const e = thrown(() => openBackup(fx('state-6.7.tgz'), { maxInflated: 20_000 }));
    expect(e.code).toBe('ESXI_INFLATE_LIMIT');
  });
  it('strict turns a warning into an error', () => {
    expect(thrown(() => openBackup(fx('evil-path-traversal.tgz'), { strict: true })).code).toBe('ESXI_UNSAFE_PATH');
  });
});
