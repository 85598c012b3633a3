/**
 * The reader's side of a `FrameSink` (frame.ts): decides for each frame without a bad checksum whether
 * the sink must see it, and counts the ones it need not see. About half the frames of a busy capture
 * are UDP or belong to conversations the verdict does not follow; not handing them over is what keeps
 * the verdict's cost near the checksum run's (docs/pcap-verdict.md, Performance).
 */
import type { FrameChecker } from '../checksum/check.js';
import { addressKey, type FlowFilter, flowFilterSlot } from './flow-filter.js';
import type { FrameSink, SkippedFrames } from './frame.js';
import type { PacketInfo } from '../read/packet.js';

/** pcapng epb_flags direction bits (0-1), as in facts.ts. */
const EPB_DIRECTION_MASK = 3;

export class FrameGate {
  // The totals as plain fields (one store each per frame), gathered into SkippedFrames at the end.
  private frames = 0;
  private goodIpv4 = 0;
  private goodTcp = 0;
  private goodUdp = 0;
  private unverified = 0;
  private fromHigherPort = 0;
  private fromLowerPort = 0;
  private readonly linkTypes = new Set<number>();
  private lastLinkType = Number.NaN;
  private readonly filter: FlowFilter;
  private readonly followed: Int32Array;

  constructor(
    sink: FrameSink,
    private readonly c: FrameChecker,
  ) {
    this.filter = sink.flowFilter;
    this.followed = this.filter.counts;
  }

  /**
   * For a frame without a bad checksum that the checker has just walked: true when the sink must see it
   * (its direction is stated, or it is TCP of a conversation the sink may follow); otherwise its counts
   * are added to the totals and false is returned.
   */
  pass(p: PacketInfo, goodIpv4: number, goodTcp: number, goodUdp: number, unverified: number): boolean {
    const c = this.c;
    const flags = p.epbFlags;
    if ((flags >= 0 && (flags & EPB_DIRECTION_MASK) !== 0) || c.link.direction !== 0) return true;
    let srcPort = 0;
    let dstPort = 0;
    const tcp = c.tcpOff;
    if (tcp >= 0) {
      const l4 = c.l4Dv;
      srcPort = l4.getUint16(tcp);
      dstPort = l4.getUint16(tcp + 2);
      if (this.filter.total !== 0 && this.mayBeFollowed(p, srcPort, dstPort)) return true;
    } else if (c.udpOff >= 0) {
      const l4 = c.l4Dv;
      srcPort = l4.getUint16(c.udpOff);
      dstPort = l4.getUint16(c.udpOff + 2);
    }
    this.frames++;
    this.goodIpv4 += goodIpv4;
    this.unverified += unverified;
    const transport = goodTcp + goodUdp;
    if (transport > 0) {
      this.goodTcp += goodTcp;
      this.goodUdp += goodUdp;
      if (srcPort < dstPort) this.fromLowerPort += transport;
      else this.fromHigherPort += transport;
    }
    if (p.linkType !== this.lastLinkType) {
      this.lastLinkType = p.linkType;
      this.linkTypes.add(p.linkType);
    }
    return false;
  }

  /** What the frames not handed over would have said (for `FrameSink.skipped`). */
  totals(): SkippedFrames {
    return {
      frames: this.frames,
      goodIpv4: this.goodIpv4,
      goodTcp: this.goodTcp,
      goodUdp: this.goodUdp,
      unverified: this.unverified,
      verifiedBySide: [this.fromHigherPort, this.fromLowerPort],
      linkTypes: this.linkTypes,
    };
  }

  /** Is the filter's slot for this TCP frame's conversation in use? */
  private mayBeFollowed(p: PacketInfo, srcPort: number, dstPort: number): boolean {
    const c = this.c;
    if (c.ipVersion === 4) return this.followed[flowFilterSlot(c.ipv4Src, srcPort, c.ipv4Dst, dstPort)] !== 0;
    return this.mayBeFollowedIpv6(p, srcPort, dstPort);
  }

  /** mayBeFollowed for IPv6, apart so that the IPv4 test stays small enough to be inlined. */
  private mayBeFollowedIpv6(p: PacketInfo, srcPort: number, dstPort: number): boolean {
    const c = this.c;
    const b = c.ipBuf;
    // The innermost IP header is in the read buffer, except for a tunnel inside a reassembled datagram.
    const dv = b === p.u8 ? p.dv : new DataView(b.buffer, b.byteOffset, b.byteLength);
    const s = c.ipSrcOff;
    const d = c.ipDstOff;
    const srcKey = addressKey(dv.getInt32(s), dv.getInt32(s + 4), dv.getInt32(s + 8), dv.getInt32(s + 12));
    const dstKey = addressKey(dv.getInt32(d), dv.getInt32(d + 4), dv.getInt32(d + 8), dv.getInt32(d + 12));
    return this.followed[flowFilterSlot(srcKey, srcPort, dstKey, dstPort)] !== 0;
  }
}
