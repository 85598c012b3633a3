/**
 * Classic libpcap files: microsecond and nanosecond magic, either byte order
 * (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html).
 */
import { AnalyzeError } from '../../errors.js';
import { type CaptureReader, type PacketHandler, PacketInfo } from './packet.js';

export const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
export const PCAP_MAGIC_NANO = 0xa1b23c4d;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/**
 * tshark refuses a pcap record above 262144 bytes (WTAP_MAX_PACKET_SIZE_STANDARD): "File has N-byte
 * packet, bigger than maximum of 262144". A larger captured length is a corrupt field, not a packet.
 */
export const PCAP_MAX_PACKET = 262144;
/** Bits 16-25 of the link-type field are reserved and must be zero (bits 26-31 carry FCS information). */
const LINKTYPE_RESERVED_MASK = 0x03ff0000;

export function isPcapMagic(dv: DataView, off: number): boolean {
  const m = dv.getUint32(off, false);
  const s = dv.getUint32(off, true);
  return m === PCAP_MAGIC_MICRO || m === PCAP_MAGIC_NANO || s === PCAP_MAGIC_MICRO || s === PCAP_MAGIC_NANO;
}

export class PcapReader implements CaptureReader {
  readonly format = 'pcap' as const;
  readonly linkTypes: number[] = [];
  private headerDone = false;
  get started(): boolean {
    return this.headerDone;
  }
  private le = true;
  private fracPerSecond = 1e6;
  private linkType = 0;
  readonly info: PacketInfo;

  constructor(
    private readonly u8: Uint8Array,
    private readonly dv: DataView,
    private readonly onPacket: PacketHandler,
  ) {
    this.info = new PacketInfo(u8, dv);
  }

  parse(start: number, end: number, base: number): number {
    const dv = this.dv;
    let p = start;
    if (!this.headerDone) {
      if (end - p < FILE_HEADER) return p;
      this.readHeader(p, base);
      p += FILE_HEADER;
    }
    const le = this.le;
    const info = this.info;
    info.linkType = this.linkType;
    const div = this.fracPerSecond;
    while (end - p >= RECORD_HEADER) {
      const capLen = dv.getUint32(p + 8, le);
      if (capLen > PCAP_MAX_PACKET) {
        throw new AnalyzeError('PCAP_BAD_CAPLEN', `record header gives a captured length of ${capLen} bytes (more than ${PCAP_MAX_PACKET}): corrupt record`, { offset: base + p });
      }
      if (end - p - RECORD_HEADER < capLen) break;
      info.offset = p + RECORD_HEADER;
      info.capturedLength = capLen;
      info.originalLength = dv.getUint32(p + 12, le);
      info.timestamp = dv.getUint32(p, le) + dv.getUint32(p + 4, le) / div;
      info.recordOffset = base + p;
      this.onPacket(info);
      p += RECORD_HEADER + capLen;
    }
    return p;
  }

  cutRecordIsFrame(): boolean {
    return true; // every record after the file header is a packet
  }

  private readHeader(p: number, base: number): void {
    const dv = this.dv;
    const magic = dv.getUint32(p, false);
    if (magic === PCAP_MAGIC_MICRO || magic === PCAP_MAGIC_NANO) this.le = false;
    else {
      const swapped = dv.getUint32(p, true);
      if (swapped !== PCAP_MAGIC_MICRO && swapped !== PCAP_MAGIC_NANO) {
        throw new AnalyzeError('PCAP_UNKNOWN_FORMAT', 'not a pcap file (unknown magic number)', { offset: base + p });
      }
      this.le = true;
    }
    const m = dv.getUint32(p, this.le);
    this.fracPerSecond = m === PCAP_MAGIC_NANO ? 1e9 : 1e6;
    const major = dv.getUint16(p + 4, this.le);
    const minor = dv.getUint16(p + 6, this.le);
    if (major !== 2) throw new AnalyzeError('PCAP_BAD_VERSION', `pcap major version ${major}.${minor} is not supported (only 2.x exists)`, { offset: base + p + 4 });
    const field = dv.getUint32(p + 20, this.le);
    if (field & LINKTYPE_RESERVED_MASK) {
      throw new AnalyzeError('PCAP_BAD_LINKTYPE', `link-type field has reserved bits set (0x${(field & LINKTYPE_RESERVED_MASK).toString(16).padStart(8, '0')})`, { offset: base + p + 20 });
    }
    this.linkType = field & 0xffff;
    this.linkTypes.push(this.linkType);
    this.headerDone = true;
  }
}
