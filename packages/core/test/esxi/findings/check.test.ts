import { describe, expect, it } from '@jest/globals';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { parseEsxConf } from '../../../src/esxi/config/esxconf.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';
import { checkBackup } from '../../../src/esxi/findings/check.js';
import { passthroughFindings } from '../../../src/esxi/findings/passthrough.js';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';
import { readFileSync } from 'node:fs';

const load = async (...p: string[]) => parseBackup(openBackup(fixturePath('esxi', ...p)));
const codes = (f: Array<{ code: string; severity: string }>) => f.map((x) => `${x.severity}:${x.code}`);

describe('esxi check', () => {
  it('the boot HBA handed to a VM is an error with the esx.conf line and the esxcli command', async () => {
    const f = checkBackup(await load('pairs', 'boot-hba-passthru', 'after.tgz'));
    const hba = f.find((x) => x.code === 'ESXI_PASSTHRU_BOOT_HBA')!;
    expect(hba.severity).toBe('error');
    expect(hba.fix).toContain('/device/000:31.2/owner = "vmkernel"');
    expect(hba.fix).toContain('esxcli hardware pci pcipassthru set -d 0000:00:1f.2 -e false');
    expect(f[0]?.code).toBe('ESXI_PASSTHRU_BOOT_HBA'); // errors first
  });

  it('the same host before the flip has no error', async () => {
    const f = checkBackup(await load('pairs', 'boot-hba-passthru', 'before.tgz'));
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
    expect(codes(f)).toContain('info:ESXI_PASSTHRU_DEVICE'); // the GPU at 003:00.0
  });

  it('the management NIC passed through is an error (esx.conf: vmk0 → Management Network → vSwitch0 → vmnic0)', async () => {
    const conf = parseEsxConf(readFileSync(fixturePath('esxi', 'esxconf', 'esxi-5.0-vswitch.excerpt.conf'), 'utf8') + '/net/vmkernelnic/child[0000]/name = "vmk0"\n/net/vmkernelnic/child[0000]/portgroup = "Management Network"\n/device/000:25.0/owner = "passthru"\n/device/000:25.0/vmkname = "vmnic0"\n');
    const f = passthroughFindings(conf, undefined, false);
    expect(codes(f)).toEqual(['error:ESXI_PASSTHRU_MGMT_NIC']);
    expect(f[0]?.fix).toContain('/device/000:25.0/owner = "vmkernel"');
  });

  it('a USB storage adapter (vmhba32+) passed through is an error', () => {
    const conf = parseEsxConf('/device/000:29.0/owner = "passthru"\n/device/000:29.0/vmkname = "vmhba32"\n');
    expect(codes(passthroughFindings(conf, undefined, false))).toEqual(['error:ESXI_PASSTHRU_USB_CONTROLLER']);
  });

  it('4.0 excerpt (synthetic): three passthrough devices without names are info only', () => {
    const conf = parseEsxConf(readFileSync(fixturePath('esxi', 'esxconf', 'esxi-4.0-passthru.excerpt.conf'), 'utf8'));
    expect(codes(passthroughFindings(conf, undefined, false))).toEqual(['info:ESXI_PASSTHRU_DEVICE', 'info:ESXI_PASSTHRU_DEVICE', 'info:ESXI_PASSTHRU_DEVICE']);
  });

  it('release and UUID mismatch against a target', async () => {
    const f = checkBackup(await load('configBundle-esx70.tgz'), await load('local-6.7.tgz'));
    expect(codes(f)).toEqual(expect.arrayContaining(['error:ESXI_RELEASE_MISMATCH', 'warning:ESXI_UUID_MISMATCH', 'info:ESXI_ENCRYPTION_NONE']));
    expect(f.find((x) => x.code === 'ESXI_RELEASE_MISMATCH')?.message).toContain('Mismatched Bundle');
  });

  it('TPM-encrypted configuration is an error that says only the original host can open it', async () => {
    const f = checkBackup(await load('state-7.0.3-tpm.tgz'));
    expect(f[0]?.code).toBe('ESXI_TPM_ENCRYPTED');
    expect(f[0]?.severity).toBe('error');
  });

  it('an empty esx.conf is an error', async () => {
    const b = await load('pairs', 'root-password', 'before.tgz');
    b.backup.files.get('etc/vmware/esx.conf')!.data = Buffer.alloc(0);
    const f = checkBackup(await parseBackup(b.backup));
    expect(codes(f)).toContain('error:ESXI_EMPTY_ESXCONF');
  });

  it('a backup without local.tgz contents is an error', async () => {
    const b = await load('pairs', 'root-password', 'before.tgz');
    b.backup.files.clear();
    expect(codes(checkBackup(await parseBackup(b.backup)))).toContain('error:ESXI_NO_LOCAL_TGZ');
  });

  it('a configBundle whose state.tgz holds no local.tgz opens and gets the missing-local.tgz error (not exit 2)', async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { gzip(b: Buffer): Buffer; makeTar(e: object[]): Buffer; manifest(o: object): string; configBundle(m: string, s: Buffer): Buffer };
    const state = lib.gzip(lib.makeTar([{ name: 'jumpstrt.gz', data: 'x' }]));
    const opened = openBackup(lib.configBundle(lib.manifest({ uuid: 'u1' }), state), { name: 'no-local.tgz' });
    expect(opened.kind).toBe('configBundle');
    expect(opened.layers).toEqual(['configBundle', 'state.tgz']);
    expect(opened.warnings.map((w) => w.code)).toContain('ESXI_NO_LOCAL_TGZ');
    const f = checkBackup(await parseBackup(opened));
    expect(f[0]).toMatchObject({ severity: 'error', code: 'ESXI_NO_LOCAL_TGZ' });
  });

  it('a binary-junk encryption.info is called unreadable, not "mode (none given)", and the fix does not ask for it', async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { stateTgz(m: Record<string, Buffer>): Buffer };
    const ve = readFileSync(corpusPath('esxi', 'dissect-hypervisor-envelope', 'local.tgz.ve'));
    const junk = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 151 + 7) % 256));
    const opened = openBackup(lib.stateTgz({ 'local.tgz.ve': ve, 'encryption.info': junk }), { name: 'junk-keystore.tgz' });
    expect(opened.encryption).toMatchObject({ encrypted: true, decrypted: false, keystore: 'unreadable' });
    expect(opened.encryption.reason).toMatch(/^encryption\.info is unreadable \(300 bytes/);
    expect(opened.encryption.reason).not.toMatch(/none given/);
    expect(opened.warnings).toContainEqual(expect.objectContaining({ code: 'ESXI_KEYSTORE_UNREADABLE', offset: 512 + Math.ceil(ve.length / 512) * 512 }));
    const f = checkBackup(await parseBackup(opened));
    expect(f[0]).toMatchObject({ severity: 'error', code: 'ESXI_ENCRYPTED_UNREADABLE' });
    expect(f[0]?.message).toMatch(/encryption\.info is unreadable/);
    expect(f[0]?.fix).not.toMatch(/provide the encryption\.info/);
    expect(f[0]?.fix).toMatch(/damaged.*--keystore/);
  });

  it('a missing encryption.info still asks for it; a mode other than NONE/TPM does not', async () => {
    const ve = readFileSync(corpusPath('esxi', 'dissect-hypervisor-envelope', 'local.tgz.ve'));
    const f = checkBackup(await parseBackup(openBackup(ve, { name: 'alone.ve' })));
    expect(f[0]).toMatchObject({ code: 'ESXI_ENCRYPTED_UNREADABLE', fix: 'provide the encryption.info that was beside local.tgz.ve in state.tgz' });
    const other = checkBackup(await parseBackup(openBackup(ve, { name: 'kms.ve', encryptionInfo: Buffer.from('mode = "KMS"\n') })));
    expect(other[0]?.message).toMatch(/keystore mode KMS: only mode NONE/);
    expect(other[0]?.fix).toMatch(/^decrypt it on the original host/);
  });
});
