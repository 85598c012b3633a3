/**
 * The per-frame facts that checksum validation hands to later analyses (the offload verdict).
 * Contract between pcap/check (producer) and pcap/verdict (consumer): extend by adding fields only.
 *
 * A FrameRecord is produced only when a consumer asks for it (`onFrame`), so plain checksum runs do
 * not pay for building it.
 */

export type ChecksumProtocol = 'ipv4' | 'tcp' | 'udp';

/**
 * good: verified correct. bad: verified wrong. unverified: could not be checked (cut by the snaplen,
 * unreassembled fragment, ...) and never counted as bad. absent: UDP over IPv4 with checksum 0 (legal).
 */
export type ChecksumStatus = 'good' | 'bad' | 'unverified' | 'absent';

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
  tcp: TcpFacts | undefined;
  udp: UdpFacts | undefined;
  /** Every checksummed layer of the frame, outermost first. */
  checks: LayerCheck[];
}
