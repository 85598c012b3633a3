/**
 * Link layers: from a link type (LINKTYPE_* numbers, tcpdump.org/linktypes.html) to the network
 * layer's ethertype and offset. Results go into a reused LinkResult so the hot path allocates nothing.
 */

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
/** Some writers (OpenBSD, old Linux) store DLT_RAW's platform value instead of LINKTYPE_RAW. */
const DLT_RAW_ALIASES = new Set([12, 14]);

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;
const ETHERTYPE_MPLS = 0x8847;
const ETHERTYPE_MPLS_MULTICAST = 0x8848;
const ETHERTYPE_PPPOE_SESSION = 0x8864;
/** Stand-in ethertype for "an IP packet; look at its version nibble" (raw IP, MPLS payloads). */
export const ETHERTYPE_IP_BY_VERSION = 0x10000;
/** No network layer we check. */
export const ETHERTYPE_NONE = -1;

/** Tag stacks deeper than this are not real traffic; stop rather than loop on crafted input. */
const MAX_TAGS = 16;

/** SLL pkttype PACKET_OUTGOING (linux/if_packet.h): the capturing host sent it. */
const PACKET_OUTGOING = 4;

export interface LinkResult {
  /** The network layer's ethertype, ETHERTYPE_IP_BY_VERSION, or ETHERTYPE_NONE. */
  etherType: number;
  /** Offset of the network header in the packet buffer. */
  offset: number;
  /** 1 inbound, 2 outbound, 0 unknown (SLL pkttype). */
  direction: number;
  /** Offset of the source / destination MAC (-1 when the link has none). */
  srcMac: number;
  dstMac: number;
}

export function newLinkResult(): LinkResult {
  return { etherType: ETHERTYPE_NONE, offset: 0, direction: 0, srcMac: -1, dstMac: -1 };
}

/** Decode the link header of a packet occupying u8[off, end). */
export function decodeLink(linkType: number, dv: DataView, off: number, end: number, r: LinkResult): void {
  r.etherType = ETHERTYPE_NONE;
  r.direction = 0;
  r.srcMac = -1;
  r.dstMac = -1;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (end - off < 14) return;
      r.dstMac = off;
      r.srcMac = off + 6;
      afterEthertype(dv, dv.getUint16(off + 12), off + 14, end, r);
      return;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (end - off < 4) return;
      // DLT_NULL stores the AF_ value in the writer's byte order; DLT_LOOP always big-endian.
      let family = dv.getUint32(off, false);
      if (linkType === LINKTYPE_NULL && (family & 0xffff) === 0) family = dv.getUint32(off, true);
      r.offset = off + 4;
      // AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux).
      if (family === 2) r.etherType = ETHERTYPE_IPV4;
      else if (family === 24 || family === 28 || family === 30 || family === 10) r.etherType = ETHERTYPE_IPV6;
      return;
    }
    case LINKTYPE_LINUX_SLL:
      if (end - off < 16) return;
      r.direction = dv.getUint16(off) === PACKET_OUTGOING ? 2 : 1;
      if (dv.getUint16(off + 4) === 6) r.srcMac = off + 6;
      afterEthertype(dv, dv.getUint16(off + 14), off + 16, end, r);
      return;
    case LINKTYPE_LINUX_SLL2:
      if (end - off < 20) return;
      r.direction = dv.getUint8(off + 10) === PACKET_OUTGOING ? 2 : 1;
      if (dv.getUint8(off + 11) === 6) r.srcMac = off + 12;
      afterEthertype(dv, dv.getUint16(off), off + 20, end, r);
      return;
    case LINKTYPE_IPV4:
      r.etherType = ETHERTYPE_IPV4;
      r.offset = off;
      return;
    case LINKTYPE_IPV6:
      r.etherType = ETHERTYPE_IPV6;
      r.offset = off;
      return;
    default:
      if (linkType === LINKTYPE_RAW || DLT_RAW_ALIASES.has(linkType)) {
        r.etherType = ETHERTYPE_IP_BY_VERSION;
        r.offset = off;
      }
  }
}

/**
 * Follow an ethertype through VLAN tags, MPLS labels and PPPoE to the network layer. Also used for
 * the payload of GRE and of inner Ethernet frames (VXLAN).
 */
export function afterEthertype(dv: DataView, etherType: number, off: number, end: number, r: LinkResult): void {
  let et = etherType;
  let o = off;
  for (let tags = 0; tags < MAX_TAGS; tags++) {
    if (et === ETHERTYPE_VLAN || et === ETHERTYPE_QINQ || et === ETHERTYPE_QINQ_OLD) {
      if (end - o < 4) break;
      et = dv.getUint16(o + 2);
      o += 4;
      continue;
    }
    if (et === ETHERTYPE_MPLS || et === ETHERTYPE_MPLS_MULTICAST) {
      // Skip label stack entries to the bottom-of-stack bit, then guess the payload from the IP version nibble.
      let bottom = false;
      for (let n = 0; n < MAX_TAGS && !bottom; n++) {
        if (end - o < 4) return;
        bottom = (dv.getUint8(o + 2) & 1) === 1;
        o += 4;
      }
      if (!bottom || end - o < 1) return;
      r.etherType = ETHERTYPE_IP_BY_VERSION;
      r.offset = o;
      return;
    }
    if (et === ETHERTYPE_PPPOE_SESSION) {
      if (end - o < 8) return;
      const ppp = dv.getUint16(o + 6);
      r.offset = o + 8;
      r.etherType = ppp === 0x0021 ? ETHERTYPE_IPV4 : ppp === 0x0057 ? ETHERTYPE_IPV6 : ETHERTYPE_NONE;
      return;
    }
    break;
  }
  r.offset = o;
  r.etherType = et === ETHERTYPE_IPV4 || et === ETHERTYPE_IPV6 ? et : ETHERTYPE_NONE;
}
