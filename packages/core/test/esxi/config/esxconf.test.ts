import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Warnings } from '../../../src/errors.js';
import {
  advancedSettings,
  deviceAliases,
  hostName,
  managementAddress,
  managementInterface,
  parseEsxConf,
  parsePciAddress,
  pciDevices,
  physicalNics,
  releaseVersion,
  sortedKeys,
  systemUuid,
  vmkernelNics,
  vSwitches,
} from '../../../src/esxi/config/esxconf.js';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';

const read = (name: string) => readFileSync(corpusPath('esxi', 'esxconf', name), 'utf8');
/** Synthetic 4.x-6.x excerpts (fixtures/gen/esxi/esxconf-excerpts.mjs); the expected values are the ones it writes. */
const excerpt = (name: string) => readFileSync(fixturePath('esxi', 'esxconf', name), 'utf8');

describe('esx.conf parser on the real ESXi 7.0.2 file', () => {
  const text = read('esxi-7.0.2_dissect-hypervisor-testdata_full.esx.conf');
  const w = new Warnings();
  const conf = parseEsxConf(text, w);

  it('reads every one of the 206 lines without warnings', () => {
    expect(conf.entries.size).toBe(text.trim().split('\n').length);
    expect(w.list).toEqual([]);
  });

  it('finds host name, management address, UUID and release', () => {
    expect(hostName(conf)).toBe('jemoeder.internet.vm');
    expect(managementInterface(conf)).toBe('vmk0');
    expect(managementAddress(conf)).toBe('10.199.5.140');
    expect(systemUuid(conf)).toBe('5fb27665-83f4-b1f5-3e9f-000c29801686');
    expect(releaseVersion(conf)).toBe('7.0.2');
  });

  it('keeps values raw, including apostrophes and empty strings', () => {
    expect(conf.entries.get('/advUserOptions/options[0005]/description')).toBe("Don't show warning for enabled local and remote shell access");
    expect(conf.entries.get('/advUserOptions/options[0012]/default')).toBe('');
  });

  it('sorts hash-ordered index keys naturally', () => {
    const up = sortedKeys(conf).filter((k) => k.startsWith('/upgrades/'));
    expect(up[0]).toBe('/upgrades/complete[0000]/name');
    expect(up.at(-1)).toBe('/upgrades/complete[0013]/name');
  });

  it('lists advanced settings (7.x keeps networking in ConfigStore, not here)', () => {
    const adv = advancedSettings(conf).map((a) => a.option);
    expect(adv).toEqual(['Misc/HostIPAddr', 'Misc/HostName', 'Net/ManagementAddr', 'Net/ManagementIface', 'UserMem/UserMemASRandomSeed', 'UserVars/HostClientCEIPOptIn']);
    expect(vSwitches(conf)).toEqual([]);
  });

  it('is order-insensitive: a shuffled file gives the same model', () => {
    const lines = text.trim().split('\n');
    const shuffled = [...lines.filter((_, i) => i % 2 === 1), ...lines.filter((_, i) => i % 2 === 0)].join('\n');
    expect([...parseEsxConf(shuffled).entries].sort()).toEqual([...conf.entries].sort());
  });
});

describe('esx.conf parser on 4.x-6.x excerpt shapes', () => {
  it('builds vSwitch0 with its uplink, teaming and the Management Network port group (ESXi 5.0)', () => {
    const conf = parseEsxConf(excerpt('esxi-5.0-vswitch.excerpt.conf'));
    const sw = vSwitches(conf);
    expect(sw.map((s) => s.name)).toEqual(['vSwitch0', undefined, undefined]);
    const s0 = sw[0]!;
    expect(s0.uplinks).toEqual(['vmnic0']);
    expect(s0.teamUplinks).toEqual(['vmnic0']);
    expect(s0.numPorts).toBe('128');
    expect(s0.security['promiscuous']).toBe('false');
    expect(s0.portGroups).toEqual([{ index: '0000', name: 'Management Network', vlanId: undefined, uplinks: ['vmnic0'] }]);
    expect(systemUuid(conf)).toBe('5a1c3dd2-61e4-8a07-b3c5-000c29a4b1f2');
    expect(conf.entries.get('/fs/vmfs[5a1c3e07-9b2f41d6-7e0c-000c29a4b1f2]/forceMountedLvm/forceMount')).toBe('true');
  });

  it('reads PCI owners and vmknames with decimal slots (ESXi 4.0 VMDirectPath)', () => {
    const conf = parseEsxConf(excerpt('esxi-4.0-passthru.excerpt.conf'));
    const devs = pciDevices(conf);
    expect(devs.filter((d) => d.owner === 'passthru').map((d) => d.key)).toEqual(['000:27.0', '000:28.4', '004:00.0']);
    const sata = devs.find((d) => d.key === '000:31.2')!;
    expect(sata.vmkname).toBe('vmhba0');
    expect(sata.owner).toBe('vmkernel');
    expect(sata.address?.lspci).toBe('0000:00:1f.2');
    expect(devs.find((d) => d.key === '000:25.0')?.address?.lspci).toBe('0000:00:19.0');
  });

  it('reads pNICs, vmk NICs and device aliases (ESXi 6.x guide excerpt with redacted MACs)', () => {
    const conf = parseEsxConf(excerpt('esxi-6.x-net-and-vmkdevmgr.excerpt.conf'));
    expect(physicalNics(conf).map((n) => [n.name, n.mac])).toEqual([
      [undefined, '00:0c:29:4a:7e:13'],
      ['vmnic1', 'XX:XX:XX:XX:XX:XX'],
    ]);
    expect(vmkernelNics(conf)[0]?.mac).toBe('00:0c:29:4a:7e:13');
    expect(deviceAliases(conf)).toEqual([
      { busAddress: 'm00007a01', alias: 'vmnic0' },
      { busAddress: 'm00007a02', alias: 'vmnic1' },
      { busAddress: 'm00007f01', alias: 'vmhba0' },
    ]);
    expect(pciDevices(conf).map((d) => [d.key, d.owner, d.address?.lspci])).toEqual([['000:20.0', 'passthru', '0000:00:14.0']]);
  });
});

describe('esx.conf parser on damaged input', () => {
  it('warns about malformed lines with their numbers and keeps the good ones', () => {
    const w = new Warnings();
    const conf = parseEsxConf('/a = "1"\ngarbage\n/b = unquoted\n/c = "x"y"\n', w);
    expect([...conf.entries]).toEqual([
      ['/a', '1'],
      ['/c', 'x"y'],
    ]);
    expect(conf.badLines).toEqual([2, 3]);
    expect(w.list.map((x) => x.code)).toEqual(['ESXI_ESXCONF_BAD_LINE', 'ESXI_ESXCONF_BAD_LINE']);
  });

  it('keeps the last of duplicate keys and warns; strict mode throws', () => {
    const w = new Warnings();
    expect(parseEsxConf('/a = "1"\n/a = "2"\n', w).entries.get('/a')).toBe('2');
    expect(w.list[0]?.code).toBe('ESXI_ESXCONF_DUPLICATE_KEY');
    expect(() => parseEsxConf('/a = "1"\n/a = "2"\n', new Warnings(true))).toThrow(/repeats \/a/);
  });

  it('caps warnings on a garbage file to a summary', () => {
    const w = new Warnings();
    parseEsxConf('x\n'.repeat(5000), w);
    expect(w.list.length).toBe(11);
    expect(w.list.at(-1)?.message).toMatch(/5000 malformed lines/);
  });

  it('rejects out-of-range PCI addresses', () => {
    expect(parsePciAddress('000:32.0')).toBeUndefined();
    expect(parsePciAddress('0000:03:00.0')?.lspci).toBe('0000:03:00.0');
    expect(parsePciAddress('vmhba0')).toBeUndefined();
  });
});

describe('esx.conf network lists are linear in the entries', () => {
  /** CPU time of this process (ms): the machine running the suite may be shared. */
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

  it('20,000 vmknics, pNICs and vSwitches, and one vSwitch of 20,000 port groups (a walk of every entry per index took 68 s for 16,000)', () => {
    const N = 20_000;
    const conf = parseEsxConf(
      [
        lines(N, (i) => `/net/vmkernelnic/child[${i}]/name = "vmk${i}"`),
        lines(N, (i) => `/net/pnic/child[${i}]/name = "vmnic${i}"`),
        lines(N, (i) => `/net/vswitch/child[${i}]/name = "vs${i}"\n/net/vswitch/child[${i}]/uplinks/child[0]/pnic = "vmnic${i}"`),
        lines(N, (i) => `/net/vswitch/child[one]/portgroup/child[${i}]/name = "pg${i}"`),
      ].join('\n'),
    );
    const t = cpuMs();
    const vmk = vmkernelNics(conf);
    const pnics = physicalNics(conf);
    const sw = vSwitches(conf);
    expect(cpuMs() - t).toBeLessThan(2000);
    expect([vmk.length, vmk[N - 1]?.name, pnics.length, pnics[1]?.name]).toEqual([N, `vmk${N - 1}`, N, 'vmnic1']);
    expect(sw).toHaveLength(N + 1);
    expect(sw[N - 1]).toMatchObject({ index: String(N - 1), name: `vs${N - 1}`, uplinks: [`vmnic${N - 1}`], portGroups: [] });
    const one = sw[N]!;
    expect([one.index, one.portGroups.length, one.portGroups[12_345]]).toEqual(['one', N, { index: '12345', name: 'pg12345', vlanId: undefined, uplinks: [] }]);
  });

  it('an index without a "/" after it is listed with nothing in it, as before; a port group needs keys below it', () => {
    const conf = parseEsxConf('/net/vmkernelnic/child[7]x = "1"\n/net/vswitch/child[0]/portgroup/child[1] = "x"\n/net/vswitch/child[0]/portgroup/child[2]/name = "pg"\n');
    expect(vmkernelNics(conf).map((n) => [n.index, n.name])).toEqual([['7', undefined]]);
    expect(vSwitches(conf)[0]?.portGroups.map((p) => [p.index, p.name])).toEqual([['2', 'pg']]);
  });
});
