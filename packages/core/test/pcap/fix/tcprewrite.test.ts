/**
 * `fixChecksums` against the reference (issue 17): on every classic pcap of the corpus that
 * `tcprewrite --fixcsum` (Debian tcpreplay 4.4.3) can rewrite, our copy must hold the same packets
 * byte for byte, except where tcprewrite itself changes more than checksums (each such case is
 * recognised from the ORIGINAL frame, never from our output, and listed in docs/pcap-fix.md):
 * - its file header: snaplen always 65535, and nanosecond files rewritten as microsecond ones;
 * - Ethernet frames with padding after the IPv4 packet: it stretches the IPv4 total length over the
 *   padding (and sums the padding into the TCP/UDP checksum), which changes the packet;
 * - IPv6 over Ethernet: it rewrites the MAC addresses (compared from byte 12 on); and with extension
 *   headers (routing type 0, Home Address option) or a payload length of 0 (BIG TCP) it sums the wrong
 *   addresses, writes into the wrong place or stores the length modulo 65,536 (not compared; tshark judges);
 * - DLT_NULL (BSD loopback): it fixes nothing (its output must equal the input there).
 * Then tshark must find no bad checksum in our copy except in the packets we report as left alone.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixChecksums } from '../../../src/pcap/fix/index.js';
import { corpusPath, requireToolInCi } from '../../helpers/corpus.js';
import { PROTOCOLS, tsharkStatuses } from '../tshark.js';

interface Rec {
  sec: number;
  frac: number;
  capLen: number;
  origLen: number;
  data: Buffer;
}

interface Parsed {
  header: Buffer;
  le: boolean;
  nanos: boolean;
  linkType: number;
  records: Rec[];
}

/** Version, time zone, sigfigs and link type: what tcprewrite keeps of a file header. */
function headerFields(p: Parsed): number[] {
  const h = p.header;
  return p.le ? [h.readUInt16LE(4), h.readUInt16LE(6), h.readInt32LE(8), h.readUInt32LE(12), h.readUInt32LE(20)] : [h.readUInt16BE(4), h.readUInt16BE(6), h.readInt32BE(8), h.readUInt32BE(12), h.readUInt32BE(20)];
}

/** A classic pcap, parsed independently of the reader under test. */
function parsePcap(b: Buffer): Parsed {
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const rd = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const nanos = rd(0) === 0xa1b23c4d;
  const records: Rec[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const capLen = rd(o + 8);
    records.push({ sec: rd(o), frac: rd(o + 4), capLen, origLen: rd(o + 12), data: b.subarray(o + 16, o + 16 + capLen) });
    o += 16 + capLen;
  }
  return { header: b.subarray(0, 24), le, nanos, linkType: rd(20) & 0xffff, records };
}

/** Which of tcprewrite's own changes explains a frame that differs, judged on the original frame. */
function tcprewriteDeviation(linkType: number, original: Buffer): 'null-untouched' | 'ipv6-macs' | 'ipv6-ext-or-jumbo' | 'ipv4-padding' | undefined {
  if (linkType === 0) return 'null-untouched';
  if (linkType !== 1 || original.length < 34) return undefined;
  const etherType = original.readUInt16BE(12);
  if (etherType === 0x86dd && original.length >= 54) {
    const next = original[20]!;
    return (next === 6 || next === 17) && original.readUInt16BE(18) !== 0 ? 'ipv6-macs' : 'ipv6-ext-or-jumbo';
  }
  if (etherType === 0x0800 && 14 + original.readUInt16BE(16) < original.length && original.readUInt16BE(16) !== 0) return 'ipv4-padding';
  return undefined;
}

const manifestPath = corpusPath('pcap', 'MANIFEST.json');
const classic: string[] = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: { file: string; format?: { container?: string } }[] }).files
  .filter((f) => f.format?.container === 'pcap' && !f.file.endsWith('.gz'))
  .map((f) => f.file);
const haveTools = requireToolInCi('tcprewrite') && requireToolInCi('tshark');
const totals = { frames: 0, identical: 0, filesWithFixes: 0, explained: {} as Record<string, number> };

describe('fix-checksums: byte-identical to tcprewrite --fixcsum on the corpus', () => {
  it('has classic pcaps to compare', () => {
    expect(haveTools).toBe(true);
    expect(classic.length).toBeGreaterThanOrEqual(10);
  });

  it.each(classic)('%s', async (file) => {
    const dir = mkdtempSync(join(tmpdir(), 'fixcsum-'));
    try {
      const input = corpusPath('pcap', file);
      const theirsPath = join(dir, 'theirs.pcap');
      const oursPath = join(dir, 'ours.pcap');
      const tr = spawnSync('tcprewrite', ['--fixcsum', '-i', input, '-o', theirsPath], { encoding: 'utf8', timeout: 60_000 });
      if (tr.status !== 0) {
        // Where tcprewrite refuses (unknown link types, archaic headers) there is nothing to compare.
        expect(tr.stderr).toMatch(/Fatal Error/);
        return;
      }
      const report = await fixChecksums(input, oursPath, { fixLengths: true });
      expect(report.error).toBeUndefined();
      const orig = parsePcap(readFileSync(input));
      const ours = parsePcap(readFileSync(oursPath));
      const theirs = parsePcap(readFileSync(theirsPath));
      // Our file header is the input's; tcprewrite's differs at most in snaplen and the ns/µs magic.
      // (tcprewrite writes in the machine's byte order: compared as values.)
      expect(ours.header.equals(orig.header)).toBe(true);
      expect(headerFields(theirs)).toEqual(headerFields(orig));
      expect(ours.records.length).toBe(orig.records.length);
      expect(theirs.records.length).toBe(orig.records.length);
      let identical = 0;
      const explained: Record<string, number> = {};
      orig.records.forEach((o, i) => {
        const a = ours.records[i]!;
        const t = theirs.records[i]!;
        expect([a.sec, a.frac, a.capLen, a.origLen]).toEqual([o.sec, o.frac, o.capLen, o.origLen]);
        expect([t.sec, t.frac, t.capLen, t.origLen]).toEqual([o.sec, orig.nanos ? Math.floor(o.frac / 1000) : o.frac, o.capLen, o.origLen]);
        if (a.data.equals(t.data)) {
          identical++;
          return;
        }
        const why = tcprewriteDeviation(orig.linkType, o.data);
        if (why === undefined) throw new Error(`${file} frame ${i + 1}: our bytes differ from tcprewrite's, and tcprewrite did nothing else to this frame`);
        if (why === 'null-untouched') expect(t.data.equals(o.data)).toBe(true);
        if (why === 'ipv6-macs') expect(a.data.subarray(12).equals(t.data.subarray(12))).toBe(true);
        explained[why] = (explained[why] ?? 0) + 1;
      });
      totals.identical += identical;
      totals.frames += orig.records.length;
      for (const [k, n] of Object.entries(explained)) totals.explained[k] = (totals.explained[k] ?? 0) + n;
      if (report.packetsChanged > 0) totals.filesWithFixes++;
      // tshark: nothing bad left in our copy except the packets the report says were left alone.
      const left = new Set(report.leftFrames.map((l) => l.frame));
      const ts = tsharkStatuses(oursPath);
      ts.frames.forEach((f, i) => {
        for (const p of PROTOCOLS) if (f[p].includes('bad') && !left.has(i + 1)) throw new Error(`${file} frame ${i + 1}: tshark finds a bad ${p} checksum in our copy`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compared most frames byte for byte, and fixed something in many files', () => {
    // Every frame not explained by one of tcprewrite's own changes was identical (checked above).
    expect(totals.identical).toBeGreaterThan(10_000);
    expect(totals.identical).toBeGreaterThan(totals.frames * 0.5);
    expect(totals.filesWithFixes).toBeGreaterThanOrEqual(8);
  });
});
