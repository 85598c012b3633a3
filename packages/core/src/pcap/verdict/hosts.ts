import type { BadClass } from './classify.js';
import { CAPTURE_HOST_PLACEHOLDER_SHARE, MAX_HOSTS } from './thresholds.js';
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

/** What one source address did. Only addresses with evidence (a bad checksum, an outbound flag) get one. */
export interface HostStats {
  address: string;
  macs: string[];
  /** Frames it sent that pcapng epb_flags / SLL marked outbound. */
  outboundFlagged: number;
  /** Bad checksums on frames it sent whose direction is not flagged. */
  badSent: BadCounts;
  /** Fate of its bad-checksum TCP segments whose direction is not flagged. */
  tcp: OutcomesByValue;
}

function newHost(address: string): HostStats {
  return { address, macs: [], outboundFlagged: 0, badSent: emptyBadCounts(), tcp: emptyByValue() };
}

/** Per-address counters, capped at MAX_HOSTS; later addresses share the `other` entry.
 * @example const table = new HostTable();
 *   const stats = table.get('192.168.1.10');
 */
export class HostTable {
  private readonly hosts = new Map<string, HostStats>();
  /** Addresses past the cap; never a capture host. */
  readonly other: HostStats = newHost('(other)');

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

  get size(): number {
    return this.hosts.size;
  }

  all(): IterableIterator<HostStats> {
    return this.hosts.values();
  }
}

/** Why an address was taken for the capture host. */
export type CaptureHostReason = 'direction-flag' | 'placeholders' | 'accepted-bad';

export interface CaptureHost {
  address: string;
  macs: string[];
  reason: CaptureHostReason;
  /** Offload placeholders on its outbound packets. */
  placeholders: number;
  /** Frames flagged outbound by the capture file. */
  outboundFlagged: number;
}

/**
 * The capturing machine's addresses. Offload placeholders exist only on packets the capturing
 * machine sent (the tap sees them before the NIC fills the checksum in), so an address whose bad
 * checksums are mostly placeholders is the capture host; a frame flagged outbound settles it
 * outright. Failing both, a sender whose bad segments the peer nevertheless acknowledged must have
 * been captured before its NIC: that sender is the capture host (`acceptedBadFallback`).
 * @example const hosts = findCaptureHosts(table, false);
 */
export function findCaptureHosts(table: HostTable, acceptedBadFallback: boolean): CaptureHost[] {
  const found: CaptureHost[] = [];
  for (const h of table.all()) {
    const ph = placeholders(h.badSent);
    const bad = ph + mismatches(h.badSent);
    let reason: CaptureHostReason | undefined;
    if (h.outboundFlagged > 0) reason = 'direction-flag';
    else if (ph > 0 && ph >= bad * CAPTURE_HOST_PLACEHOLDER_SHARE) reason = 'placeholders';
    if (reason !== undefined) found.push({ address: h.address, macs: h.macs, reason, placeholders: ph, outboundFlagged: h.outboundFlagged });
  }
  if (found.length === 0 && acceptedBadFallback) {
    for (const h of table.all()) {
      if (h.tcp.mismatch.acked + h.tcp.placeholder.acked > 0) {
        found.push({ address: h.address, macs: h.macs, reason: 'accepted-bad', placeholders: placeholders(h.badSent), outboundFlagged: 0 });
      }
    }
  }
  found.sort((a, b) => b.placeholders + b.outboundFlagged - (a.placeholders + a.outboundFlagged) || (a.address < b.address ? -1 : 1));
  return found;
}
