import { describe, expect, it } from '@jest/globals';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { diffBackups, type DiffResult } from '../../../src/esxi/diff/backups.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';
import { readFileSync } from 'node:fs';
import { Header } from 'tar';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';

async function diffPair(name: string, opts: { all?: boolean; showSecrets?: boolean } = {}): Promise<DiffResult> {
  const before = await parseBackup(openBackup(fixturePath('esxi', 'pairs', name, 'before.tgz')));
  const after = await parseBackup(openBackup(fixturePath('esxi', 'pairs', name, 'after.tgz')));
  return diffBackups(before, after, opts);
}

const brief = (r: DiffResult) => r.changes.map((c) => [c.area, c.change, c.label]);

describe('esxi diff on fixture pairs: exactly the one change, nothing else', () => {
  it('vSwitch pair: "vSwitch0: uplink vmnic2 added"', async () => {
    const r = await diffPair('vswitch-uplink');
    expect(brief(r)).toEqual([['network', 'added', 'vSwitch0: uplink vmnic2 added']]);
    expect(r.changes[0]?.key).toBe('/net/vswitch/child[0000]/uplinks/child[0001]/pnic');
    expect(r.noise.changes).toBe(0);
  });

  it('advanced-setting pair: one advanced setting, image default before', async () => {
    const r = await diffPair('advanced-setting');
    expect(r.changes).toEqual([
      { area: 'advanced', path: 'etc/vmware/esx.conf', key: '/adv/Disk/DiskMaxIOSize', change: 'added', after: '4096', label: 'advanced setting /Disk/DiskMaxIOSize: set to "4096" (image default before)' },
    ]);
  });

  it('hosts pair: one entry added', async () => {
    const r = await diffPair('hosts-entry');
    expect(r.changes).toEqual([{ area: 'network', path: 'etc/hosts', key: '192.168.10.50', change: 'added', after: 'nas.lab.example nas', label: 'hosts entry 192.168.10.50 nas.lab.example nas added' }]);
  });

  it('root password pair: "root: password changed", secret, no values', async () => {
    const r = await diffPair('root-password');
    expect(r.changes).toEqual([{ area: 'users', path: 'etc/shadow', key: 'root', change: 'modified', label: 'root: password changed', secret: true }]);
  });

  it('boot HBA pair: owner vmkernel → passthru, and the passthrough finding with its fix', async () => {
    const r = await diffPair('boot-hba-passthru');
    expect(brief(r)).toEqual([['devices', 'modified', 'device 000:31.2 (vmhba0): owner vmkernel → passthru']]);
    expect(r.changes[0]).toMatchObject({ before: 'vmkernel', after: 'passthru', key: '/device/000:31.2/owner' });
    const f = r.findings.find((x) => x.code === 'ESXI_PASSTHRU_BOOT_HBA');
    expect(f?.severity).toBe('error');
    expect(f?.fix).toContain('/device/000:31.2/owner = "vmkernel"');
    expect(f?.fix).toContain('esxcli hardware pci pcipassthru set -d 0000:00:1f.2 -e false');
  });

  it('ConfigStore pair: one JSON field, timestamp and revision churn filtered', async () => {
    const r = await diffPair('configstore-vswitch');
    expect(brief(r)).toEqual([['network', 'modified', 'ConfigStore network_vss/switches vSwitch0: user.policy.nic_teaming.active_nics gained vmnic2']]);
    expect(r.changes[0]).toMatchObject({ key: 'esx/network_vss/switches/vSwitch0:user.policy.nic_teaming.active_nics', before: '["vmnic0","vmnic1"]', after: '["vmnic0","vmnic1","vmnic2"]' });
  });

  it('noise pair: no changes, one summary; --all lists the noise', async () => {
    const r = await diffPair('noise-only');
    expect(r.changes).toEqual([]);
    expect(r.noise).toEqual({ changes: 3, files: ['etc/dhclient-vmk0.leases', 'etc/random-seed', 'etc/vmware/.backup.counter'] });
    const all = await diffPair('noise-only', { all: true });
    expect(all.changes.map((c) => [c.area, c.path])).toEqual([
      ['noise', 'etc/dhclient-vmk0.leases'],
      ['noise', 'etc/random-seed'],
      ['noise', 'etc/vmware/.backup.counter'],
    ]);
  });

  it('reordered esx.conf: no change at all (diffoscope reports 128 lines)', async () => {
    const r = await diffPair('esxconf-reordered');
    expect(r.changes).toEqual([]);
    expect(r.noise.changes).toBe(0);
  });

  it('the same backup against itself: nothing', async () => {
    const b = await parseBackup(openBackup(fixturePath('esxi', 'pairs', 'root-password', 'before.tgz')));
    expect(diffBackups(b, b).changes).toEqual([]);
  });
});

describe('esxi diff across kinds', () => {
  it('a configBundle against a bare local.tgz of a different host: one-side files are image defaults', async () => {
    const bundle = await parseBackup(openBackup(fixturePath('esxi', 'configBundle-esx70.tgz')));
    const local = await parseBackup(openBackup(fixturePath('esxi', 'local-6.7.tgz')));
    const r = diffBackups(local, bundle);
    expect(r.before.kind).toBe('local.tgz');
    expect(r.after.kind).toBe('configBundle');
    const only = r.changes.filter((c) => c.onlyIn !== undefined);
    expect(only.length).toBeGreaterThan(0);
    for (const c of only) expect(c.label).toMatch(/has the image default$/);
    expect(r.changes.some((c) => c.label === 'system UUID: 5c8f2a10-4d3e-1b2c-9a7f-0025b5a1c001 → 60d5a9c2-7e11-4f0a-8b3c-000c29aa7002')).toBe(true);
    expect(r.findings.map((f) => f.code)).toContain('ESXI_RELEASE_MISMATCH');
  });

  it('real 7.0.2 sample: encrypted state.tgz, configBundle around it and the bare decrypted local.tgz hold the same configuration', async () => {
    const real = (name: string) => readFileSync(corpusPath('esxi', 'dissect-hypervisor-envelope', name));
    const state = tarOf({ 'local.tgz.ve': real('local.tgz.ve'), 'encryption.info': real('encryption.info') });
    const manifest = Buffer.from('RELEASELEVEL=VMware ESXi 7.0.2 GA\nUUID=5fb27665-83f4-b1f5-3e9f-000c29801686\nKERNELOPTS=\nUSEROPTS=\n');
    const bundle = tarOf({ 'Manifest.txt': manifest, 'state.tgz': state });
    const open = (data: Buffer, name: string) => parseBackup(openBackup(data, { name }));
    const plain = await open(real('local.tgz.decrypted'), 'local.tgz');
    for (const [data, kind] of [[state, 'state.tgz'], [bundle, 'configBundle']] as const) {
      const wrapped = await open(data, kind);
      for (const r of [diffBackups(wrapped, plain, { all: true }), diffBackups(plain, wrapped, { all: true })]) {
        expect([r.before.kind, r.after.kind].sort()).toEqual([kind, 'local.tgz'].sort());
        expect(r.changes).toEqual([]);
        expect(r.notCompared).toBeUndefined();
      }
    }
  });

  it('a TPM-encrypted side is not compared file by file (its files are unknown, not image defaults)', async () => {
    const tpm = await parseBackup(openBackup(fixturePath('esxi', 'state-7.0.3-tpm.tgz')));
    const plain = await parseBackup(openBackup(fixturePath('esxi', 'state-7.0.tgz')));
    const r = diffBackups(plain, tpm);
    expect(r.notCompared).toEqual(['after']);
    expect(r.changes).toEqual([]);
    expect(r.findings.map((f) => f.code)).toContain('ESXI_TPM_ENCRYPTED');
    expect(diffBackups(tpm, plain).notCompared).toEqual(['before']);
  });
});

/** An uncompressed tar of the given members (the reader accepts plain tar as well as gzip). */
function tarOf(members: Record<string, Buffer>): Buffer {
  const blocks: Buffer[] = [];
  for (const [path, data] of Object.entries(members)) {
    const h = new Header({ path, type: 'File', size: data.length, mode: 0o644, mtime: new Date(0) });
    h.encode();
    blocks.push(h.block!, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}
