/**
 * The VMDirectPath trap (docs/formats/esxi.md §7): a storage adapter holding the boot device or a
 * datastore, a USB controller on a USB/SD-booted host, or the management NIC handed to a VM. The host
 * boots, but loses its disks, cannot persist its configuration, or drops off the network — and unticking
 * it in the UI does nothing because the change cannot be saved.
 */
import type { ConfigStore } from '../config/configstore.js';
import { deviceAliases, managementInterface, pciDevices, vmkernelNics, vSwitches, type EsxConf, type PciDevice } from '../config/esxconf.js';
import type { Finding } from './model.js';

/** USB storage adapters created by vmkusb are numbered from vmhba32 upwards on 6.x/7.x hosts [I]. */
const USB_VMHBA_FROM = 32;

export interface PassthroughDevice extends PciDevice {
  /** vmnicN / vmhbaN resolved from vmkname, a /vmkdevmgr alias or ConfigStore device_data. */
  name: string | undefined;
}

/** Devices whose owner is `passthru`, with their ESXi names when they can be resolved.
 * @example const devices = passthroughDevices(parseEsxConf(text), store);
 */
export function passthroughDevices(conf: EsxConf, store: ConfigStore | undefined): PassthroughDevice[] {
  const aliases = new Map<string, string>();
  for (const a of deviceAliases(conf)) aliases.set(a.busAddress.toLowerCase(), a.alias);
  for (const r of store?.rows ?? []) {
    if (r.group !== 'system' || r.name !== 'device_data') continue;
    const v = r.values.VitalValue as { alias?: unknown; bus_address?: unknown } | undefined;
    if (typeof v?.alias === 'string' && typeof v.bus_address === 'string') aliases.set(v.bus_address.toLowerCase(), v.alias);
  }
  return pciDevices(conf)
    .filter((d) => d.owner === 'passthru')
    .map((d) => ({ ...d, name: d.vmkname ?? (d.address ? aliases.get(`p${d.address.lspci}`) : undefined) }));
}

/**
 * vmnics that carry the management network: uplinks of the vSwitch holding the management vmk's port group.
 * From the ConfigStore: the port groups of the management vmknics are gathered first, then each switch is
 * looked at once (a pass over every switch per vmknic took 2 s for 10,000 of each, and grew with the port groups).
 */
export function managementUplinks(conf: EsxConf | undefined, store: ConfigStore | undefined): Set<string> {
  const out = new Set<string>();
  if (conf) {
    const iface = managementInterface(conf) ?? 'vmk0';
    const pg = vmkernelNics(conf).find((n) => n.name === iface)?.portGroup;
    for (const sw of vSwitches(conf)) {
      if (pg !== undefined && sw.portGroups.some((p) => p.name === pg)) for (const u of [...sw.uplinks, ...sw.teamUplinks]) out.add(u);
    }
  }
  // port_group as written (any JSON value; Set.has matches it as === does, so only the same string or scalar)
  const managementGroups = new Set<unknown>();
  for (const r of store?.rows ?? []) {
    if (r.group !== 'network' || r.name !== 'vmknics') continue;
    const u = r.values.UserValue as { port_group?: unknown; enabled_services?: { management?: unknown }; mac_from_pnic?: unknown } | undefined;
    if (u?.enabled_services?.management !== true) continue;
    if (typeof u.mac_from_pnic === 'string') out.add(u.mac_from_pnic);
    managementGroups.add(u.port_group);
  }
  if (managementGroups.size === 0) return out;
  for (const s of store?.rows ?? []) {
    if (s.group !== 'network_vss' || s.name !== 'switches') continue;
    const sv = s.values.UserValue as { port_groups?: unknown; bridge?: { nics?: unknown }; policy?: { nic_teaming?: { active_nics?: unknown } } } | undefined;
    // port_groups is JSON as written: anything but an array of objects names no port group (and is no crash)
    const groups = sv?.port_groups;
    if (sv === undefined || !Array.isArray(groups) || !groups.some((p: { name?: unknown } | null | undefined) => managementGroups.has(p?.name))) continue;
    for (const n of [sv.bridge?.nics, sv.policy?.nic_teaming?.active_nics]) if (Array.isArray(n)) for (const x of n) if (typeof x === 'string') out.add(x);
  }
  return out;
}

/** vmhbas known to hold disks: ConfigStore storage/devices_access ids like `mpx.vmhba0:C0:T0:L0`. */
export function adaptersWithDisks(store: ConfigStore | undefined): Set<string> {
  const out = new Set<string>();
  for (const r of store?.rows ?? []) {
    if (r.group !== 'storage' || r.name !== 'devices_access') continue;
    const m = /(vmhba\d+)/.exec(r.identifier);
    if (m?.[1]) out.add(m[1]);
  }
  return out;
}

function fixFor(d: PassthroughDevice, encrypted: boolean): string {
  return fixText(d.key, d.address?.lspci ?? d.key, encrypted);
}

function fixText(key: string, pci: string, encrypted: boolean): string {
  const line = `/device/${key}/owner = "vmkernel"`;
  const offline = encrypted
    ? 'the configuration is encrypted, so fix it on the host'
    : `before restoring, set this line in etc/vmware/esx.conf inside local.tgz: ${line} (then repack local.tgz and state.tgz)`;
  return `${offline}; on the running host: esxcli hardware pci pcipassthru set -d ${pci} -e false, then reboot`;
}

/**
 * Passthrough findings listed one by one per code; past this, one finding per code counts the others. A host
 * passes a handful of devices through; an esx.conf of 4 MiB names 135,000, which listed one by one made
 * 135,000 findings (and overflowed the stack of a spread).
 */
export const MAX_PASSTHRU_LISTED = 100;
/** Device keys named in a not-listed finding, and at most how long each. */
const KEYS_QUOTED = 5;
const KEY_CHARS = 40;

/** What the devices of each passthrough code are, for the finding that counts those not listed. */
const NOT_LISTED_NOUN: Record<string, string> = {
  ESXI_PASSTHRU_USB_CONTROLLER: 'USB storage adapters',
  ESXI_PASSTHRU_BOOT_HBA: 'storage adapters that hold the boot device or datastores',
  ESXI_PASSTHRU_STORAGE_ADAPTER: 'storage adapters',
  ESXI_PASSTHRU_MGMT_NIC: 'NICs that carry the management network',
  ESXI_PASSTHRU_DEVICE: 'devices',
};

interface NotListed {
  severity: Finding['severity'];
  count: number;
  keys: string[];
}

/** The finding that counts the devices of `code` past MAX_PASSTHRU_LISTED, naming the first few. */
function notListedFinding(code: string, rest: NotListed, encrypted: boolean): Finding {
  const quoted = rest.keys.map((k) => (k.length > KEY_CHARS ? `${k.slice(0, KEY_CHARS - 3)}...` : k));
  return {
    severity: rest.severity,
    code,
    message: `${rest.count} more ${NOT_LISTED_NOUN[code] ?? 'devices'} are passed through to a VM (not listed one by one: the first ${MAX_PASSTHRU_LISTED} are findings of their own): ${quoted.join(', ')}${rest.count > quoted.length ? ' and others' : ''}`,
    fix:
      code === 'ESXI_PASSTHRU_DEVICE'
        ? 'nothing, if intended; to give one back to ESXi: esxcli hardware pci pcipassthru set -d <lspci address> -e false'
        : `for each: ${fixText('<address>', '<lspci address>', encrypted)}`,
  };
}

/**
 * Passthrough traps: the boot HBA or the management NIC given to a VM, and other passed-through devices.
 * The first MAX_PASSTHRU_LISTED of each code are listed; the others of that code are one finding that counts them.
 * @example passthroughFindings(parsed.esxConf, parsed.configStore, false)
 */
export function passthroughFindings(conf: EsxConf | undefined, store: ConfigStore | undefined, encrypted: boolean): Finding[] {
  if (!conf) return [];
  const mgmt = managementUplinks(conf, store);
  const disks = adaptersWithDisks(store);
  const vmhbas = new Set([...deviceAliases(conf).map((a) => a.alias), ...pciDevices(conf).map((d) => d.vmkname ?? '')].filter((n) => /^vmhba\d+$/.test(n)));
  const out: Finding[] = [];
  const listed = new Map<string, number>();
  const notListed = new Map<string, NotListed>();
  /** True when a finding of `code` is still listed; otherwise the device is counted (its finding is never built). */
  const listing = (code: string, severity: Finding['severity'], key: string): boolean => {
    const n = listed.get(code) ?? 0;
    if (n < MAX_PASSTHRU_LISTED) {
      listed.set(code, n + 1);
      return true;
    }
    let rest = notListed.get(code);
    if (rest === undefined) notListed.set(code, (rest = { severity, count: 0, keys: [] }));
    rest.count++;
    if (rest.keys.length < KEYS_QUOTED) rest.keys.push(key);
    return false;
  };
  for (const d of passthroughDevices(conf, store)) {
    const name = d.name;
    const what = `device ${d.key}${name ? ` (${name})` : ''}`;
    const hba = name !== undefined ? /^vmhba(\d+)$/.exec(name) : null;
    if (hba && Number(hba[1]) >= USB_VMHBA_FROM) {
      if (!listing('ESXI_PASSTHRU_USB_CONTROLLER', 'error', d.key)) continue;
      out.push({
        severity: 'error',
        code: 'ESXI_PASSTHRU_USB_CONTROLLER',
        subject: d.key,
        message: `${what} is passed through to a VM and looks like a USB storage adapter: on a host that boots from USB or SD the host loses its boot device, keeps running from RAM and can no longer save its configuration`,
        fix: fixFor(d, encrypted),
      });
    } else if (hba) {
      const boot = disks.has(name ?? '') || name === 'vmhba0' || vmhbas.size === 1;
      if (!listing(boot ? 'ESXI_PASSTHRU_BOOT_HBA' : 'ESXI_PASSTHRU_STORAGE_ADAPTER', boot ? 'error' : 'warning', d.key)) continue;
      out.push({
        severity: boot ? 'error' : 'warning',
        code: boot ? 'ESXI_PASSTHRU_BOOT_HBA' : 'ESXI_PASSTHRU_STORAGE_ADAPTER',
        subject: d.key,
        message: boot
          ? `${what} is passed through to a VM, but it is the storage adapter that holds the boot device or datastores (${disks.has(name ?? '') ? 'ConfigStore lists disks behind it' : name === 'vmhba0' ? 'vmhba0 is the first local adapter' : 'it is the only storage adapter'}): after the restore the host boots, loses its disks and cannot write its configuration back (the VMDirectPath trap)`
          : `${what} is a storage adapter passed through to a VM: if it holds the boot device or a datastore the host loses them after the restore`,
        fix: fixFor(d, encrypted),
      });
    } else if (name !== undefined && mgmt.has(name)) {
      if (!listing('ESXI_PASSTHRU_MGMT_NIC', 'error', d.key)) continue;
      out.push({
        severity: 'error',
        code: 'ESXI_PASSTHRU_MGMT_NIC',
        subject: d.key,
        message: `${what} carries the management network but is passed through to a VM: after the restore the host is unreachable over the network`,
        fix: fixFor(d, encrypted),
      });
    } else {
      if (!listing('ESXI_PASSTHRU_DEVICE', 'info', d.key)) continue;
      out.push({
        severity: 'info',
        code: 'ESXI_PASSTHRU_DEVICE',
        subject: d.key,
        message: `${what} is passed through to a VM${name ? '' : ' (its ESXi name is not recorded, so whether it is a disk controller or NIC cannot be told)'}; the restore keeps it that way`,
        fix: `nothing, if intended; to give it back to ESXi: esxcli hardware pci pcipassthru set -d ${d.address?.lspci ?? d.key} -e false`,
      });
    }
  }
  for (const [code, rest] of notListed) out.push(notListedFinding(code, rest, encrypted));
  return out;
}
