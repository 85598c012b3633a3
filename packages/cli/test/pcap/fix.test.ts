import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/main.js';
import { pcapSpec } from '../../src/commands/pcap/spec.js';
import { captureIo } from '../helpers/io.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bundle/bin.js', import.meta.url));
const run = async (...argv: string[]) => {
  const io = captureIo({ cwd: ROOT });
  const code = await main(['pcap', ...argv], io, [pcapSpec]);
  return { code, out: io.stdout, err: io.stderr };
};
const MIX = 'fixtures/pcap/fix/mix.pcapng';

describe('analyze pcap --fix-checksums', () => {
  it('text: what was fixed and what was left, and why; exit 1 when packets were left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fix-'));
    try {
      const r = await run(MIX, '--fix-checksums', join(dir, 'out.pcapng'));
      expect(r.code).toBe(1);
      expect(r.out).toContain('22 frames (pcapng), 12 packets changed');
      expect(r.out).toContain('fixed: 2 IPv4 header, 10 TCP, 3 UDP checksums');
      expect(r.out).toMatch(/2 captured shorter than sent \(snaplen\)/);
      expect(r.out).toMatch(/frames: 15 \(icmp-quoted\), 17 \(fragment\), 18 \(truncated\), 19 \(truncated\)/);
      expect(readFileSync(join(dir, 'out.pcapng')).length).toBe(readFileSync(join(ROOT, MIX)).length);
      // a capture with nothing to fix: exit 0, identical copy
      const clean = await run('fixtures/pcap/scenarios/clean.pcap', '--fix-checksums', join(dir, 'clean.pcap'));
      expect(clean.code).toBe(0);
      expect(clean.out).toContain('0 packets changed');
      expect(clean.out).toContain('left: none');
      expect(readFileSync(join(dir, 'clean.pcap')).equals(readFileSync(join(ROOT, 'fixtures/pcap/scenarios/clean.pcap')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--json: the core report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fix-'));
    try {
      const r = await run(MIX, '--fix-checksums', join(dir, 'out.pcapng.gz'), '--fix-lengths', '--json');
      const doc = JSON.parse(r.out);
      expect(doc).toMatchObject({ schemaVersion: '1.0', input: MIX, format: 'pcapng', gzipOut: true, fixed: { tcp: 10, udp: 3 }, lengthsFixed: { ipv4: 1, ipv6: 1 } });
      expect(doc.leftFrames[0]).toEqual({ frame: 15, reason: 'icmp-quoted' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('usage errors: one input only, --json cannot share stdout with the capture', async () => {
    expect((await run(MIX, MIX, '--fix-checksums', '/tmp/x.pcapng')).code).toBe(2);
    const r = await run(MIX, '--fix-checksums', '-', '--json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--json and --fix-checksums -/);
    // --fix-lengths alone would change nothing: said, not ignored
    const lengths = await run(MIX, '--fix-lengths');
    expect([lengths.code, lengths.out]).toEqual([2, '']);
    expect(lengths.err).toMatch(/--fix-lengths only works with --fix-checksums/);
  });

  it('"-" writes the capture to stdout and the report to stderr; "-" reads stdin (built bin)', () => {
    const r = spawnSync(process.execPath, [bin, 'pcap', MIX, '--fix-checksums', '-'], { cwd: ROOT, maxBuffer: 1 << 24 });
    expect(r.status).toBe(1);
    expect(r.stdout.length).toBe(readFileSync(join(ROOT, MIX)).length);
    expect(r.stdout.readUInt32LE(0)).toBe(0x0a0d0d0a);
    expect(r.stderr.toString()).toContain('12 packets changed');
    // and "-" as the input reads stdin (here gzip-compressed)
    const piped = spawnSync(process.execPath, [bin, 'pcap', '-', '--fix-checksums', '-'], { cwd: ROOT, input: readFileSync(join(ROOT, 'fixtures/pcap/fix/mix.pcapng.gz')), maxBuffer: 1 << 24 });
    expect(piped.status).toBe(1);
    expect(piped.stdout.equals(r.stdout)).toBe(true);
  });

  it('--html: the fix report as its own page (it crashed on the checksum page renderer); --html - cannot share stdout with the capture', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fix-html-'));
    try {
      const r = await run(MIX, '--fix-checksums', join(dir, 'out.pcapng'), '--html', join(dir, 'fix.html'));
      expect(r.code).toBe(1);
      expect(r.err).not.toMatch(/internal error/);
      const html = readFileSync(join(dir, 'fix.html'), 'utf8');
      expect(html).toContain('<title>Capture with checksums fixed: fixtures/pcap/fix/mix.pcapng');
      expect(html).toContain('15 checksums fixed in 12 packets; 4 packets left unchanged');
      expect(html).toContain('15 (icmp-quoted), 17 (fragment), 18 (truncated), 19 (truncated)');
      const both = await run(MIX, '--fix-checksums', '-', '--html', '-');
      expect(both.code).toBe(2);
      expect(both.err).toContain('--html - and --fix-checksums - both write to stdout');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--limit is checked with --fix-checksums too', async () => {
    for (const limit of ['x', '-1']) {
      const r = await run(MIX, '--fix-checksums', '/tmp/never-written.pcapng', '--limit', limit);
      expect(r.code).toBe(2);
      expect(r.err).toContain('--limit must be a whole number of at least 0');
    }
  });

  it('an output that cannot be written: exit 2 naming it, for a gzip output too (it hung: exit 13, nothing printed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fix-unwritable-'));
    try {
      mkdirSync(join(dir, 'folder.pcap.gz'));
      const big = 'fixtures/corpus/pcap/zeek__ssh.pcap'; // more than the gzip stream buffers before it waits
      for (const out of [join(dir, 'missing', 'fixed.pcap.gz'), join(dir, 'folder.pcap.gz'), join(dir, 'missing', 'fixed.pcap')]) {
        const r = await run(big, '--fix-checksums', out, '--json');
        expect(r.code).toBe(2);
        expect(JSON.parse(r.out)).toMatchObject({ file: out, error: { code: 'FILE_UNWRITABLE', message: expect.stringMatching(/^cannot write the output \((ENOENT|EISDIR)\)$/) } });
        expect(r.err).toBe(`analyze: ${out}: cannot write the output (${out.endsWith('folder.pcap.gz') ? 'EISDIR' : 'ENOENT'})\n`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  (existsSync('/dev/full') ? it : it.skip)('a full disk (/dev/full): FILE_UNWRITABLE naming the output, plain or gzip (plain was an internal error naming the input; gzip exited 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fix-full-'));
    try {
      const gz = join(dir, 'full.pcap.gz');
      symlinkSync('/dev/full', gz);
      for (const [input, out] of [['fixtures/pcap/scenarios/clean.pcap', '/dev/full'], ['fixtures/pcap/scenarios/clean.pcap', gz], ['fixtures/corpus/pcap/zeek__ssh.pcap', gz]] as const) {
        const r = await run(input, '--fix-checksums', out);
        expect({ input, out, code: r.code, err: r.err.split('\n').filter((l) => !l.includes('warning:')).join('\n') }).toEqual({ input, out, code: 2, err: `analyze: ${out}: cannot write the output (ENOSPC)\n` });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  (existsSync('/dev/full') ? it : it.skip)('stdout that fails (> /dev/full): one line and exit 2, not a stack trace', () => {
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [['pcap', join(ROOT, 'fixtures/pcap/scenarios/clean.pcap'), '--fix-checksums', '-'], ['pcap', '--json', join(ROOT, 'fixtures/pcap/scenarios/clean.pcap')]]) {
        const r = spawnSync(process.execPath, [bin, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
        expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 2, stderr: 'analyze: cannot write to standard output (ENOSPC)\n' });
      }
    } finally {
      closeSync(full);
    }
  });
});

describe('analyze pcap --fix-checksums: counts read as sentences', () => {
  it('one frame is "1 frame", not "1 frames"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fix-one-'));
    try {
      // one readable frame, then a corrupt record header (exit 2): the copy holds that one frame
      const r = await run('fixtures/pcap/reader/caplen-2g.pcap', '--fix-checksums', join(dir, 'out.pcap'));
      expect(r.out).toContain(': 1 frame (pcap), 0 packets changed\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('analyze pcap --fix-checksums: one of a kind is said in the singular', () => {
  it('"1 IP fragment", "1 header quoted in an ICMP error", "1 IPv4 total length" (they read "1 IP fragments", ...)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fix-plural-'));
    try {
      const r = await run(MIX, '--fix-checksums', join(dir, 'out.pcapng'), '--fix-lengths');
      expect(r.out).toContain('; 1 IPv4 total length, 1 IPv6 payload length\n');
      expect(r.out).toContain('    2 captured shorter than sent (snaplen): left as captured, as a checksum may cover bytes not in the file\n');
      expect(r.out).toContain('    1 IP fragment: the transport header is in another packet\n');
      expect(r.out).toContain('    1 header quoted in an ICMP error: what the peer received, kept as evidence\n');
      expect(r.out).not.toMatch(/\b1 [^\n]*(fragments|headers|lengths|super-frames)\b/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('analyze pcap --fix-checksums: a capture cut inside its last record', () => {
  // It printed "left: none" and exited 0 (a warning), though the cut record was copied without being checked.
  it('is damage (exit 2, one error line): the cut record is listed as left, with its reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fix-cut-'));
    try {
      const input = 'fixtures/pcap/reader/truncated-tail.pcap';
      const r = await run(input, '--fix-checksums', join(dir, 'out.pcap'));
      expect(r.code).toBe(2);
      expect(r.out).toContain(': 3 frames (pcap), 1 packet changed\n');
      expect(r.out).toContain('  left unchanged: 1 packet\n    1 record cut by the end of the file: copied unchanged, never checked\n    frames: 4 (cut-record)\n');
      expect(r.out).not.toContain('left: none');
      expect(r.err).toBe(`analyze: ${input}: capture ends in the middle of a record (58 bytes of it present): copied unchanged, not checked (at byte 240)\n`);
      expect(readFileSync(join(dir, 'out.pcap')).length).toBe(readFileSync(join(ROOT, input)).length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('analyze pcap --fix-checksums -: the copy goes to the stream that must arrive whole', () => {
  // processIo marks stdout as carrying a copy when it is asked for it: a reader that goes away before the end is
  // then exit 2 (io.ts, stdoutFailure), not the quiet exit 0 of `| head` on a report.
  it('writes the copy to io.binaryStdout(), the report to stderr', async () => {
    const chunks: Buffer[] = [];
    let asked = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    const io = Object.assign(captureIo({ cwd: ROOT }), { binaryStdout: () => (asked++, sink) });
    const code = await main(['pcap', MIX, '--fix-checksums', '-'], io, [pcapSpec]);
    expect(code).toBe(1);
    expect(asked).toBe(1);
    expect(Buffer.concat(chunks).length).toBe(readFileSync(join(ROOT, MIX)).length);
    expect(io.stderr).toContain(`${MIX} -> -: 22 frames (pcapng), 12 packets changed`);
    // A file output does not ask for it: stdout keeps the quiet `| head` behaviour for the report.
    const dir = mkdtempSync(join(tmpdir(), 'cli-fix-file-'));
    try {
      await main(['pcap', MIX, '--fix-checksums', join(dir, 'out.pcapng')], Object.assign(captureIo({ cwd: ROOT }), { binaryStdout: () => (asked++, sink) }), [pcapSpec]);
      expect(asked).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
