/** Service failures: Service Control Manager 7000, 7001, 7009, 7011, 7023, 7031, 7034, grouped by service. */
import { interpretAs } from '../../codes/index.js';
import type { EvtxRecord } from '../types.js';
import { dataValue, Groups, notListedFinding, refOf, type Detector, type EventFinding } from './types.js';

const WHAT: Record<number, string> = {
  7000: 'failed to start',
  7001: 'did not start because a service it depends on failed',
  7009: 'did not answer the start request in time (timeout)',
  7011: 'did not answer a control request in time (timeout)',
  7023: 'stopped with an error',
  7031: 'terminated unexpectedly (recovery action taken)',
  7034: 'terminated unexpectedly',
};

/** Win32 errors SCM writes as `%%N` insertion strings. */
function insertion(s: string | null): string | null {
  if (!s) return null;
  const m = /^%%(\d+)$/.exec(s.trim());
  if (!m) return s;
  const n = Number(m[1]);
  return n > 0xffff ? `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, '0')}` : String(n);
}

export class ServiceDetector implements Detector {
  private readonly groups = new Groups<{ service: string }>();

  add(r: EvtxRecord, file: string): void {
    if (r.provider !== 'Service Control Manager' || r.eventId === null || !WHAT[r.eventId]) return;
    const timeout = r.eventId === 7009 || r.eventId === 7011;
    const service = dataValue(r, 'param1', 1) && !timeout ? dataValue(r, 'param1', 1) : dataValue(r, 'param2', 2);
    if (!service) return;
    const error = r.eventId === 7000 || r.eventId === 7023 ? insertion(dataValue(r, 'param2', 2)) : r.eventId === 7001 ? insertion(dataValue(r, 'param3', 3)) : null;
    this.groups.add(
      service.toLowerCase(),
      () => ({ service }),
      {
        ref: refOf(r, file),
        details: { event: r.eventId, what: WHAT[r.eventId]!, error, timeoutMs: timeout ? dataValue(r, 'param1', 1) : null, dependency: r.eventId === 7001 ? dataValue(r, 'param2', 2) : null },
      },
      '',
      { service }, // the not-listed finding's records name their service
    );
  }

  findings(): EventFinding[] {
    const listed = this.groups.entries().map(({ group, count, first, last, occurrences }): EventFinding => {
      const events = [...new Set(occurrences.map((o) => o.details['event']))].join(', ');
      const whats = [...new Set(occurrences.map((o) => o.details['what']))].join('; ');
      const error = occurrences.map((o) => o.details['error']).find((e) => typeof e === 'string') as string | undefined;
      const errorName = error ? errorNameOf(error) : null;
      return {
        kind: 'service-failure',
        family: 'service',
        severity: 'warning',
        title: `Service ${group.service}: ${count} failure${count === 1 ? '' : 's'} (SCM ${events})`,
        explanation: `The service ${group.service} ${whats}${error ? `; error ${error}${errorName ? ` (${errorName})` : ''}` : ''}.`,
        advice: `Check the service's account, binary path and dependencies (\`sc qc "${group.service}"\`, \`sc queryex "${group.service}"\`) and its own log; a timeout (7009/7011) often means a slow or hung dependency at boot.`,
        next: error ? `analyze code ${error}` : null,
        count,
        firstTime: first,
        lastTime: last,
        details: { service: group.service, error: error ?? null, errorName },
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
        advice: 'Check the account, binary path and dependencies of each service named below (`sc qc <name>`, `sc queryex <name>`) and its own log.',
        next: null,
        details: ['service', 'error', 'errorName'],
        name: (o) => o.details['service'] as string,
      }),
    );
    return [...listed, ...others];
  }
}

/** Name of a Win32 error (decimal) or HRESULT (0x...) as SCM reports them. */
function errorNameOf(error: string): string | null {
  const hex = error.startsWith('0x');
  const n = hex ? Number.parseInt(error, 16) : Number(error);
  if (!Number.isFinite(n)) return null;
  return interpretAs(hex ? 'hresult' : 'win32', n).name;
}
