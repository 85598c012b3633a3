/**
 * The producer side of the plain TCP lane (frame.ts, `PlainTcpFrame`): the numbers of a frame the checker
 * walked on its plain path (checksum/check.ts, `plainTcp`), copied from its two layer slots once per frame.
 * A sink that takes the lane reads them as plain fields, with no layer cursor, string or direction work;
 * the full FrameFacts stay one call away (`facts()`).
 */
import type { FrameChecker } from '../checksum/check.js';
import { STATUS_BAD } from '../checksum/check.js';
import type { CheckerFacts } from './facts.js';
import { MAC_DST_ZERO, MAC_SAME, MAC_SRC_ZERO, type FrameFacts, type PlainTcpFrame } from './frame.js';
import type { PacketInfo } from '../read/packet.js';

export class CheckerPlainFrame implements PlainTcpFrame {
  frame = 0;
  timestamp = 0;
  readonly ipVersion = 4;
  srcWord = 0;
  dstWord = 0;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  tcpFlags = 0;
  payloadLength = 0;
  ipv4Bad = false;
  ipv4Stored = 0;
  tcpBad = false;
  tcpStored = 0;
  pseudo = 0;
  pseudoNoLength = 0;
  private p: PacketInfo | undefined;

  constructor(
    private readonly c: FrameChecker,
    private readonly full: CheckerFacts,
  ) {}

  /** Point at packet `p`, just walked by the checker on its plain path. */
  next(frame: number, p: PacketInfo): void {
    const c = this.c;
    const ip = c.layers[0]!;
    const tcp = c.layers[1]!;
    this.frame = frame;
    this.p = p;
    this.timestamp = p.timestamp;
    this.srcWord = c.ipv4Src;
    this.dstWord = c.ipv4Dst;
    // The plain path leaves the TCP header in the read buffer: p.dv reads it.
    const dv = p.dv;
    const o = c.tcpOff;
    this.srcPort = dv.getUint16(o);
    this.dstPort = dv.getUint16(o + 2);
    this.seq = dv.getUint32(o + 4);
    this.ack = dv.getUint32(o + 8);
    this.tcpFlags = p.u8[o + 13]!;
    this.payloadLength = c.tcpPayload;
    this.ipv4Bad = ip.status === STATUS_BAD;
    this.ipv4Stored = ip.stored;
    this.tcpBad = tcp.status === STATUS_BAD;
    this.tcpStored = tcp.stored;
    this.pseudo = tcp.pseudo;
    this.pseudoNoLength = tcp.pseudoNoLength;
  }

  addressWords(into: Int32Array): void {
    into[0] = this.srcWord;
    into[4] = this.dstWord;
    into[1] = into[2] = into[3] = into[5] = into[6] = into[7] = 0;
  }

  macPattern(): number {
    // As CheckerFacts.macPattern: each MAC as a 32-bit and a 16-bit word.
    const p = this.p!;
    const dv = p.dv;
    const s = this.c.link.srcMac;
    const d = this.c.link.dstMac;
    const s0 = dv.getInt32(s);
    const s1 = dv.getUint16(s + 4);
    const d0 = dv.getInt32(d);
    const d1 = dv.getUint16(d + 4);
    return ((s0 | s1) === 0 ? MAC_SRC_ZERO : 0) | ((d0 | d1) === 0 ? MAC_DST_ZERO : 0) | (s0 === d0 && s1 === d1 ? MAC_SAME : 0);
  }

  facts(): FrameFacts {
    const f = this.full;
    f.next(this.frame, this.p!);
    f.goodIpv4 = this.ipv4Bad ? 0 : 1;
    f.goodTcp = this.tcpBad ? 0 : 1;
    f.goodUdp = 0;
    f.bad = (this.ipv4Bad ? 1 : 0) + (this.tcpBad ? 1 : 0);
    f.unverified = 0;
    return f;
  }
}
