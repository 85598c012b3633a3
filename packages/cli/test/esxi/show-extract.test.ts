import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { esxiSpec } from '../../src/commands/esxi/spec.js';
import { captureIo } from '../helpers/io.js';
import { fileURLToPath } from 'node:url';
import { corpusPath } from '../../../core/test/helpers/corpus.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const fixturePath = (...p: string[]) => join(REPO_ROOT, 'fixtures', ...p);

const REAL_VE = corpusPath('esxi', 'dissect-hypervisor-envelope', 'local.tgz.ve');
const fx = (n: string) => fixturePath('esxi', n);
// from fixtures/gen/esxi/lib.mjs: fake secrets that must never be printed
const FAKE_ROOT_HASH = '$6$fixtSalt$Q9s3cretHashValueThatMustNeverBePrinted0123456789abcdefABCDEF.xyz';
const FAKE_KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCFIXTUREPRIVATEKEYMATERIALdoNotPrint';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io, [esxiSpec]);
  return { code, out: io.stdout, err: io.stderr };
}

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('analyze esxi show', () => {
  it('shows the real 7.0.2 .ve: version, host name, users, vSwitches and VMkernel NICs', async () => {
    const r = await run('esxi', 'show', REAL_VE);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ESXi version\s+7\.0\.2/);
    expect(r.out).toMatch(/host name\s+jemoeder\.internet\.vm/);
    expect(r.out).toMatch(/keystore mode NONE: decrypted offline/);
    expect(r.out).toMatch(/vSwitch0\s+uplinks vmnic0/);
    expect(r.out).toMatch(/port group "Management Network" VLAN 0/);
    expect(r.out).toMatch(/vmk0\s+DHCP on "Management Network"/);
    expect(r.out).toMatch(/root\s+sha512 password hash/);
    expect(r.out).toMatch(/etc\/shadow secret/);
  });

  it('never prints the real root hash or private keys of the real sample, in text or JSON', async () => {
    const { readFileSync } = await import('node:fs');
    const shadow = readFileSync(corpusPath('esxi', 'dissect-hypervisor-envelope', 'x', 'etc', 'shadow'), 'utf8');
    const rootHash = shadow.split('\n')[0]!.split(':')[1]!;
    expect(rootHash.startsWith('$6$')).toBe(true);
    const keyLine = readFileSync(corpusPath('esxi', 'dissect-hypervisor-envelope', 'x', 'etc', 'ssh', 'ssh_host_rsa_key'), 'utf8').split('\n')[1]!;
    for (const mode of [[], ['--json']]) {
      const r = await run('esxi', 'show', REAL_VE, ...mode);
      expect(r.out).not.toContain(rootHash);
      expect(r.out).not.toContain(rootHash.split('$')[2]); // not even the salt
      expect(r.out).not.toContain(keyLine);
      expect(r.out).not.toContain('PRIVATE KEY');
    }
  });

  it('never prints fixture secrets (hash, key material) for any kind, text or JSON', async () => {
    for (const f of ['configBundle-esx67.tgz', 'state-7.0.3-encrypted.tgz', 'local-6.7.tgz']) {
      for (const mode of [[], ['--json']]) {
        const r = await run('esxi', 'show', fx(f), ...mode);
        expect(r.code).toBe(0);
        expect(r.out).not.toContain(FAKE_ROOT_HASH);
        expect(r.out).not.toContain('fixtSalt');
        expect(r.out).not.toContain(FAKE_KEY_BODY);
        expect(r.out).not.toContain('FIXTURELICENSEBLOB');
      }
    }
  });

  it('--json gives the documented report for a 6.7 bundle', async () => {
    const r = await run('esxi', 'show', fx('configBundle-esx67.tgz'), '--json');
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({
      schemaVersion: expect.any(String),
      file: fx('configBundle-esx67.tgz'),
      kind: 'configBundle',
      layers: ['configBundle', 'state.tgz', 'local.tgz'],
      version: { release: '6.7.0', update: 'Update 3', source: 'Manifest.txt' },
      hostName: { value: 'esx67.lab.example', source: 'esx.conf' },
      encryption: { encrypted: false, decrypted: false },
      network: { source: 'esx.conf', managementAddress: { value: '192.168.10.21' }, gateway: '192.168.10.1' },
      passthrough: [{ device: '003:00.0', address: '0000:03:00.0', owner: 'passthru' }],
    });
    expect(doc.network.vSwitches.map((s: { name: string }) => s.name)).toEqual(['vSwitch0', 'vSwitch1']);
    expect(doc.users).toEqual([
      { name: 'root', uid: '0', passwordHash: 'sha512', groups: ['root'] },
      { name: 'admin', uid: '1000', passwordHash: 'md5', groups: ['admin'] },
    ]);
    expect(doc.files.find((f: { path: string }) => f.path === 'etc/shadow')).toMatchObject({ secret: true, mode: '0644' });
  });

  it('7.x networking comes from the ConfigStore database', async () => {
    const doc = JSON.parse((await run('esxi', 'show', fx('state-7.0.3-encrypted.tgz'), '--json')).out);
    expect(doc.network.source).toBe('ConfigStore');
    expect(doc.network.vmkernelNics.map((n: { name: string; address: string }) => [n.name, n.address])).toEqual([
      ['vmk0', '192.168.20.31'],
      ['vmk1', '10.30.0.31'],
    ]);
    expect(doc.configStore.rows).toBe(9);
  });

  it('TPM-encrypted: says only the host can open it, exit 1', async () => {
    const r = await run('esxi', 'show', fx('state-7.0.3-tpm.tgz'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/NOT decrypted: keystore mode TPM/);
  });

  it('a hostile or broken file is a clear message on stderr and exit 2; the others still print', async () => {
    const r = await run('esxi', 'show', fx('garbage.bin'), fx('local-6.7.tgz'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/garbage\.bin: not an ESXi backup.*\(at byte 0\)/);
    expect(r.out).toMatch(/local-6\.7\.tgz: ESXi local\.tgz/);
  });

  it('a bundle without local.tgz does not claim a "plain local.tgz"', async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { gzip(b: Buffer): Buffer; makeTar(e: object[]): Buffer; manifest(o: object): string; configBundle(m: string, s: Buffer): Buffer };
    const base = mkdtempSync(join(tmpdir(), 'analyze-cli-esxi-'));
    dirs.push(base);
    const file = join(base, 'no-local.tgz');
    writeFileSync(file, lib.configBundle(lib.manifest({ uuid: 'u1' }), lib.gzip(lib.makeTar([{ name: 'jumpstrt.gz', data: 'x' }]))));
    const r = await run('esxi', 'show', file);
    expect(r.out).toMatch(/encryption\s+none to tell: no local\.tgz or local\.tgz\.ve in the backup/);
    expect(r.out).not.toContain('plain local.tgz');
    expect((await run('esxi', 'show', fx('local-6.7.tgz'))).out).toMatch(/encryption\s+none \(plain local\.tgz\)/);
  });

  it('a truncated archive: the report of what came before the damage, the one-line error naming file and offset, exit 2', async () => {
    const { readFileSync } = await import('node:fs');
    const { gunzipSync } = await import('node:zlib');
    const base = mkdtempSync(join(tmpdir(), 'analyze-cli-esxi-'));
    dirs.push(base);
    const file = join(base, 'l67t.tar');
    writeFileSync(file, gunzipSync(readFileSync(fx('local-6.7.tgz'))).subarray(0, 9000)); // GNU tar lists 7 intact members
    const r = await run('esxi', 'show', file);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/host name\s+esx67\.lab\.example/);
    expect(r.out).toMatch(/Files \(7;/);
    const errors = r.err.split('\n').filter((l) => l.includes('ends after'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/l67t\.tar: the tar stream ends after 9000 bytes.*\(at byte 9000\)$/);
    const json = await run('esxi', 'show', '--json', file);
    expect(json.code).toBe(2);
    const doc = JSON.parse(json.out) as { error: { code: string; offset: number }; files: unknown[] };
    expect(doc.error).toMatchObject({ code: 'ESXI_TAR_INVALID', offset: 9000 });
    expect(doc.files).toHaveLength(7);
  });

  it('--json and --html invent no management interface for a backup whose network nothing names (said "vmk0")', async () => {
    for (const file of [fx('evil-truncated-gzip.tgz'), fx('evil-absolute-path.tgz')]) {
      const json = await run('--json', 'esxi', 'show', file);
      expect(JSON.parse(json.out).network).not.toHaveProperty('managementInterface');
      const html = await run('esxi', 'show', '--html', '-', file);
      expect(html.out).toContain('<!DOCTYPE html>');
      expect(html.out).not.toContain('management</dt>');
    }
    // a host whose esx.conf has its network: the management vmk as before
    expect(JSON.parse((await run('--json', 'esxi', 'show', fx('local-6.7.tgz'))).out).network.managementInterface).toBe('vmk0');
  });

  it('--max-inflated is honoured and validated', async () => {
    expect((await run('esxi', 'show', fx('state-6.7.tgz'), '--max-inflated', '10K')).err).toMatch(/inflates to more than the 10240-byte limit/);
    expect((await run('esxi', 'show', fx('state-6.7.tgz'), '--max-inflated', 'lots')).code).toBe(2);
  });
});

describe('analyze esxi extract', () => {
  it('writes the decrypted files under --to and reports; exit 0', async () => {
    const base = mkdtempSync(join(tmpdir(), 'analyze-cli-esxi-'));
    dirs.push(base);
    const to = join(base, 'out');
    const r = await run('esxi', 'extract', fx('state-7.0.3-encrypted.tgz'), '--to', to);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wrote 15 files/);
    expect(existsSync(join(to, 'etc', 'vmware', 'esx.conf'))).toBe(true);
    expect(readdirSync(base)).toEqual(['out']);
  });

  it('path traversal archive: skipped entries listed, exit 1, nothing outside --to', async () => {
    const base = mkdtempSync(join(tmpdir(), 'analyze-cli-esxi-'));
    dirs.push(base);
    const r = await run('esxi', 'extract', fx('evil-path-traversal.tgz'), '--to', join(base, 'out'), '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.skipped.map((s: { reason: string }) => s.reason)).toEqual(['path-traversal', 'path-traversal']);
    expect(readdirSync(base)).toEqual(['out']);
  });

  it('a skipped path of 200,000 characters is quoted cut in the text (it was one 200 KB line)', async () => {
    const base = mkdtempSync(join(tmpdir(), 'analyze-cli-esxi-'));
    dirs.push(base);
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { gzip(b: Buffer): Buffer; makeTar(e: object[]): Buffer; paxEntry(r: object): Buffer };
    const long = `etc/${'a'.repeat(200_000)}`;
    writeFileSync(join(base, 'long.tgz'), lib.gzip(lib.makeTar([{ name: 'etc/hosts', data: 'h\n' }, lib.paxEntry({ path: long }), { name: 'StandIn', data: 'x\n', format: 'ustar' }])));
    const r = await run('esxi', 'extract', join(base, 'long.tgz'), '--to', join(base, 'out'));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`  etc/${'a'.repeat(4092)}... (200,004 characters): the path is 200004 bytes long`);
    expect(Math.max(...r.out.split('\n').map((l) => l.length))).toBeLessThan(4300);
  });

  it('decompression bomb: refused, exit 2, nothing written', async () => {
    const base = mkdtempSync(join(tmpdir(), 'analyze-cli-esxi-'));
    dirs.push(base);
    const r = await run('esxi', 'extract', fx('evil-decompression-bomb.tgz'), '--to', join(base, 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/decompression bomb/);
    expect(existsSync(join(base, 'out'))).toBe(false);
  });

  it('a destination that cannot be made: one line naming it, exit 2 (did spin for ever under /proc)', async () => {
    const base = mkdtempSync(join(tmpdir(), 'analyze-cli-esxi-'));
    dirs.push(base);
    writeFileSync(join(base, 'file'), 'x\n');
    const to = process.platform === 'linux' ? '/proc/analyze-nope' : join(base, 'file', 'out');
    const r = await run('esxi', 'extract', fx('state-6.7.tgz'), '--to', to);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toEqual([expect.stringContaining(`cannot use ${to} as the destination folder`)]);
  });

  it('--to is required', async () => {
    expect((await run('esxi', 'extract', fx('local-6.7.tgz'))).code).toBe(2);
  });
});
