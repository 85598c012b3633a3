/**
 * Which TCP conversations a frame consumer follows, kept where the reader can test it before handing a
 * frame over (frame.ts, `FrameSink`). A counting filter: each followed flow adds one to the slot its
 * endpoints hash to and takes it away when the flow is dropped. A slot at 0 means "certainly not
 * followed", so the reader may skip the frame; any other count only means "maybe" (another flow can
 * share the slot) and the frame is handed over as before. It can never hide a followed flow.
 */

/**
 * log2 of the slots: 4 Ki counters (16 KiB, so that the test stays in the CPU cache: 64 Ki cost ~20 ns
 * per frame more, measured), sparse for the few dozen to hundreds of flows with open bad segments a busy link has.
 */
const FLOW_FILTER_BITS = 12;

/**
 * An address as one number for the filter: the XOR of its four 32-bit words (IPv4: the address itself,
 * its other words being 0 in the consumer's word arrays).
 */
export function addressKey(w0: number, w1: number, w2: number, w3: number): number {
  return w0 ^ w1 ^ w2 ^ w3;
}

/**
 * The slot of a conversation: the same whichever way the frame goes (the two endpoint hashes are
 * added), yet (a:p > b:q) and (b:p > a:q) differ (each endpoint mixes address and port first).
 */
export function flowFilterSlot(srcKey: number, srcPort: number, dstKey: number, dstPort: number): number {
  const s = Math.imul(Math.imul(srcKey, 0xcc9e2d51) ^ srcPort, 0x1b873593);
  const d = Math.imul(Math.imul(dstKey, 0xcc9e2d51) ^ dstPort, 0x1b873593);
  return Math.imul((s + d) | 0, 0x85ebca6b) >>> (32 - FLOW_FILTER_BITS);
}

/**
 * The set of flows the verdict still follows, by slot: the reader's gate passes their frames and counts the rest.
 * @example const f = new FlowFilter(); f.add(flowFilterSlot(a, 443, b, 51000));
 */
export class FlowFilter {
  /** Followed flows per slot. Int32: even FLOW_TABLE_CAP flows crafted into one slot cannot overflow it. */
  readonly counts = new Int32Array(1 << FLOW_FILTER_BITS);
  /**
   * Flows in all slots: while 0 (most of a clean capture, three quarters of the synthetic bench's TCP
   * frames), the reader skips the slot test.
   */
  total = 0;

  add(slot: number): void {
    this.counts[slot]!++;
    this.total++;
  }

  remove(slot: number): void {
    if (this.counts[slot]! > 0) {
      this.counts[slot]!--;
      this.total--;
    }
  }

  clear(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}
