/**
 * Who sent the bad checksums the summary speaks of (decide.ts), grouped the way the evidence counts them,
 * so that "sent by X" and "received from Y" name the real senders and agree with the outbound / inbound /
 * direction-unknown counts printed beside the summary. Built once, at `finish`, from the host table.
 */
import { type DirectionKey, type HostStats, type HostTable, placeholders, type SentCounts, visitDirections } from './hosts.js';

/** One kind of bad checksum or failed segment: how many, and from whom. */
export interface SenderGroup {
  /** How many (bad checksums or segments, as the group counts). */
  total: number;
  /** The tracked senders, most first (ties by address). */
  senders: string[];
  /** Of `total`, from addresses past MAX_HOSTS (the host table's "(other)"): not tracked one by one. */
  untracked: number;
}

export interface Senders {
  /** A capture host is known (else every unflagged frame's direction is unknown). */
  anyCaptureHost: boolean;
  /** Placeholders on packets a capture host sent (its own offload, TSO/GSO included). */
  outboundPlaceholders: SenderGroup;
  /** Placeholders on super-frames a capture host received: written by its receive offload (GRO/LRO). */
  superFramePlaceholders: SenderGroup;
  /** Other placeholders on packets a capture host received. */
  inboundPlaceholders: SenderGroup;
  /** Every one of `inboundPlaceholders` came on a frame the capture file flags inbound. */
  inboundPlaceholdersFlagged: boolean;
  /** Placeholders whose direction is unknown (no capture host known, or an untracked sender). */
  unknownPlaceholders: SenderGroup;
  /** Outbound bad-checksum TCP segments that failed (offload-broken). */
  failedOutbound: SenderGroup;
  /** Inbound or direction-unknown TCP segments with a mismatching checksum that failed (wire-corruption). */
  failedMismatches: SenderGroup;
  /**
   * Inbound or direction-unknown TCP segments with an offload placeholder that failed: a sender that is not the
   * capturing machine (a local VM, a forwarded client, a super-frame sender) whose placeholders nobody filled in.
   */
  failedPlaceholdersElsewhere: SenderGroup;
  /** Every one of `failedPlaceholdersElsewhere` came on a frame the capture file flags inbound. */
  failedPlaceholdersElsewhereFlagged: boolean;
  /** A sender of `failedPlaceholdersElsewhere` also sent super-frames with placeholders (no GRO excuse for them). */
  failedPlaceholdersElsewhereSuperFrames: boolean;
}

/** Counts per sender of one group, turned into a SenderGroup at the end. */
class Tally {
  private readonly by = new Map<string, number>();
  private untracked = 0;

  add(h: HostStats, tracked: boolean, n: number): void {
    if (n === 0) return;
    if (!tracked) this.untracked += n;
    else this.by.set(h.address, (this.by.get(h.address) ?? 0) + n);
  }

  group(): SenderGroup {
    const rows = [...this.by].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return { total: rows.reduce((n, r) => n + r[1], this.untracked), senders: rows.map((r) => r[0]), untracked: this.untracked };
  }
}

/**
 * The senders of each kind of bad checksum, with the same directions as the evidence (hosts.ts `visitDirections`).
 * @example const s = collectSenders(table, new Set(['192.168.1.20']));
 *   s.outboundPlaceholders.senders; // ['192.168.1.20']
 */
export function collectSenders(table: HostTable, captureHosts: ReadonlySet<string>): Senders {
  const any = captureHosts.size > 0;
  const out = new Tally();
  const superFrames = new Tally();
  const inbound = new Tally();
  const unknown = new Tally();
  const failedOut = new Tally();
  const failedIn = new Tally();
  const failedElsewhere = new Tally();
  let inboundUnflagged = 0;
  let failedElsewhereUnflagged = 0;
  let failedSuperFrameSender = false;
  const count = (h: HostStats, tracked: boolean) => (where: DirectionKey, s: SentCounts, flagged: boolean) => {
    const ph = placeholders(s.bad);
    if (where === 'outbound') {
      out.add(h, tracked, ph);
      failedOut.add(h, tracked, s.tcp.placeholder.failed + s.tcp.mismatch.failed);
      return;
    }
    failedIn.add(h, tracked, s.tcp.mismatch.failed);
    const failedPh = s.tcp.placeholder.failed;
    failedElsewhere.add(h, tracked, failedPh);
    if (failedPh > 0 && !flagged) failedElsewhereUnflagged += failedPh;
    if (failedPh > 0 && s.superFramePartial > 0) failedSuperFrameSender = true;
    if (where === 'unknownDirection') {
      unknown.add(h, tracked, ph);
      return;
    }
    superFrames.add(h, tracked, s.superFramePartial);
    inbound.add(h, tracked, ph - s.superFramePartial);
    if (!flagged) inboundUnflagged += ph - s.superFramePartial;
  };
  for (const h of table.all()) visitDirections(h, captureHosts.has(h.address), any, count(h, true));
  visitDirections(table.other, undefined, any, count(table.other, false));
  return {
    anyCaptureHost: any,
    outboundPlaceholders: out.group(),
    superFramePlaceholders: superFrames.group(),
    inboundPlaceholders: inbound.group(),
    inboundPlaceholdersFlagged: inboundUnflagged === 0,
    unknownPlaceholders: unknown.group(),
    failedOutbound: failedOut.group(),
    failedMismatches: failedIn.group(),
    failedPlaceholdersElsewhere: failedElsewhere.group(),
    failedPlaceholdersElsewhereFlagged: failedElsewhereUnflagged === 0,
    failedPlaceholdersElsewhereSuperFrames: failedSuperFrameSender,
  };
}
