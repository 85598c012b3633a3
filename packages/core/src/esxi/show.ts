/**
 * The `esxi show` report: what a backup is and the key facts of the host it came from. Built from
 * the opened Backup; networking comes from esx.conf (≤ 6.7) or the ConfigStore (7.x), whichever has
 * it. Secrets are never copied into the report: users carry the hash algorithm, never the hash, and
 * secret files are listed by name, size and mode only.
 */
import { Warnings, type AnalyzeError, type Warning } from '../errors.js';
import type { Backup, BackupFile, BackupKind } from './backup/model.js';
import { CONFIGSTORE_PATH, mergedValue, readConfigStore, rowsNotReadWarning, valuesKeptAsTextWarning, type ConfigStore } from './config/configstore.js';
import {
  advancedSettings,
  defaultGateway,
  hostName as esxHostName,
  managementAddress as esxManagementAddress,
  managementInterface,
  parseEsxConf,
  pciDevices,
  physicalNics,
  releaseVersion,
  systemUuid,
  vmkernelNics,
  vSwitches,
  type EsxConf,
} from './config/esxconf.js';
import { findHostsEntry } from './config/hosts.js';
import { parseGroup, parsePasswd, parseShadow, type HashAlgorithm } from './config/passwd.js';
import { parseResolv } from './config/resolv.js';
import { shownSetting, shownText } from './secrets.js';

export type FactSource = 'Manifest.txt' | 'esx.conf' | 'ConfigStore' | 'etc/hosts' | 'etc/resolv.conf';

export interface ShowFile {
  path: string;
  type: BackupFile['type'];
  size: number;
  /** Octal permission string, e.g. "0644", "1600". */
  mode: string;
  /** ISO 8601 (UTC), when the archive has one. */
  mtime?: string | undefined;
  secret: boolean;
  linkpath?: string;
}

export interface ShowVSwitch {
  name: string;
  uplinks: string[];
  mtu?: string | undefined;
  portGroups: Array<{ name: string; vlanId?: string | undefined }>;
}

export interface ShowVmknic {
  name: string;
  portGroup?: string | undefined;
  /** IPv4 address, or undefined with dhcp true. */
  address?: string | undefined;
  netmask?: string | undefined;
  dhcp?: boolean | undefined;
  mac?: string | undefined;
  /** Enabled services from ConfigStore (management, vmotion...). */
  services: string[];
}

export interface ShowUser {
  name: string;
  uid?: string | undefined;
  /** crypt scheme of the password ('sha512', 'md5', 'locked', 'none'...); never the hash. */
  passwordHash?: HashAlgorithm | undefined;
  groups: string[];
}

export interface ShowReport {
  file: string;
  kind: BackupKind;
  layers: BackupKind[];
  version: { release?: string | undefined; build?: string | undefined; update?: string | undefined; source?: FactSource | undefined };
  hostName: { value?: string | undefined; source?: FactSource | undefined };
  uuid: { value?: string | undefined; source?: FactSource | undefined };
  manifest?: { releaseLevel?: string | undefined; uuid?: string | undefined; kernelOpts?: string | undefined; userOpts?: string | undefined } | undefined;
  encryption: Backup['encryption'];
  /** Members of the outer layers (bundle, state.tgz). */
  outer: NonNullable<Backup['outer']>;
  files: ShowFile[];
  network: {
    source?: FactSource | undefined;
    managementInterface?: string | undefined;
    managementAddress: { value?: string | undefined; source?: FactSource | undefined };
    gateway?: string | undefined;
    dns: { servers: string[]; search: string[] };
    physicalNics: Array<{ name: string; mac?: string | undefined }>;
    vSwitches: ShowVSwitch[];
    vmkernelNics: ShowVmknic[];
  };
  passthrough: Array<{ device: string; address?: string | undefined; owner: string; name?: string | undefined }>;
  users: ShowUser[];
  /** esx.conf `/adv/...`: only non-default settings are ever written there. */
  advancedSettings: Array<{ option: string; value: string }>;
  configStore?: { rows: number; groups: Array<{ component: string; group: string; name: string; rows: number }> } | undefined;
  warnings: Warning[];
  /** The damage that stopped the read (truncated or corrupt archive): the report holds what came before it. */
  error?: { code: string; message: string; offset?: number };
}

/** The management VMkernel NIC when esx.conf (which stores only non-default settings) or ConfigStore names none. */
const DEFAULT_MANAGEMENT_INTERFACE = 'vmk0';

const text = (f: BackupFile | undefined) => (f?.data === undefined ? undefined : f.data.toString('utf8'));

/**
 * The `esxi show` report of an opened backup. The `showBackup` job of `@analyze/core` opens the input too.
 * @example
 *   import { openBackup, showBackup } from '@analyze/core/esxi';
 *   const r = await showBackup(openBackup('state.tgz')); // r.version.release
 */
export async function showBackup(backup: Backup, opts: { strict?: boolean } = {}): Promise<ShowReport> {
  const warnings = new Warnings(opts.strict ?? false, backup.source);
  const files = backup.files;
  const esxText = text(files.get('etc/vmware/esx.conf'));
  const conf: EsxConf | undefined = esxText === undefined ? undefined : parseEsxConf(esxText, warnings);
  const csFile = files.get(CONFIGSTORE_PATH);
  let store: ConfigStore | undefined;
  if (csFile?.data !== undefined && csFile.data.length > 0) {
    try {
      store = await readConfigStore(csFile.data, backup.source);
      for (const partly of [rowsNotReadWarning(store), valuesKeptAsTextWarning(store)]) if (partly) warnings.warn(partly.code, partly.message);
    } catch (e) {
      // readConfigStore's messages already start with the path
      warnings.warn('ESXI_CONFIGSTORE_UNREADABLE', (e as Error).message);
    }
  }
  const resolvText = text(files.get('etc/resolv.conf'));
  const resolv = resolvText === undefined ? undefined : parseResolv(resolvText);

  // version: Manifest (release + build) beats esx.conf (release only)
  const m = backup.manifest;
  const confVersion = conf && releaseVersion(conf);
  const version: ShowReport['version'] =
    m?.version !== undefined
      ? { release: m.version, build: m.build, update: m.update, source: 'Manifest.txt' }
      : { release: confVersion, build: undefined, update: undefined, source: confVersion === undefined ? undefined : 'esx.conf' };

  const csNet = store ? configStoreNetwork(store) : undefined;
  const confHost = conf && esxHostName(conf);
  const host = confHost ?? csNet?.hostName;
  const hostName: ShowReport['hostName'] = { value: host, source: confHost !== undefined ? 'esx.conf' : host !== undefined ? 'ConfigStore' : undefined };
  const confUuid = conf && systemUuid(conf);
  const uuid: ShowReport['uuid'] =
    confUuid !== undefined ? { value: confUuid, source: 'esx.conf' } : { value: m?.uuid, source: m?.uuid !== undefined ? 'Manifest.txt' : undefined };

  // networking: esx.conf when it has /net/ keys (≤ 6.7), else ConfigStore (7.x)
  const confHasNet = conf !== undefined && hasNetKeys(conf);
  // vmk0 is the image default, for a backup whose network is known; with no esx.conf network and no
  // ConfigStore (a damaged backup, a hand repack) nothing says which interface it is: left out, not invented
  const mgmtIface = (conf && managementInterface(conf)) ?? csNet?.managementInterface ?? (confHasNet || csNet !== undefined ? DEFAULT_MANAGEMENT_INTERFACE : undefined);
  const vswitches: ShowVSwitch[] = confHasNet
    ? vSwitches(conf).map((v) => ({ name: v.name ?? `child[${v.index}]`, uplinks: v.uplinks, mtu: v.mtu, portGroups: v.portGroups.map((p) => ({ name: p.name ?? `child[${p.index}]`, vlanId: p.vlanId })) }))
    : (csNet?.vSwitches ?? []);
  const vmknics: ShowVmknic[] = confHasNet
    ? vmkernelNics(conf).map((n) => ({ name: n.name ?? `child[${n.index}]`, portGroup: n.portGroup, address: n.ipv4Address, netmask: n.ipv4Netmask, dhcp: n.dhcp, mac: n.mac, services: n.name === mgmtIface ? ['management'] : [] }))
    : (csNet?.vmknics ?? []);
  const pnics = confHasNet ? physicalNics(conf).map((p) => ({ name: p.name ?? `child[${p.index}]`, mac: p.mac })) : (csNet?.pnics ?? []);
  let mgmtAddr: ShowReport['network']['managementAddress'] = { value: undefined, source: undefined };
  const confAddr = conf && esxManagementAddress(conf);
  if (confAddr) mgmtAddr = { value: confAddr, source: 'esx.conf' };
  else {
    const vmk = vmknics.find((n) => n.name === mgmtIface) ?? vmknics.find((n) => n.services.includes('management'));
    if (vmk?.address) mgmtAddr = { value: vmk.address, source: confHasNet ? 'esx.conf' : 'ConfigStore' };
    else if (host !== undefined) {
      // DHCP hosts: the installer writes the leased address beside the host name in /etc/hosts
      // (searched line by line here: the rest of the report never reads the hosts file)
      const hostsText = text(files.get('etc/hosts'));
      const short = host.split('.')[0];
      const entry = hostsText === undefined ? undefined : findHostsEntry(hostsText, (h) => !h.address.startsWith('127.') && h.address !== '::1' && h.names.some((n) => n === host || n === short));
      if (entry) mgmtAddr = { value: entry.address, source: 'etc/hosts' };
    }
  }

  const users = showUsers(files);
  const passthrough = conf
    ? pciDevices(conf)
        .filter((d) => d.owner === 'passthru')
        .map((d) => ({ device: d.key, address: d.address?.lspci, owner: d.owner ?? '', name: d.vmkname }))
    : [];

  const groups = new Map<string, { component: string; group: string; name: string; rows: number }>();
  for (const r of store?.rows ?? []) {
    const k = `${r.component}\0${r.group}\0${r.name}`;
    const g = groups.get(k) ?? { component: r.component, group: r.group, name: r.name, rows: 0 };
    g.rows++;
    groups.set(k, g);
  }

  return {
    file: backup.source,
    kind: backup.kind,
    layers: backup.layers,
    version,
    hostName,
    uuid,
    // boot options may carry credentials (`ks=http://user:password@host/ks.cfg`): shown redacted like every value
    manifest: m ? { releaseLevel: m.releaseLevel, uuid: m.uuid, kernelOpts: shownText(m.kernelOpts), userOpts: shownText(m.userOpts) } : undefined,
    encryption: backup.encryption,
    outer: backup.outer ?? [],
    files: [...files.values()].map(showFile),
    network: {
      source: confHasNet ? 'esx.conf' : csNet ? 'ConfigStore' : undefined,
      managementInterface: mgmtIface,
      managementAddress: mgmtAddr,
      gateway: (conf && defaultGateway(conf)) ?? csNet?.gateway,
      dns: { servers: resolv?.nameservers ?? csNet?.dnsServers ?? [], search: resolv?.search ?? csNet?.search ?? [] },
      physicalNics: pnics,
      vSwitches: vswitches,
      vmkernelNics: vmknics,
    },
    passthrough,
    users,
    advancedSettings: conf ? advancedSettings(conf).map(shownSetting) : [],
    configStore: store ? { rows: store.rows.length, groups: [...groups.values()] } : undefined,
    warnings: [...backup.warnings, ...warnings.list],
    ...(backup.error === undefined ? {} : { error: damage(backup.error) }),
  };
}

function damage(e: AnalyzeError): NonNullable<ShowReport['error']> {
  return { code: e.code, message: e.message, ...(e.offset === undefined ? {} : { offset: e.offset }) };
}

function hasNetKeys(conf: EsxConf): boolean {
  for (const k of conf.entries.keys()) if (k.startsWith('/net/')) return true;
  return false;
}

function showFile(f: BackupFile): ShowFile {
  const out: ShowFile = { path: f.path, type: f.type, size: f.size, mode: (f.mode & 0o7777).toString(8).padStart(4, '0'), mtime: f.mtime === undefined ? undefined : new Date(f.mtime).toISOString(), secret: f.secret };
  if (f.linkpath !== undefined) out.linkpath = f.linkpath;
  return out;
}

function showUsers(files: Map<string, BackupFile>): ShowUser[] {
  const passwd = text(files.get('etc/passwd'));
  const shadow = text(files.get('etc/shadow'));
  const group = text(files.get('etc/group'));
  const byName = new Map<string, ShowUser>();
  const get = (name: string) => {
    let u = byName.get(name);
    if (!u) byName.set(name, (u = { name, uid: undefined, passwordHash: undefined, groups: [] }));
    return u;
  };
  for (const p of passwd ? parsePasswd(passwd) : []) get(p.name).uid = p.uid;
  for (const s of shadow ? parseShadow(shadow) : []) get(s.name).passwordHash = s.algorithm;
  for (const g of group ? parseGroup(group) : []) for (const member of g.members) if (byName.has(member)) get(member).groups.push(g.name);
  return [...byName.values()];
}

// ---------------------------------------------------------------------------------------- ConfigStore

interface CsNetwork {
  hostName: string | undefined;
  managementInterface: string | undefined;
  gateway: string | undefined;
  dnsServers: string[] | undefined;
  search: string[] | undefined;
  vSwitches: ShowVSwitch[];
  vmknics: ShowVmknic[];
  pnics: Array<{ name: string; mac: string | undefined }>;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** The first string value whose key looks like an IPv4 address / netmask, searching nested objects (field names vary by release [I]). */
function findField(v: unknown, re: RegExp, depth = 0): string | undefined {
  const o = obj(v);
  for (const [k, val] of Object.entries(o)) if (re.test(k) && typeof val === 'string' && val !== '') return val;
  if (depth >= 2) return undefined;
  for (const [k, val] of Object.entries(o)) if (!/ipv6/i.test(k)) {
    const found = findField(val, re, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function configStoreNetwork(store: ConfigStore): CsNetwork {
  const rows = (group: string, name: string) => store.rows.filter((r) => r.component === 'esx' && r.group === group && r.name === name);
  const vSwitches = rows('network_vss', 'switches').map((r) => {
    const v = obj(mergedValue(r));
    const bridge = obj(v['bridge']);
    const teaming = obj(obj(v['policy'])['nic_teaming']);
    const uplinks = strs(bridge['nics']).length > 0 ? strs(bridge['nics']) : strs(teaming['active_nics']);
    return {
      name: s(v['name']) ?? r.identifier,
      uplinks,
      mtu: s(v['mtu']),
      portGroups: (Array.isArray(v['port_groups']) ? v['port_groups'] : []).map((p) => ({ name: s(obj(p)['name']) ?? '', vlanId: s(obj(p)['vlan_id']) })),
    };
  });
  const vmknics = rows('network', 'vmknics').map((r): ShowVmknic => {
    const v = obj(mergedValue(r));
    const ip = obj(v['ip']);
    const services = Object.entries(obj(v['enabled_services'])).filter(([, on]) => on === true).map(([k]) => k);
    return {
      name: s(v['device']) ?? r.identifier,
      portGroup: s(v['port_group']),
      address: findField(ip, /^(ipv4_?)?address$|^ipv4_?address$/i),
      netmask: findField(ip, /netmask|subnet/i),
      dhcp: typeof ip['dhcp'] === 'boolean' ? ip['dhcp'] : undefined,
      mac: s(v['mac']),
      services,
    };
  });
  const pnics = rows('network', 'nics').map((r) => {
    const v = obj(mergedValue(r));
    return { name: s(v['name']) ?? r.identifier, mac: s(v['mac']) };
  });
  const stackRow = rows('network', 'net_stacks').find((r) => r.identifier === 'defaultTcpipStack');
  const stack = stackRow ? obj(mergedValue(stackRow)) : {};
  const dns = obj(stack['dns']);
  const hostRow = store.rows.find((r) => r.group === 'system' && /host_?name/i.test(r.name));
  const hv = hostRow ? obj(mergedValue(hostRow)) : {};
  return {
    hostName: s(hv['host_name']) ?? s(hv['hostname']) ?? s(hv['fqdn']),
    managementInterface: vmknics.find((n) => n.services.includes('management'))?.name,
    gateway: s(obj(stack['routing_config'])['ipv4_default_gateway']),
    dnsServers: dns['name_server'] === undefined ? undefined : strs(dns['name_server']),
    search: dns['search_domain'] === undefined ? undefined : strs(dns['search_domain']),
    vSwitches,
    vmknics,
    pnics,
  };
}
