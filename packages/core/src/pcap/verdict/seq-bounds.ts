/**
 * Bounds of one side's open bad segments in TCP sequence space, so that the flow follower can rule
 * out, without walking them, that a frame acknowledges or re-sends any of them: most frames of a
 * followed flow do neither (in-order data, duplicate ACKs), and a one-sided capture keeps up to
 * MAX_PENDING_PER_FLOW segments open for the whole flow.
 *
 * Sequence numbers wrap (RFC 793 arithmetic modulo 2^32), so the bounds are kept as signed 32-bit
 * offsets from a reference (`ref`, the first segment's start). An answer of `true` is exact: it is
 * given only when, for every segment, the modular comparison the follower would make equals the
 * plain comparison of the offsets; anything else answers `false` ("walk them").
 */
const TWO_31 = 2 ** 31;

export class SeqBounds {
  /** Segments inside the bounds. */
  n = 0;
  ref = 0;
  /** Smallest and largest start and end offsets from `ref` (signed 32-bit). */
  minStart = 0;
  maxStart = 0;
  minEnd = 0;
  maxEnd = 0;

  /** Take in a segment [seq, end) (end = seq + length modulo 2^32). */
  add(seq: number, end: number): void {
    if (this.n === 0) {
      this.ref = seq;
      this.minStart = this.maxStart = 0;
      this.minEnd = this.maxEnd = (end - seq) | 0;
    } else {
      const s = (seq - this.ref) | 0;
      const e = (end - this.ref) | 0;
      if (s < this.minStart) this.minStart = s;
      if (s > this.maxStart) this.maxStart = s;
      if (e < this.minEnd) this.minEnd = e;
      if (e > this.maxEnd) this.maxEnd = e;
    }
    this.n++;
  }

  clear(): void {
    this.n = 0;
  }

  /** One segment is gone. The bounds stay: wider than the segments left is still exact, only less sharp. */
  drop(): void {
    this.n--;
  }

  /** True when `ack` reaches the end of none of the segments: `seqGe(ack, end)` holds for none. */
  noneAckedBy(ack: number): boolean {
    if (this.n === 0) return true;
    const x = (ack - this.ref) | 0;
    // ack - end = x - e for every offset e in [minEnd, maxEnd], all within [-2^31, 0): never >= 0.
    return x < this.minEnd && x - this.maxEnd >= -TWO_31;
  }

  /**
   * True when the range [seq, seq + length) (length > 0) overlaps none of the segments, i.e. for each,
   * `seqLt(seq, end) && seqLt(start, seq + length)` is false.
   */
  noneOverlaps(seq: number, length: number): boolean {
    if (this.n === 0) return true;
    const y = (seq - this.ref) | 0;
    // Entirely after them: seq - end = y - e in [0, 2^31) for every end, so seqLt(seq, end) is false.
    if (y >= this.maxEnd && y - this.minEnd < TWO_31) return true;
    // Entirely before them: start - (seq + length) = s - z in [0, 2^31) for every start.
    const z = y + length;
    return z <= this.minStart && this.maxStart - z < TWO_31;
  }
}
