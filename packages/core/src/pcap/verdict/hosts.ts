import type { BadClass } from './classify.js';
import { CAPTURE_HOST_PLACEHOLDER_SHARE, MAX_HOSTS, MAX_SUPER_FRAME_RECEIVERS } from './thresholds.js';
import { emptyByValue, type OutcomesByValue } from './outcomes.js';

/** Largest number of MAC addresses remembered per host (a host has one or two NICs). */
const MAX_MACS_PER_HOST = 4;

/** Bad checksums counted by class; `ipv4Zero`/`ipv4Mismatch` are IPv4 header checksums. */
export interface BadCounts {
  partial: number;
  partialNoLength: number;
  zero: number;
  mismatch: number;
  ipv4Zero: number;
  ipv4Mismatch: number;
}

export function emptyBadCounts(): BadCounts {
  return { partial: 0, partialNoLength: 0, zero: 0, mismatch: 0, ipv4Zero: 0, ipv4Mismatch: 0 };
}

export function addBadCounts(into: BadCounts, from: BadCounts): void {
  into.partial += from.partial;
  into.partialNoLength += from.partialNoLength;
  into.zero += from.zero;
  into.mismatch += from.mismatch;
  into.ipv4Zero += from.ipv4Zero;
  into.ipv4Mismatch += from.ipv4Mismatch;
}

/** Count `n` (default 1) bad checksums of one protocol and class. */
export function countBad(c: BadCounts, protocol: 'ipv4' | 'tcp' | 'udp', cls: BadClass, n = 1): void {
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

/** Placeholders: values an offloading sender leaves (IPv4 header 0 included). */
export function placeholders(c: BadCounts): number {
  return c.partial + c.partialNoLength + c.zero + c.ipv4Zero;
}

export function mismatches(c: BadCounts): number {
  return c.mismatch + c.ipv4Mismatch;
}

/**
 * What one address sent on frames of one kind (unflagged, or flagged inbound / outbound): its bad
 * checksums by class and the fates of its bad TCP segments.
 */
export interface SentCounts {
  bad: BadCounts;
  tcp: OutcomesByValue;
  /**
   * Of `bad`: TCP `partial` placeholders on super-frames (SUPER_FRAME_MIN_PAYLOAD) with a correct IPv4 header,
   * the shape Linux GRO writes into the segments it merges on receive (and TSO/GSO leaves on send).
   */
  superFramePartial: number;
}

export function emptySent(): SentCounts {
  return { bad: emptyBadCounts(), tcp: emptyByValue(), superFramePartial: 0 };
}

/** What one source address did. Only addresses with evidence (a bad checksum, an outbound flag) get one. */
export interface HostStats {
  address: string;
  macs: string[];
  /** Frames it sent that pcapng epb_flags / SLL marked outbound. */
  outboundFlagged: number;
  /**
   * What it sent on frames whose direction the capture does not state: the capture-host inference rests on
   * these, and their direction follows from it.
   */
  sent: SentCounts;
  /** What it sent on frames the capture flags inbound / outbound (the direction as flagged): created when first needed. */
  sentInbound: SentCounts | undefined;
  sentOutbound: SentCounts | undefined;
  /**
   * Receivers of its unflagged super-frame partials (`sent.superFramePartial`), with how many each got: at
   * most MAX_SUPER_FRAME_RECEIVERS (created when first needed). Those a capture host received are GRO's.
   */
  superFrameReceivers: Map<string, number> | undefined;
}

function newHost(address: string): HostStats {
  return { address, macs: [], outboundFlagged: 0, sent: emptySent(), sentInbound: undefined, sentOutbound: undefined, superFrameReceivers: undefined };
}

/** Address text of the host table's entry for the addresses past MAX_HOSTS. */
export const UNTRACKED_HOSTS = '(other)';

/** Per-address counters, capped at MAX_HOSTS; later addresses share the `other` entry.
 * @example const table = new HostTable();
 *   const stats = table.get('192.168.1.10');
 */
export class HostTable {
  private readonly hosts = new Map<string, HostStats>();
  /** Addresses past the cap; never a capture host, and its unflagged frames have no known direction. */
  readonly other: HostStats = newHost(UNTRACKED_HOSTS);

  get(address: string): HostStats {
    let h = this.hosts.get(address);
    if (h === undefined) {
      if (this.hosts.size >= MAX_HOSTS) return this.other;
      h = newHost(address);
      this.hosts.set(address, h);
    }
    return h;
  }

  noteMac(h: HostStats, mac: string | undefined): void {
    if (mac === undefined || h.macs.length >= MAX_MACS_PER_HOST || h.macs.includes(mac)) return;
    h.macs.push(mac);
  }

  /** Where a frame `h` sent with a stated direction is counted. */
  flagged(h: HostStats, dir: 'inbound' | 'outbound'): SentCounts {
    if (dir === 'inbound') return (h.sentInbound ??= emptySent());
    return (h.sentOutbound ??= emptySent());
  }

  /** `n` more unflagged super-frame partials from `h` to `receiver` (already counted in `h.sent`). */
  noteSuperFrameReceiver(h: HostStats, receiver: string, n: number): void {
    const m = (h.superFrameReceivers ??= new Map());
    const had = m.get(receiver);
    if (had !== undefined) m.set(receiver, had + n);
    else if (m.size < MAX_SUPER_FRAME_RECEIVERS) m.set(receiver, n);
  }

  get size(): number {
    return this.hosts.size;
  }

  all(): IterableIterator<HostStats> {
    return this.hosts.values();
  }
}

/** Which way a host's frames count (VerdictEvidence: `outbound`, `inbound`, `unknownDirection`). */
export type DirectionKey = 'outbound' | 'inbound' | 'unknownDirection';

/**
 * Visit each of a host's counters with the direction its frames count in: flagged frames as flagged; the
 * others outbound from a capture host, inbound from any other address once a capture host is known, else of
 * unknown direction. `captureHost` undefined: not known whether it is one (the untracked addresses).
 */
export function visitDirections(h: HostStats, captureHost: boolean | undefined, anyCaptureHost: boolean, visit: (where: DirectionKey, s: SentCounts, flagged: boolean) => void): void {
  const where: DirectionKey = captureHost === true ? 'outbound' : captureHost === false && anyCaptureHost ? 'inbound' : 'unknownDirection';
  visit(where, h.sent, false);
  if (h.sentOutbound !== undefined) visit('outbound', h.sentOutbound, true);
  if (h.sentInbound !== undefined) visit('inbound', h.sentInbound, true);
}

/** Why an address was taken for the capture host. */
export type CaptureHostReason = 'direction-flag' | 'placeholders' | 'accepted-bad';

export interface CaptureHost {
  address: string;
  macs: string[];
  reason: CaptureHostReason;
  /** Offload placeholders on its outbound packets (those without a direction flag and those flagged outbound). */
  placeholders: number;
  /** Frames flagged outbound by the capture file. */
  outboundFlagged: number;
}

/**
 * The capturing machine's addresses. Transmit offload leaves placeholders only on packets the capturing
 * machine sent (the tap sees them before the NIC fills the checksum in), so an address whose bad
 * checksums are mostly placeholders is the capture host; a frame flagged outbound settles it
 * outright. One exception: receive offload (GRO/LRO) writes the same partial sum into the super-frames it
 * merges from received segments, so a sender's super-frame partials that a capture host received say nothing
 * about the sender (`receivedBy`); an address whose placeholders are all of that kind is a peer, not a
 * capture host. Failing all of these, a sender whose bad segments the peer nevertheless acknowledged must have
 * been captured before its NIC: that sender is the capture host (`acceptedBadFallback`).
 * Only frames without a stated direction are judged (`HostStats.sent`): a frame flagged inbound is the
 * capture file's word that its sender is not the capturing machine, even with placeholders (a VM or container
 * on it, whose packets no NIC has touched): such a sender is a local sender, never a capture host.
 * @example const hosts = findCaptureHosts(table, false);
 */
export function findCaptureHosts(table: HostTable, acceptedBadFallback: boolean): CaptureHost[] {
  // First the addresses named by their own packets: a direction flag, or placeholders other than super-frame partials.
  const named = new Set<string>();
  for (const h of table.all()) {
    if (h.outboundFlagged > 0 || mostlyPlaceholders(h, placeholders(h.sent.bad) - h.sent.superFramePartial)) named.add(h.address);
  }
  const found: CaptureHost[] = [];
  for (const h of table.all()) {
    const ph = placeholders(h.sent.bad);
    let reason: CaptureHostReason | undefined;
    if (h.outboundFlagged > 0) reason = 'direction-flag';
    else if (mostlyPlaceholders(h, ph - receivedBy(h, named))) reason = 'placeholders';
    if (reason !== undefined) found.push({ address: h.address, macs: h.macs, reason, placeholders: ph + outboundPlaceholders(h), outboundFlagged: h.outboundFlagged });
  }
  if (found.length === 0 && acceptedBadFallback) {
    for (const h of table.all()) {
      if (h.sent.tcp.mismatch.acked + h.sent.tcp.placeholder.acked > 0) {
        found.push({ address: h.address, macs: h.macs, reason: 'accepted-bad', placeholders: placeholders(h.sent.bad), outboundFlagged: 0 });
      }
    }
  }
  found.sort((a, b) => b.placeholders + b.outboundFlagged - (a.placeholders + a.outboundFlagged) || (a.address < b.address ? -1 : 1));
  return found;
}

/** Placeholders on the frames of `h` flagged outbound. */
const outboundPlaceholders = (h: HostStats): number => (h.sentOutbound === undefined ? 0 : placeholders(h.sentOutbound.bad));

/** `ph` of the host's unflagged bad checksums counted as placeholders make at least CAPTURE_HOST_PLACEHOLDER_SHARE of them. */
function mostlyPlaceholders(h: HostStats, ph: number): boolean {
  return ph > 0 && ph >= (ph + mismatches(h.sent.bad)) * CAPTURE_HOST_PLACEHOLDER_SHARE;
}

/** The host's super-frame partials received by one of `hosts` (explained by GRO there). */
function receivedBy(h: HostStats, hosts: ReadonlySet<string>): number {
  let n = 0;
  if (h.superFrameReceivers !== undefined) for (const [receiver, count] of h.superFrameReceivers) if (hosts.has(receiver)) n += count;
  return n;
}
