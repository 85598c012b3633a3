import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { AnalyzeError } from '../../src/errors.js';
import { openBackup } from '../../src/esxi/backup/open.js';
import { mergedValue, readConfigStore, rowsNotReadWarning, rowsOf, CONFIGSTORE_PATH, MAX_CONFIGSTORE_ROWS, MAX_CONFIGSTORE_VALUE } from '../../src/esxi/config/configstore.js';
import { showBackup } from '../../src/esxi/show.js';
import { corpusPath, fixturePath } from '../helpers/corpus.js';

const REAL_VE = corpusPath('esxi', 'dissect-hypervisor-envelope', 'local.tgz.ve');

describe('ConfigStore read from memory (sql.js)', () => {
  it('reads the real 7.0.2 current-store-1 out of the decrypted .ve: 102 rows, same as sqlite3 -json', async () => {
    const b = openBackup(REAL_VE);
    const store = await readConfigStore(b.files.get(CONFIGSTORE_PATH)!.data!);
    const oracle = JSON.parse(readFileSync(corpusPath('esxi', 'dissect-hypervisor-envelope', 'configstore-current-store-1.Config.json'), 'utf8')) as Array<Record<string, string | null>>;
    expect(store.rows.length).toBe(oracle.length);
    const sw = rowsOf(store, 'esx', 'network_vss', 'switches')[0]!;
    const ref = oracle.find((r) => r['ConfigGroup'] === 'network_vss')!;
    expect(sw.values.UserValue).toEqual(JSON.parse(ref['UserValue']!));
    expect(sw.revision).toBe(Number(ref['Revision']));
    expect(store.kv.map((k) => k.key)).toEqual(['APPLY_BOOT', 'BOOT_FS_UUID', 'BOOT_MODE', 'IS_BOOT']);
    const merged = mergedValue(sw) as { port_groups: Array<{ name: string }> };
    expect(merged.port_groups.map((p) => p.name)).toEqual(['Management Network', 'VM Network']);
  });

  it('refuses something that is not SQLite, and a damaged database', async () => {
    await expect(readConfigStore(Buffer.from('not a database at all'))).rejects.toThrow(AnalyzeError);
    const b = openBackup(REAL_VE);
    const cut = Buffer.from(b.files.get(CONFIGSTORE_PATH)!.data!.subarray(0, 8192));
    cut.fill(0xee, 100, 8192);
    await expect(readConfigStore(cut)).rejects.toMatchObject({ code: 'ESXI_CONFIGSTORE_INVALID' });
  });

  it(`reads at most ${MAX_CONFIGSTORE_ROWS} rows of a table, in key order, and says so (a 16 MB database holds 380,000)`, async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { sqliteOf(sql: string): Promise<Buffer> };
    const rows = MAX_CONFIGSTORE_ROWS + 5;
    // stored in reverse key order: the rows read are the first as stored, then sorted
    const db = await lib.sqliteOf(`CREATE TABLE Config(Component TEXT, ConfigGroup TEXT, Name TEXT, Identifier TEXT, UserValue TEXT);
      CREATE TABLE KVTable(Key TEXT, Value TEXT);
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows - 1}) INSERT INTO Config SELECT 'esx', 'g', printf('%07d', ${rows} - 1 - i), '', '{"a":' || i || '}' FROM n;
      INSERT INTO KVTable VALUES ('BOOT_MODE', '0');`);
    const store = await readConfigStore(db);
    expect(store.rows).toHaveLength(MAX_CONFIGSTORE_ROWS);
    expect(store.rowsNotRead).toEqual(['Config']);
    expect(store.rows[0]!.name).toBe('0000005'); // the 5 rows stored last (names 0..4) are the ones not read
    expect(store.rows.at(-1)!.name).toBe(String(rows - 1).padStart(7, '0'));
    expect(store.rows[0]!.values.UserValue).toEqual({ a: MAX_CONFIGSTORE_ROWS - 1 });
    expect(store.kv).toEqual([{ key: 'BOOT_MODE', value: '0', modifiedTime: undefined }]);
    expect(rowsNotReadWarning(store)?.message).toContain(`Config holds more than ${MAX_CONFIGSTORE_ROWS} rows`);
    const small = await readConfigStore(openBackup(REAL_VE).files.get(CONFIGSTORE_PATH)!.data!);
    expect(small.rowsNotRead).toBeUndefined();
    expect(rowsNotReadWarning(small)).toBeUndefined();
  });

  it(`refuses a database with a field longer than ${MAX_CONFIGSTORE_VALUE} characters, before reading any row`, async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { sqliteOf(sql: string): Promise<Buffer> };
    const db = await lib.sqliteOf(`CREATE TABLE Config(Component TEXT, ConfigGroup TEXT, Name TEXT, UserValue TEXT);
      INSERT INTO Config VALUES ('esx', 'g', 'big', '"' || hex(zeroblob(${MAX_CONFIGSTORE_VALUE / 2})) || '"'), ('esx', 'g', 'small', '1');`);
    await expect(readConfigStore(db)).rejects.toMatchObject({ code: 'ESXI_CONFIGSTORE_INVALID', message: expect.stringContaining(`a Config field of ${MAX_CONFIGSTORE_VALUE + 2} characters`) });
    const key = await lib.sqliteOf(`CREATE TABLE Config(Component TEXT, ConfigGroup TEXT, Name TEXT); CREATE TABLE KVTable(Key TEXT, Value TEXT);
      INSERT INTO Config VALUES ('esx', 'g', 'n'); INSERT INTO KVTable VALUES (hex(zeroblob(${MAX_CONFIGSTORE_VALUE})), '1');`);
    await expect(readConfigStore(key)).rejects.toMatchObject({ message: expect.stringContaining('a KVTable field of') });
    // at the limit it is read
    const edge = await lib.sqliteOf(`CREATE TABLE Config(Component TEXT, ConfigGroup TEXT, Name TEXT, UserValue TEXT);
      INSERT INTO Config VALUES ('esx', 'g', 'edge', '"' || substr(hex(zeroblob(${MAX_CONFIGSTORE_VALUE / 2})), 3) || '"');`);
    expect((await readConfigStore(edge)).rows[0]!.values.UserValue).toHaveLength(MAX_CONFIGSTORE_VALUE - 2);
  });

  it('refuses tables that compute their fields as they are read (a generated Component of 200 million characters ran past 120 s)', async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { sqliteOf(sql: string): Promise<Buffer> };
    const generated = await lib.sqliteOf(`CREATE TABLE Config(Component TEXT GENERATED ALWAYS AS (printf('%.*c', 200000000, 'x')) VIRTUAL, ConfigGroup TEXT, Name TEXT, UserValue TEXT);
      INSERT INTO Config(ConfigGroup, Name, UserValue) VALUES ('g', 'a', '1'), ('g', 'b', '2');`);
    const started = Date.now();
    await expect(readConfigStore(generated)).rejects.toMatchObject({ code: 'ESXI_CONFIGSTORE_INVALID', message: expect.stringContaining('Config has generated column Component, computed as it is read') });
    expect(Date.now() - started).toBeLessThan(5000);
    const kv = await lib.sqliteOf(`CREATE TABLE Config(Component TEXT, ConfigGroup TEXT, Name TEXT); CREATE TABLE KVTable(Key TEXT, Value TEXT AS (upper(Key)) STORED);
      INSERT INTO Config VALUES ('esx', 'g', 'n'); INSERT INTO KVTable(Key) VALUES ('k');`);
    await expect(readConfigStore(kv)).rejects.toMatchObject({ message: expect.stringContaining('KVTable has generated column Value') });
  });
});

describe('showBackup', () => {
  it('real 7.0.2: version, host, UUID, users without hashes, vSwitch and vmk from ConfigStore', async () => {
    const r = await showBackup(openBackup(REAL_VE));
    expect(r.version).toMatchObject({ release: '7.0.2', build: undefined, source: 'esx.conf' });
    expect(r.hostName.value).toBe('jemoeder.internet.vm');
    expect(r.uuid.value).toBe('5fb27665-83f4-b1f5-3e9f-000c29801686');
    expect(r.network.source).toBe('ConfigStore');
    expect(r.network.vSwitches).toEqual([{ name: 'vSwitch0', uplinks: ['vmnic0'], mtu: undefined, portGroups: [{ name: 'Management Network', vlanId: '0' }, { name: 'VM Network', vlanId: '0' }] }]);
    expect(r.network.vmkernelNics[0]).toMatchObject({ name: 'vmk0', dhcp: true, portGroup: 'Management Network', services: ['management'] });
    expect(r.network.managementAddress).toEqual({ value: '10.199.5.140', source: 'esx.conf' });
    expect(r.users.map((u) => [u.name, u.passwordHash])).toEqual([
      ['root', 'sha512'],
      ['dcui', 'locked'],
      ['vpxuser', 'locked'],
    ]);
    expect(JSON.stringify(r)).not.toMatch(/\$6\$/);
    expect(r.files.filter((f) => f.secret).map((f) => f.path)).toContain('etc/vmware/ssl/rui.key');
  });

  it('a DHCP host without ManagementAddr falls back to its /etc/hosts entry, and says so', async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { localTgz(f: object): Buffer };
    const conf = '/adv/Misc/HostName = "dhcp1.example"\n/net/vmkernelnic/child[0000]/name = "vmk0"\n/net/vmkernelnic/child[0000]/dhcp = "true"\n';
    const b = openBackup(lib.localTgz({ 'etc/vmware/esx.conf': conf, 'etc/hosts': '127.0.0.1 localhost\n10.1.2.3 dhcp1.example dhcp1\n' }), { name: 'dhcp.tgz' });
    const r = await showBackup(b);
    expect(r.network.managementAddress).toEqual({ value: '10.1.2.3', source: 'etc/hosts' });
  });

  it('an unreadable ConfigStore is one warning that names its path once', async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { localTgz(f: object): Buffer };
    const b = openBackup(lib.localTgz({ 'etc/vmware/esx.conf': '/adv/Misc/HostName = "h"\n', [CONFIGSTORE_PATH]: 'junk' }), { name: 'cs.tgz' });
    const w = (await showBackup(b)).warnings.filter((x) => x.code === 'ESXI_CONFIGSTORE_UNREADABLE');
    expect(w.map((x) => x.message)).toEqual([`${CONFIGSTORE_PATH}: not an SQLite database`]);
  });

  it('an advanced setting that holds a secret is listed with its value redacted', async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { localTgz(f: object): Buffer };
    const conf = '/adv/Misc/HostName = "h1.example"\n/adv/UserVars/ActiveDirectoryPassword = "Hunter2AdPass"\n/adv/UserVars/Note = "$6$saltSALT$HashInAnAdvancedSetting0123"\n';
    const r = await showBackup(openBackup(lib.localTgz({ 'etc/vmware/esx.conf': conf }), { name: 'adv.tgz' }));
    expect(r.advancedSettings).toEqual([
      { option: 'Misc/HostName', value: 'h1.example' },
      { option: 'UserVars/ActiveDirectoryPassword', value: '<redacted>' },
      { option: 'UserVars/Note', value: '<redacted>' },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/Hunter2AdPass|saltSALT|HashInAnAdvancedSetting/);
  });

  it('no management interface is invented when nothing names the network (it said "vmk0"); the image default only where the network is known', async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as { localTgz(f: object): Buffer };
    const bare = await showBackup(openBackup(lib.localTgz({ 'etc/hosts': '127.0.0.1 localhost\n' }), { name: 'repack.tgz' }));
    expect(bare.network.source).toBeUndefined();
    expect(bare.network.managementInterface).toBeUndefined();
    expect(JSON.parse(JSON.stringify(bare)).network).not.toHaveProperty('managementInterface');
    // damaged before its local.tgz
    const damaged = await showBackup(openBackup(fixturePath('esxi', 'evil-truncated-gzip.tgz'), { partial: true }));
    expect(damaged.error).toBeDefined();
    expect(damaged.network.managementInterface).toBeUndefined();
    // esx.conf with a network but no ManagementIface (it stores only non-default settings): vmk0
    const conf = '/net/vmkernelnic/child[0000]/name = "vmk0"\n/net/vmkernelnic/child[0000]/ipv4address = "10.0.0.5"\n';
    const known = await showBackup(openBackup(lib.localTgz({ 'etc/vmware/esx.conf': conf }), { name: 'net.tgz' }));
    expect(known.network).toMatchObject({ source: 'esx.conf', managementInterface: 'vmk0' });
  });
});
