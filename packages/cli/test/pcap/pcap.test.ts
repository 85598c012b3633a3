import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/main.js';
import { pcapSpec } from '../../src/commands/pcap/spec.js';
import { captureIo } from '../helpers/io.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const specs = [pcapSpec];
const run = async (...argv: string[]) => {
  const io = captureIo({ cwd: ROOT });
  const code = await main(['pcap', ...argv], io, specs);
  return { code, out: io.stdout, err: io.stderr };
};
const EXAMPLE = 'fixtures/pcap/checksums-example.pcapng';

describe('analyze pcap', () => {
  it('text: format, link type, counts and the bad frames with stored and correct values; exit by verdict', async () => {
    const r = await run(EXAMPLE);
    // Its bad checksums are offload placeholders the peer acknowledged plus one unexplained mismatch:
    // inconclusive, which is not shown to be a fault (exit 0). Without the verdict any bad checksum is exit 1.
    expect(r.out).toContain('verdict: inconclusive');
    expect(r.code).toBe(0);
    expect((await run(EXAMPLE, '--no-verdict')).code).toBe(1);
    expect(r.out).toContain('pcapng, Ethernet, 14 frames');
    expect(r.out).toMatch(/tcp +checked +13 +bad 7/);
    expect(r.out).toMatch(/^ +13 +tcp +93\.184\.216\.34 > 192\.168\.1\.10 +stored 0x[0-9a-f]{4} +correct 0x[0-9a-f]{4}$/m);
    expect(r.err).toBe('');
  });

  it('--json: the documented contract, numbers in decimal, 1-based frames', async () => {
    const r = await run(EXAMPLE, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.verdict.kind).toBe('inconclusive');
    expect(doc).toMatchObject({ schemaVersion: '1.0', file: EXAMPLE, format: 'pcapng', frames: 14, linkTypes: [1], badTruncated: false });
    expect(doc.checksums.tcp).toEqual({ checked: 13, bad: 7, unverified: 0 });
    expect(doc.checksums.udp).toEqual({ checked: 1, bad: 0, unverified: 0, absent: 0, illegal: 0 });
    expect(doc.bad[0]).toMatchObject({ frame: 1, protocol: 'tcp', src: '192.168.1.10', dst: '93.184.216.34', stored: expect.any(Number), correct: expect.any(Number), depth: 0 });
  });

  it('--limit caps the list and says so', async () => {
    const doc = JSON.parse((await run(EXAMPLE, '--json', '--limit', '2')).out);
    expect(doc.bad).toHaveLength(2);
    expect(doc.badTruncated).toBe(true);
    expect(doc.checksums.tcp.bad).toBe(7);
    const text = await run(EXAMPLE, '--limit', '1');
    expect(text.out).toContain('more (raise --limit');
  });

  it('a clean capture exits 0', async () => {
    const r = await run('fixtures/pcap/reader/header-only.pcap');
    expect(r.code).toBe(0);
  });

  it('several files: a JSON array, exit code the worst', async () => {
    const r = await run(EXAMPLE, 'fixtures/pcap/reader/garbage.pcap', '--json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.out);
    expect(doc).toHaveLength(2);
    expect(doc[1]).toMatchObject({ file: 'fixtures/pcap/reader/garbage.pcap', frames: 0, error: { code: 'PCAP_UNKNOWN_FORMAT', offset: 0 } });
    // Nothing was read, so there is nothing to judge: no verdict beside the error.
    expect(doc[1]).not.toHaveProperty('verdict');
    expect(doc[0].verdict.kind).toBe('inconclusive');
  });

  it('damage: a one-line error with file and byte offset, the results up to it, exit 2', async () => {
    const r = await run('fixtures/pcap/reader/caplen-2g.pcap');
    expect(r.code).toBe(2);
    expect(r.out).toContain('1 frame,');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/caplen-2g\.pcap: .*captured length of 2147483648.*\(at byte 99\)/);
  });

  it('an internal error is placed where the analysis failed, not called damage', async () => {
    const { analyzeCapture } = await import('@analyze/core/api/pcap');
    const { renderPcap } = await import('../../src/commands/pcap/render.js');
    const { makeColors } = await import('../../src/render/color.js');
    const r = await analyzeCapture(join(ROOT, EXAMPLE));
    const internal = renderPcap({ ...r, error: { code: 'PCAP_INTERNAL', message: 'internal error: a bug', offset: 1234 } }, makeColors(false), 10);
    expect(internal).toContain('up to byte 1234, where the analysis failed (an internal error: please report it)');
    const damaged = renderPcap({ ...r, error: { code: 'PCAP_TRUNCATED', message: 'cut', offset: 99 } }, makeColors(false), 10);
    expect(damaged).toContain('up to byte 99, where it is damaged');
  });

  // It was a warning (exit 0 with the verdict, 1 with --no-verdict) and an error only with --strict: a cut capture
  // passed as complete. Now it is damage like any other (project rule, and tshark exits 2 on it too).
  it('a truncated tail is damage: one error line with the offset, the results and verdict up to it, exit 2 (with or without --strict)', async () => {
    for (const extra of [[], ['--strict'], ['--no-verdict']]) {
      const r = await run('fixtures/pcap/reader/truncated-tail.pcap', ...extra);
      expect(r.code).toBe(2);
      expect(r.out).toContain('3 frames');
      expect(r.out).toContain('results above cover the capture up to byte 240, where it ends in the middle of a record');
      expect(r.err).toBe('analyze: fixtures/pcap/reader/truncated-tail.pcap: capture ends in the middle of a record (58 bytes of it present): the rest is missing (at byte 240)\n');
      // The verdict is still made on the frames read before the cut.
      if (extra[0] === '--no-verdict') expect(r.out).not.toContain('verdict:');
      else expect(r.out).toContain('verdict: inconclusive');
    }
    const json = JSON.parse((await run('fixtures/pcap/reader/truncated-tail.pcap', '--json')).out);
    expect(json).toMatchObject({ frames: 3, error: { code: 'PCAP_TRUNCATED_RECORD', offset: 240 }, warnings: [], verdict: { kind: 'inconclusive' } });
  });

  it('--strict on gzip with trailing data: the line says the offset is in the compressed file, and all decompressed bytes were read', async () => {
    const r = await run('fixtures/pcap/reader/trailing-data.pcapng.gz', '--strict');
    expect(r.code).toBe(2);
    const bytes = readFileSync(join(ROOT, EXAMPLE)).length;
    expect(r.out).toContain(`${bytes.toLocaleString('en-US')} bytes\n`);
    const gz = readFileSync(join(ROOT, 'fixtures/pcap/reader/trailing-data.pcapng.gz'));
    const at = gz.indexOf('not gzip');
    expect(r.out).toContain(`results above cover all ${bytes.toLocaleString('en-US')} bytes of the decompressed capture; --strict refuses the data after its gzip stream, at byte ${at} of the compressed file`);
    expect(r.out).not.toContain(`up to byte ${at}`);
    expect(r.err).toMatch(new RegExp(`gzip stream .*\\(at byte ${at}\\)\\n$`));
    // Without --strict it is a warning and no coverage line.
    const lax = await run('fixtures/pcap/reader/trailing-data.pcapng.gz');
    expect(lax.out).not.toContain('results above cover');
    expect(lax.err).toContain('[PCAP_GZIP_TRAILING_DATA]');
  });

  it('link types 12 and 14 (DLT_RAW on some platforms) are named raw IP, as 101, and said once', async () => {
    const r = await run('fixtures/corpus/pcap/wireshark__many_interfaces.pcapng.1');
    expect(r.out.split('\n')[0]).toContain(': pcapng, Ethernet, NULL (BSD loopback), raw IP, 64 frames');
    const { linkTypeName } = await import('@analyze/core/pcap');
    expect([12, 14, 101].map(linkTypeName)).toEqual(['raw IP', 'raw IP', 'raw IP']);
    const { renderPcap } = await import('../../src/commands/pcap/render.js');
    const { makeColors } = await import('../../src/render/color.js');
    const { analyzeCapture } = await import('@analyze/core/api/pcap');
    const doc = await analyzeCapture(join(ROOT, EXAMPLE));
    expect(renderPcap({ ...doc, linkTypes: [101, 12, 1] }, makeColors(false), 0)).toContain(': pcapng, raw IP, Ethernet, 14 frames');
  });

  it('the fates of segments are written with thousands separators, as every other count', async () => {
    const r = await run(join(ROOT, 'fixtures/corpus/pcap/zeek__modbus_modbusBig.pcap'));
    expect(r.out).toMatch(/mismatch: acked 7,520, failed 0, unacked 0, unknown 1\n/);
  });

  it('a file of 1 byte is "1 byte", not "1 bytes"', async () => {
    const io = captureIo({ cwd: ROOT, stdin: Buffer.from([0x1f]) });
    expect(await main(['pcap', '-'], io, specs)).toBe(2);
    expect(io.stderr).toBe('analyze: -: file is only 1 byte: not a capture (at byte 1)\n');
  });

  it('a capture cut inside its file header is an error, not a clean capture (exit 2), from a file and from stdin', async () => {
    const cut = readFileSync(join(ROOT, 'fixtures/pcap/reader/header-only.pcap')).subarray(0, 7);
    const dir = mkdtempSync(join(tmpdir(), 'pcap-cli-'));
    try {
      writeFileSync(join(dir, 'hdr7.pcap'), cut);
      const r = await run(join(dir, 'hdr7.pcap'));
      expect(r.code).toBe(2);
      expect(r.out).not.toContain('verdict');
      expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/hdr7\.pcap: file ends inside its 24-byte file header \(7 bytes\): not a readable capture \(at byte 7\)$/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const io = captureIo({ cwd: ROOT, stdin: cut });
    expect(await main(['pcap', '-', '--json'], io, specs)).toBe(2);
    expect(JSON.parse(io.stdout)).toMatchObject({ file: '-', frames: 0, error: { code: 'PCAP_TOO_SHORT', offset: 7 } });
  });

  it('a missing file is unreadable (exit 2)', async () => {
    const r = await run('no/such.pcap');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no\/such\.pcap: no such file/);
    expect(r.out).toBe('');
  });

  it('--limit must be a whole number', async () => {
    const r = await run(EXAMPLE, '--limit', '-3');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--limit/);
  });

  it('progress goes to stderr only on a TTY, and is erased before the results', async () => {
    const io = captureIo({ cwd: ROOT, tty: true });
    await main(['pcap', EXAMPLE, '--no-color'], io, specs);
    expect(io.stdout).toContain('14 frames');
    expect(io.stderr.replace(/\r\u001b\[2K[^\r]*/g, '')).toBe('');
  });
});
