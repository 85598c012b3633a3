/**
 * The fate of bad-checksum TCP segments, counted. A segment (payload, SYN or FIN) is:
 * - acked: the peer acknowledged its end before anything re-sent its range (this copy got through);
 * - failed: its range was sent again before any acknowledgement covered it (this copy was lost);
 * - unacked: never acknowledged nor re-sent, though the peer was heard from after it;
 * - unknown: nothing from the peer after it (capture ended, one-sided capture, evicted early).
 */
export interface SegmentOutcomes {
  acked: number;
  failed: number;
  unacked: number;
  unknown: number;
  /** Payload bytes of the largest acknowledged segment (0 when none). */
  largestAcked: number;
  /** Payload bytes of the smallest failed segment (0 when none). */
  smallestFailed: number;
}

export type Fate = 'acked' | 'failed' | 'unacked' | 'unknown';

export function emptyOutcomes(): SegmentOutcomes {
  return { acked: 0, failed: 0, unacked: 0, unknown: 0, largestAcked: 0, smallestFailed: 0 };
}

/** `o` back to emptyOutcomes() (a reused flow's counts). */
export function resetOutcomes(o: SegmentOutcomes): void {
  o.acked = o.failed = o.unacked = o.unknown = o.largestAcked = o.smallestFailed = 0;
}

export function countFate(o: SegmentOutcomes, fate: Fate, payload: number): void {
  // Named fields, not o[fate]: a keyed store with four names is slower on the per-segment path.
  if (fate === 'acked') {
    o.acked++;
    if (payload > o.largestAcked) o.largestAcked = payload;
  } else if (fate === 'failed') {
    o.failed++;
    if (o.smallestFailed === 0 || payload < o.smallestFailed) o.smallestFailed = payload;
  } else if (fate === 'unacked') o.unacked++;
  else o.unknown++;
}

export function addOutcomes(into: SegmentOutcomes, from: SegmentOutcomes): void {
  into.acked += from.acked;
  into.failed += from.failed;
  into.unacked += from.unacked;
  into.unknown += from.unknown;
  if (from.largestAcked > into.largestAcked) into.largestAcked = from.largestAcked;
  if (from.smallestFailed !== 0 && (into.smallestFailed === 0 || from.smallestFailed < into.smallestFailed)) {
    into.smallestFailed = from.smallestFailed;
  }
}

/** Outcomes split by what the bad value was: an offload placeholder or an unexplained mismatch. */
export interface OutcomesByValue {
  placeholder: SegmentOutcomes;
  mismatch: SegmentOutcomes;
}

export function emptyByValue(): OutcomesByValue {
  return { placeholder: emptyOutcomes(), mismatch: emptyOutcomes() };
}

export function addByValue(into: OutcomesByValue, from: OutcomesByValue): void {
  addOutcomes(into.placeholder, from.placeholder);
  addOutcomes(into.mismatch, from.mismatch);
}
