/** Temporary profile and profile-load failures: User Profile Service 1511, 1515, 1500, 1508, 1530. */
import type { EvtxRecord } from '../types.js';
import { Groups, notListedFinding, refOf, type Detector, type EventFinding, type Severity } from './types.js';

/** The provider has had several spellings across Windows versions. */
const PROVIDERS = new Set(['Microsoft-Windows-User Profiles Service', 'Microsoft-Windows-User Profile Service', 'Microsoft-Windows-User Profiles General']);

const EVENTS: Record<number, { severity: Severity; what: string }> = {
  1511: { severity: 'error', what: 'Windows could not find the local profile and logged the user on with a temporary profile' },
  1515: { severity: 'error', what: 'Windows backed up the profile and logged the user on with the backup (the profile was damaged)' },
  1500: { severity: 'error', what: 'Windows could not log the user on because the profile could not be loaded' },
  1508: { severity: 'error', what: 'Windows could not load the registry file of the profile (NTUSER.DAT locked or damaged)' },
  1530: { severity: 'info', what: 'Windows found registry files still in use at logoff (handle leak); it unloaded them anyway. Harmless alone, but it precedes many temporary-profile cases' },
};

export class ProfileDetector implements Detector {
  private readonly groups = new Groups<{ eventId: number; sid: string | null }>();

  add(r: EvtxRecord, file: string): void {
    if (r.eventId === null || !EVENTS[r.eventId] || !r.provider || !PROVIDERS.has(r.provider)) return;
    const eventId = r.eventId;
    const detail = r.data['Detail'] ?? r.data['Error'] ?? r.data['#1'] ?? null;
    const sid = /S-1-5-21-[\d-]+/.exec(detail ?? '')?.[0] ?? r.userId ?? null; // the detail names the user; UserID may be SYSTEM
    // Class: the finding's kind (temporary profile or handle leak), so that many 1530s never hide a temporary profile.
    this.groups.add(`${eventId}|${sid ?? ''}`, () => ({ eventId, sid }), { ref: refOf(r, file), details: { sid, detail } }, eventId === 1530 ? 'leak' : 'temp');
  }

  findings(): EventFinding[] {
    const listed = this.groups.entries().map(({ group, count, first, last, occurrences }): EventFinding => {
      const e = EVENTS[group.eventId]!;
      const temp = group.eventId !== 1530;
      return {
        kind: temp ? 'temporary-profile' : 'profile-handle-leak',
        family: 'profile',
        severity: e.severity,
        title: `User Profile Service ${group.eventId}${group.sid ? ` for ${group.sid}` : ''}: ${count} time${count === 1 ? '' : 's'}`,
        explanation: `${e.what}.`,
        advice: temp
          ? 'In HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList, remove the duplicate `<SID>.bak` key (or rename it back when the key without .bak is the broken one), set State and RefCount to 0, then log on again. `analyze profiles` on the SOFTWARE hive shows which keys are wrong.'
          : 'Usually harmless; if users also get temporary profiles, find the process named in the detail and update it.',
        next: temp ? 'analyze profiles C:\\Windows\\System32\\config\\SOFTWARE' : null,
        count,
        firstTime: first,
        lastTime: last,
        details: { eventId: group.eventId, sid: group.sid },
        occurrences,
      };
    });
    const others = this.groups.notListed().map((e) => {
      const temp = e.group.eventId !== 1530;
      return notListedFinding(e, {
        kind: temp ? 'temporary-profile' : 'profile-handle-leak',
        family: 'profile',
        severity: EVENTS[e.group.eventId]!.severity,
        title: `User Profile Service ${temp ? '1511, 1515, 1500, 1508' : '1530'} for other users: ${e.count} time${e.count === 1 ? '' : 's'}`,
        what: temp ? 'users (by event and SID) got a temporary profile or none' : 'users (by SID) left registry files in use at logoff',
        advice: temp
          ? 'For each user below, fix the ProfileList key of its SID in HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList (`analyze profiles` on the SOFTWARE hive shows which keys are wrong).'
          : 'Usually harmless; if users also get temporary profiles, find the process named in the details and update it.',
        next: temp ? 'analyze profiles C:\\Windows\\System32\\config\\SOFTWARE' : null,
        details: ['eventId', 'sid'],
        name: (o) => `${o.ref.eventId}${o.details['sid'] ? ` ${o.details['sid']}` : ''}`,
      });
    });
    return [...listed, ...others];
  }
}
