import type { BadClass } from './classify.js';
import type { EditingEvidence } from './editing.js';
import type { FlowBreakdown, FlowTableStats } from './flows.js';
import type { BadCounts, CaptureHost } from './hosts.js';
import type { OutcomesByValue } from './outcomes.js';

export type VerdictKind = 'clean' | 'offload-artifact' | 'offload-broken' | 'wire-corruption' | 'rewritten' | 'inconclusive';

/** What the capture reveals about the capturing machine's operating system (for the advice). */
export type OsGuess = 'windows' | 'linux' | 'macos' | 'linux-or-macos' | 'unknown';

export interface OsHint {
  guess: OsGuess;
  /** The observation behind the guess. */
  because: string;
}

/** The counts the verdict rests on. Directions are relative to the capture host(s). */
export interface VerdictEvidence {
  frames: number;
  /** Verified (good or bad) checksums per protocol; ICMP-quoted headers excluded. */
  checked: { ipv4: number; tcp: number; udp: number };
  /** Checksums that could not be verified (snaplen, fragments); never counted as bad. */
  unverified: number;
  /** Every bad checksum by class. */
  bad: BadCounts;
  /** Bad checksums on packets sent by a capture host / received by it / with neither known. */
  outbound: BadCounts;
  inbound: BadCounts;
  unknownDirection: BadCounts;
  /**
   * Of the placeholders above, per direction: TCP `partial` sums on super-frames (larger than a 1,500-byte link
   * carries) with a correct IPv4 header, left by segmentation offload on the sender (outbound) or written by
   * receive offload (GRO/LRO) on the capture host (inbound).
   */
  superFramePartials: { outbound: number; inbound: number; unknownDirection: number };
  /** Fate of bad-checksum TCP segments (those with payload, SYN or FIN) per direction and value. */
  tcpSegments: {
    outbound: OutcomesByValue;
    inbound: OutcomesByValue;
    unknownDirection: OutcomesByValue;
    /** Bad-checksum segments without payload (bare ACKs): nothing to acknowledge. */
    withoutPayload: number;
  };
  /** Share of verified TCP/UDP checksums that are unexplained mismatches, per direction of the conversations. */
  mismatchShare: { forward: number | null; reverse: number | null };
  flowTable: FlowTableStats;
  /** Signs that the trace was edited after capture (editing.ts). */
  editing: EditingEvidence;
}

/** One line of the per-host breakdown: bad checksums an address sent (frames with and without a direction flag). */
export interface HostBreakdown {
  address: string;
  captureHost: boolean;
  bad: BadCounts;
  tcp: OutcomesByValue;
}

export interface Verdict {
  kind: VerdictKind;
  captureHosts: CaptureHost[];
  evidence: VerdictEvidence;
  /** One or two sentences: the verdict and the counts behind it. */
  summary: string;
  advice: string[];
  os: OsHint;
  /** Addresses that sent the most bad checksums. */
  hosts: HostBreakdown[];
  /** Flows with the most unacknowledged, then bad, segments. */
  flows: FlowBreakdown[];
}

/** What the verdict adds to one entry of the reader's `bad` list. */
export interface BadAnnotation {
  class: BadClass;
  /** TCP only; null when the fate could not be told (no payload, capture ended, not followed). */
  acked?: boolean | null;
  retransmitted?: boolean;
}
