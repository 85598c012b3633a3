/** Unit tests for the pieces under the reader: checksum arithmetic, address forms, link layers, the layer walk. */
import { describe, expect, it } from '@jest/globals';
// @ts-expect-error plain JS fixture builders (no types)
import * as L from '../../../../fixtures/gen/pcap/lib.mjs';
import { add16, fold16, onesSum, sub16, wordSum } from '../../src/pcap/checksum/sum.js';
import { createSimdSum } from '../../src/pcap/checksum/simd.js';
import { FrameChecker, STATUS_ABSENT, STATUS_BAD, STATUS_GOOD, STATUS_UNVERIFIED, PROTO_IPV4, PROTO_TCP, PROTO_UDP } from '../../src/pcap/checksum/check.js';
import { formatIpv6, formatMac } from '../../src/pcap/decode/addr.js';
import { decodeLink, newLinkResult, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_IP_BY_VERSION, ETHERTYPE_NONE } from '../../src/pcap/decode/link.js';
import { Reassembler, MAX_PENDING_FRAGMENT_BYTES } from '../../src/pcap/checksum/reassembly.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lib = L as any;
const dvOf = (u8: Uint8Array) => new DataView(u8.buffer, u8.byteOffset, u8.byteLength);

/** Reference: RFC 1071 sum of big-endian 16-bit words, the slow obvious way. */
function slowSum(u8: Uint8Array, off: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i += 2) s += ((u8[off + i] ?? 0) << 8) | (i + 1 < len ? (u8[off + i + 1] ?? 0) : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

describe('ones-complement sum', () => {
  it('equals the RFC 1071 word-by-word sum for every length and offset (odd tails, unaligned starts)', () => {
    const u8 = new Uint8Array(300);
    for (let i = 0; i < u8.length; i++) u8[i] = (i * 73 + 11) & 0xff;
    for (let off = 0; off < 7; off++) for (let len = 0; len < 200; len++) expect([off, len, onesSum(dvOf(u8), off, len)]).toEqual([off, len, slowSum(u8, off, len)]);
  });

  it('the RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2', () => {
    const u8 = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(onesSum(dvOf(u8), 0, 8)).toBe(0xddf2);
  });

  it('all-ones data does not overflow the accumulators', () => {
    const u8 = new Uint8Array(4 * 1024 * 1024).fill(0xff);
    expect(onesSum(dvOf(u8), 0, u8.length)).toBe(0xffff);
  });

  it('the WebAssembly SIMD kernel equals the word-by-word sum (bulk, tails, unaligned starts, the buffer end)', () => {
    const size = 1 << 20;
    const simd = createSimdSum(size);
    expect(simd).toBeDefined(); // Node 20 has WebAssembly SIMD: the fast path must be in use
    const u8 = new Uint8Array(simd!.buffer, 0, size);
    for (let i = 0; i < size; i++) u8[i] = (i * 73 + 11) & 0xff;
    const dv = new DataView(simd!.buffer, 0, size);
    for (let off = 0; off < 9; off++) for (let len = 0; len < 700; len += 3) expect([off, len, simd!.sum(dv, off, len)]).toEqual([off, len, slowSum(u8, off, len)]);
    expect(simd!.sum(dv, size - 4000, 4000)).toBe(slowSum(u8, size - 4000, 4000));
    u8.fill(0xff);
    expect(simd!.sum(dv, 0, size)).toBe(0xffff);
    // A DataView on another buffer falls back to the JS sum.
    const other = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, ...new Array(200).fill(0)]);
    expect(simd!.sum(dvOf(other), 0, other.length)).toBe(0xddf2);
  });

  it('wordSum (headers) equals the general sum', () => {
    const u8 = Uint8Array.from({ length: 60 }, (_, i) => (i * 37 + 5) & 0xff);
    for (let len = 0; len <= 60; len += 2) expect(wordSum(dvOf(u8), 0, len)).toBe(slowSum(u8, 0, len));
  });

  it('fold/add/sub are ones-complement arithmetic', () => {
    expect(fold16(0x1ffff)).toBe(0x1);
    expect(fold16(2 ** 40 + 5)).toBe(2 ** 8 + 5); // 2^16 = 1 (mod 0xffff), so 2^40 folds to 2^8
    expect(add16(0xffff, 0x0001)).toBe(0x0001);
    expect(sub16(add16(0x1234, 0xabcd), 0xabcd)).toBe(0x1234);
  });
});

describe('addresses', () => {
  it('IPv6 text form per RFC 5952', () => {
    expect(formatIpv6(lib.ipv6Addr('2001:db8::1'), 0)).toBe('2001:db8::1');
    expect(formatIpv6(lib.ipv6Addr('2001:db8:0:1:0:0:0:1'), 0)).toBe('2001:db8:0:1::1');
    expect(formatIpv6(lib.ipv6Addr('::'), 0)).toBe('::');
    expect(formatIpv6(lib.ipv6Addr('fe80::'), 0)).toBe('fe80::');
    expect(formatIpv6(lib.ipv6Addr('1:0:2:0:3:0:4:0'), 0)).toBe('1:0:2:0:3:0:4:0');
  });
  it('MAC', () => expect(formatMac(Uint8Array.from([0, 0x1b, 0x21, 0xa, 0xff, 1]), 0)).toBe('00:1b:21:0a:ff:01'));
});

describe('link layers', () => {
  const r = newLinkResult();
  it('Ethernet with stacked 802.1ad + 802.1Q tags', () => {
    const f = lib.ethernet({ vlans: [{ tpid: 0x88a8, id: 1 }, 2], payload: lib.ipv4({}) });
    decodeLink(1, dvOf(f), 0, f.length, r);
    expect([r.etherType, r.offset]).toEqual([ETHERTYPE_IPV4, 22]);
  });
  it('MPLS stack to the bottom label, then the IP version nibble', () => {
    const f = lib.ethernet({ etherType: 0x8847, payload: lib.mpls([1, 2, 3], lib.ipv6({})) });
    decodeLink(1, dvOf(f), 0, f.length, r);
    expect([r.etherType, r.offset]).toEqual([ETHERTYPE_IP_BY_VERSION, 26]);
  });
  it('SLL and SLL2 give the direction from the packet type', () => {
    const out = lib.sll({ pktType: 4, payload: lib.ipv4({}) });
    decodeLink(113, dvOf(out), 0, out.length, r);
    expect([r.etherType, r.offset, r.direction]).toEqual([ETHERTYPE_IPV4, 16, 2]);
    const inb = lib.sll2({ pktType: 0, protocol: 0x86dd, payload: lib.ipv6({}) });
    decodeLink(276, dvOf(inb), 0, inb.length, r);
    expect([r.etherType, r.offset, r.direction]).toEqual([ETHERTYPE_IPV6, 20, 1]);
  });
  it('BSD loopback in either byte order, AF_INET6 values of every BSD', () => {
    for (const [family, le] of [[2, true], [2, false], [30, true], [24, false], [28, true]] as const) {
      const f = lib.nullLoopback({ family, littleEndian: le, payload: new Uint8Array(20) });
      decodeLink(0, dvOf(f), 0, f.length, r);
      expect(r.etherType).toBe(family === 2 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
    }
  });
  it('frames too short for their link header, and unknown link types, yield nothing', () => {
    decodeLink(1, dvOf(new Uint8Array(10)), 0, 10, r);
    expect(r.etherType).toBe(ETHERTYPE_NONE);
    decodeLink(147, dvOf(new Uint8Array(100)), 0, 100, r);
    expect(r.etherType).toBe(ETHERTYPE_NONE);
  });
  it('a VLAN tag loop (every tag says VLAN again) stops at the tag limit', () => {
    const f = new Uint8Array(14 + 4 * 100);
    const dv = dvOf(f);
    for (let o = 12; o + 2 <= f.length; o += 4) dv.setUint16(o, 0x8100);
    decodeLink(1, dv, 0, f.length, r);
    expect(r.etherType).toBe(ETHERTYPE_NONE);
  });
});

describe('layer walk', () => {
  const check = (frame: Uint8Array, linkType = 1, origLen = frame.length) => {
    const c = new FrameChecker();
    c.check(linkType, frame, dvOf(frame), 0, frame.length, origLen);
    return c.layers.slice(0, c.count).map((l) => ({ p: l.protocol, s: l.status, stored: l.stored, correct: l.correct, depth: l.depth, quoted: l.quoted }));
  };

  it('good IPv4 + TCP', () => {
    expect(check(lib.packet({ payload: 'x' })).map((l) => [l.p, l.s])).toEqual([[PROTO_IPV4, STATUS_GOOD], [PROTO_TCP, STATUS_GOOD]]);
  });

  it('a bad TCP checksum reports the stored and the correct value', () => {
    const good = lib.packet({ payload: 'abc' });
    const bad = lib.packet({ payload: 'abc', checksum: 0x1234 });
    const correct = (good[14 + 20 + 16] << 8) | good[14 + 20 + 17];
    expect(check(bad)[1]).toMatchObject({ p: PROTO_TCP, s: STATUS_BAD, stored: 0x1234, correct });
  });

  it('an offload pseudo-header sum is bad, and its value is the pseudo-header sum', () => {
    const c = new FrameChecker();
    const f = lib.packet({ checksum: 'partial', payload: 10 });
    c.check(1, f, dvOf(f), 0, f.length, f.length);
    const tcp = c.layers[1]!;
    expect(tcp.status).toBe(STATUS_BAD);
    expect(tcp.stored).toBe(tcp.pseudo);
    expect(tcp.pseudo).toBe(lib.pseudoHeaderSum('10.0.0.1', '10.0.0.2', 6, 30));
    expect(tcp.pseudoNoLength).toBe(lib.pseudoHeaderSum('10.0.0.1', '10.0.0.2', 6, 30, false));
  });

  it('UDP checksum 0: absent over IPv4, bad (illegal) over IPv6', () => {
    expect(check(lib.packet({ l4: 'udp', checksum: 'zero' }))[1]!.s).toBe(STATUS_ABSENT);
    const c = new FrameChecker();
    const f = lib.packet({ ip: 6, l4: 'udp', checksum: 'zero' });
    c.check(1, f, dvOf(f), 0, f.length, f.length);
    expect([c.layers[0]!.protocol, c.layers[0]!.status, c.layers[0]!.illegalZero]).toEqual([PROTO_UDP, STATUS_BAD, true]);
  });

  it('a frame cut by the snaplen is unverified, never bad', () => {
    const f = lib.packet({ payload: 500, checksum: 'bad' });
    const cut = f.subarray(0, 80);
    const c = new FrameChecker();
    c.check(1, cut, dvOf(cut), 0, 80, f.length);
    expect([c.layers[0]!.status, c.layers[1]!.status]).toEqual([STATUS_GOOD, STATUS_UNVERIFIED]);
  });

  it('TSO super-frame with IPv4 total length 0 is checked over the whole frame', () => {
    expect(check(lib.packet({ totalLength: 0, payload: 5000 })).map((l) => l.s)).toEqual([STATUS_GOOD, STATUS_GOOD]);
  });

  it('IPv6 routing type 0: the pseudo-header uses the final destination', () => {
    const f = lib.ethernet({ etherType: 0x86dd, payload: lib.ipv6({ src: 'fd00::1', dst: 'fd00::9', ext: [lib.ipv6Ext({ kind: 'routing0', addresses: ['fd00::5', 'fd00::2'] })], payload: lib.tcp({ src: 'fd00::1', dst: 'fd00::2' }) }) });
    expect(check(f)).toEqual([expect.objectContaining({ p: PROTO_TCP, s: STATUS_GOOD })]);
  });

  it('IPv6 Home Address option: the pseudo-header uses the home address', () => {
    const f = lib.ethernet({ etherType: 0x86dd, payload: lib.ipv6({ src: 'fd00::1', dst: 'fd00::2', nextHeader: 17, ext: [lib.ipv6Ext({ kind: 'hao', home: 'fd00::77' })], payload: lib.udp({ src: 'fd00::77', dst: 'fd00::2' }) }) });
    expect(check(f)).toEqual([expect.objectContaining({ p: PROTO_UDP, s: STATUS_GOOD })]);
  });

  it('headers quoted in an ICMP error are marked quoted', () => {
    const q = lib.ipv4({ src: '10.0.0.2', dst: '10.0.0.1', protocol: 17, payload: lib.udp({ src: '10.0.0.2', dst: '10.0.0.1', checksum: 'bad' }) });
    const f = lib.ethernet({ payload: lib.ipv4({ protocol: 1, payload: lib.icmp({ type: 3, payload: q }) }) });
    expect(check(f).map((l) => [l.p, l.s, l.quoted])).toEqual([[PROTO_IPV4, STATUS_GOOD, false], [PROTO_IPV4, STATUS_GOOD, true], [PROTO_UDP, STATUS_BAD, true]]);
  });

  it('VXLAN: outer UDP and inner TCP checked separately, inner one level deeper', () => {
    const inner = lib.packet({ checksum: 'bad', src: '192.168.0.1', dst: '192.168.0.2' });
    const f = lib.ethernet({ payload: lib.ipv4({ protocol: 17, payload: lib.udp({ src: '10.0.0.1', dst: '10.0.0.2', dstPort: 4789, payload: lib.vxlan({ payload: inner }) }) }) });
    expect(check(f).map((l) => [l.p, l.s, l.depth])).toEqual([[PROTO_IPV4, STATUS_GOOD, 0], [PROTO_UDP, STATUS_GOOD, 0], [PROTO_IPV4, STATUS_GOOD, 1], [PROTO_TCP, STATUS_BAD, 1]]);
  });
});

describe('fragment reassembly', () => {
  it('completes in any order and hands back the datagram', () => {
    const r = new Reassembler();
    expect(r.add('k', 8, Uint8Array.from([0, 9, 10]), 1, 3, false)).toBeUndefined();
    expect(r.add('k', 0, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 0, 8, true)).toEqual(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  });
  it('holds a bounded amount for datagrams that never complete', () => {
    const r = new Reassembler();
    const chunk = new Uint8Array(60000);
    for (let i = 0; i < 1000; i++) r.add(`k${i}`, 0, chunk, 0, chunk.length, true); // 60 MB offered
    expect((r as unknown as { pendingBytes: number }).pendingBytes).toBeLessThanOrEqual(MAX_PENDING_FRAGMENT_BYTES);
  });
  it('ignores fragments beyond the 64 KiB datagram limit', () => {
    expect(new Reassembler().add('k', 65528, new Uint8Array(100), 0, 100, false)).toBeUndefined();
  });
});
