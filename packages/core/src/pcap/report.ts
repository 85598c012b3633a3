/** The report model of `analyze pcap` (documented field by field in docs/json-pcap.md). */
import type { AnalyzeError, Warning } from '../errors.js';
import type { ChecksumProtocol } from './frame/frame.js';

export interface ChecksumCounts {
  /** Frames with at least one header of this protocol whose checksum was verified (good or bad). */
  checked: number;
  /** Frames with at least one bad checksum of this protocol (ICMP-quoted headers excluded). */
  bad: number;
  /** Frames with a header of this protocol that could not be verified (cut by the snaplen, unreassembled fragment). */
  unverified: number;
}

export interface UdpCounts extends ChecksumCounts {
  /** UDP over IPv4 with checksum 0: "no checksum", legal. */
  absent: number;
  /** UDP over IPv6 with checksum 0: illegal (RFC 8200), counted in `bad` too. */
  illegal: number;
}

export interface BadChecksum {
  /** 1-based frame number, as in Wireshark. */
  frame: number;
  /** Seconds since frame 1 (Wireshark's frame.time_relative), to the microsecond. */
  time: number;
  /** Ports of the frame's innermost TCP/UDP header when this layer is at that IP level (its flow); else null. */
  srcPort: number | null;
  dstPort: number | null;
  /** TCP payload bytes of that innermost TCP segment (as srcPort: this IP level only); null otherwise. */
  tcpPayload: number | null;
  protocol: ChecksumProtocol;
  src: string;
  dst: string;
  stored: number;
  correct: number;
  /** 0 for the outermost IP layer, +1 per tunnel level. */
  depth: number;
}

export interface CaptureReport {
  file: string;
  format: 'pcap' | 'pcapng' | undefined;
  gzip: boolean;
  /** LINKTYPE_* numbers, in order of appearance. */
  linkTypes: number[];
  frames: number;
  /** Bytes of (decompressed) capture read. */
  bytes: number;
  checksums: { ipv4: ChecksumCounts; tcp: ChecksumCounts; udp: UdpCounts };
  /** The bad checksums, in frame order, at most `limit` of them. */
  bad: BadChecksum[];
  /** True when `bad` was cut at the limit. */
  badTruncated: boolean;
  warnings: Warning[];
  /** Set when the file could be read only up to a point (or not at all): everything above is what came before. */
  error?: AnalyzeError;
}

export function emptyCounts(): ChecksumCounts {
  return { checked: 0, bad: 0, unverified: 0 };
}

/** Link type names for display (tcpdump.org/linktypes.html).
 * @example linkTypeName(1); // 'Ethernet'
 */
export function linkTypeName(lt: number): string {
  return LINKTYPE_NAMES[lt] ?? `LINKTYPE ${lt}`;
}

const LINKTYPE_NAMES: Record<number, string> = {
  0: 'NULL (BSD loopback)',
  1: 'Ethernet',
  // 12 and 14: DLT_RAW's value on some platforms (OpenBSD, old Linux), decoded as 101 (decode/link.ts)
  12: 'raw IP',
  14: 'raw IP',
  101: 'raw IP',
  108: 'LOOP (OpenBSD loopback)',
  113: 'Linux cooked (SLL)',
  228: 'raw IPv4',
  229: 'raw IPv6',
  276: 'Linux cooked v2 (SLL2)',
};
