/**
 * The two tiers of the frame contract (frame.ts) against each other: the verdict fed the reader's
 * numeric FrameFacts (records only for bad frames, flows found by address words) must reach exactly
 * what it reaches from a full FrameRecord of every frame (addresses parsed back from their text).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain JS fixture builders (no types)
import * as L from '../../../../../fixtures/gen/pcap/lib.mjs';
import { formatIp, parseIpWords } from '../../../src/pcap/decode/addr.js';
import { CheckerFacts } from '../../../src/pcap/frame/facts.js';
import { analyzeCapture, type FrameRecord, type FrameSink } from '../../../src/pcap/index.js';
import { VerdictCollector } from '../../../src/pcap/verdict/index.js';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lib = L as any;
const tmp = mkdtempSync(join(tmpdir(), 'pcap-facts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Deterministic pseudo-random numbers (LCG), so the stress capture is the same on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296;
}

/**
 * Many TCP flows (IPv4 and IPv6) with good, offload-placeholder, zero and mismatching checksums, acknowledged,
 * re-sent or ignored, good traffic before the first bad segment, answers in both directions, and idle gaps.
 */
function stressCapture(flows: number): string {
  const next = rng(7);
  const packets: { data: Uint8Array; ts: number }[] = [];
  let ts = 1_700_000_000;
  for (let i = 0; i < flows; i++) {
    const v6 = i % 5 === 0;
    const a = v6 ? `fd00::${(i >>> 8).toString(16)}:${(i & 0xff).toString(16)}` : `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
    const b = v6 ? 'fd00::ffff' : i % 3 === 0 ? '192.168.0.1' : '9.9.9.9';
    const sp = 1024 + (i % 500);
    const dp = i % 7 === 0 ? 443 : 80;
    const ip = v6 ? 6 : 4;
    const len = 100 + (i % 1400);
    const r = next();
    const checksum = r < 0.3 ? 'partial' : r < 0.4 ? 'bad' : r < 0.45 ? 'zero' : 'good';
    ts += next() < 0.01 ? 400 : 0.0001; // now and then an idle gap longer than FLOW_IDLE_SECONDS
    const push = (o: object) => packets.push({ data: lib.packet({ ip, ...o }), ts: (ts += 0.00001) });
    if (next() < 0.3) push({ src: a, dst: b, srcPort: sp, dstPort: dp, seq: 900, ack: 1, flags: 0x18, payload: 100 }); // good, before any bad one
    push({ src: a, dst: b, srcPort: sp, dstPort: dp, seq: 1000, ack: 1, flags: 0x18, payload: len, checksum });
    const r2 = next();
    if (r2 < 0.5) push({ src: b, dst: a, srcPort: dp, dstPort: sp, seq: 1, ack: 1000 + len, flags: 0x10, payload: 0 });
    else if (r2 < 0.7) push({ src: a, dst: b, srcPort: sp, dstPort: dp, seq: 1000, ack: 1, flags: 0x18, payload: len });
    else if (r2 < 0.8) push({ src: b, dst: a, srcPort: dp, dstPort: sp, seq: 1, ack: 1000, flags: 0x18, payload: 20, checksum: next() < 0.5 ? 'bad' : 'good' });
  }
  const file = join(tmp, `stress-${flows}.pcap`);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < packets.length; i += 2000) {
    const part: Uint8Array = lib.pcapFile({ packets: packets.slice(i, i + 2000) });
    parts.push(i === 0 ? part : part.subarray(24));
  }
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

interface Outcome {
  verdict: unknown;
  annotations: unknown[];
}

/**
 * The verdict three ways: from the reader's facts of every frame (`onFrame`), from the frames a
 * FrameSink is handed (`sink`: what `analyze pcap` runs; the reader counts the rest), and from full
 * records of every frame. Also how many frames the sink was handed.
 */
async function threeWays(file: string): Promise<{ facts: Outcome; sink: Outcome; records: Outcome; frames: number; handed: number }> {
  const fromFacts = new VerdictCollector({ annotateLimit: 100_000 });
  const fromSink = new VerdictCollector({ annotateLimit: 100_000 });
  const fromRecords = new VerdictCollector({ annotateLimit: 100_000 });
  const all: FrameRecord[] = [];
  const report = await analyzeCapture(file, {
    limit: 100_000,
    onFrame: (f) => {
      fromFacts.onFrame(f);
      all.push(f.record());
    },
  });
  for (const r of all) fromRecords.add(r);
  let handed = 0;
  const counted: FrameSink = {
    onFrame: (f) => {
      handed++;
      fromSink.onFrame(f);
    },
    flowFilter: fromSink.flowFilter,
    skipped: (t) => fromSink.skipped(t),
  };
  await analyzeCapture(file, { limit: 100_000, sink: counted });
  const outcome = (c: VerdictCollector): Outcome => ({
    verdict: c.finish(),
    annotations: report.bad.map((b) => [b.frame, b.protocol, c.annotation(b.frame, b.protocol)]),
  });
  return { facts: outcome(fromFacts), sink: outcome(fromSink), records: outcome(fromRecords), frames: report.frames, handed };
}

describe('FrameFacts, a FrameSink and FrameRecords give the same verdict', () => {
  const files = [
    ...readdirSync(fixturePath('pcap', 'scenarios')).map((f) => fixturePath('pcap', 'scenarios', f)),
    ...['mix-le-usec.pcap', 'sections.pcapng', 'edge-cases.pcap'].map((f) => fixturePath('pcap', 'reader', f)),
    ...readdirSync(corpusPath('pcap')).filter((f) => /\.(pcap|pcapng|cap|gz|1)$/.test(f)).map((f) => corpusPath('pcap', f)),
  ];

  it.each(files.map((f) => [f.split('/').pop()!, f]))('%s', async (_name, file) => {
    const { facts, sink, records } = await threeWays(file);
    expect(facts).toEqual(records);
    expect(sink).toEqual(records);
  });

  it('a stress capture of 3,000 flows (IPv4 and IPv6, acknowledged, re-sent, idle gaps) with an overflowing cache', async () => {
    const file = stressCapture(3000);
    const { facts, sink, records, frames, handed } = await threeWays(file);
    expect(facts).toEqual(records);
    expect(sink).toEqual(records);
    const v = facts.verdict as { evidence: { flowTable: { followed: number; evictedIdle: number } } };
    expect(v.evidence.flowTable.followed).toBeGreaterThan(1000); // the flows were really followed
    expect(handed).toBeLessThan(frames); // and the good frames of settled flows were not handed over
  });

  it('the sink is handed only bad frames and frames of flows with open bad segments', async () => {
    // offload-artifact: every placeholder segment is acknowledged at once, so between bad segments nothing is open.
    const { frames, handed, sink, records } = await threeWays(fixturePath('pcap', 'scenarios', 'offload-artifact.pcap'));
    expect(sink).toEqual(records);
    const report = await analyzeCapture(fixturePath('pcap', 'scenarios', 'offload-artifact.pcap'));
    const badFrames = report.checksums.ipv4.bad + report.checksums.tcp.bad + report.checksums.udp.bad;
    expect(handed).toBeGreaterThanOrEqual(badFrames);
    expect(handed).toBeLessThan(frames);
  });

  it('frames whose direction the capture states are always handed over (pcapng epb_flags)', async () => {
    const packets = [0, 1, 2, 3].map((i) => ({
      data: lib.packet({ src: '10.0.0.1', dst: '10.0.0.2', seq: 1 + i * 100, ack: 1, payload: 100 }),
      ts: 1 + i,
      flags: i % 2 === 0 ? 2 : 1,
    }));
    const file = join(tmp, 'directions.pcapng');
    writeFileSync(file, lib.pcapngFile({ packets }));
    const { frames, handed, sink, records } = await threeWays(file);
    expect(frames).toBe(4);
    expect(handed).toBe(4);
    expect(sink).toEqual(records);
  });
});

describe('the reader builds records only when asked', () => {
  it('the verdict asks for no FrameRecord, not even for frames with a bad checksum', async () => {
    const proto = CheckerFacts.prototype as unknown as { record: () => FrameRecord };
    const original = proto.record;
    let built = 0;
    proto.record = function (this: CheckerFacts) {
      built++;
      return original.call(this);
    };
    try {
      const c = new VerdictCollector();
      const report = await analyzeCapture(fixturePath('pcap', 'scenarios', 'offload-broken.pcap'), { onFrame: c.onFrame });
      expect(report.checksums.tcp.bad).toBeGreaterThan(10);
      expect(c.finish().kind).toBe('offload-broken');
      expect(built).toBe(0);
    } finally {
      proto.record = original;
    }
  });
});

describe('address words', () => {
  it('come from the reassembly buffer for a tunnel inside a fragmented datagram (IP-in-IP in two fragments)', async () => {
    const inner: Uint8Array = lib.ipv4({
      src: '192.0.2.1',
      dst: '198.51.100.2',
      protocol: 6,
      payload: lib.tcp({ src: '192.0.2.1', dst: '198.51.100.2', srcPort: 4000, dstPort: 80, payload: 200, checksum: 'partial' }),
    });
    const frag = (payload: Uint8Array, fragOffset: number, more: boolean) =>
      lib.ethernet({ payload: lib.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 4, id: 77, flags: more ? 1 : 0, fragOffset, payload }) });
    const file = join(tmp, 'ipip-fragments.pcap');
    writeFileSync(file, lib.pcapFile({ packets: [{ data: frag(inner.subarray(0, 64), 0, true), ts: 1 }, { data: frag(inner.subarray(64), 8, false), ts: 2 }] }));
    const seen: { words: number[]; first: [number, number]; expected: number[]; src: string | undefined }[] = [];
    await analyzeCapture(file, {
      onFrame: (f) => {
        if (!f.isTcp) return;
        const w = new Int32Array(8);
        f.addressWords(w);
        const r = f.record();
        const expected = new Int32Array(8);
        parseIpWords(r.src!, expected, 0);
        parseIpWords(r.dst!, expected, 4);
        seen.push({ words: [...w], first: [f.srcWord, f.dstWord], expected: [...expected], src: r.src });
      },
    });
    expect(seen).toHaveLength(1); // the frame that completes the datagram
    expect(seen[0]!.src).toBe('192.0.2.1');
    expect(seen[0]!.words).toEqual(seen[0]!.expected);
    expect(seen[0]!.first).toEqual([seen[0]!.expected[0], seen[0]!.expected[4]]);
  });


  it('parseIpWords is the exact inverse of the reader text form (IPv4, IPv6 with and without zero runs)', () => {
    const next = rng(3);
    const words = new Int32Array(4);
    const back = new Uint8Array(16);
    for (let n = 0; n < 5000; n++) {
      const v6 = n % 2 === 1;
      const bytes = new Uint8Array(16);
      for (let i = 0; i < (v6 ? 16 : 4); i++) bytes[i] = next() < 0.4 ? 0 : Math.floor(next() * 256); // plenty of zero groups
      const text = formatIp(bytes, 0, v6 ? 6 : 4);
      expect(parseIpWords(text, words, 0)).toBe(v6 ? 6 : 4);
      const dv = new DataView(back.buffer);
      back.fill(0);
      for (let i = 0; i < 4; i++) dv.setInt32(4 * i, words[i]!);
      expect([text, [...back.subarray(0, v6 ? 16 : 4)]]).toEqual([text, [...bytes.subarray(0, v6 ? 16 : 4)]]);
    }
  });

  it('parseIpWords reads hand-written forms and rejects what is not an address', () => {
    const w = new Int32Array(4);
    expect(parseIpWords('2001:DB8:0:0:0:0:0:1', w, 0)).toBe(6);
    expect([...w]).toEqual([0x20010db8, 0, 0, 1]);
    expect(parseIpWords('::ffff:192.0.2.1', w, 0)).toBe(6);
    expect([...w]).toEqual([0, 0, 0xffff, 0xc0000201 | 0]);
    expect(parseIpWords('::', w, 0)).toBe(6);
    expect([...w]).toEqual([0, 0, 0, 0]);
    for (const bad of ['', '1.2.3', '1.2.3.256', '1::2::3', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', 'host']) expect([bad, parseIpWords(bad, w, 0)]).toEqual([bad, 0]);
  });
});
