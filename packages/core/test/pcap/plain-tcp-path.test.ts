/**
 * The checker's flat path for plain Ethernet/IPv4/TCP frames (FrameChecker.plainTcp) must leave exactly
 * what the general layer walk leaves: every layer slot, the innermost IP/transport facts and the link
 * result. Checked on every frame of the corpus and on frames whose headers were mutated around the
 * path's conditions (options, fragments, VLAN tags, lengths 0 or past the capture, bad TCP header lengths).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { detect } from '../../src/pcap/analyze.js';
import { FrameChecker } from '../../src/pcap/checksum/check.js';
import type { PacketInfo } from '../../src/pcap/read/packet.js';
import { corpusFiles, corpusPath } from '../helpers/corpus.js';

const ETHERNET = 1;

/** A checker whose flat path is switched off, and one that counts the frames its flat path took. */
function checkers(): { general: FrameChecker; flat: FrameChecker; flatFrames: () => number } {
  const general = new FrameChecker();
  Object.assign(general, { plainTcp: () => false });
  const flat = new FrameChecker();
  const own = (flat as unknown as { plainTcp: (...a: unknown[]) => boolean }).plainTcp.bind(flat);
  let taken = 0;
  Object.assign(flat, {
    plainTcp: (...a: unknown[]) => {
      const took = own(...a);
      if (took) taken++;
      return took;
    },
  });
  return { general, flat, flatFrames: () => taken };
}

/** Everything a consumer of the checker reads after one frame. */
function state(c: FrameChecker): unknown {
  const layers = c.layers.slice(0, c.count).map((l) => ({
    protocol: l.protocol,
    status: l.status,
    stored: l.stored,
    correct: l.correct,
    pseudo: l.pseudo,
    pseudoNoLength: l.pseudoNoLength,
    depth: l.depth,
    quoted: l.quoted,
    illegalZero: l.illegalZero,
    ipVersion: l.ipVersion,
    addrBuf: l.addrBuf.byteLength,
    srcOff: l.srcOff,
    dstOff: l.dstOff,
    fieldBuf: l.fieldBuf.byteLength,
    field: l.field,
  }));
  const { ipVersion, ipSrcOff, ipDstOff, ipv4ChecksumZero, tcpOff, udpOff, tcpPayload } = c;
  const ipv4 = ipVersion === 4 ? { src: c.ipv4Src, dst: c.ipv4Dst } : undefined;
  const l4 = tcpOff >= 0 || udpOff >= 0 ? c.l4Buf.byteLength : 0;
  return { layers, ipVersion, ipSrcOff, ipDstOff, ipv4, ipv4ChecksumZero, tcpOff, udpOff, tcpPayload: tcpOff >= 0 ? tcpPayload : 0, l4, link: { ...c.link } };
}

/** Every packet of a capture file, as (buffer, offset, lengths, link type). */
function packets(file: string): { u8: Uint8Array; dv: DataView; offset: number; capturedLength: number; originalLength: number; linkType: number }[] {
  let bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const out: ReturnType<typeof packets> = [];
  const collect = (p: PacketInfo): void => {
    out.push({ u8, dv, offset: p.offset, capturedLength: p.capturedLength, originalLength: p.originalLength, linkType: p.linkType });
  };
  try {
    detect(u8, dv, collect, file).parse(0, u8.length, 0);
  } catch {
    // a damaged corpus file: the frames before the damage are enough here
  }
  return out;
}

function compare(p: ReturnType<typeof packets>[number], general: FrameChecker, flat: FrameChecker): void {
  general.check(p.linkType, p.u8, p.dv, p.offset, p.capturedLength, p.originalLength);
  flat.check(p.linkType, p.u8, p.dv, p.offset, p.capturedLength, p.originalLength);
  expect(state(flat)).toEqual(state(general));
}

describe('the flat Ethernet/IPv4/TCP path', () => {
  it('leaves what the general walk leaves on every corpus frame, and takes most of them', () => {
    const { general, flat, flatFrames } = checkers();
    let frames = 0;
    for (const name of corpusFiles('pcap').filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f))) {
      for (const p of packets(corpusPath('pcap', name))) {
        frames++;
        compare(p, general, flat);
      }
    }
    expect(frames).toBeGreaterThan(10_000);
    expect(flatFrames()).toBeGreaterThan(frames / 4);
  });

  it('leaves what the general walk leaves on frames mutated around its conditions', () => {
    const { general, flat, flatFrames } = checkers();
    // Plain TCP frames from the corpus as seeds.
    const seeds: ReturnType<typeof packets> = [];
    for (const name of corpusFiles('pcap').filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f))) {
      for (const p of packets(corpusPath('pcap', name))) {
        if (p.linkType === ETHERNET && p.capturedLength >= 54 && p.dv.getUint16(p.offset + 12) === 0x0800 && p.u8[p.offset + 23] === 6) seeds.push(p);
      }
    }
    seeds.splice(400);
    expect(seeds.length).toBe(400);
    let state32 = 0x9e3779b9;
    const random = (n: number): number => {
      state32 = (Math.imul(state32 ^ (state32 >>> 15), 0x2c1b3c6d) + 0x6b43a9b5) >>> 0;
      return state32 % n;
    };
    // Header bytes the path decides on: ethertype, version/IHL, total length, flags/fragment offset,
    // protocol, TCP data offset; and a few values that matter there.
    const places = [12, 13, 14, 16, 17, 20, 21, 23, 46];
    const values = [0x00, 0x01, 0x06, 0x11, 0x20, 0x28, 0x40, 0x45, 0x46, 0x4f, 0x50, 0x60, 0x81, 0xf0, 0xff];
    let variants = 0;
    for (const seed of seeds) {
      for (let k = 0; k < 25; k++) {
        const u8 = seed.u8.slice(seed.offset, seed.offset + seed.capturedLength);
        for (let m = 1 + random(2); m > 0; m--) u8[places[random(places.length)]!] = values[random(values.length)]!;
        const dv = new DataView(u8.buffer);
        const snapped = random(4) === 0 ? Math.max(14, u8.length - 1 - random(40)) : u8.length;
        const original = random(6) === 0 ? u8.length + random(3000) : u8.length;
        compare({ u8, dv, offset: 0, capturedLength: snapped, originalLength: original, linkType: ETHERNET }, general, flat);
        variants++;
      }
    }
    expect(variants).toBe(10_000);
    expect(flatFrames()).toBeGreaterThan(500); // the mutations keep some frames on the path
    expect(flatFrames()).toBeLessThan(9000); // and push many off it
  });
});
