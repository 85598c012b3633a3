/**
 * Hostile captures that are well-formed but repeat one thing until time or memory runs out: fragment
 * floods, interface floods, and captures cut inside their file header. Each input is built here, small,
 * and each test asserts the cap or the counter that keeps the reader linear and bounded.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain JS fixture builders (no types)
import * as L from '../../../../fixtures/gen/pcap/lib.mjs';
import { analyzeCapture } from '../../src/pcap/index.js';
import { fixChecksums } from '../../src/pcap/fix/index.js';
import { MAX_PENDING_FRAGMENTS, Reassembler } from '../../src/pcap/checksum/reassembly.js';
import { MAX_INTERFACES_PER_SECTION } from '../../src/pcap/read/pcapng.js';
import { MAX_LINK_TYPES_LISTED } from '../../src/pcap/read/packet.js';
import { BOMB_CHECK_AFTER, MAX_INFLATE_RATIO } from '../../src/pcap/read/source.js';
import { AddressText } from '../../src/pcap/decode/addr.js';
import { MAX_CHAIN } from '../../src/pcap/verdict/flow-table.js';
import { VerdictCollector } from '../../src/pcap/verdict/index.js';
// @ts-expect-error plain JS fixture builders (no types)
import * as HF from '../../../../fixtures/gen/pcap/hostile-flows.mjs';
// @ts-expect-error plain JS fixture builders (no types)
import { gzipStream } from '../../../../fixtures/gen/big-inputs.mjs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lib = L as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const hostileFlows = HF as any;
const tmp = mkdtempSync(join(tmpdir(), 'pcap-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function temp(name: string, data: Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, data);
  return p;
}

const PCAP_HEADER = 24;
const RECORD_HEADER = 16;
/** Classic pcap (LE, µs, Ethernet) of these frames; cheap for tens of thousands. */
function pcapOf(frames: Uint8Array[]): Buffer {
  const parts: Uint8Array[] = [lib.pcapFile({ packets: [] })];
  for (const f of frames) {
    const h = Buffer.alloc(RECORD_HEADER);
    h.writeUInt32LE(f.length, 8);
    h.writeUInt32LE(f.length, 12);
    parts.push(h, f);
  }
  return Buffer.concat(parts);
}

/** An IPv4 fragment of a UDP datagram: `fragOffset` in 8-byte units, `more` = MF. */
function fragment(payload: Uint8Array, fragOffset: number, more: boolean, id = 9, src = '10.0.0.1'): Uint8Array {
  return lib.ethernet({ payload: lib.ipv4({ src, protocol: 17, id, flags: more ? 1 : 0, fragOffset, payload }) });
}

/** A UDP datagram with a wrong checksum in two fragments, which must still be reassembled and found bad. */
function badDatagramInTwo(id: number): Uint8Array[] {
  const udp: Uint8Array = lib.udp({ src: '10.0.0.1', dst: '10.0.0.2', payload: new Uint8Array(40).fill(7), checksum: 'bad' });
  return [fragment(udp.subarray(0, 24), 0, true, id), fragment(udp.subarray(24), 3, false, id)];
}

describe('fragment floods', () => {
  it('duplicate fragments of one datagram cost constant work each (held parts were re-sorted on every one: 20,000 took 15 s)', async () => {
    const n = 5000;
    const sort = Array.prototype.sort;
    let sorted = 0;
    Array.prototype.sort = function (this: unknown[], compare?: (a: unknown, b: unknown) => number) {
      sorted += this.length;
      return sort.call(this, compare);
    } as typeof sort;
    try {
      const r = new Reassembler();
      const eight = new Uint8Array(8);
      r.add('k', 64000, eight, 0, 8, false); // the last fragment, far away: the datagram never completes
      for (let i = 0; i < n; i++) r.add('k', 0, eight, 0, 8, true);
    } finally {
      Array.prototype.sort = sort;
    }
    expect(sorted).toBeLessThan(n); // was n * (n + 1) / 2

    // The same through the reader, at the audit's size, then a real datagram that must still be checked.
    const last = fragment(new Uint8Array(8), 8000, false);
    const dup = fragment(new Uint8Array(8), 0, true);
    const file = temp('frag-dups.pcap', pcapOf([last, ...Array<Uint8Array>(20000).fill(dup), ...badDatagramInTwo(10)]));
    const r = await analyzeCapture(file);
    expect(r.error).toBeUndefined();
    expect(r.frames).toBe(20003);
    expect(r.checksums.udp).toMatchObject({ checked: 1, bad: 1 });
  });

  it(`distinct datagrams that never complete: at most ${MAX_PENDING_FRAGMENTS} fragments held, oldest dropped, counted`, () => {
    const r = new Reassembler();
    const drops: number[] = [];
    r.onDrop = (n) => drops.push(n);
    const eight = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 0; i < MAX_PENDING_FRAGMENTS + 1000; i++) r.add(`k${i}`, 0, eight, 0, 8, true);
    expect((r as unknown as { pending: Map<string, unknown> }).pending.size).toBe(MAX_PENDING_FRAGMENTS);
    expect(r.dropped).toBe(1000);
    expect(drops).toHaveLength(1000);
    // The oldest went first: the newest still completes with its last fragment, the first does not.
    const whole = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.add(`k${MAX_PENDING_FRAGMENTS + 999}`, 8, eight, 0, 8, false)).toEqual(whole);
    expect(r.add('k0', 8, eight, 0, 8, false)).toBeUndefined();
  });

  it('a flood of empty first fragments (3 M took 2.3 GB): one warning at the first drop, what follows still checked; --strict stops there', async () => {
    const n = MAX_PENDING_FRAGMENTS + 100;
    const frames: Uint8Array[] = [];
    for (let i = 0; i < n; i++) frames.push(fragment(new Uint8Array(0), 0, true, i & 0xffff, `10.${(i >> 16) & 255}.0.1`));
    const file = temp('frag-empty.pcap', pcapOf([...frames, ...badDatagramInTwo(0xffff)]));
    const record = RECORD_HEADER + frames[0]!.length;
    const firstDrop = PCAP_HEADER + MAX_PENDING_FRAGMENTS * record; // the fragment one over the cap
    const r = await analyzeCapture(file);
    expect(r.error).toBeUndefined();
    expect(r.frames).toBe(n + 2);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'PCAP_FRAGMENTS_DROPPED', offset: firstDrop })]);
    expect(r.checksums.udp).toMatchObject({ checked: 1, bad: 1 });
    const strict = await analyzeCapture(file, { strict: true });
    expect(strict.error).toMatchObject({ code: 'PCAP_FRAGMENTS_DROPPED', offset: firstDrop });
    expect(strict.frames).toBe(MAX_PENDING_FRAGMENTS + 1);
  });

  it('a last fragment that ends before parts already held: the datagram is cut at its end (was a RangeError, reported as an internal error)', async () => {
    const r = new Reassembler();
    const sixteen = Uint8Array.from({ length: 16 }, (_, i) => i);
    r.add('k', 0, sixteen, 0, 16, true);
    r.add('k', 16, sixteen, 0, 16, true);
    expect(r.add('k', 8, sixteen, 0, 0, false)).toEqual(sixteen.subarray(0, 8));
    // Through the reader: the 8-byte datagram is a UDP header, checked.
    const udp: Uint8Array = lib.udp({ src: '10.0.0.1', dst: '10.0.0.2', payload: new Uint8Array(0) });
    const head = new Uint8Array(16);
    head.set(udp);
    const file = temp('frag-short-last.pcap', pcapOf([fragment(head, 0, true), fragment(new Uint8Array(16), 2, true), fragment(new Uint8Array(0), 1, false)]));
    const report = await analyzeCapture(file);
    expect(report.error).toBeUndefined();
    expect(report.checksums.udp.checked).toBe(1);
  });
});

/** A pcapng section with one Ethernet interface and one packet, then `idbs` 20-byte interface blocks of these link types. */
function pcapngWithInterfaces(linkTypes: (i: number) => number, idbs: number): { data: Buffer; head: number } {
  const head: Buffer = lib.pcapngFile({ interfaces: [{ linkType: 1 }], packets: [{ data: lib.packet({}) }] });
  const blocks = Buffer.alloc(idbs * 20);
  for (let i = 0; i < idbs; i++) {
    const o = i * 20;
    blocks.writeUInt32LE(1, o);
    blocks.writeUInt32LE(20, o + 4);
    blocks.writeUInt16LE(linkTypes(i), o + 8);
    blocks.writeUInt32LE(20, o + 16);
  }
  return { data: Buffer.concat([head, blocks]), head: head.length };
}

describe('interface floods (pcapng)', () => {
  it(`more than ${MAX_INTERFACES_PER_SECTION} interfaces in a section (8 M held 733 MB): an error at the first one too many, the frames before it reported`, async () => {
    const { data, head } = pcapngWithInterfaces(() => 1, MAX_INTERFACES_PER_SECTION);
    const r = await analyzeCapture(temp('many-idb.pcapng', data));
    expect(r.error).toMatchObject({ code: 'PCAP_TOO_MANY_INTERFACES', offset: head + (MAX_INTERFACES_PER_SECTION - 1) * 20 });
    expect(r.frames).toBe(1);
    expect(r.linkTypes).toEqual([1]);
  });

  it(`interfaces naming every link type: the first ${MAX_LINK_TYPES_LISTED} listed, one warning (the list was a 1 MB line)`, async () => {
    const { data, head } = pcapngWithInterfaces((i) => (i * 7) & 0xffff, 3000);
    const r = await analyzeCapture(temp('many-link-types.pcapng', data));
    expect(r.error).toBeUndefined();
    expect(r.linkTypes).toHaveLength(MAX_LINK_TYPES_LISTED);
    expect(r.linkTypes.slice(0, 3)).toEqual([1, 0, 7]);
    // Link type 1 is the head's; 0, 7, ... are new: the 17th different one is the 16th added block.
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'PCAP_LINK_TYPES_CAPPED', offset: head + (MAX_LINK_TYPES_LISTED - 1) * 20 })]);
  });
});

describe('a capture cut inside its file header is not a capture', () => {
  const pcap: Buffer = lib.pcapFile({ packets: [{ data: lib.packet({}) }] });
  const pcapng: Buffer = lib.pcapngFile({ comment: 'x'.repeat(200), packets: [{ data: lib.packet({}) }] });
  const cuts = [
    { format: 'pcap', at: 4 },
    { format: 'pcap', at: 7 },
    { format: 'pcap', at: 23 },
    { format: 'pcapng', at: 8 },
    { format: 'pcapng', at: 20 },
    { format: 'pcapng', at: 150 }, // inside the first section header block's options
  ];

  it.each(cuts)('$format cut at byte $at: PCAP_TOO_SHORT at its end, from a file and from a stream', async ({ format, at }) => {
    const bytes = (format === 'pcap' ? pcap : pcapng).subarray(0, at);
    const fromFile = await analyzeCapture(temp(`cut-${at}.${format}`, bytes));
    expect(fromFile).toMatchObject({ format, frames: 0, error: { code: 'PCAP_TOO_SHORT', offset: at }, warnings: [] });
    const fromStream = await analyzeCapture((async function* () {
      yield bytes.subarray(0, 3);
      yield bytes.subarray(3);
    })());
    expect(fromStream.error).toMatchObject({ code: 'PCAP_TOO_SHORT', offset: at });
  });

  it('--fix-checksums refuses it too (the bytes are copied as they are)', async () => {
    const r = await fixChecksums(pcap.subarray(0, 7), join(tmp, 'fixed.pcap'));
    expect(r.error).toMatchObject({ code: 'PCAP_TOO_SHORT', offset: 7 });
    expect(r.warnings).toEqual([]);
  });

  // Was "stays a warning": a cut record is now damage (exit 2) like every other, but still not PCAP_TOO_SHORT:
  // the file header was whole, so it is a capture, cut in its (here only) packet block.
  it('a cut inside a later record is PCAP_TRUNCATED_RECORD at that record, not PCAP_TOO_SHORT', async () => {
    const r = await analyzeCapture(temp('cut-record.pcapng', pcapng.subarray(0, pcapng.length - 4)));
    const packetBlock = pcapng.length - pcapng.readUInt32LE(pcapng.length - 4);
    expect(r).toMatchObject({ format: 'pcapng', frames: 0, error: { code: 'PCAP_TRUNCATED_RECORD', offset: packetBlock }, warnings: [] });
  });
});

describe('hash tables and inflation a capture could turn against us', () => {
  it(`20,000 flows whose keys share their low 17 bits: one bucket takes ${MAX_CHAIN}, the rest are untracked (80,000 ran over 300 s)`, async () => {
    const verdictOf = async (name: string, frames: Uint8Array[]) => {
      const collector = new VerdictCollector();
      const r = await analyzeCapture(temp(name, pcapOf(frames)), { sink: collector });
      expect(r.checksums.tcp.bad).toBe(frames.length);
      return collector.finish();
    };
    const jammed = await verdictOf('colliding-flows.pcap', hostileFlows.collidingFlows(20_000));
    expect(jammed.evidence.flowTable).toMatchObject({ followed: MAX_CHAIN, untracked: 20_000 - MAX_CHAIN });
    // the same number of flows with spread keys are all followed
    const honest = await verdictOf('spread-flows.pcap', hostileFlows.collidingFlows(20_000, true));
    expect(honest.evidence.flowTable).toMatchObject({ followed: 20_000, untracked: 0 });
  });

  it('65,536 IPv4 sources whose V8 integer hashes share their low 16 bits: their texts, in linear time (a Map of them took 6-10 s)', () => {
    const sources: number[] = hostileFlows.smiCollidingSources(65_536);
    const texts = new AddressText();
    const u8 = new Uint8Array(4);
    const view = new DataView(u8.buffer);
    const started = process.hrtime.bigint();
    let wrong = 0;
    for (let round = 0; round < 2; round++) {
      for (const w of sources) {
        view.setInt32(0, w);
        if (texts.ipv4(u8, 0) !== `${u8[0]}.${u8[1]}.${u8[2]}.${u8[3]}`) wrong++;
      }
    }
    expect(wrong).toBe(0);
    expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(1.5);
  });

  it(`a gzip capture inflating more than ${MAX_INFLATE_RATIO} times is stopped past ${BOMB_CHECK_AFTER} bytes, what was read reported (12 GiB of empty records took 52 s)`, async () => {
    const header: Buffer = Buffer.from(lib.pcapFile({ packets: [] }));
    const bomb: Buffer = await gzipStream([header, { zeros: BOMB_CHECK_AFTER + 64 * 1024 * 1024 }], 9);
    expect(bomb.length * MAX_INFLATE_RATIO).toBeLessThan(BOMB_CHECK_AFTER);
    const r = await analyzeCapture(temp('bomb.pcap.gz', bomb));
    expect(r.error?.code).toBe('PCAP_GZIP_BOMB');
    expect(r.error?.offset).toBeGreaterThan(BOMB_CHECK_AFTER);
    expect(r.frames).toBeGreaterThan(BOMB_CHECK_AFTER / RECORD_HEADER / 2);
  }, 60_000);
});
