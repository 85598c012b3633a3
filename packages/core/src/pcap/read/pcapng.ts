/**
 * pcapng (draft-ietf-opsawg-pcapng): several sections, each with its own byte order; several
 * interfaces, each with its own link type, if_tsresol, if_tsoffset and snaplen; Enhanced, Simple and
 * obsolete Packet Blocks; other blocks skipped. Every length is checked against its block before use.
 */
import { AnalyzeError, type Warnings } from '../../errors.js';
import { type CaptureReader, MAX_LINK_TYPES_LISTED, MAX_RECORD, type PacketHandler, PacketInfo } from './packet.js';

export const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 1;
const BLOCK_PB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
const BLOCK_ISB = 5;
const BLOCK_SYSTEMD_JOURNAL = 9;
const BLOCK_CUSTOM_COPY = 0x00000bad;
const BLOCK_CUSTOM_NOCOPY = 0x40000bad;
/** Sysdig event blocks (with and without flags): tshark 4.0 shows these as frames too. */
const BLOCK_SYSDIG_EVENT = 0x204;
const BLOCK_SYSDIG_EVENT_FLAGS = 0x208;
/** tshark rejects an interface statistics block shorter than this: "total block length N of an ISB is too small (< 24)". */
const MIN_ISB = 24;
/** The blocks Wireshark numbers as frames (parse hands each to onPacket): packets, custom, journal and event blocks. */
const FRAME_BLOCKS: ReadonlySet<number> = new Set([BLOCK_EPB, BLOCK_PB, BLOCK_SPB, BLOCK_CUSTOM_COPY, BLOCK_CUSTOM_NOCOPY, BLOCK_SYSTEMD_JOURNAL, BLOCK_SYSDIG_EVENT, BLOCK_SYSDIG_EVENT_FLAGS]);
/** Link type reported for frames that are not packets (custom/journal/event blocks). */
export const LINKTYPE_NOT_A_PACKET = -1;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const OPT_EPB_FLAGS = 2;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
/** Smallest legal block: type, length, trailer. */
const MIN_BLOCK = 12;
/**
 * Most interfaces one section may define. A hostile file can repeat 20-byte interface blocks millions of
 * times (8 M of them held 733 MB). libpcap stops only where its array size would overflow (2^31) and
 * Wireshark not at all, but a real capture has one per capture interface: a handful, rarely hundreds.
 * One more is an error (PCAP_TOO_MANY_INTERFACES) at its block, with the frames before it reported.
 */
export const MAX_INTERFACES_PER_SECTION = 65536;
/** Link types are 16-bit in an interface description block. */
const LINK_TYPE_VALUES = 65536;

interface Interface {
  linkType: number;
  snaplen: number;
  unitsPerSecond: number;
  tsOffset: number;
}

export class PcapngReader implements CaptureReader {
  readonly format = 'pcapng' as const;
  readonly linkTypes: number[] = [];
  private le = true;
  private sectionStarted = false;
  /** Link types seen, listed or not: one byte each, so that a new interface costs O(1). */
  private readonly linkTypeSeen = new Uint8Array(LINK_TYPE_VALUES);
  private interfaces: Interface[] = [];
  private linkTypesCapped = false;
  /** Interfaces of earlier sections, so interface ids are unique across the file (as in Wireshark). */
  private interfaceBase = 0;
  readonly info: PacketInfo;

  constructor(
    private readonly u8: Uint8Array,
    private readonly dv: DataView,
    private readonly onPacket: PacketHandler,
    /** Where PCAP_LINK_TYPES_CAPPED goes (none: not reported). */
    private readonly warnings?: Warnings,
  ) {
    this.info = new PacketInfo(u8, dv);
  }

  get started(): boolean {
    return this.sectionStarted;
  }

  parse(start: number, end: number, base: number): number {
    const dv = this.dv;
    let p = start;
    while (end - p >= 8) {
      let type = dv.getUint32(p, this.le);
      const shb = dv.getUint32(p, true) === BLOCK_SHB; // palindromic: same in both orders
      if (shb) {
        if (end - p < 12) break;
        const magic = dv.getUint32(p + 8, true);
        if (magic === BYTE_ORDER_MAGIC) this.le = true;
        else if (magic === 0x4d3c2b1a) this.le = false;
        else throw new AnalyzeError('PCAP_BAD_BYTE_ORDER', 'section header block has no valid byte-order magic', { offset: base + p + 8 });
        type = BLOCK_SHB;
      } else if (!this.sectionStarted) {
        throw new AnalyzeError('PCAP_UNKNOWN_FORMAT', 'not a pcapng file (does not start with a section header block)', { offset: base + p });
      }
      const le = this.le;
      const total = dv.getUint32(p + 4, le);
      if (total < MIN_BLOCK || total % 4 !== 0 || total > MAX_RECORD) {
        throw new AnalyzeError('PCAP_BAD_BLOCK_LENGTH', `block of type 0x${type.toString(16)} has an invalid length of ${total} bytes`, { offset: base + p + 4 });
      }
      if (end - p < total) break;
      if (dv.getUint32(p + total - 4, le) !== total) {
        throw new AnalyzeError('PCAP_BAD_BLOCK_LENGTH', `block of type 0x${type.toString(16)}: trailing length does not match the leading length ${total}`, { offset: base + p + total - 4 });
      }
      switch (type) {
        case BLOCK_SHB:
          this.section(p, total, base);
          break;
        case BLOCK_IDB:
          this.interfaceBlock(p, total, base);
          break;
        case BLOCK_EPB:
          this.packetBlock(p, total, base, false);
          break;
        case BLOCK_PB:
          this.packetBlock(p, total, base, true);
          break;
        case BLOCK_SPB:
          this.simplePacket(p, total, base);
          break;
        case BLOCK_ISB:
          if (total < MIN_ISB) throw new AnalyzeError('PCAP_BAD_BLOCK_LENGTH', `interface statistics block too short (${total} bytes, at least ${MIN_ISB})`, { offset: base + p + 4 });
          break;
        case BLOCK_CUSTOM_COPY:
        case BLOCK_CUSTOM_NOCOPY:
        case BLOCK_SYSTEMD_JOURNAL:
        case BLOCK_SYSDIG_EVENT:
        case BLOCK_SYSDIG_EVENT_FLAGS:
          // Wireshark numbers these records as frames; count them so frame numbers stay the same.
          this.notAPacket(p, base);
          break;
        default:
        // Name resolution, statistics, decryption secrets, custom and unknown blocks: not needed.
      }
      p += total;
    }
    return p;
  }

  cutRecordIsFrame(start: number, end: number): boolean {
    // Fewer than 4 bytes: the block type is unknown, and most blocks of a capture are packets.
    if (end - start < 4) return true;
    return FRAME_BLOCKS.has(this.dv.getUint32(start, this.le));
  }

  private section(p: number, total: number, base: number): void {
    if (total < 28) throw new AnalyzeError('PCAP_BAD_BLOCK_LENGTH', `section header block too short (${total} bytes)`, { offset: base + p + 4 });
    const major = this.dv.getUint16(p + 12, this.le);
    const minor = this.dv.getUint16(p + 14, this.le);
    // tshark accepts 1.0 and 1.2 (1.2 was written by some old tools); anything else is another format.
    if (major !== 1 || (minor !== 0 && minor !== 2)) {
      throw new AnalyzeError('PCAP_BAD_VERSION', `unknown pcapng section version ${major}.${minor}`, { offset: base + p + 12 });
    }
    this.options(p + 24, p + total - 4, base, undefined);
    this.interfaceBase += this.interfaces.length;
    this.interfaces = [];
    this.sectionStarted = true;
  }

  private interfaceBlock(p: number, total: number, base: number): void {
    if (total < 20) throw new AnalyzeError('PCAP_BAD_BLOCK_LENGTH', `interface description block too short (${total} bytes)`, { offset: base + p + 4 });
    if (this.interfaces.length >= MAX_INTERFACES_PER_SECTION) {
      throw new AnalyzeError('PCAP_TOO_MANY_INTERFACES', `section defines more than ${MAX_INTERFACES_PER_SECTION} interfaces: not supported`, { offset: base + p });
    }
    const itf: Interface = { linkType: this.dv.getUint16(p + 8, this.le), snaplen: this.dv.getUint32(p + 12, this.le), unitsPerSecond: 1e6, tsOffset: 0 };
    this.options(p + 16, p + total - 4, base, itf);
    this.interfaces.push(itf);
    if (this.linkTypeSeen[itf.linkType] === 0) this.newLinkType(itf.linkType, base + p);
  }

  private newLinkType(linkType: number, offset: number): void {
    this.linkTypeSeen[linkType] = 1;
    if (this.linkTypes.length < MAX_LINK_TYPES_LISTED) this.linkTypes.push(linkType);
    else if (!this.linkTypesCapped) {
      this.linkTypesCapped = true;
      this.warnings?.warn('PCAP_LINK_TYPES_CAPPED', `more than ${MAX_LINK_TYPES_LISTED} different link types: only the first ${MAX_LINK_TYPES_LISTED} are listed`, offset);
    }
  }

  /** Walk an options list, validating every length; fills if_tsresol/if_tsoffset for an IDB. Returns epb_flags or -1. */
  private options(start: number, end: number, base: number, itf: Interface | undefined): number {
    const dv = this.dv;
    const le = this.le;
    let p = start;
    let flags = -1;
    while (end - p >= 4) {
      const code = dv.getUint16(p, le);
      const len = dv.getUint16(p + 2, le);
      if (code === OPT_ENDOFOPT) break;
      if (len > end - p - 4) {
        throw new AnalyzeError('PCAP_BAD_OPTION', `option ${code} claims ${len} bytes but only ${end - p - 4} are left in its block`, { offset: base + p });
      }
      const v = p + 4;
      if (itf && code === OPT_IF_TSRESOL && len >= 1) {
        const r = dv.getUint8(v);
        itf.unitsPerSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      } else if (itf && code === OPT_IF_TSOFFSET && len >= 8) {
        itf.tsOffset = Number(dv.getBigInt64(v, le));
      } else if (!itf && code === OPT_EPB_FLAGS && len >= 4) {
        flags = dv.getUint32(v, le);
      }
      p = v + len + ((4 - (len % 4)) % 4);
    }
    return flags;
  }

  private packetBlock(p: number, total: number, base: number, obsolete: boolean): void {
    const dv = this.dv;
    const le = this.le;
    if (total < 32) throw new AnalyzeError('PCAP_BAD_BLOCK_LENGTH', `packet block too short (${total} bytes)`, { offset: base + p + 4 });
    const id = obsolete ? dv.getUint16(p + 8, le) : dv.getUint32(p + 8, le);
    const itf = this.interfaces[id];
    if (!itf) throw new AnalyzeError('PCAP_BAD_INTERFACE', `packet refers to interface ${id}, but the section defines ${this.interfaces.length}`, { offset: base + p + 8 });
    const capLen = dv.getUint32(p + 20, le);
    if (capLen > total - 32) {
      throw new AnalyzeError('PCAP_BAD_CAPLEN', `captured length ${capLen} does not fit in its ${total}-byte block`, { offset: base + p + 20 });
    }
    const info = this.info;
    const dataEnd = p + 28 + capLen + ((4 - (capLen % 4)) % 4);
    info.epbFlags = dataEnd < p + total - 4 ? this.options(dataEnd, p + total - 4, base, undefined) : -1;
    info.offset = p + 28;
    info.capturedLength = capLen;
    info.originalLength = dv.getUint32(p + 24, le);
    info.linkType = itf.linkType;
    info.interfaceId = this.interfaceBase + id;
    info.timestamp = (dv.getUint32(p + 12, le) * 4294967296 + dv.getUint32(p + 16, le)) / itf.unitsPerSecond + itf.tsOffset;
    info.recordOffset = base + p;
    this.onPacket(info);
  }

  private notAPacket(p: number, base: number): void {
    const info = this.info;
    info.offset = p;
    info.capturedLength = 0;
    info.originalLength = 0;
    info.linkType = LINKTYPE_NOT_A_PACKET;
    info.interfaceId = -1;
    info.timestamp = 0;
    info.epbFlags = -1;
    info.recordOffset = base + p;
    this.onPacket(info);
  }

  private simplePacket(p: number, total: number, base: number): void {
    const itf = this.interfaces[0];
    if (!itf) throw new AnalyzeError('PCAP_BAD_INTERFACE', 'simple packet block before any interface description block', { offset: base + p });
    if (total < 16) throw new AnalyzeError('PCAP_BAD_BLOCK_LENGTH', `simple packet block too short (${total} bytes)`, { offset: base + p + 4 });
    const origLen = this.dv.getUint32(p + 8, this.le);
    let capLen = Math.min(origLen, total - 16);
    if (itf.snaplen > 0) capLen = Math.min(capLen, itf.snaplen);
    const info = this.info;
    info.offset = p + 12;
    info.capturedLength = capLen;
    info.originalLength = origLen;
    info.linkType = itf.linkType;
    info.interfaceId = this.interfaceBase;
    info.timestamp = 0; // SPBs carry no timestamp
    info.epbFlags = -1;
    info.recordOffset = base + p;
    this.onPacket(info);
  }
}
