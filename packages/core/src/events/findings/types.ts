import type { EvtxRecord } from '../types.js';

export type Severity = 'critical' | 'error' | 'warning' | 'info';
export type Family = 'crash' | 'profile' | 'update' | 'service' | 'storage';

/** A record behind a finding. */
export interface RecordRef {
  file: string;
  recordId: number;
  eventId: number | null;
  provider: string | null;
  time: string | null;
}

/** One line of a crash timeline: a warning or error the log recorded shortly before. */
export interface TimelineEntry {
  time: string;
  provider: string | null;
  eventId: number | null;
  level: number | null;
  recordId: number;
  /** The first data values, shortened: enough to recognise the event. */
  summary: string;
}

/** One occurrence inside a finding (one crash, one failed install...), newest first. */
export interface Occurrence {
  ref: RecordRef;
  /** Family-specific values (stop code, dump path, error code...). */
  details: Record<string, string | number | null>;
  /** Crashes: warnings and errors in the minutes before. */
  timeline?: TimelineEntry[];
}

export interface EventFinding {
  /** Stable id of the kind of finding, e.g. `bugcheck`, `unexpected-restart`, `service-failure`. */
  kind: string;
  family: Family;
  severity: Severity;
  title: string;
  explanation: string;
  advice: string;
  /** The next command to run, or null. */
  next: string | null;
  /** How many records support the finding (occurrences lists at most MAX_OCCURRENCES of them). */
  count: number;
  firstTime: string | null;
  lastTime: string | null;
  /** Values shared by the whole group (service name, device, stop code...). */
  details: Record<string, string | number | null>;
  occurrences: Occurrence[];
}

/** Most occurrences kept per finding (the newest); the rest are counted. */
export const MAX_OCCURRENCES = 20;

/** A detector sees every record and turns the ones it knows into findings. */
export interface Detector {
  /** `timeline(atMs)`: the warnings and errors before `atMs` (default: the record's own time). */
  add(r: EvtxRecord, file: string, timeline: (atMs?: number) => TimelineEntry[]): void;
  findings(): EventFinding[];
}

export function refOf(r: EvtxRecord, file: string): RecordRef {
  return { file, recordId: r.recordId, eventId: r.eventId, provider: r.provider, time: r.time };
}

/** Groups records by a key into findings with bounded memory (newest MAX_OCCURRENCES kept). */
export class Groups<G> {
  private readonly map = new Map<string, { group: G; count: number; first: string | null; last: string | null; occ: Occurrence[] }>();

  add(key: string, make: () => G, occ: Occurrence): G {
    let e = this.map.get(key);
    if (!e) {
      e = { group: make(), count: 0, first: null, last: null, occ: [] };
      this.map.set(key, e);
    }
    e.count++;
    const t = occ.ref.time;
    if (t !== null) {
      if (e.first === null || t < e.first) e.first = t;
      if (e.last === null || t > e.last) e.last = t;
    }
    e.occ.push(occ);
    if (e.occ.length > MAX_OCCURRENCES * 2) trim(e.occ);
    return e.group;
  }

  entries(): Array<{ group: G; count: number; first: string | null; last: string | null; occurrences: Occurrence[] }> {
    return [...this.map.values()].map((e) => {
      trim(e.occ);
      return { group: e.group, count: e.count, first: e.first, last: e.last, occurrences: e.occ };
    });
  }
}

function trim(occ: Occurrence[]): void {
  occ.sort((a, b) => (b.ref.time ?? '').localeCompare(a.ref.time ?? ''));
  occ.length = Math.min(occ.length, MAX_OCCURRENCES);
}

/** A data value by name, falling back to its position (`#n`) for classic events without names. */
export function dataValue(r: EvtxRecord, name: string, position: number): string | null {
  return r.data[name] ?? r.data[`#${position}`] ?? null;
}
