import { describe, expect, it } from '@jest/globals';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { parseEsxConf } from '../../../src/esxi/config/esxconf.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';
import { checkBackup } from '../../../src/esxi/findings/check.js';
import type { ConfigStore } from '../../../src/esxi/config/configstore.js';
import { managementUplinks, MAX_PASSTHRU_LISTED, passthroughFindings } from '../../../src/esxi/findings/passthrough.js';
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

describe('esxi check on crafted inputs within the caps', () => {
  /** CPU time of this process (ms): the machine running the suite may be shared. */
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };

  it(`130,000 passthrough devices in a 4 MiB esx.conf: the first ${MAX_PASSTHRU_LISTED} are listed, the rest counted (a spread of them overflowed the stack)`, async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { localTgz(f: Record<string, string>): Buffer };
    const N = 130_000;
    const conf = Array.from({ length: N }, (_, i) => `/device/${i.toString(36)}/owner = "passthru"\n`).join('');
    expect(conf.length).toBeLessThan(4 * 1024 * 1024);
    const f = checkBackup(await parseBackup(openBackup(lib.localTgz({ 'etc/vmware/esx.conf': conf }), { name: 'passthru.tgz' })));
    const devices = f.filter((x) => x.code === 'ESXI_PASSTHRU_DEVICE');
    expect(devices).toHaveLength(MAX_PASSTHRU_LISTED + 1);
    // devices in natural key order ('0', '1', ... '1a' ...): the last finding counts those not listed, naming the first five
    expect(devices[0]?.subject).toBe('0');
    expect(devices.at(-1)).toEqual({
      severity: 'info',
      code: 'ESXI_PASSTHRU_DEVICE',
      message: expect.stringMatching(new RegExp(`^${N - MAX_PASSTHRU_LISTED} more devices are passed through to a VM \\(not listed one by one: the first ${MAX_PASSTHRU_LISTED} are findings of their own\\): \\w+, \\w+, \\w+, \\w+, \\w+ and others$`)),
      fix: 'nothing, if intended; to give one back to ESXi: esxcli hardware pci pcipassthru set -d <lspci address> -e false',
    });
  });

  it('each code is capped on its own and keeps its severity: the counted USB controllers are still an error', () => {
    const usb = Array.from({ length: 150 }, (_, i) => `/device/001:${String(i).padStart(4, '0')}/owner = "passthru"\n/device/001:${String(i).padStart(4, '0')}/vmkname = "vmhba${32 + i}"\n`);
    const other = Array.from({ length: 120 }, (_, i) => `/device/002:${String(i).padStart(4, '0')}/owner = "passthru"\n`);
    const f = passthroughFindings(parseEsxConf(usb.join('') + other.join('')), undefined, false);
    expect(f.filter((x) => x.code === 'ESXI_PASSTHRU_USB_CONTROLLER' && x.severity === 'error')).toHaveLength(MAX_PASSTHRU_LISTED + 1);
    expect(f.filter((x) => x.code === 'ESXI_PASSTHRU_DEVICE' && x.severity === 'info')).toHaveLength(MAX_PASSTHRU_LISTED + 1);
    const usbRest = f.find((x) => x.code === 'ESXI_PASSTHRU_USB_CONTROLLER' && x.subject === undefined)!;
    expect(usbRest.message).toMatch(/^50 more USB storage adapters are passed through to a VM \(not listed one by one/);
    expect(usbRest.fix).toBe('for each: before restoring, set this line in etc/vmware/esx.conf inside local.tgz: /device/<address>/owner = "vmkernel" (then repack local.tgz and state.tgz); on the running host: esxcli hardware pci pcipassthru set -d <lspci address> -e false, then reboot');
    expect(f.find((x) => x.code === 'ESXI_PASSTHRU_DEVICE' && x.subject === undefined)?.message).toMatch(/^20 more devices are passed/);
  });

  it('management uplinks from 10,000 management vmknics and 10,000 switches of 10 port groups: each switch looked at once', () => {
    // the ConfigStore reader keeps 20,000 rows a table; a pass over every switch per vmknic took 2 s with 2 port groups a switch
    const row = (group: string, name: string, UserValue: unknown, i: number): ConfigStore['rows'][number] => ({
      component: 'esx', group, name, identifier: `id${i}`, modifiedTime: undefined, creationTime: undefined, version: undefined, success: undefined, revision: undefined, values: { UserValue },
    });
    const N = 10_000;
    const rows = [
      ...Array.from({ length: N }, (_, i) => row('network', 'vmknics', { port_group: `pg${i}`, enabled_services: { management: true }, mac_from_pnic: `mac${i}` }, i)),
      ...Array.from({ length: N }, (_, i) => row('network_vss', 'switches', { port_groups: Array.from({ length: 10 }, (_, k) => ({ name: k === 9 && i % 2 === 0 ? `pg${i}` : `other${i}-${k}` })), bridge: { nics: [`vmnic${i}`] } }, i)),
    ];
    const t = cpuMs();
    const uplinks = managementUplinks(undefined, { rows, kv: [], tables: ['Config'] });
    expect(cpuMs() - t).toBeLessThan(1000);
    expect(uplinks.size).toBe(N + N / 2);
    expect([uplinks.has('mac7'), uplinks.has('vmnic4'), uplinks.has('vmnic5')]).toEqual([true, true, false]);
  });

  it('port_groups that is not a list of objects names no port group (it threw a TypeError)', () => {
    const row = (group: string, name: string, UserValue: unknown): ConfigStore['rows'][number] => ({
      component: 'esx', group, name, identifier: '', modifiedTime: undefined, creationTime: undefined, version: undefined, success: undefined, revision: undefined, values: { UserValue },
    });
    for (const port_groups of ['pg', 5, { name: 'pg' }, [null, 'pg', 7]]) {
      const store = { rows: [row('network', 'vmknics', { port_group: 'pg', enabled_services: { management: true } }), row('network_vss', 'switches', { port_groups, bridge: { nics: ['vmnic0'] } })], kv: [], tables: ['Config'] };
      expect([...managementUplinks(undefined, store)]).toEqual([]);
    }
  });
});
