/**
 * The layer walk: from the network header of one frame through IP, tunnels and ICMP-quoted headers
 * to TCP/UDP, verifying every IPv4, TCP and UDP checksum on the way. Rules follow tshark 4.0 with
 * `ip/tcp/udp.check_checksum: TRUE` (see docs/pcap.md, "When a checksum is verified").
 *
 * Results go into preallocated LayerSlots; nothing is allocated per frame except on the fragment path.
 */
import { decodeLink, afterEthertype, newLinkResult, LINKTYPE_ETHERNET, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_IP_BY_VERSION, ETHERTYPE_NONE } from '../decode/link.js';
import { add16, fold16, onesSum, sub16, wordSum, type SumFn } from './sum.js';
import { Reassembler } from './reassembly.js';

export const PROTO_IPV4 = 0;
export const PROTO_TCP = 1;
export const PROTO_UDP = 2;

export const STATUS_GOOD = 0;
export const STATUS_BAD = 1;
export const STATUS_UNVERIFIED = 2;
export const STATUS_ABSENT = 3;

/** More checksummed layers than this in one frame is crafted input; the rest are ignored. */
export const MAX_LAYERS = 32;
/**
 * Tunnel / ICMP-quote nesting deeper than this is not followed (prevents unbounded recursion; tshark 4.0
 * follows up to its 500-layer tree limit). Every nesting goes through network(), which checks it.
 */
export const MAX_DEPTH = 8;
/** IPv6 extension headers followed before giving up. */
const MAX_EXT_HEADERS = 16;
/** VXLAN's IANA port (RFC 7348); tshark decodes it by default. */
const VXLAN_PORT = 4789;

const IPPROTO_ICMP = 1;
const IPPROTO_IPIP = 4;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_IPV6 = 41;
const IPPROTO_ROUTING = 43;
const IPPROTO_FRAGMENT = 44;
const IPPROTO_GRE = 47;
const IPPROTO_AH = 51;
const IPPROTO_ICMPV6 = 58;
const IPPROTO_HOPOPTS = 0;
const IPPROTO_DSTOPTS = 60;
/** IPv6 Home Address destination option (RFC 6275 §6.3). */
const OPT_HOME_ADDRESS = 0xc9;

export class LayerSlot {
  protocol = 0;
  status = 0;
  stored = 0;
  correct = 0;
  pseudo = 0;
  pseudoNoLength = 0;
  depth = 0;
  quoted = false;
  /** UDP over IPv6 with checksum 0 (RFC 8200 §8.1 forbids it; tshark says "Illegal"). */
  illegalZero = false;
  ipVersion: 4 | 6 = 4;
  /** Where the IP header's addresses are (for text forms, built only when needed). */
  addrBuf: Uint8Array = new Uint8Array(0);
  srcOff = 0;
  dstOff = 0;
  /** Where the checksum field is: `fieldBuf[field]`, 2 bytes big-endian (the read buffer, or a reassembled datagram). */
  fieldBuf: Uint8Array = new Uint8Array(0);
  field = 0;
  /** Unverified because its datagram is fragmented; otherwise a length field runs past the packet or the capture. */
  fragmented = false;
}

export class FrameChecker {
  readonly layers: LayerSlot[] = Array.from({ length: MAX_LAYERS }, () => new LayerSlot());
  count = 0;
  readonly link = newLinkResult();
  private readonly reassembler = new Reassembler();

  /** `sum` sums transport payloads: the SIMD kernel when the reader's buffer lives in its memory. */
  constructor(private readonly sum: SumFn = onesSum) {}

  /** Incomplete fragmented datagrams dropped so far to keep reassembly within its caps (reassembly.ts). */
  get fragmentsDropped(): number {
    return this.reassembler.dropped;
  }

  /** Called, during `check`, each time incomplete datagrams are dropped (how many at once): the caller warns. */
  set onFragmentsDropped(fn: ((datagrams: number) => void) | undefined) {
    this.reassembler.onDrop = fn;
  }

  // Facts about the innermost IP/transport, for FrameRecords.
  ipVersion: 4 | 6 | 0 = 0;
  ipBuf: Uint8Array = new Uint8Array(0);
  ipSrcOff = 0;
  ipDstOff = 0;
  /** IPv4 only: the innermost source and destination addresses as signed 32-bit words (read for the address sum anyway). */
  ipv4Src = 0;
  ipv4Dst = 0;
  ipv4ChecksumZero = false;
  /** Offset of the innermost TCP/UDP header in `l4Buf` (-1 none) and the TCP payload length. */
  tcpOff = -1;
  udpOff = -1;
  l4Buf: Uint8Array = new Uint8Array(0);
  l4Dv: DataView = new DataView(new ArrayBuffer(0));
  tcpPayload = 0;

  /** Walk one captured frame u8[off, off+capLen) whose original length was origLen. */
  check(linkType: number, u8: Uint8Array, dv: DataView, off: number, capLen: number, origLen: number): void {
    this.count = 0;
    this.ipVersion = 0;
    this.ipv4ChecksumZero = false;
    this.tcpOff = -1;
    this.udpOff = -1;
    const capEnd = off + capLen;
    // The reported end may lie beyond what was captured (snaplen); never beyond it the other way.
    const repEnd = off + Math.max(origLen, capLen);
    if (linkType === LINKTYPE_ETHERNET && this.plainTcp(u8, dv, off, capEnd)) return;
    const link = this.link;
    decodeLink(linkType, dv, off, capEnd, link);
    this.network(link.etherType, u8, dv, link.offset, capEnd, repEnd, 0, false);
  }

  /**
   * The common frame in one flat pass: untagged Ethernet, IPv4 without options or fragmentation, TCP,
   * all of it captured. Leaves exactly what the general walk leaves for such a frame (plain-tcp-path.test.ts
   * compares the two on every corpus frame and on mutated ones), with less per-frame overhead, which is
   * what the reader's speed is made of on real traffic, mostly small ACKs (bench/pcap-real.mjs: the
   * checksum run 0.364 -> 0.313 s). Returns false, having changed nothing, for any other frame.
   */
  private plainTcp(u8: Uint8Array, dv: DataView, off: number, capEnd: number): boolean {
    const ip = off + 14;
    // Ethernet + IPv4 + TCP headers present, ethertype IPv4, version 4 with a 20-byte header.
    if (capEnd - ip < 40 || dv.getUint16(off + 12) !== ETHERTYPE_IPV4 || u8[ip] !== 0x45 || u8[ip + 9] !== IPPROTO_TCP) return false;
    const total = dv.getUint16(ip + 2);
    // A whole packet (a TSO super-frame's 0 and a snapped one go the general way), not a fragment.
    if (total < 40 || ip + total > capEnd || (dv.getUint16(ip + 6) & 0x3fff) !== 0) return false;
    const tcp = ip + 20;
    const length = total - 20;
    const hl = (u8[tcp + 12]! >> 4) * 4;
    if (hl < 20 || hl > length) return false;

    const link = this.link;
    link.etherType = ETHERTYPE_IPV4;
    link.offset = ip;
    link.direction = 0;
    link.dstMac = off;
    link.srcMac = off + 6;

    const ipSlot = this.slot(PROTO_IPV4, 0, false, 4, u8, ip + 12, ip + 16)!;
    const stored = dv.getUint16(ip + 10);
    const sum = wordSum(dv, ip, 20);
    ipSlot.fieldBuf = u8;
    ipSlot.field = ip + 10;
    ipSlot.stored = stored;
    ipSlot.status = sum === 0xffff ? STATUS_GOOD : STATUS_BAD;
    ipSlot.correct = sum === 0xffff ? stored : ~sub16(sum, stored) & 0xffff;
    const src = dv.getInt32(ip + 12);
    const dst = dv.getInt32(ip + 16);
    this.ipVersion = 4;
    this.ipBuf = u8;
    this.ipSrcOff = ip + 12;
    this.ipDstOff = ip + 16;
    this.ipv4ChecksumZero = stored === 0;
    this.ipv4Src = src;
    this.ipv4Dst = dst;
    this.noteTcp(u8, dv, tcp, length - hl);

    const addrSum = (src & 0xffff) + (src >>> 16) + (dst & 0xffff) + (dst >>> 16);
    const s = this.slot(PROTO_TCP, 0, false, 4, u8, ip + 12, ip + 16)!;
    s.fieldBuf = u8;
    s.field = tcp + 16;
    const tcpStored = dv.getUint16(tcp + 16);
    s.stored = tcpStored;
    s.pseudoNoLength = fold16(addrSum + IPPROTO_TCP);
    s.pseudo = fold16(addrSum + IPPROTO_TCP + length);
    const tcpSum = add16(s.pseudo, this.sum(dv, tcp, length));
    const good = tcpSum === 0xffff && tcpStored !== 0xffff;
    s.status = good ? STATUS_GOOD : STATUS_BAD;
    s.correct = good ? tcpStored : ~sub16(tcpSum, tcpStored) & 0xffff;
    return true;
  }

  private network(etherType: number, u8: Uint8Array, dv: DataView, off: number, capEnd: number, repEnd: number, depth: number, quoted: boolean): void {
    if (etherType === ETHERTYPE_NONE || depth > MAX_DEPTH || off >= capEnd) return;
    let et = etherType;
    if (et === ETHERTYPE_IP_BY_VERSION) {
      const v = u8[off]! >> 4;
      et = v === 4 ? ETHERTYPE_IPV4 : v === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_NONE;
    }
    if (et === ETHERTYPE_IPV4) this.ipv4(u8, dv, off, capEnd, repEnd, depth, quoted);
    else if (et === ETHERTYPE_IPV6) this.ipv6(u8, dv, off, capEnd, repEnd, depth, quoted);
  }

  private slot(protocol: number, depth: number, quoted: boolean, ipVersion: 4 | 6, buf: Uint8Array, srcOff: number, dstOff: number): LayerSlot | undefined {
    if (this.count >= MAX_LAYERS) return undefined;
    const s = this.layers[this.count++]!;
    s.protocol = protocol;
    s.depth = depth;
    s.quoted = quoted;
    s.ipVersion = ipVersion;
    s.addrBuf = buf;
    s.srcOff = srcOff;
    s.dstOff = dstOff;
    s.illegalZero = false;
    s.pseudo = 0;
    s.pseudoNoLength = 0;
    return s;
  }

  private ipv4(u8: Uint8Array, dv: DataView, off: number, capEnd: number, repEnd: number, depth: number, quoted: boolean): void {
    if (capEnd - off < 20 || u8[off]! >> 4 !== 4) return;
    const hl = (u8[off]! & 0x0f) * 4;
    if (hl < 20) return;
    const repAvail = repEnd - off;
    let total = dv.getUint16(off + 2);
    // TSO/LSOv2/BIG TCP leave a total length of 0: the frame is the packet (tshark's ip.tso_support).
    if (total === 0) total = repAvail;
    if (total < hl) return;
    if (total > repAvail) total = repAvail; // as tshark: the payload ends where the frame ends
    if (capEnd - off < hl) return;
    const s = this.slot(PROTO_IPV4, depth, quoted, 4, u8, off + 12, off + 16);
    const stored = dv.getUint16(off + 10);
    const sum = wordSum(dv, off, hl);
    const headerGood = sum === 0xffff;
    if (s) {
      s.fieldBuf = u8;
      s.field = off + 10;
      s.stored = stored;
      s.status = headerGood ? STATUS_GOOD : STATUS_BAD;
      s.correct = headerGood ? stored : ~sub16(sum, stored) & 0xffff;
    }
    if (!quoted) {
      this.ipVersion = 4;
      this.ipBuf = u8;
      this.ipSrcOff = off + 12;
      this.ipDstOff = off + 16;
      this.ipv4ChecksumZero = stored === 0;
    }
    const protocol = u8[off + 9]!;
    const payload = off + hl;
    const pRep = off + total;
    const pCap = Math.min(capEnd, pRep);
    const src = dv.getInt32(off + 12);
    const dst = dv.getInt32(off + 16);
    if (!quoted) {
      this.ipv4Src = src;
      this.ipv4Dst = dst;
    }
    const addrSum = fold16((src & 0xffff) + (src >>> 16) + (dst & 0xffff) + (dst >>> 16));
    const fragField = dv.getUint16(off + 6);
    const more = (fragField & 0x2000) !== 0;
    const fragOffset = (fragField & 0x1fff) * 8;
    if (more || fragOffset !== 0) {
      // tshark reassembles only fragments with a good header checksum that are fully captured.
      if (!quoted && headerGood && pCap === pRep) {
        const key = ipv4FragmentKey(dv, off, protocol);
        const whole = this.reassembler.add(key, fragOffset, u8, payload, pRep, more);
        if (whole) {
          const wdv = new DataView(whole.buffer, whole.byteOffset, whole.byteLength);
          this.transport(protocol, whole, wdv, 0, whole.length, whole.length, addrSum, depth, quoted, false, 4, u8, off + 12, off + 16);
        }
      } else if (fragOffset === 0) {
        this.transport(protocol, u8, dv, payload, pCap, pRep, addrSum, depth, quoted, true, 4, u8, off + 12, off + 16);
      }
      return;
    }
    this.transport(protocol, u8, dv, payload, pCap, pRep, addrSum, depth, quoted, false, 4, u8, off + 12, off + 16);
  }

  private ipv6(u8: Uint8Array, dv: DataView, off: number, capEnd: number, repEnd: number, depth: number, quoted: boolean): void {
    if (capEnd - off < 40 || u8[off]! >> 4 !== 6) return;
    const repAvail = repEnd - off;
    let payloadLength = dv.getUint16(off + 4);
    // Payload length 0: a jumbogram or a BIG TCP super-frame; the frame gives the length.
    if (payloadLength === 0 || 40 + payloadLength > repAvail) payloadLength = repAvail - 40;
    const pRep = off + 40 + payloadLength;
    const pCap = Math.min(capEnd, pRep);
    let srcOff = off + 8;
    let dstOff = off + 24;
    if (!quoted) {
      this.ipVersion = 6;
      this.ipBuf = u8;
      this.ipSrcOff = srcOff;
      this.ipDstOff = dstOff;
      this.ipv4ChecksumZero = false;
    }
    let next = u8[off + 6]!;
    let o = off + 40;
    for (let n = 0; n < MAX_EXT_HEADERS; n++) {
      if (next === IPPROTO_HOPOPTS || next === IPPROTO_DSTOPTS || next === IPPROTO_ROUTING || next === IPPROTO_AH) {
        if (pCap - o < 8) return;
        const len = next === IPPROTO_AH ? (u8[o + 1]! + 2) * 4 : (u8[o + 1]! + 1) * 8;
        if (pCap - o < len) return;
        if (next === IPPROTO_ROUTING) {
          // Type 0 (and type 2, Mobile IPv6) with segments left: the pseudo-header uses the final destination.
          const type = u8[o + 2]!;
          const segmentsLeft = u8[o + 3]!;
          const addresses = u8[o + 1]! >> 1;
          if ((type === 0 || type === 2) && segmentsLeft > 0 && addresses > 0) dstOff = o + 8 + 16 * (addresses - 1);
        } else if (next === IPPROTO_DSTOPTS) {
          const home = homeAddressOption(u8, o + 2, o + len);
          if (home >= 0) srcOff = home;
        }
        next = u8[o]!;
        o += len;
        continue;
      }
      if (next === IPPROTO_FRAGMENT) {
        if (pCap - o < 8) return;
        const field = dv.getUint16(o + 2);
        const fragOffset = field & 0xfff8;
        const more = (field & 1) !== 0;
        const protocol = u8[o]!;
        o += 8;
        if (!more && fragOffset === 0) {
          next = protocol; // atomic fragment (RFC 6946): not fragmented at all
          continue;
        }
        const addrSum = add16(wordSum(dv, srcOff, 16), wordSum(dv, dstOff, 16));
        if (!quoted && pCap === pRep) {
          const key = ipv6FragmentKey(dv, off, o - 4);
          const whole = this.reassembler.add(key, fragOffset, u8, o, pRep, more);
          if (whole) {
            const wdv = new DataView(whole.buffer, whole.byteOffset, whole.byteLength);
            this.transport(protocol, whole, wdv, 0, whole.length, whole.length, addrSum, depth, quoted, false, 6, u8, srcOff, dstOff);
          }
        } else if (fragOffset === 0) {
          this.transport(protocol, u8, dv, o, pCap, pRep, addrSum, depth, quoted, true, 6, u8, srcOff, dstOff);
        }
        return;
      }
      break;
    }
    const addrSum = add16(wordSum(dv, srcOff, 16), wordSum(dv, dstOff, 16));
    this.transport(next, u8, dv, o, pCap, pRep, addrSum, depth, quoted, false, 6, u8, srcOff, dstOff);
  }

  private transport(
    protocol: number,
    u8: Uint8Array,
    dv: DataView,
    o: number,
    capEnd: number,
    repEnd: number,
    addrSum: number,
    depth: number,
    quoted: boolean,
    fragmented: boolean,
    ipVersion: 4 | 6,
    addrBuf: Uint8Array,
    srcOff: number,
    dstOff: number,
  ): void {
    const length = repEnd - o;
    if (length <= 0) return;
    switch (protocol) {
      case IPPROTO_TCP: {
        if (capEnd - o < 20) return;
        const hl = (u8[o + 12]! >> 4) * 4;
        if (hl < 20) return; // tshark: bogus header length, no checksum status
        // A header length past the segment ("Short segment" in tshark) still has its checksum checked there.
        if (!quoted) this.noteTcp(u8, dv, o, Math.max(0, length - hl));
        const s = this.slot(PROTO_TCP, depth, quoted, ipVersion, addrBuf, srcOff, dstOff);
        if (!s) return;
        s.fieldBuf = u8;
        s.field = o + 16;
        s.stored = dv.getUint16(o + 16);
        s.pseudoNoLength = fold16(addrSum + IPPROTO_TCP);
        s.pseudo = fold16(addrSum + IPPROTO_TCP + (length >>> 16) + (length & 0xffff));
        if (fragmented || capEnd < repEnd) {
          s.status = STATUS_UNVERIFIED;
          s.correct = 0;
          s.fragmented = fragmented;
          return;
        }
        const sum = add16(s.pseudo, this.sum(dv, o, length));
        // RFC 1624: 0xFFFF where 0x0000 is due is "equivalent" but tshark 4.0 calls it Bad; so do we.
        const good = sum === 0xffff && s.stored !== 0xffff;
        s.status = good ? STATUS_GOOD : STATUS_BAD;
        s.correct = good ? s.stored : ~sub16(sum, s.stored) & 0xffff;
        return;
      }
      case IPPROTO_UDP: {
        if (capEnd - o < 8) return;
        const udpLength = dv.getUint16(o + 4);
        if (udpLength < 8) return; // tshark: bad length, no checksum status
        if (!quoted) this.noteUdp(u8, dv, o);
        const s = this.slot(PROTO_UDP, depth, quoted, ipVersion, addrBuf, srcOff, dstOff);
        if (s) {
          s.fieldBuf = u8;
          s.field = o + 6;
          s.stored = dv.getUint16(o + 6);
          s.pseudoNoLength = fold16(addrSum + IPPROTO_UDP);
          s.pseudo = fold16(addrSum + IPPROTO_UDP + udpLength);
          if (udpLength > length || fragmented || capEnd - o < udpLength) {
            s.status = STATUS_UNVERIFIED;
            s.correct = 0;
            s.fragmented = fragmented;
          } else {
            const sum = add16(s.pseudo, this.sum(dv, o, udpLength));
            let correct = ~sub16(sum, s.stored) & 0xffff;
            if (correct === 0) correct = 0xffff; // RFC 768: a computed 0 is sent as all ones
            s.correct = correct;
            if (s.stored === 0) {
              // Over IPv4, 0 means "no checksum" (legal); over IPv6 it is illegal (RFC 8200 §8.1).
              s.status = ipVersion === 4 ? STATUS_ABSENT : STATUS_BAD;
              s.illegalZero = ipVersion === 6;
            } else s.status = sum === 0xffff ? STATUS_GOOD : STATUS_BAD;
          }
        }
        const inner = o + 8;
        if ((dv.getUint16(o + 2) === VXLAN_PORT || dv.getUint16(o) === VXLAN_PORT) && udpLength >= 16 + 14 && udpLength <= length) {
          const end = o + udpLength;
          const cap = Math.min(capEnd, end);
          if (cap - inner < 8 + 14) return;
          afterEthertype(dv, dv.getUint16(inner + 8 + 12), inner + 8 + 14, cap, this.link);
          this.network(this.link.etherType, u8, dv, this.link.offset, cap, end, depth + 1, quoted);
        }
        return;
      }
      case IPPROTO_ICMP:
      case IPPROTO_ICMPV6: {
        if (capEnd - o < 8) return;
        const type = u8[o]!;
        const error = protocol === IPPROTO_ICMP ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : type >= 1 && type <= 4;
        if (!error) return;
        // The quoted packet is only what the ICMP message carries: tshark clips its lengths there.
        this.network(ETHERTYPE_IP_BY_VERSION, u8, dv, o + 8, capEnd, capEnd, depth + 1, true);
        return;
      }
      // Through network(), like every other nesting, for its depth check: a 40 KB frame of 2,000 IPv4
      // headers each carrying the next overflowed the stack and ended the analysis at that frame.
      case IPPROTO_IPIP:
        this.network(ETHERTYPE_IPV4, u8, dv, o, capEnd, repEnd, depth + 1, quoted);
        return;
      case IPPROTO_IPV6:
        this.network(ETHERTYPE_IPV6, u8, dv, o, capEnd, repEnd, depth + 1, quoted);
        return;
      case IPPROTO_GRE:
        this.gre(u8, dv, o, capEnd, repEnd, depth, quoted);
        return;
    }
  }

  /** GRE (RFC 2784/2890) and PPTP's enhanced GRE (RFC 2637, version 1, carrying PPP). */
  private gre(u8: Uint8Array, dv: DataView, o: number, capEnd: number, repEnd: number, depth: number, quoted: boolean): void {
    if (capEnd - o < 4) return;
    const flags = dv.getUint16(o);
    let protocol = dv.getUint16(o + 2);
    let p = o + 4;
    if (flags & 0x8000) p += 4; // checksum + reserved
    if (flags & 0x2000) p += 4; // key (PPTP: payload length + call id)
    if (flags & 0x1000) p += 4; // sequence number
    if ((flags & 7) === 1 && flags & 0x0080) p += 4; // PPTP acknowledgment number
    if (capEnd - p < 1) return;
    if (protocol === 0x880b) {
      // PPP: optional address/control 0xff 0x03, then a 1- or 2-byte protocol field.
      if (capEnd - p >= 2 && u8[p] === 0xff && u8[p + 1] === 0x03) p += 2;
      if (capEnd - p < 1) return;
      let ppp = u8[p]!;
      if (ppp & 1) p += 1;
      else {
        if (capEnd - p < 2) return;
        ppp = dv.getUint16(p);
        p += 2;
      }
      protocol = ppp === 0x21 ? ETHERTYPE_IPV4 : ppp === 0x57 ? ETHERTYPE_IPV6 : ETHERTYPE_NONE;
      this.network(protocol, u8, dv, p, capEnd, repEnd, depth + 1, quoted);
      return;
    }
    if (protocol === 0x6558) {
      // Transparent Ethernet bridging: an inner Ethernet frame.
      if (capEnd - p < 14) return;
      afterEthertype(dv, dv.getUint16(p + 12), p + 14, capEnd, this.link);
    } else afterEthertype(dv, protocol, p, capEnd, this.link);
    this.network(this.link.etherType, u8, dv, this.link.offset, capEnd, repEnd, depth + 1, quoted);
  }

  private noteTcp(u8: Uint8Array, dv: DataView, o: number, payload: number): void {
    this.tcpOff = o;
    this.udpOff = -1;
    this.l4Buf = u8;
    this.l4Dv = dv;
    this.tcpPayload = payload;
  }

  private noteUdp(u8: Uint8Array, dv: DataView, o: number): void {
    this.udpOff = o;
    this.tcpOff = -1;
    this.l4Buf = u8;
    this.l4Dv = dv;
  }
}

/** Offset of the address in a Home Address option inside an options area, or -1. */
function homeAddressOption(u8: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end) {
    const type = u8[p]!;
    if (type === 0) {
      p += 1; // Pad1
      continue;
    }
    if (p + 2 > end) return -1;
    const len = u8[p + 1]!;
    if (type === OPT_HOME_ADDRESS && len === 16 && p + 2 + 16 <= end) return p + 2;
    p += 2 + len;
  }
  return -1;
}

/*
 * Reassembly keys: the header fields that identify a datagram, as 16-bit character codes. Decimal text
 * was 5x slower: addresses above 2^31 are not small integers, and converting them dominated a flood of
 * fragments.
 */

/** IPv4 (RFC 791): source, destination, identification, protocol. */
function ipv4FragmentKey(dv: DataView, ip: number, protocol: number): string {
  return String.fromCharCode(4, dv.getUint16(ip + 12), dv.getUint16(ip + 14), dv.getUint16(ip + 16), dv.getUint16(ip + 18), dv.getUint16(ip + 4), protocol);
}

/** IPv6 (RFC 8200 §4.5): source, destination (as in the fixed header), the fragment header's identification at `id`. */
function ipv6FragmentKey(dv: DataView, ip: number, id: number): string {
  let key = String.fromCharCode(6, dv.getUint16(id), dv.getUint16(id + 2));
  for (let o = ip + 8; o < ip + 40; o += 8) key += String.fromCharCode(dv.getUint16(o), dv.getUint16(o + 2), dv.getUint16(o + 4), dv.getUint16(o + 6));
  return key;
}
