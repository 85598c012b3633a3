/**
 * The per-frame facts that checksum validation hands to later analyses (the offload verdict).
 * Contract between the pcap reader (producer, `analyzeCapture`'s `onFrame`) and pcap/verdict (consumer).
 *
 * Two tiers, so that following every frame costs little more than checking it:
 * - `FrameFacts`, for every frame: numbers (layer counts, direction, address words, TCP header
 *   fields), each layer through `layer(i)`, and cached text for the few addresses a consumer names;
 * - `FrameRecord`, the full record with text addresses and one `LayerCheck` per layer, built only when
 *   the consumer calls `facts.record()` (the verdict never does; tests and other consumers may).
 * Nothing is built for a consumer that does not ask (plain checksum runs pass no `onFrame`), and a
 * `FrameSink` is not even handed the frames it would only count (see below).
 * Both sides are in this repository (pcap/facts.ts, pcap/verdict/record-facts.ts): change them together.
 */
import type { FlowFilter } from './flow-filter.js';

export type ChecksumProtocol = 'ipv4' | 'tcp' | 'udp';

/**
 * good: verified correct. bad: verified wrong. unverified: could not be checked (cut by the snaplen,
 * unreassembled fragment, ...) and never counted as bad. absent: UDP over IPv4 with checksum 0 (legal).
 */
export type ChecksumStatus = 'good' | 'bad' | 'unverified' | 'absent';

/** FrameFacts.macPattern bits. */
export const MAC_SRC_ZERO = 1;
export const MAC_DST_ZERO = 2;
export const MAC_SAME = 4;

/** One checksummed header in a frame: frames with tunnels have several. */
export interface LayerCheck {
  protocol: ChecksumProtocol;
  status: ChecksumStatus;
  /** The checksum field as stored in the frame. */
  stored: number;
  /** The value it should hold; undefined when unverified. */
  correct: number | undefined;
  /**
   * TCP/UDP only: the ones'-complement pseudo-header sum, uncomplemented, with the transport length
   * (what Linux/Windows/BSD leave in the field for the NIC to finish) and without it (Windows LSO).
   * Lets the verdict classify a bad value without re-reading bytes.
   */
  pseudoHeaderSum?: number;
  pseudoHeaderSumNoLength?: number;
  /** 0 for the outermost IP layer, +1 per tunnel level. */
  depth: number;
  /** Inside the quoted header of an ICMP error (never counted as bad). */
  quoted: boolean;
  /** Source and destination addresses of the IP header this layer belongs to (text form). */
  src: string;
  dst: string;
}

export interface TcpFacts {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10). */
  flags: number;
  window: number;
  /** Payload bytes in this segment (from the IP length, not the captured length). */
  payloadLength: number;
}

export interface UdpFacts {
  srcPort: number;
  dstPort: number;
  length: number;
}

/** Direction relative to the capturing host, from pcapng epb_flags or the SLL/SLL2 packet type. */
export type Direction = 'inbound' | 'outbound' | undefined;

export interface FrameRecord {
  /** 1-based, as in Wireshark. */
  frame: number;
  /** Seconds since the epoch (fractional). */
  timestamp: number;
  interfaceId: number;
  linkType: number;
  capturedLength: number;
  originalLength: number;
  direction: Direction;
  /** pcapng epb_flags checksum bits, when present: 'valid' | 'invalid' (bits 5-6?), see docs/pcap.md. */
  epbFlags: number | undefined;
  srcMac: string | undefined;
  dstMac: string | undefined;
  /** The innermost IP header that carries the transport below. */
  ipVersion: 4 | 6 | undefined;
  src: string | undefined;
  dst: string | undefined;
  /** IPv4 header checksum stored as 0 on this frame (Windows and BSD IP offload leave 0). */
  ipv4ChecksumZero: boolean;
  /**
   * Identification field of the innermost IPv4 header (TcpSegmentFacts.ipId); undefined for IPv6 and
   * frames without IP. Optional: records built without it count as having none.
   */
  ipId?: number | undefined;
  tcp: TcpFacts | undefined;
  udp: UdpFacts | undefined;
  /** Every checksummed layer of the frame, outermost first. */
  checks: LayerCheck[];
}

/**
 * What every frame offers its consumer, as numbers. A producer reuses one object for all frames, so
 * it is valid only during the `onFrame` call; the methods read the frame's bytes then.
 */
export interface FrameFacts extends TcpSegmentFacts {
  readonly linkType: number;
  readonly direction: Direction;
  /** Checked layers outside ICMP-quoted headers, by outcome: verified good per protocol, bad (any protocol), unverified. */
  readonly goodIpv4: number;
  readonly goodTcp: number;
  readonly goodUdp: number;
  readonly bad: number;
  readonly unverified: number;
  /** The innermost transport (as FrameRecord.tcp / .udp): TCP, UDP or neither. */
  readonly isTcp: boolean;
  readonly isUdp: boolean;
  /** Every checksummed layer, outermost first (as FrameRecord.checks). */
  readonly layerCount: number;
  /** Layer `i` (0 <= i < layerCount). The producer may reuse one object: valid until the next call. */
  layer(i: number): LayerFacts;
  /** Text forms of the innermost IP source and destination and of the source MAC (as in the FrameRecord). */
  srcText(): string | undefined;
  dstText(): string | undefined;
  srcMacText(): string | undefined;
  /** Text form of the destination MAC (Ethernet only; undefined otherwise). */
  dstMacText(): string | undefined;
  /**
   * The source and destination MAC compared as bytes, no text: -1 when the frame has not both (not
   * Ethernet), else MAC_SRC_ZERO | MAC_DST_ZERO | MAC_SAME bits.
   */
  macPattern(): number;
  /** The full record of this frame. */
  record(): FrameRecord;
}

/** What LayerCheck says about a layer, with the address text built only if read (`src`). */
export interface LayerFacts {
  readonly protocol: ChecksumProtocol;
  readonly status: ChecksumStatus;
  readonly stored: number;
  /** TCP/UDP: the pseudo-header sums (as LayerCheck); undefined for IPv4. */
  readonly pseudoHeaderSum?: number | undefined;
  readonly pseudoHeaderSumNoLength?: number | undefined;
  readonly depth: number;
  readonly quoted: boolean;
  /** Source address of the layer's IP header (text form). */
  readonly src: string;
}

/**
 * The numbers a TCP flow follower needs about one frame: identity of the endpoints, and the TCP
 * header of the innermost TCP segment. Ports, sequence fields and `payloadLength` are 0 when the
 * frame has no TCP (ports: no TCP nor UDP).
 */
export interface TcpSegmentFacts {
  readonly frame: number;
  readonly timestamp: number;
  /** Version of the innermost IP header (0: none); the addresses below are its source and destination. */
  readonly ipVersion: 0 | 4 | 6;
  /**
   * Write the source address into `into[0..3]` and the destination into `into[4..7]` as big-endian
   * 32-bit words (IPv4: one word, then zeros). Exact: equal words and version = equal addresses.
   */
  addressWords(into: Int32Array): void;
  /** The first of those words for each address (for IPv4 the whole address), without the copy. */
  readonly srcWord: number;
  readonly dstWord: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly tcpFlags: number;
  /** TCP payload bytes (from the IP length, not the captured length). */
  readonly payloadLength: number;
  /**
   * The TCP window field as stored (unscaled: 0 is a closed window whatever the scale); 0 without TCP.
   * Read only when asked (the flow follower asks for frames of flows with open segments).
   */
  readonly window: number;
  /**
   * Identification field of the innermost IP header when it is IPv4, -1 otherwise (IPv6 has none).
   * Tells two captures of one packet (the same ID) from a re-sent copy (a new ID on Linux, Windows
   * and BSD). Read only when asked.
   */
  readonly ipId: number;
}

/**
 * A consumer that does not need every frame handed over (the offload verdict). The reader gives it
 * only the frames it must see: those with a bad checksum, those whose direction the capture states,
 * and TCP frames of conversations its `flowFilter` may hold (flow-filter.ts). It counts every other
 * frame itself and hands the totals over once, through `skipped`, after the last frame.
 * `analyzeCapture(file, { sink })`; `onFrame` instead hands over every frame.
 */
export interface FrameSink {
  onFrame(f: FrameFacts): void;
  /** Conversations whose TCP frames the consumer follows. */
  readonly flowFilter: FlowFilter;
  skipped(totals: SkippedFrames): void;
}

/** What the frames not handed over would have said, summed (FrameFacts' counts). */
export interface SkippedFrames {
  frames: number;
  goodIpv4: number;
  goodTcp: number;
  goodUdp: number;
  unverified: number;
  /**
   * Verified TCP/UDP checksums by side of the conversation, as the verdict splits them: [0] sent from
   * the higher port or an equal one, [1] from the lower port.
   */
  verifiedBySide: [number, number];
  /** Link types of those frames. */
  linkTypes: Set<number>;
}
