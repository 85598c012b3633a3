/** What a capture reader hands over for each packet: a view into the reused read buffer, never a copy. */
export class PacketInfo {
  /** The shared read buffer; the packet is u8[offset, offset + capturedLength). Valid only during the callback. */
  u8: Uint8Array;
  dv: DataView;
  offset = 0;
  capturedLength = 0;
  originalLength = 0;
  linkType = 0;
  /** Interface index across the whole file (pcapng sections add up); 0 for classic pcap. */
  interfaceId = 0;
  /** Seconds since the epoch. */
  timestamp = 0;
  /** pcapng epb_flags (or PB flags) option, -1 when absent. */
  epbFlags = -1;
  /** Byte offset of the record in the (decompressed) stream, for error messages. */
  recordOffset = 0;

  constructor(u8: Uint8Array, dv: DataView) {
    this.u8 = u8;
    this.dv = dv;
  }
}

export type PacketHandler = (p: PacketInfo) => void;

export interface CaptureReader {
  readonly format: 'pcap' | 'pcapng';
  /** Link types seen so far, in order of first appearance (one per interface for pcapng). */
  readonly linkTypes: number[];
  /**
   * Handle every complete record in buf[start, end) and return where the first incomplete one starts.
   * `base` is the stream offset of buf[0] (for error offsets). Throws AnalyzeError on damage.
   */
  parse(start: number, end: number, base: number): number;
  /** The one PacketInfo handed to every `onPacket` call, reused: during a call, the record being handled. */
  readonly info: PacketInfo;
}

/**
 * The largest record we accept. The read buffer holds at least one whole record, so this bounds memory
 * whatever a corrupt length field says; tshark's own limit for a packet is 256 KiB (pcap) and 16 MiB
 * for a pcapng block, so real captures are far below it.
 */
export const MAX_RECORD = 4 * 1024 * 1024;
