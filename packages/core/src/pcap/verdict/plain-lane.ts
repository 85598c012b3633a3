/**
 * The memo of the plain TCP lane (frame.ts, PlainTcpFrame; VerdictCollector.plainTcp). A bad plain TCP
 * frame is accounted by its key: sender, receiver, ports, which checksums are bad and their classes, and
 * the MAC pattern. The first frame of a key is accounted in full (host, editing signs, counts); the
 * frames after it with the same key would add exactly the same counts, so they are only counted (`hits`)
 * and the counts are added in one go when the entry is replaced or the capture ends. The entry also holds
 * the frame's flow (FlowHint), so the follower need not look it up again.
 */
import type { BadClass } from './classify.js';
import type { FlowHint } from './flows.js';
import type { BadCounts } from './hosts.js';
import type { OutcomesByValue } from './outcomes.js';

/** IPv4 header checksum codes in a lane key: good, bad 0 (a placeholder), bad otherwise. */
export const IPV4_GOOD = 0;
export const IPV4_ZERO = 1;
export const IPV4_MISMATCH = 2;
/** TCP checksum codes: good, then the bad classes (classify.ts) in the order classifyTransport tests them. */
export const TCP_GOOD = 0;
export const TCP_MISMATCH = 4;
export const IPV4_CLASS: readonly (BadClass | undefined)[] = [undefined, 'zero', 'mismatch'];
export const TCP_CLASS: readonly (BadClass | undefined)[] = [undefined, 'partial', 'partial-no-length', 'zero', 'mismatch'];

/** classifyTransport as a code (TCP_CLASS) for a bad TCP checksum. */
export function tcpCode(stored: number, pseudo: number, pseudoNoLength: number): number {
  return stored === pseudo ? 1 : stored === pseudoNoLength ? 2 : stored === 0 ? 3 : TCP_MISMATCH;
}

/**
 * log2 of the entries: the key holds the ports, so an entry stands for one direction of one conversation
 * and kind (a busy capture interleaves a few hundred). 1,024 small objects, ~100 KB.
 */
const LANE_BITS = 10;
export const LANE_ENTRIES = 1 << LANE_BITS;

/** The entry for a key: the top bits of a multiplicative hash of its numbers. */
export function laneSlot(src: number, dst: number, ports: number, kind: number): number {
  return Math.imul(src ^ Math.imul(dst ^ Math.imul(ports ^ kind, 0x85ebca6b), 0x27d4eb2d), 0x9e3779b1) >>> (32 - LANE_BITS);
}

export interface LaneEntry {
  valid: boolean;
  src: number;
  dst: number;
  /** srcPort * 65536 + dstPort */
  ports: number;
  /** IPv4 code * 8 + TCP code */
  kind: number;
  macs: number;
  /** Frames with this key since its counts were last added (the first frame's are added at once). */
  hits: number;
  ipv4Cls: BadClass | undefined;
  cls: BadClass | undefined;
  /** Side of the conversation, as the rewritten test splits them (1: from the lower port). */
  side: 0 | 1;
  /** Where the classes are counted besides the totals: the sending host's counts. */
  counts: BadCounts;
  /** Where a bad segment's fate is counted: the sending host's. */
  sink: OutcomesByValue;
  /** What the editing signs counted for the first frame (EditingSigns.observe), for each repeat. */
  editing: number;
  flow: FlowHint;
}

/** Add `n` bad checksums of one class (hosts.ts, countBad, n times). */
export function countBadTimes(c: BadCounts, protocol: 'ipv4' | 'tcp', cls: BadClass, n: number): void {
  if (protocol === 'ipv4') {
    if (cls === 'zero') c.ipv4Zero += n;
    else c.ipv4Mismatch += n;
    return;
  }
  if (cls === 'partial') c.partial += n;
  else if (cls === 'partial-no-length') c.partialNoLength += n;
  else if (cls === 'zero') c.zero += n;
  else c.mismatch += n;
}
