import type { BadCounts } from './hosts.js';
import type { OsHint } from './types.js';

/** Link types that only one family of systems writes. */
const LINKTYPE_NULL = 0; // BSD loopback (macOS lo0)
const LINKTYPE_LOOP = 108; // OpenBSD loopback
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

/**
 * What the capture host's own bad checksums say about its OS (docs/pcap-verdict.md, "Sources"):
 * sums without the length are Windows large-send offload; an IPv4 header checksum left 0 is Windows
 * or BSD IP offload (Linux never offloads the IPv4 header); Linux cooked captures are Linux.
 * `ipv4Partials`: some of the outbound pseudo-header sums came from an IPv4 address, whose IPv4 header checksum was
 * then verified correct (an IPv6-only capture shows no IPv4 header, so nothing about IPv4 header offload).
 * @example const hint = guessOs(outboundBadCounts, new Set([1]), true); // link type 1 = Ethernet
 */
export function guessOs(outbound: BadCounts, linkTypes: ReadonlySet<number>, ipv4Partials = true): OsHint {
  const loopback = linkTypes.has(LINKTYPE_NULL) || linkTypes.has(LINKTYPE_LOOP);
  if (outbound.partialNoLength > 0) {
    return { guess: 'windows', because: 'large-send offload sums without the length (Windows LSO)' };
  }
  if (outbound.ipv4Zero > 0 && loopback) {
    return { guess: 'macos', because: 'IPv4 header checksums left 0 on a BSD loopback capture (macOS lo0)' };
  }
  if (outbound.ipv4Zero > 0) {
    return { guess: 'windows', because: 'IPv4 header checksums left 0 for the adapter (Windows IP offload; BSD does the same)' };
  }
  if (linkTypes.has(LINKTYPE_LINUX_SLL) || linkTypes.has(LINKTYPE_LINUX_SLL2)) {
    return { guess: 'linux', because: 'Linux cooked capture (SLL)' };
  }
  if (outbound.partial > 0 && !ipv4Partials) {
    return { guess: 'unknown', because: 'pseudo-header sums on IPv6 only (no IPv4 header to tell Windows from Linux or macOS)' };
  }
  if (outbound.partial > 0) {
    return { guess: 'linux-or-macos', because: 'pseudo-header sums with correct IPv4 header checksums (Linux never offloads the IPv4 header)' };
  }
  if (outbound.zero > 0) {
    return { guess: 'unknown', because: 'checksums left 0 (virtual NICs and hypervisors do this on any OS)' };
  }
  return { guess: 'unknown', because: 'no offload placeholders on the capture host' };
}
