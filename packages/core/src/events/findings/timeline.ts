/** What the log recorded shortly before a crash: the last warnings and errors, kept in a small ring. */
import type { EvtxRecord } from '../types.js';
import type { TimelineEntry } from './types.js';

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

export class TimelineRing {
  private readonly ring: Array<{ ms: number; entry: TimelineEntry }> = [];

  /** Call for every record before the detectors see it. */
  push(r: EvtxRecord): void {
    if (r.level === null || r.level === 0 || r.level > MAX_LEVEL || r.time === null || r.timeMs === null) return;
    const values = Object.values(r.data).filter(Boolean).slice(0, 3).join(' | ');
    this.ring.push({
      ms: r.timeMs,
      entry: { time: r.time, provider: r.provider, eventId: r.eventId, level: r.level, recordId: r.recordId, summary: values.length > 160 ? `${values.slice(0, 157)}...` : values },
    });
    if (this.ring.length > RING_SIZE * 2) this.ring.splice(0, this.ring.length - RING_SIZE);
  }

  /** Entries within TIMELINE_WINDOW_MS before `atMs` (default: the record's time; the record itself excluded), oldest first. */
  before(r: EvtxRecord, atMs: number | null = r.timeMs): TimelineEntry[] {
    if (atMs === null) return [];
    const from = atMs - TIMELINE_WINDOW_MS;
    return this.ring
      .filter((e) => e.ms >= from && e.ms <= atMs && e.entry.recordId !== r.recordId)
      .sort((a, b) => a.ms - b.ms)
      .slice(-TIMELINE_MAX)
      .map((e) => e.entry);
  }
}
