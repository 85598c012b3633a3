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

/**
 * The moment a crash timeline looks back from. `record`: the record's own time (the record is the crash:
 * an application crash); `crashTime`: the crash time EventLog 6008 holds; `lastBeforeBoot`: the last record
 * logged before the boot the record was written at; `bootRecord`: the record's own time although it was
 * written at the next boot (neither of the others known), so that boot's own records can be in the list.
 */
export interface TimelineFrom {
  time: string;
  basis: 'record' | 'crashTime' | 'lastBeforeBoot' | 'bootRecord';
}

/** One occurrence inside a finding (one crash, one failed install...), newest first. */
export interface Occurrence {
  ref: RecordRef;
  /** Family-specific values (stop code, dump path, error code...). */
  details: Record<string, string | number | null>;
  /** Crashes: warnings and errors in the minutes before. */
  timeline?: TimelineEntry[];
  /** Crashes: the moment `timeline` looks back from (null when the record has no time). */
  timelineFrom?: TimelineFrom | null;
}

/** A crash timeline and the moment it looks back from (`Occurrence.timeline`, `timelineFrom`). */
export interface Timeline {
  timeline: TimelineEntry[];
  timelineFrom: TimelineFrom | null;
}

/** The crash timelines of the record a detector is looking at. */
export interface TimelineSource {
  /** From the record's own time: the record is the crash (an application crash). */
  atRecord(): Timeline;
  /**
   * For a record Windows writes at the boot after a crash (BugCheck 1001, Kernel-Power 41, EventLog 6008):
   * from `crash` when the record itself says when the machine went down (6008), else from the crash moment
   * of the boot it was written at (timeline.ts), else from its own time.
   */
  atBootCrash(crash?: { ms: number; time: string } | null): Timeline;
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
  /** `timeline`: the warnings and errors logged before the record (crash detectors). */
  add(r: EvtxRecord, file: string, timeline: TimelineSource): void;
  findings(): EventFinding[];
}

export function refOf(r: EvtxRecord, file: string): RecordRef {
  return { file, recordId: r.recordId, eventId: r.eventId, provider: r.provider, time: r.time };
}

/**
 * Most groups (one finding each) kept per class of finding in one detector; the records of the groups
 * beyond it are counted in one more finding of that class (`notListed()`), so memory stays flat however many
 * distinct applications, services, devices... a log names. Real logs give a few dozen groups per kind (the 21
 * corpus and fixture logs read as one folder: at most 18 of a kind, service failures). A crafted 5.8 MB log of
 * 58,812 Application Error records, each naming another application, made 58,812 findings: `events` peaked
 * at 242 MB (text), 307 MB (--json), 469 MB (--html) against the 256 MB budget; now 81-83 MB, and the same
 * with twice the records (1,000 records: 66-69 MB). Worst case measured: all 8 classes full (808 findings of
 * 41 records, bug checks with full timelines; 55.7 MB log) 133 / 176 / 198 MB, where the same log without
 * findings takes 96-100 MB.
 */
export const MAX_GROUPS = 100;

/** One group's records: how many, the time span, the newest occurrences. */
export interface GroupEntry<G> {
  group: G;
  count: number;
  first: string | null;
  last: string | null;
  occurrences: Occurrence[];
}

interface Bucket<G> {
  group: G;
  count: number;
  first: string | null;
  last: string | null;
  occ: Occurrence[];
}

/**
 * Groups records by a key into findings with bounded memory: the newest MAX_OCCURRENCES occurrences per
 * group, and the first MAX_GROUPS groups per class (a detector's finding kind / severity: a fixed, small
 * set, given by the caller and the same for every record of a key). The groups of a class first seen after
 * its MAX_GROUPS are not kept one by one: their records go to the class's "not listed" entry, counted
 * exactly, with their newest occurrences. First seen, not most frequent: the counts of the kept groups stay
 * exact in one pass (the most frequent keys cannot be known without keeping every key, or counting them
 * approximately), the result does not depend on what comes later, and the newest records of the others
 * are still listed in the not-listed entry.
 */
export class Groups<G> {
  private readonly map = new Map<string, Bucket<G>>();
  /** Per class: groups kept so far, and the bucket of the records of the groups not kept. */
  private readonly classes = new Map<string, { kept: number; rest: Bucket<G> | null }>();

  constructor(private readonly maxGroups = MAX_GROUPS) {}

  /**
   * Count `occ` in the group `key` (`make` builds the group at its first record); `cls`: the group's class.
   * `unlisted`: values added to the occurrence's details when its group is not kept: the group's own values
   * that a listed finding shows in its details, when the occurrences lack them (the service name).
   * Returns the group when it is kept one by one (a detector may keep more of its values there), else null.
   */
  add(key: string, make: () => G, occ: Occurrence, cls = '', unlisted?: Occurrence['details']): G | null {
    let e = this.map.get(key);
    let listed = true;
    if (!e) {
      let c = this.classes.get(cls);
      if (!c) {
        c = { kept: 0, rest: null };
        this.classes.set(cls, c);
      }
      if (c.kept < this.maxGroups) {
        c.kept++;
        e = bucket(make());
        this.map.set(key, e);
      } else {
        e = c.rest ??= bucket(make()); // the group of the first record not kept stands for the class
        listed = false;
        if (unlisted) occ = { ...occ, details: { ...unlisted, ...occ.details } };
      }
    }
    e.count++;
    const t = occ.ref.time;
    if (t !== null) {
      if (e.first === null || t < e.first) e.first = t;
      if (e.last === null || t > e.last) e.last = t;
    }
    e.occ.push(occ);
    if (e.occ.length > MAX_OCCURRENCES * 2) trim(e.occ);
    return listed ? e.group : null;
  }

  /** The groups kept, in the order they were first seen. */
  entries(): Array<GroupEntry<G>> {
    return [...this.map.values()].map(entry);
  }

  /**
   * Per class that had more than MAX_GROUPS groups: the records of the groups not kept (`group`: the first
   * of them), and how many groups of the class are listed one by one.
   */
  notListed(): Array<GroupEntry<G> & { groupsListed: number }> {
    return [...this.classes.values()].filter((c) => c.rest !== null).map((c) => ({ ...entry(c.rest!), groupsListed: c.kept }));
  }
}

function bucket<G>(group: G): Bucket<G> {
  return { group, count: 0, first: null, last: null, occ: [] };
}

function entry<G>(e: Bucket<G>): GroupEntry<G> {
  trim(e.occ);
  return { group: e.group, count: e.count, first: e.first, last: e.last, occurrences: e.occ };
}

/** Names of groups quoted in a not-listed finding's explanation: how many, and at most how long each. */
const NAMES_QUOTED = 5;
const NAME_CHARS = 80;

/**
 * The finding of the records whose groups were not kept (`Groups.notListed()`): the kind's group values are
 * null in `details`, `details.groupsListed` says how many findings of the class are listed one by one, and
 * the explanation names the newest groups (`name` of an occurrence: the application, service, device...).
 * @example notListedFinding(e, { kind: 'app-crash', ..., title: `Other applications crashed ${e.count} times`, name: (o) => ... })
 */
export function notListedFinding(
  e: GroupEntry<unknown> & { groupsListed: number },
  f: Pick<EventFinding, 'kind' | 'family' | 'severity' | 'title' | 'advice' | 'next'> & { what: string; details: string[]; name: (o: Occurrence) => string | null },
): EventFinding {
  const names = [...new Set(e.occurrences.map(f.name).filter((n): n is string => !!n).map((n) => (n.length > NAME_CHARS ? `${n.slice(0, NAME_CHARS - 3)}...` : n)))];
  const records = `${e.count} record${e.count === 1 ? '' : 's'}`;
  return {
    kind: f.kind,
    family: f.family,
    severity: f.severity,
    title: `${f.title} (not listed one by one)`,
    explanation:
      `More than ${e.groupsListed} ${f.what}: the first ${e.groupsListed} seen are findings of their own, the ${records} of the others are counted here` +
      (names.length ? `; the newest: ${names.slice(0, NAMES_QUOTED).join(', ')}${names.length > NAMES_QUOTED ? ' and others' : ''}.` : '.'),
    advice: f.advice,
    next: f.next,
    count: e.count,
    firstTime: e.first,
    lastTime: e.last,
    details: { ...Object.fromEntries(f.details.map((k) => [k, null])), groupsListed: e.groupsListed },
    occurrences: e.occurrences,
  };
}

function trim(occ: Occurrence[]): void {
  occ.sort((a, b) => (b.ref.time ?? '').localeCompare(a.ref.time ?? ''));
  occ.length = Math.min(occ.length, MAX_OCCURRENCES);
}

/** A data value by name, falling back to its position (`#n`) for classic events without names. */
export function dataValue(r: EvtxRecord, name: string, position: number): string | null {
  return r.data[name] ?? r.data[`#${position}`] ?? null;
}

/** Largest 32-bit code (Win32 error, HRESULT, NTSTATUS, bug check code). */
const MAX_CODE32 = 0xffffffff;

/**
 * A decimal or `0x` hexadecimal number of at most 32 bits, or null: not a number, negative, or out of
 * range. Never wrapped: `n >>> 0` made 4294967296 error 0 (S_OK) and a 20-digit bug check code 0x63100000.
 * @example uint32Of('2147942414') // 0x8007000E
 * @example uint32Of('4294967296') // null
 */
export function uint32Of(text: string): number | null {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : /^0x[0-9a-f]+$/i.test(t) ? Number.parseInt(t.slice(2), 16) : Number.NaN;
  return Number.isFinite(n) && n <= MAX_CODE32 ? n : null;
}
