/** Service failures: Service Control Manager 7000, 7001, 7009, 7011, 7023, 7031, 7034, grouped by service. */
import { interpretAs } from '../../codes/index.js';
import type { EvtxRecord } from '../types.js';
import { dataValue, Groups, notListedFinding, refOf, uint32Of, type Detector, type EventFinding } from './types.js';

const WHAT: Record<number, string> = {
  7000: 'failed to start',
  7001: 'did not start because a service it depends on failed',
  7009: 'did not answer the start request in time (timeout)',
  7011: 'did not answer a control request in time (timeout)',
  7023: 'stopped with an error',
  7031: 'terminated unexpectedly (recovery action taken)',
  7034: 'terminated unexpectedly',
};

/**
 * Win32 errors SCM writes as `%%N` insertion strings: decimal up to 0xFFFF, `0x%08X` above (an HRESULT);
 * past 32 bits the insertion as written (out of range: never wrapped into another code). Other text as is.
 * @example insertion('%%2147942414') // '0x8007000E'
 */
function insertion(s: string | null): string | null {
  if (!s) return null;
  const m = /^%%(\d+)$/.exec(s.trim());
  if (!m) return s;
  const n = uint32Of(m[1]!);
  if (n === null) return s.trim();
  return n > 0xffff ? `0x${n.toString(16).toUpperCase().padStart(8, '0')}` : String(n);
}

/** An error as `insertion` gives it that is a code (`analyze code` can read it), not text or an out-of-range number. */
function isErrorCode(error: string): boolean {
  return (/^\d+$/.test(error) && uint32Of(error) !== null) || /^0x[0-9A-F]{8}$/.test(error);
}

/** Longest service key name (the registry's limit for a key name). */
const MAX_KEY_NAME = 256;

/**
 * The service's key name (what `sc qc` takes), from the record's Binary: since Windows 8 SCM writes it there
 * in UTF-16, NUL-terminated (Belkasoft record 300: `570064004E00690073005300760063000000` = WdNisSvc), while
 * its parameters name the service by display name. Null when there is none, or it is not a key name.
 * @example serviceKeyOf('570064004E00690073005300760063000000') // 'WdNisSvc'
 */
export function serviceKeyOf(hex: string | undefined): string | null {
  if (!hex || hex.length % 4 !== 0 || !/^[0-9a-f]+$/i.test(hex)) return null;
  const name = Buffer.from(hex, 'hex').toString('utf16le').replace(/\u0000+$/, '');
  // A key name: printable, no path separators (the registry's rule for a key), not too long.
  if (name === '' || name.length > MAX_KEY_NAME || /[\u0000-\u001f\u007f-\u009f\\/\ufffd]/.test(name)) return null;
  return name;
}

/** Errors named per service (the newest first); more distinct ones are counted. Real services show one or two. */
const MAX_ERRORS_NAMED = 8;

/** A service's group: the name its records give (display name), its key name, and the errors of all its records. */
interface ServiceGroup {
  service: string;
  key: string | null;
  /** Error -> the time of its newest record ('' when unknown). */
  errors: Map<string, string>;
  errorsNotNamed: number;
}

export class ServiceDetector implements Detector {
  private readonly groups = new Groups<ServiceGroup>();

  add(r: EvtxRecord, file: string): void {
    if (r.provider !== 'Service Control Manager' || r.eventId === null || !WHAT[r.eventId]) return;
    const timeout = r.eventId === 7009 || r.eventId === 7011;
    const service = dataValue(r, 'param1', 1) && !timeout ? dataValue(r, 'param1', 1) : dataValue(r, 'param2', 2);
    if (!service) return;
    const key = serviceKeyOf(r.data['Binary']);
    const error = r.eventId === 7000 || r.eventId === 7023 ? insertion(dataValue(r, 'param2', 2)) : r.eventId === 7001 ? insertion(dataValue(r, 'param3', 3)) : null;
    // By key name when the record holds it: Windows names one service by display name in some events and by
    // key name in others (7034 "Print Spooler", 7023 "Spooler").
    const group = this.groups.add(
      (key ?? service).toLowerCase(),
      () => ({ service, key, errors: new Map(), errorsNotNamed: 0 }),
      {
        ref: refOf(r, file),
        details: { event: r.eventId, what: WHAT[r.eventId]!, error, timeoutMs: timeout ? dataValue(r, 'param1', 1) : null, dependency: r.eventId === 7001 ? dataValue(r, 'param2', 2) : null },
      },
      '',
      { service, serviceKey: key }, // the not-listed finding's records name their service
    );
    if (group && error) noteError(group, error, r.time ?? '');
  }

  findings(): EventFinding[] {
    const listed = this.groups.entries().map(({ group, count, first, last, occurrences }): EventFinding => {
      const events = [...new Set(occurrences.map((o) => o.details['event']))].join(', ');
      const whats = [...new Set(occurrences.map((o) => o.details['what']))].join('; ');
      const errors = [...group.errors].sort((a, b) => b[1].localeCompare(a[1])).map(([e]) => e); // newest first
      const error = errors[0] ?? null;
      const name = (group.key ?? group.service).toLowerCase() === group.service.toLowerCase() ? group.service : `${group.service} (${group.key})`;
      return {
        kind: 'service-failure',
        family: 'service',
        severity: 'warning',
        title: `Service ${name}: ${count} failure${count === 1 ? '' : 's'} (SCM ${events})`,
        explanation: `The service ${name} ${whats}${errors.length ? `; ${errorsText(errors, group.errorsNotNamed)}` : ''}.`,
        advice: `Check the service's account, binary path and dependencies (${scCommands(group)}) and its own log; a timeout (7009/7011) often means a slow or hung dependency at boot.`,
        next: error && isErrorCode(error) ? `analyze code ${error}` : null,
        count,
        firstTime: first,
        lastTime: last,
        details: { service: group.service, serviceKey: group.key, error, errorName: error ? errorNameOf(error) : null, errors: errors.length ? errors.join(', ') : null },
        occurrences,
      };
    });
    const others = this.groups.notListed().map((e) =>
      notListedFinding(e, {
        kind: 'service-failure',
        family: 'service',
        severity: 'warning',
        title: `Other services: ${e.count} failure${e.count === 1 ? '' : 's'}`,
        what: 'services failed',
        advice:
          'Check the account, binary path and dependencies of each service named below (`sc qc <serviceKey>`, `sc queryex <serviceKey>`; ' +
          'for a record without serviceKey, `sc getkeyname "<service>"` gives it) and its own log.',
        next: null,
        details: ['service', 'serviceKey', 'error', 'errorName', 'errors'],
        name: (o) => o.details['service'] as string,
      }),
    );
    return [...listed, ...others];
  }
}

/** Remember an error of a kept service group, with the time of its newest record. */
function noteError(group: ServiceGroup, error: string, time: string): void {
  const seen = group.errors.get(error);
  if (seen !== undefined) {
    if (time > seen) group.errors.set(error, time);
  } else if (group.errors.size < MAX_ERRORS_NAMED) group.errors.set(error, time);
  else group.errorsNotNamed++;
}

/** `error 5 (ERROR_ACCESS_DENIED)`, or `errors 5 (ERROR_ACCESS_DENIED), 1792 (ERROR_NETLOGON_NOT_STARTED)`. */
function errorsText(errors: string[], notNamed: number): string {
  const named = errors.map((e) => {
    const name = errorNameOf(e);
    return name ? `${e} (${name})` : /^(%%)?\d+$/.test(e) && !isErrorCode(e) ? `${e} (out of range: not a 32-bit code)` : e;
  });
  return `error${errors.length > 1 ? 's' : ''} ${named.join(', ')}${notNamed ? ` and ${notNamed} other${notNamed === 1 ? '' : 's'}` : ''}`;
}

/**
 * The commands that show a service: `sc qc` and `sc queryex` take its key name; without it, `sc getkeyname`
 * turns the display name the records give into it (given a display name, `sc qc` fails with 1060).
 */
function scCommands(group: ServiceGroup): string {
  if (group.key) {
    const k = /^[\w.-]+$/.test(group.key) ? group.key : `"${group.key}"`;
    return `\`sc qc ${k}\`, \`sc queryex ${k}\``;
  }
  return `the records give no key name: \`sc getkeyname "${group.service}"\` turns the display name into it, then \`sc qc <key>\`, \`sc queryex <key>\``;
}

/** Name of a Win32 error (decimal) or HRESULT (0x...) as SCM reports them; null for text or an out-of-range number. */
function errorNameOf(error: string): string | null {
  if (!isErrorCode(error)) return null;
  const hex = error.startsWith('0x');
  return interpretAs(hex ? 'hresult' : 'win32', hex ? Number.parseInt(error, 16) : Number(error)).name;
}
