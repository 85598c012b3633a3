/**
 * `fixChecksums` on the project's own captures (fixtures/gen/pcap/fix.mjs) and on the corpus pcapng
 * files (which tcprewrite cannot write): only checksum bytes change, tshark finds nothing bad left
 * except the packets reported as left alone, capinfos sees the same file before and after, and every
 * input/output form (gzip, stdout) gives the same bytes.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { analyzeCapture } from '../../../src/pcap/index.js';
import { fixChecksums, type FixChecksumsReport } from '../../../src/pcap/fix/index.js';
import { corpusPath, fixturePath, requireToolInCi } from '../../helpers/corpus.js';
import { PROTOCOLS, tsharkStatuses } from '../tshark.js';

const fix = (name: string) => fixturePath('pcap', 'fix', name);
const haveTools = requireToolInCi('tshark') && requireToolInCi('capinfos');

function withDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'fix-'));
  return f(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** capinfos' description of a file, without what must differ (name, hashes). */
function capinfos(file: string): string[] {
  const r = spawnSync('capinfos', ['-M', file], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter((l) => !/^(File name|SHA256|SHA1|RIPEMD160):/.test(l));
}

/** Frames with a bad checksum according to tshark, and according to our own reader. */
async function badFrames(file: string): Promise<{ tshark: number[]; ours: number[] }> {
  const tshark: number[] = [];
  tsharkStatuses(file).frames.forEach((f, i) => {
    if (PROTOCOLS.some((p) => f[p].includes('bad'))) tshark.push(i + 1);
  });
  const report = await analyzeCapture(file, { limit: 100_000 });
  expect(report.error).toBeUndefined();
  return { tshark, ours: [...new Set(report.bad.map((b) => b.frame))] };
}

/** Byte positions where two equal-sized files differ. */
function diffPositions(a: Buffer, b: Buffer): number[] {
  expect(b.length).toBe(a.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

/** Every changed byte is one of the two bytes of a checksum field the report counts (or a length field). */
function expectOnlyFieldBytes(changed: number[], r: FixChecksumsReport): void {
  const fields = r.fixed.ipv4 + r.fixed.tcp + r.fixed.udp + r.lengthsFixed.ipv4 + r.lengthsFixed.ipv6;
  expect(changed.length).toBeGreaterThan(0);
  expect(changed.length).toBeLessThanOrEqual(2 * fields);
}

describe('fixChecksums on the generated captures', () => {
  it.each(['mix-le-usec.pcap', 'mix-be-nsec.pcap', 'mix.pcapng'])('%s: fixes every wrong checksum, leaves truncated packets and fragments, changes nothing else', (name) =>
    withDir(async (dir) => {
      expect(haveTools).toBe(true);
      const input = fix(name);
      const output = join(dir, name);
      const r = await fixChecksums(input, output);
      expect(r.error).toBeUndefined();
      expect(r.fixed).toEqual({ ipv4: 2, tcp: 10, udp: 3 });
      expect(r.lengthsFixed).toEqual({ ipv4: 0, ipv6: 0 });
      // left: the two truncated packets, the fragment that completes the bad datagram, the ICMP error's quote
      expect(r.left).toEqual({ truncated: 2, fragment: 1, 'bad-length': 0, 'icmp-quoted': 1, 'length-too-long': 0, 'cut-record': 0 });
      expect(r.bytesWritten).toBe(r.bytesRead);
      const before = readFileSync(input);
      const after = readFileSync(output);
      expectOnlyFieldBytes(diffPositions(before, after), r);
      // tshark (and our reader) find bad checksums before, and after only in the packets left alone
      const left = r.leftFrames.map((l) => l.frame);
      const was = await badFrames(input);
      expect(was.tshark.length).toBeGreaterThan(10);
      const now = await badFrames(output);
      for (const f of now.tshark) expect(left).toContain(f);
      for (const f of now.ours) expect(left).toContain(f);
      expect(r.packetsChanged).toBe(was.ours.filter((f) => !left.includes(f)).length);
      // the same file to capinfos: packets, interfaces, options, comments, secrets, times
      expect(capinfos(output)).toEqual(capinfos(input));
      // fixing again changes nothing
      const again = await fixChecksums(output, join(dir, `again-${name}`));
      expect(again.packetsChanged).toBe(0);
      expect(readFileSync(join(dir, `again-${name}`)).equals(after)).toBe(true);
    }),
  );

  it('--fix-lengths also sets the length field of TSO super-frames (IPv4 total length, IPv6 payload length)', () =>
    withDir(async (dir) => {
      const plain = join(dir, 'plain.pcap');
      const lengths = join(dir, 'lengths.pcap');
      const a = await fixChecksums(fix('mix-le-usec.pcap'), plain);
      const b = await fixChecksums(fix('mix-le-usec.pcap'), lengths, { fixLengths: true });
      expect(b.lengthsFixed).toEqual({ ipv4: 1, ipv6: 1 });
      expect(b.fixed.ipv4).toBe(a.fixed.ipv4 + 1); // the header checksum covers the new total length
      expect(diffPositions(readFileSync(plain), readFileSync(lengths))).toHaveLength(6); // 2 length fields + 1 IPv4 checksum
      const ts = tsharkStatuses(lengths);
      const left = b.leftFrames.map((l) => l.frame);
      ts.frames.forEach((f, i) => {
        if (PROTOCOLS.some((p) => f[p].includes('bad'))) expect(left).toContain(i + 1);
      });
    }),
  );

  it('gzip in; plain or gzip out by the extension; "-" reads and writes the given streams: the same bytes', () =>
    withDir(async (dir) => {
      const plainIn = await fixChecksums(fix('mix.pcapng'), join(dir, 'a.pcapng'));
      const gzIn = await fixChecksums(fix('mix.pcapng.gz'), join(dir, 'b.pcapng'));
      expect(gzIn.gzipIn).toBe(true);
      expect(gzIn.gzipOut).toBe(false);
      const gzOut = await fixChecksums(fix('mix.pcapng.gz'), join(dir, 'c.pcapng.GZ'));
      expect(gzOut.gzipOut).toBe(true);
      const chunks: Buffer[] = [];
      const stdout = new PassThrough();
      stdout.on('data', (c: Buffer) => chunks.push(c));
      const toStdout = await fixChecksums(fix('mix.pcapng'), '-', { stdout });
      const expected = readFileSync(join(dir, 'a.pcapng'));
      expect(readFileSync(join(dir, 'b.pcapng')).equals(expected)).toBe(true);
      expect(gunzipSync(readFileSync(join(dir, 'c.pcapng.GZ'))).equals(expected)).toBe(true);
      expect(Buffer.concat(chunks).equals(expected)).toBe(true);
      // "-" as input reads the given stream, plain or gzip (told by its first bytes)
      const fromStdin = await fixChecksums('-', join(dir, 'd.pcapng'), { stdin: Readable.from([readFileSync(fix('mix.pcapng'))]) });
      const gz = readFileSync(fix('mix.pcapng.gz'));
      const fromGzStdin = await fixChecksums('-', join(dir, 'e.pcapng'), { stdin: Readable.from([gz.subarray(0, 1), gz.subarray(1, 700), gz.subarray(700)]) });
      expect(fromStdin.gzipIn).toBe(false);
      expect(fromGzStdin.gzipIn).toBe(true);
      expect(readFileSync(join(dir, 'd.pcapng')).equals(expected)).toBe(true);
      expect(readFileSync(join(dir, 'e.pcapng')).equals(expected)).toBe(true);
      for (const r of [gzIn, gzOut, toStdout, fromStdin, fromGzStdin]) expect({ fixed: r.fixed, left: r.left, frames: r.frames }).toEqual({ fixed: plainIn.fixed, left: plainIn.left, frames: plainIn.frames });
    }),
  );

  it('a capture damaged in the middle: fixed up to the damage, the rest copied unchanged, the error reported', () =>
    withDir(async (dir) => {
      const good = readFileSync(fix('mix-le-usec.pcap'));
      const damaged = Buffer.from(good);
      // the 10th record's captured length becomes absurd
      let o = 24;
      for (let i = 0; i < 9; i++) o += 16 + damaged.readUInt32LE(o + 8);
      damaged.writeUInt32LE(0x7fffffff, o + 8);
      const input = join(dir, 'damaged.pcap');
      writeFileSync(input, damaged);
      const r = await fixChecksums(input, join(dir, 'out.pcap'));
      expect(r.error?.code).toBe('PCAP_BAD_CAPLEN');
      expect(r.error?.offset).toBe(o);
      expect(r.frames).toBe(9);
      const out = readFileSync(join(dir, 'out.pcap'));
      expect(out.length).toBe(damaged.length);
      expect(out.subarray(o).equals(damaged.subarray(o))).toBe(true);
      expect(r.packetsChanged).toBeGreaterThan(3);
    }),
  );

  // It said "left: none" with a warning (exit 0), though the cut record was copied without being checked.
  it('a capture cut inside its last record: the cut record is left (cut-record) and the file is damaged (PCAP_TRUNCATED_RECORD)', () =>
    withDir(async (dir) => {
      const input = fixturePath('pcap', 'reader', 'truncated-tail.pcap');
      for (const strict of [false, true]) {
        const r = await fixChecksums(input, join(dir, 'out.pcap'), { strict });
        expect(r.error).toEqual({ code: 'PCAP_TRUNCATED_RECORD', message: 'capture ends in the middle of a record (58 bytes of it present): copied unchanged, not checked', offset: 240 });
        expect(r.warnings).toEqual([]);
        expect(r.frames).toBe(3);
        expect(r.fixed.tcp).toBe(1); // the bad TCP checksum before the cut is still fixed
        expect(r.left['cut-record']).toBe(1);
        expect(r.leftFrames).toEqual([{ frame: 4, reason: 'cut-record' }]);
        const out = readFileSync(join(dir, 'out.pcap'));
        expect(out.subarray(240).equals(readFileSync(input).subarray(240))).toBe(true);
      }
    }),
  );

  it('pcapng: a cut packet block is left; a cut block that is no frame (a new section header) is not, but is still the error', () =>
    withDir(async (dir) => {
      const whole = readFileSync(fixturePath('pcap', 'checksums-example.pcapng'));
      const lastBlock = whole.length - whole.readUInt32LE(whole.length - 4);
      const cutPacket = join(dir, 'cut-packet.pcapng');
      writeFileSync(cutPacket, whole.subarray(0, whole.length - 10));
      const packet = await fixChecksums(cutPacket, join(dir, 'out1.pcapng'));
      expect(packet.error).toMatchObject({ code: 'PCAP_TRUNCATED_RECORD', offset: lastBlock });
      expect(packet.leftFrames).toEqual([{ frame: 14, reason: 'cut-record' }]);
      const cutSection = join(dir, 'cut-section.pcapng');
      writeFileSync(cutSection, Buffer.concat([whole, whole.subarray(0, 16)]));
      const section = await fixChecksums(cutSection, join(dir, 'out2.pcapng'));
      expect(section.error).toMatchObject({ code: 'PCAP_TRUNCATED_RECORD', offset: whole.length });
      expect(section.frames).toBe(14);
      expect(section.left['cut-record']).toBe(0);
    }),
  );

  it('a UDP length past its packet is left as bad-length, not called a fragment', () =>
    withDir(async (dir) => {
      const L = (await import(fixturePath('gen', 'pcap', 'lib.mjs'))) as { packet(o: object): Uint8Array; pcapFile(o: object): Uint8Array };
      const input = join(dir, 'udp-length.pcap');
      writeFileSync(input, L.pcapFile({ packets: [{ data: L.packet({ l4: 'udp', payload: 20, length: 500 }), ts: 1700000000 }] }));
      const r = await fixChecksums(input, join(dir, 'out.pcap'));
      expect(r.left).toEqual({ truncated: 0, fragment: 0, 'bad-length': 1, 'icmp-quoted': 0, 'length-too-long': 0, 'cut-record': 0 });
      expect(r.leftFrames).toEqual([{ frame: 1, reason: 'bad-length' }]);
    }),
  );

  it('refuses to write over its input, and names an unwritable output', () =>
    withDir(async (dir) => {
      const input = join(dir, 'in.pcap');
      copyFileSync(fix('mix-le-usec.pcap'), input);
      await expect(fixChecksums(input, input)).rejects.toMatchObject({ code: 'FILE_UNWRITABLE' });
      await expect(fixChecksums(input, join(dir, 'no', 'such', 'dir.pcap'))).rejects.toMatchObject({ code: 'FILE_UNWRITABLE' });
      // The same file under another name: opening the output would truncate the input before it is read.
      symlinkSync(input, join(dir, 'link.pcap'));
      linkSync(input, join(dir, 'hard.pcap'));
      await expect(fixChecksums(join(dir, 'link.pcap'), input)).rejects.toMatchObject({ code: 'FILE_UNWRITABLE', file: input });
      await expect(fixChecksums(input, join(dir, 'link.pcap'))).rejects.toMatchObject({ code: 'FILE_UNWRITABLE' });
      await expect(fixChecksums(join(dir, 'hard.pcap'), input)).rejects.toMatchObject({ code: 'FILE_UNWRITABLE' });
      expect(readFileSync(input).equals(readFileSync(fix('mix-le-usec.pcap')))).toBe(true);
    }),
  );
});

describe('fixChecksums on the corpus pcapng files (tcprewrite cannot write pcapng): tshark statuses and capinfos before/after', () => {
  it.each([
    'wireshark__tls12-dsb.pcapng',
    'pcapngtg__be_advanced_test100.pcapng',
    'pcapngtg__le_basic_test010.pcapng',
    'wireshark__many_interfaces.pcapng.1',
    'zeek__krb_kerberos_tso.pcapng',
    'wireshark__dtn_tcpclv4_bpv7_transfer.pcapng',
  ])('%s', (file) =>
    withDir(async (dir) => {
      expect(haveTools).toBe(true);
      const input = corpusPath('pcap', file);
      const output = join(dir, 'out.pcapng');
      const r = await fixChecksums(input, output);
      expect(r.error).toBeUndefined();
      const was = await badFrames(input);
      const now = await badFrames(output);
      const left = r.leftFrames.map((l) => l.frame);
      for (const f of now.tshark) expect(left).toContain(f);
      expect(r.packetsChanged).toBe(was.ours.filter((f) => !left.includes(f)).length);
      if (r.packetsChanged > 0) expectOnlyFieldBytes(diffPositions(readFileSync(input), readFileSync(output)), r);
      else expect(readFileSync(output).equals(readFileSync(input))).toBe(true);
      expect(capinfos(output)).toEqual(capinfos(input));
    }),
  );
});
