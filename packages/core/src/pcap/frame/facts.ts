/**
 * The producer side of the frame contract (frame.ts): `CheckerFacts` exposes the frame the checker
 * has just walked as numbers, read from the frame's bytes on demand, and builds the full FrameRecord
 * only when the consumer asks. One object is reused for every frame: nothing is allocated per frame
 * unless a record or a string is requested.
 */
import { type ChecksumProtocol, type ChecksumStatus, type Direction, type FrameFacts, type FrameRecord, type LayerCheck, type LayerFacts, MAC_DST_ZERO, MAC_SAME, MAC_SRC_ZERO } from './frame.js';
import { type FrameChecker, type LayerSlot, PROTO_IPV4, STATUS_UNVERIFIED } from '../checksum/check.js';
import { AddressText } from '../decode/addr.js';
import type { PacketInfo } from '../read/packet.js';

const PROTOCOL_NAMES = ['ipv4', 'tcp', 'udp'] as const;
const STATUS_NAMES = ['good', 'bad', 'unverified', 'absent'] as const;
/** pcapng epb_flags direction bits (0-1): 01 inbound, 10 outbound. */
const EPB_DIRECTION_MASK = 3;

/** LayerFacts over one of the checker's layer slots; the address text is looked up only if read. */
class SlotFacts implements LayerFacts {
  slot: LayerSlot | undefined;
  constructor(private readonly text: AddressText) {}
  private get s(): LayerSlot {
    return this.slot!;
  }
  get protocol(): ChecksumProtocol {
    return PROTOCOL_NAMES[this.s.protocol]!;
  }
  get status(): ChecksumStatus {
    return STATUS_NAMES[this.s.status]!;
  }
  get stored(): number {
    return this.s.stored;
  }
  get pseudoHeaderSum(): number | undefined {
    return this.s.protocol === PROTO_IPV4 ? undefined : this.s.pseudo;
  }
  get pseudoHeaderSumNoLength(): number | undefined {
    return this.s.protocol === PROTO_IPV4 ? undefined : this.s.pseudoNoLength;
  }
  get depth(): number {
    return this.s.depth;
  }
  get quoted(): boolean {
    return this.s.quoted;
  }
  get src(): string {
    const s = this.s;
    return this.text.ip(s.addrBuf, s.srcOff, s.ipVersion);
  }
}

export class CheckerFacts implements FrameFacts {
  frame = 0;
  timestamp = 0;
  linkType = 0;
  direction: Direction = undefined;
  goodIpv4 = 0;
  goodTcp = 0;
  goodUdp = 0;
  bad = 0;
  unverified = 0;
  // The innermost IP version and transport header, read once per frame (a handful of loads; the
  // consumer reads most of them for every TCP frame it follows; measured: cheaper than getters).
  ipVersion: 0 | 4 | 6 = 0;
  srcWord = 0;
  dstWord = 0;
  isTcp = false;
  isUdp = false;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  tcpFlags = 0;
  payloadLength = 0;
  private p: PacketInfo | undefined;
  private readonly text = new AddressText();
  private readonly cursor = new SlotFacts(this.text);

  constructor(private readonly c: FrameChecker) {}

  get layerCount(): number {
    return this.c.count;
  }

  layer(i: number): LayerFacts {
    this.cursor.slot = this.c.layers[i];
    return this.cursor;
  }

  /** Point at packet `p`, just walked by the checker; the caller sets the layer counts. */
  next(frame: number, p: PacketInfo): void {
    this.frame = frame;
    this.p = p;
    this.timestamp = p.timestamp;
    this.linkType = p.linkType;
    const flags = p.epbFlags;
    const linkDirection = this.c.link.direction;
    if (flags >= 0 && (flags & EPB_DIRECTION_MASK) !== 0) {
      const d = flags & EPB_DIRECTION_MASK;
      this.direction = d === 1 ? 'inbound' : d === 2 ? 'outbound' : undefined;
    } else if (linkDirection !== 0) {
      this.direction = linkDirection === 2 ? 'outbound' : 'inbound';
    } else this.direction = undefined;
    const c = this.c;
    this.ipVersion = c.ipVersion;
    if (c.ipVersion === 4) {
      this.srcWord = c.ipv4Src;
      this.dstWord = c.ipv4Dst;
    } else if (c.ipVersion === 6) {
      const dv = this.ipView();
      this.srcWord = dv.getInt32(c.ipSrcOff);
      this.dstWord = dv.getInt32(c.ipDstOff);
    } else this.srcWord = this.dstWord = 0;
    const l4 = c.l4Dv;
    if (c.tcpOff >= 0) {
      const o = c.tcpOff;
      this.isTcp = true;
      this.isUdp = false;
      this.srcPort = l4.getUint16(o);
      this.dstPort = l4.getUint16(o + 2);
      this.seq = l4.getUint32(o + 4);
      this.ack = l4.getUint32(o + 8);
      this.tcpFlags = l4.getUint8(o + 13);
      this.payloadLength = c.tcpPayload;
    } else {
      this.isTcp = false;
      this.seq = this.ack = this.tcpFlags = this.payloadLength = 0;
      if (c.udpOff >= 0) {
        this.isUdp = true;
        this.srcPort = l4.getUint16(c.udpOff);
        this.dstPort = l4.getUint16(c.udpOff + 2);
      } else {
        this.isUdp = false;
        this.srcPort = this.dstPort = 0;
      }
    }
  }

  get window(): number {
    const c = this.c;
    return c.tcpOff >= 0 ? c.l4Dv.getUint16(c.tcpOff + 14) : 0;
  }

  get ipId(): number {
    const c = this.c;
    // The IPv4 header starts 12 bytes before its source address; its identification is at byte 4.
    return c.ipVersion === 4 ? this.ipView().getUint16(c.ipSrcOff - 8) : -1;
  }

  addressWords(into: Int32Array): void {
    const c = this.c;
    const dv = this.ipView();
    if (c.ipVersion === 4) {
      into[0] = dv.getInt32(c.ipSrcOff);
      into[4] = dv.getInt32(c.ipDstOff);
      into[1] = into[2] = into[3] = into[5] = into[6] = into[7] = 0;
    } else if (c.ipVersion === 6) {
      for (let i = 0; i < 4; i++) {
        into[i] = dv.getInt32(c.ipSrcOff + 4 * i);
        into[4 + i] = dv.getInt32(c.ipDstOff + 4 * i);
      }
    } else into.fill(0);
  }

  /**
   * A view of the buffer the innermost IP header is in: the read buffer (`p.dv`), except for a tunnel
   * inside a reassembled datagram, which is in the reassembly's own buffer.
   */
  private ipView(): DataView {
    const b = this.c.ipBuf;
    const p = this.p!;
    return b === p.u8 ? p.dv : new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  srcText(): string | undefined {
    const c = this.c;
    return c.ipVersion === 0 ? undefined : this.text.ip(c.ipBuf, c.ipSrcOff, c.ipVersion);
  }

  dstText(): string | undefined {
    const c = this.c;
    return c.ipVersion === 0 ? undefined : this.text.ip(c.ipBuf, c.ipDstOff, c.ipVersion);
  }

  srcMacText(): string | undefined {
    const p = this.p;
    return p !== undefined && this.c.link.srcMac >= 0 ? this.text.mac(p.u8, this.c.link.srcMac) : undefined;
  }

  dstMacText(): string | undefined {
    const p = this.p;
    return p !== undefined && this.c.link.dstMac >= 0 ? this.text.mac(p.u8, this.c.link.dstMac) : undefined;
  }

  macPattern(): number {
    const p = this.p;
    const s = this.c.link.srcMac;
    const d = this.c.link.dstMac;
    if (p === undefined || s < 0 || d < 0) return -1;
    // Each MAC as a 32-bit and a 16-bit word (p.dv indexes the bytes of p.u8): four loads, no loop.
    const dv = p.dv;
    const s0 = dv.getInt32(s);
    const s1 = dv.getUint16(s + 4);
    const d0 = dv.getInt32(d);
    const d1 = dv.getUint16(d + 4);
    return ((s0 | s1) === 0 ? MAC_SRC_ZERO : 0) | ((d0 | d1) === 0 ? MAC_DST_ZERO : 0) | (s0 === d0 && s1 === d1 ? MAC_SAME : 0);
  }

  record(): FrameRecord {
    const p = this.p!;
    const c = this.c;
    const text = this.text;
    const checks: LayerCheck[] = [];
    for (let i = 0; i < c.count; i++) checks.push(layerCheck(c.layers[i]!, text));
    const l4 = c.l4Dv;
    return {
      frame: this.frame,
      timestamp: p.timestamp,
      interfaceId: p.interfaceId,
      linkType: p.linkType,
      capturedLength: p.capturedLength,
      originalLength: p.originalLength,
      direction: this.direction,
      epbFlags: p.epbFlags >= 0 ? p.epbFlags : undefined,
      srcMac: this.srcMacText(),
      dstMac: this.dstMacText(),
      ipVersion: c.ipVersion === 0 ? undefined : c.ipVersion,
      src: this.srcText(),
      dst: this.dstText(),
      ipv4ChecksumZero: c.ipv4ChecksumZero,
      ipId: c.ipVersion === 4 ? this.ipId : undefined,
      tcp:
        c.tcpOff >= 0
          ? {
              srcPort: l4.getUint16(c.tcpOff),
              dstPort: l4.getUint16(c.tcpOff + 2),
              seq: l4.getUint32(c.tcpOff + 4),
              ack: l4.getUint32(c.tcpOff + 8),
              flags: l4.getUint8(c.tcpOff + 13),
              window: l4.getUint16(c.tcpOff + 14),
              payloadLength: c.tcpPayload,
            }
          : undefined,
      udp: c.udpOff >= 0 ? { srcPort: l4.getUint16(c.udpOff), dstPort: l4.getUint16(c.udpOff + 2), length: l4.getUint16(c.udpOff + 4) } : undefined,
      checks,
    };
  }
}

function layerCheck(l: LayerSlot, text: AddressText): LayerCheck {
  const c: LayerCheck = {
    protocol: PROTOCOL_NAMES[l.protocol]!,
    status: STATUS_NAMES[l.status]!,
    stored: l.stored,
    correct: l.status === STATUS_UNVERIFIED ? undefined : l.correct,
    depth: l.depth,
    quoted: l.quoted,
    src: text.ip(l.addrBuf, l.srcOff, l.ipVersion),
    dst: text.ip(l.addrBuf, l.dstOff, l.ipVersion),
  };
  if (l.protocol !== PROTO_IPV4) {
    c.pseudoHeaderSum = l.pseudo;
    c.pseudoHeaderSumNoLength = l.pseudoNoLength;
  }
  return c;
}
