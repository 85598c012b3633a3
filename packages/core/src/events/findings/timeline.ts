/** What the log recorded shortly before a crash: the last warnings and errors, kept in a small ring. */
import type { EvtxRecord } from '../types.js';
import type { Timeline, TimelineEntry, TimelineFrom } from './types.js';

/** How far back a crash timeline looks. */
export const TIMELINE_WINDOW_MS = 10 * 60 * 1000;
/** Most entries shown per timeline. */
export const TIMELINE_MAX = 15;
/**
 * Most entries the ring holds. A 6008 record is written at the next boot, after that boot's own warnings,
 * and its timeline looks back from the crash time: the ring must reach past one boot's worth of warnings.
 */
const RING_SIZE = 256;
/** Levels kept: 1 critical, 2 error, 3 warning (information events would drown the signal). */
const MAX_LEVEL = 3;

/**
 * Records (any level) whose times are kept to find the last record before a boot. At a boot Windows writes
 * EventLog 6009/6005 of the new boot before Kernel-General 12 in the file (the Belkasoft log: records 1601,
 * 1602 then 1607), so the last records of the session before are a few records back, not the one before.
 */
const RECENT_RECORDS = 64;
/**
 * How far (in records, file order) before the boot's Kernel-General 12 an EventLog 6008 may be and still
 * be that boot's: EventLog writes its boot records just before or just after it (6009, 6005, 6008).
 */
const BOOT_LEAD_RECORDS = 16;
/**
 * A record written at the boot after a crash (Kernel-Power 41, EventLog 6008, BugCheck 1001) comes within
 * minutes of the boot's start (seconds for 41 and 6008; 1001 when the dump has been read). Farther from the
 * latest boot start seen, that boot's start is not in the log, and the record is not taken for that boot's.
 */
const BOOT_RECORD_SPAN_MS = 30 * 60 * 1000;

/** Kernel-General 12 "The operating system started": the first record of every boot (Vista and later). */
function isBootStart(r: EvtxRecord): boolean {
  return r.eventId === 12 && r.provider === 'Microsoft-Windows-Kernel-General';
}

/**
 * EventLog 6008's binary data: two SYSTEMTIMEs (16 bytes each), the unexpected shutdown in local time, then
 * in UTC. Returns the UTC one, or null when the data is not that.
 */
export function shutdownUtc(hex: string | undefined): { iso: string; ms: number } | null {
  if (!hex || hex.length < 64 || !/^[0-9A-F]+$/i.test(hex)) return null;
  const b = Buffer.from(hex.slice(32, 64), 'hex');
  const [y, mo, , d, h, mi, s, ms] = Array.from({ length: 8 }, (_, i) => b.readUInt16LE(2 * i)) as [number, number, number, number, number, number, number, number];
  if (y < 1601 || y > 30827 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || ms > 999) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return { iso: new Date(t).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z'), ms: t };
}

/** How many entries are older than the one before them. */
function countOutOfOrder(entries: Array<{ ms: number }>): number {
  let n = 0;
  for (let i = 1; i < entries.length; i++) if (entries[i]!.ms < entries[i - 1]!.ms) n++;
  return n;
}

/** The 6008 crash time of a record, when it is one. */
function crashTimeOf(r: EvtxRecord): { ms: number; time: string } | null {
  if (r.eventId !== 6008 || r.provider !== 'EventLog') return null;
  const utc = shutdownUtc(r.data['Binary']);
  return utc ? { ms: utc.ms, time: utc.iso } : null;
}

interface Moment {
  ms: number;
  time: string;
}

/** The latest boot seen: when it started, the last record before it, the crash time its 6008 gives. */
interface Boot {
  startMs: number;
  lastBefore: Moment | null;
  crash: Moment | null;
}

export class TimelineRing {
  private readonly ring: Array<{ ms: number; entry: TimelineEntry }> = [];
  /** Entries of the ring older than the entry before them (0: the ring is in time order). */
  private outOfOrder = 0;
  /** The last RECENT_RECORDS records' times and 6008 crash times, file order. */
  private readonly recent: Array<Moment & { crash: Moment | null }> = [];
  private boot: Boot | null = null;

  /** Call for every record after the detectors saw it. */
  push(r: EvtxRecord): void {
    if (r.time === null || r.timeMs === null) return;
    const crash = crashTimeOf(r);
    if (isBootStart(r)) this.boot = this.bootAt(r.timeMs);
    else if (crash && this.boot) this.boot.crash = crash; // the boot's own 6008, written after its Kernel-General 12
    this.recent.push({ ms: r.timeMs, time: r.time, crash });
    if (this.recent.length > RECENT_RECORDS) this.recent.shift();
    if (r.level === null || r.level === 0 || r.level > MAX_LEVEL) return;
    const values = Object.values(r.data).filter(Boolean).slice(0, 3).join(' | ');
    if (this.ring.length > 0 && r.timeMs < this.ring[this.ring.length - 1]!.ms) this.outOfOrder++;
    this.ring.push({
      ms: r.timeMs,
      entry: { time: r.time, provider: r.provider, eventId: r.eventId, level: r.level, recordId: r.recordId, summary: values.length > 160 ? `${values.slice(0, 157)}...` : values },
    });
    if (this.ring.length > RING_SIZE * 2) {
      this.ring.splice(0, this.ring.length - RING_SIZE);
      this.outOfOrder = countOutOfOrder(this.ring);
    }
  }

  /** A boot starting at `startMs`: the last record before it by time, and a 6008 written just before its start. */
  private bootAt(startMs: number): Boot {
    let lastBefore: Moment | null = null;
    for (const m of this.recent) if (m.ms < startMs && (lastBefore === null || m.ms > lastBefore.ms)) lastBefore = { ms: m.ms, time: m.time };
    // A 6008 just before the Kernel-General 12 in the file is this boot's when it was logged after the boot began.
    const crash = this.recent.slice(-BOOT_LEAD_RECORDS).findLast((m) => m.crash !== null && m.ms >= startMs)?.crash ?? null;
    return { startMs, lastBefore, crash };
  }

  /** Entries within TIMELINE_WINDOW_MS before `atMs` (default: the record's time; the record itself excluded), oldest first. */
  before(r: EvtxRecord, atMs: number | null = r.timeMs): TimelineEntry[] {
    if (atMs === null) return [];
    const from = atMs - TIMELINE_WINDOW_MS;
    const fits = (e: { ms: number; entry: TimelineEntry }) => e.ms >= from && e.ms <= atMs && e.entry.recordId !== r.recordId;
    if (this.outOfOrder > 0) {
      return this.ring
        .filter(fits)
        .sort((a, b) => a.ms - b.ms)
        .slice(-TIMELINE_MAX)
        .map((e) => e.entry);
    }
    // The ring in time order (most of a log; not around a boot): the newest that fit, walking back from the end.
    // (Sorting the ring for every crash doubled the time of a log of 58,812 crashes a second apart.)
    const newest: TimelineEntry[] = [];
    for (let i = this.ring.length - 1; i >= 0 && newest.length < TIMELINE_MAX && this.ring[i]!.ms >= from; i--) if (fits(this.ring[i]!)) newest.push(this.ring[i]!.entry);
    return newest.reverse();
  }

  /** The timeline of a record that is the crash itself. */
  atRecord(r: EvtxRecord): Timeline {
    return { timeline: this.before(r), timelineFrom: r.time === null ? null : { time: r.time, basis: 'record' } };
  }

  /**
   * The timeline of a record written at the boot after a crash, looking back from when the machine went down:
   * the later of the 6008 crash time (`crash`, the record's own, else that of its boot's 6008) and the last
   * record logged before its boot (Kernel-General 12); else, when its boot's start is not in the log, its own time.
   * The later: 6008's time is the last "alive" stamp Windows wrote, which can be older than records logged after
   * it (Belkasoft record 1660 says 02:03:54, 3 s after that session's boot; its records go on until 02:23:01).
   */
  atBootCrash(r: EvtxRecord, crash?: Moment | null): Timeline {
    if (r.time === null || r.timeMs === null) return { timeline: [], timelineFrom: null };
    const boot = this.boot !== null && Math.abs(r.timeMs - this.boot.startMs) <= BOOT_RECORD_SPAN_MS ? this.boot : null;
    const crashTime = crash ?? boot?.crash ?? null;
    const lastBefore = boot?.lastBefore ?? null;
    const from: TimelineFrom & { ms: number } =
      crashTime && (lastBefore === null || crashTime.ms >= lastBefore.ms) ? { ...crashTime, basis: 'crashTime' }
      : lastBefore ? { ...lastBefore, basis: 'lastBeforeBoot' }
      : { ms: r.timeMs, time: r.time, basis: 'bootRecord' };
    return { timeline: this.before(r, from.ms), timelineFrom: { time: from.time, basis: from.basis } };
  }
}
