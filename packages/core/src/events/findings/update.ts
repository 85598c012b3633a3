/** Windows Update failures: WindowsUpdateClient 20 (install), 31 (download), 25 (scan), error code interpreted. */
import { lookupCode, type Interpretation } from '../../codes/index.js';
import type { EvtxRecord } from '../types.js';
import { Groups, notListedFinding, refOf, uint32Of, type Detector, type EventFinding } from './types.js';

const WHAT: Record<number, string> = { 20: 'installation', 31: 'download', 25: 'check for updates' };
const VERB: Record<number, string> = { 20: 'install', 31: 'download', 25: 'check for updates' };
/** A clause as a sentence: remedy causes and steps are written without a closing full stop, table messages with one. */
const sentence = (s: string): string => (/[.!?]$/.test(s.trimEnd()) ? s.trimEnd() : `${s.trimEnd()}.`);
const GENERIC_ADVICE = 'Run the Windows Update troubleshooter; reset the update components (stop wuauserv and bits, rename SoftwareDistribution and catroot2) and retry; `DISM /Online /Cleanup-Image /RestoreHealth` repairs the component store.';

/**
 * The most useful reading of an update error code: a Windows Update or HRESULT entry with a remedy first.
 * @example interpretUpdateCode('0x80070005')?.name // 'E_ACCESSDENIED'
 */
export function interpretUpdateCode(code: string): Interpretation | null {
  let found: Interpretation[];
  try {
    found = lookupCode(code).interpretations;
  } catch {
    return null;
  }
  const rank = (i: Interpretation) => (i.remedy ? 0 : 2) + (i.known ? 0 : 1) + (i.kind === 'windows-update' || i.kind === 'hresult' ? 0 : 4);
  return [...found].sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/**
 * WindowsUpdateClient's errorCode (`0x80248007`) as `0x%08X`, or null when it is not a 32-bit hex number:
 * such a value is shown as written, never wrapped or padded into a code, and gets no reading.
 * @example updateCodeOf('0x800b0001') // '0x800B0001'
 */
function updateCodeOf(raw: string): string | null {
  const t = raw.trim();
  const n = /^0x[0-9a-f]+$/i.test(t) ? uint32Of(t) : null;
  return n === null ? null : `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
}

export class UpdateDetector implements Detector {
  private readonly groups = new Groups<{ eventId: number; title: string | null; kb: string | null; code: string | null }>();

  add(r: EvtxRecord, file: string): void {
    if (r.provider !== 'Microsoft-Windows-WindowsUpdateClient' || r.eventId === null || !WHAT[r.eventId]) return;
    const eventId = r.eventId;
    const raw = r.data['errorCode'] ?? null;
    const code = raw === null ? null : (updateCodeOf(raw) ?? raw);
    const title = r.data['updateTitle'] ?? null;
    const kb = /KB\d{6,8}/i.exec(title ?? '')?.[0]?.toUpperCase() ?? null;
    this.groups.add(`${eventId}|${kb ?? title ?? ''}|${code ?? ''}`, () => ({ eventId, title, kb, code }), {
      ref: refOf(r, file),
      details: { errorCode: code, updateTitle: title, kb },
    });
  }

  findings(): EventFinding[] {
    const listed = this.groups.entries().map(({ group, count, first, last, occurrences }): EventFinding => {
      // A value that is not a code (out of range, text) gets no reading and no `analyze code`.
      const isCode = group.code !== null && updateCodeOf(group.code) === group.code;
      const i = isCode ? interpretUpdateCode(group.code!) : null;
      const subject = group.kb ?? group.title ?? 'updates';
      const meaning = i?.name ?? i?.remedy?.name ? `${i.name}${i.message ? `: ${i.message.trimEnd().replace(/\.$/, '')}` : ''}` : null;
      // Event 25 is the scan itself: "the check for updates failed", not "the check for updates of updates".
      const what = group.eventId === 25 ? WHAT[25] : `${WHAT[group.eventId]} of ${group.title ?? 'updates'}`;
      return {
        kind: 'update-failure',
        family: 'update',
        severity: 'error',
        title: `Windows Update could not ${VERB[group.eventId]}${group.eventId === 25 ? '' : ` ${subject}`}${group.code ? `: ${group.code}${i?.name ? ` ${i.name}` : ''}` : ''} (${count} time${count === 1 ? '' : 's'})`,
        explanation:
          `WindowsUpdateClient ${group.eventId}: the ${what} failed${group.code ? ` with ${group.code}` : ''}.${meaning ? ` ${group.code} is ${meaning}.` : ''}` +
          (group.code && !isCode ? ` ${group.code} is not a 32-bit hexadecimal code as WindowsUpdateClient writes them: left unnamed.` : ''),
        advice: i?.remedy ? [i.remedy.cause, ...i.remedy.steps].map(sentence).join(' ') : GENERIC_ADVICE,
        next: isCode ? `analyze code ${group.code}` : null,
        count,
        firstTime: first,
        lastTime: last,
        details: { eventId: group.eventId, updateTitle: group.title, kb: group.kb, errorCode: group.code, errorName: i?.name ?? null, errorMessage: i?.message ?? null },
        occurrences,
      };
    });
    const others = this.groups.notListed().map((e) =>
      notListedFinding(e, {
        kind: 'update-failure',
        family: 'update',
        severity: 'error',
        title: `Windows Update: other failures, ${e.count} time${e.count === 1 ? '' : 's'}`,
        what: 'updates (by event, KB and error code) failed',
        advice: `\`analyze code\` explains the error code of each record below. ${GENERIC_ADVICE}`,
        next: null,
        details: ['eventId', 'updateTitle', 'kb', 'errorCode', 'errorName', 'errorMessage'],
        name: (o) => [o.details['kb'] ?? o.details['updateTitle'], o.details['errorCode']].filter(Boolean).join(' ') || null,
      }),
    );
    return [...listed, ...others];
  }
}
