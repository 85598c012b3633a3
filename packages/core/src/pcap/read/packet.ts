import { AnalyzeError } from '../../errors.js';

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

/**
 * Most link types a reader lists. A pcapng file can name all 65,536 (one per interface): listing them
 * made a 1 MB first line of text. A real capture has a few; past this many the rest are only warned of
 * (`PCAP_LINK_TYPES_CAPPED`).
 */
export const MAX_LINK_TYPES_LISTED = 16;

export interface CaptureReader {
  readonly format: 'pcap' | 'pcapng';
  /** Different link types seen so far, in order of first appearance, at most MAX_LINK_TYPES_LISTED. */
  readonly linkTypes: number[];
  /**
   * The file header (pcap) or the first section header block (pcapng) has been read. A file that ends
   * before it is not a readable capture (`truncatedHeader`), unlike one cut inside a later record.
   */
  readonly started: boolean;
  /**
   * Handle every complete record in buf[start, end) and return where the first incomplete one starts.
   * `base` is the stream offset of buf[0] (for error offsets). Throws AnalyzeError on damage.
   */
  parse(start: number, end: number, base: number): number;
  /** The one PacketInfo handed to every `onPacket` call, reused: during a call, the record being handled. */
  readonly info: PacketInfo;
  /**
   * Whether the incomplete record at buf[start, end), where the file ends, would have been a frame (numbered
   * as Wireshark does), as far as its bytes tell: a cut packet is one that was never checked.
   */
  cutRecordIsFrame(start: number, end: number): boolean;
}

/**
 * The largest record we accept. The read buffer holds at least one whole record, so this bounds memory
 * whatever a corrupt length field says; tshark's own limit for a packet is 256 KiB (pcap) and 16 MiB
 * for a pcapng block, so real captures are far below it.
 */
export const MAX_RECORD = 4 * 1024 * 1024;

/** "1 byte", "3 bytes". */
export function byteCount(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

/** The error for a file of fewer bytes than any capture format's magic number: no reader can even be chosen. */
export function tooShortForMagic(fileEnd: number): AnalyzeError {
  return new AnalyzeError('PCAP_TOO_SHORT', `file is only ${byteCount(fileEnd)}: not a capture`, { offset: fileEnd });
}

/**
 * The error for a file that ends inside a record after its header was read: the records before it are
 * reported, the cut one is not (tshark: "appears to have been cut short in the middle of a packet", exit 2).
 * `present` bytes of it are in the file, from `offset` on.
 */
export function truncatedRecord(offset: number, present: number, rest: string): AnalyzeError {
  return new AnalyzeError('PCAP_TRUNCATED_RECORD', `capture ends in the middle of a record (${byteCount(present)} of it present): ${rest}`, { offset });
}

/**
 * The error for a file that ends at `fileEnd` before the reader could read its file header: tshark and
 * capinfos reject such a file ("cut short"), so it is not a clean capture with a damaged tail.
 */
export function truncatedHeader(reader: CaptureReader, fileEnd: number): AnalyzeError {
  const what = reader.format === 'pcap' ? 'its 24-byte file header' : 'its first section header block';
  return new AnalyzeError('PCAP_TOO_SHORT', `file ends inside ${what} (${fileEnd} bytes): not a readable capture`, { offset: fileEnd });
}
