/**
 * Storage: disk 7 (bad block), 11 (controller error), 51 (paging error), 153 (IO retried); Ntfs 55
 * (corruption), 98 (volume needs a check); volmgr 46 / 161 (crash dump not possible); storport / miniport
 * 129 (reset issued to a device that stopped answering). Grouped by device.
 */
import type { EvtxRecord } from '../types.js';
import { dataValue, Groups, notListedFinding, refOf, type Detector, type EventFinding, type Severity } from './types.js';

interface Kind {
  severity: Severity;
  what: string;
  advice: string;
}

const DISK_ADVICE = 'Check the disk\'s SMART / controller status and the cabling or virtual-disk backend; copy important data off; replace the disk if the count grows.';
const DISK: Record<number, Kind> = {
  7: { severity: 'error', what: 'has a bad block', advice: DISK_ADVICE },
  11: { severity: 'error', what: 'reported a controller error', advice: 'Update the storage controller driver and firmware; check cabling, HBA and SAN paths.' },
  51: { severity: 'warning', what: 'had an error during a paging operation', advice: DISK_ADVICE },
  153: { severity: 'warning', what: 'had IO operations retried', advice: 'Retries mean the device answered late: check the disk, the path (multipath, SAN, virtual disk latency) and controller firmware.' },
};
const NTFS: Record<number, Kind> = {
  55: { severity: 'error', what: 'has file-system corruption', advice: 'Run `chkdsk <volume> /f` (schedule it for the system volume) after a backup; look for disk errors behind it.' },
  98: { severity: 'warning', what: 'needs a file-system check', advice: 'Run `chkdsk <volume> /scan`, then `/f` or `/spotfix` as it asks.' },
};
const VOLMGR: Record<number, Kind> = {
  46: { severity: 'warning', what: 'could not initialise crash dump', advice: 'A blue screen would leave no dump: check the page file on the system volume and the dump settings (Startup and Recovery).' },
  161: { severity: 'error', what: 'failed to create the dump file', advice: 'Make room on the system volume and check the page file size and the dump file path.' },
};
const RESET: Kind = { severity: 'warning', what: 'was reset after it stopped answering (storport 129)', advice: 'Timeouts on the storage path: update the miniport driver and firmware, check the SAN / NVMe device and virtual-disk latency.' };

/**
 * Event 129 is storport's "Reset to device, \Device\RaidPortN, was issued.", logged under the name of the
 * HBA's miniport driver (pvscsi, percsas3i, HpCISSs3, smartpqi, arcsas, stornvme...: no list can hold them
 * all), so a 129 counts when its data names a storport adapter. Other providers use 129 for other things
 * (Time-Service 129: no domain time source), and none of them names a RaidPort.
 */
const RAID_PORT = /^\\Device\\RaidPort\d+$/i;
/** Storport and the inbox miniports, whose 129 counts even when its data names no RaidPort. */
const RESET_PROVIDER = /^(storport|stornvme|storahci|storvsc|iastor\w*|lsi_\w+|megasas\w*|vhdmp|Microsoft-Windows-StorPort)$/i;

/** The storport adapter a record's data names (`\Device\RaidPort0`), or null. */
function raidPortOf(r: EvtxRecord): string | null {
  return Object.values(r.data).find((v) => RAID_PORT.test(v.trim()))?.trim() ?? null;
}

function classify(r: EvtxRecord): Kind | null {
  const p = r.provider ?? '';
  const id = r.eventId ?? -1;
  if (/^disk$/i.test(p)) return DISK[id] ?? null;
  if (p === 'Ntfs' || p === 'Microsoft-Windows-Ntfs') {
    const k = NTFS[id];
    // Ntfs 98 also says "volume is healthy" at every mount (Level 4, CorruptionActionState 0): not a finding.
    if (k && id === 98 && (r.level ?? 4) >= 4) return null;
    return k ?? null;
  }
  if (p === 'volmgr') return VOLMGR[id] ?? null;
  if (id === 129 && (raidPortOf(r) !== null || RESET_PROVIDER.test(p))) return RESET;
  return null;
}

export class StorageDetector implements Detector {
  private readonly groups = new Groups<{ kind: Kind; device: string; provider: string; eventId: number }>();

  add(r: EvtxRecord, file: string): void {
    const kind = classify(r);
    if (!kind) return;
    const device = r.data['DriveName']
      ? `${r.data['DriveName']}${r.data['DeviceName'] ? ` (${r.data['DeviceName']})` : ''}`
      : ((kind === RESET ? raidPortOf(r) : null) ?? dataValue(r, 'DeviceName', 1) ?? '(device not named)');
    const provider = r.provider ?? '';
    const eventId = r.eventId ?? 0;
    // Class: the severity, so that many warnings never hide an error.
    this.groups.add(`${provider}|${eventId}|${device}`, () => ({ kind, device, provider, eventId }), { ref: refOf(r, file), details: { device, lba: r.data['#2'] ?? null } }, kind.severity);
  }

  findings(): EventFinding[] {
    const listed = this.groups.entries().map(({ group, count, first, last, occurrences }): EventFinding => ({
      kind: 'storage',
      family: 'storage',
      severity: group.kind.severity,
      title: `${group.device} ${group.kind.what}: ${count} time${count === 1 ? '' : 's'} (${group.provider} ${group.eventId})`,
      explanation: `${group.provider} ${group.eventId}: ${group.device} ${group.kind.what}.`,
      advice: group.kind.advice,
      next: null,
      count,
      firstTime: first,
      lastTime: last,
      details: { device: group.device, provider: group.provider, eventId: group.eventId },
      occurrences,
    }));
    const others = this.groups.notListed().map((e) => {
      const severity = e.group.kind.severity;
      return notListedFinding(e, {
        kind: 'storage',
        family: 'storage',
        severity,
        title: `Storage ${severity === 'error' ? 'errors' : 'warnings'} on other devices: ${e.count} time${e.count === 1 ? '' : 's'}`,
        what: `devices (by provider and event) reported ${severity === 'error' ? 'errors' : 'warnings'}`,
        advice: 'Check the disks, controllers and storage paths named below (SMART, firmware, drivers, cabling, SAN or virtual-disk backend); copy important data off.',
        next: null,
        details: ['device', 'provider', 'eventId'],
        name: (o) => `${o.details['device']} (${o.ref.provider} ${o.ref.eventId})`,
      });
    });
    return [...listed, ...others];
  }
}
