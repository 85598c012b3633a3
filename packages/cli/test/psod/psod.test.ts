import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { main } from '../../src/main.js';
import { psodSpec } from '../../src/commands/psod/spec.js';
import { captureIo } from '../helpers/io.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const fixturePath = (...p: string[]) => join(REPO_ROOT, 'fixtures', ...p);

async function runPsod(argv: string[], stdin?: Buffer) {
  const io = captureIo({ cwd: REPO_ROOT, ...(stdin ? { stdin } : {}) });
  const exit = await main(['psod', ...argv], io, [psodSpec]);
  return { exit, out: io.stdout, err: io.stderr };
}

describe('analyze psod', () => {
  it('fixtures/psod/e1000.txt: names E1000PollRxRing and advises vmxnet3, exit 1 (a crash identified)', async () => {
    const r = await runPsod(['fixtures/psod/e1000.txt']);
    expect(r.exit).toBe(1);
    expect(r.out).toContain('#PF Exception 14');
    expect(r.out).toContain('E1000PollRxRing@vmkernel');
    expect(r.out).toMatch(/VMXNET3/);
  });

  it('--json has exception, world, cpu, frames, culprit, signature and advice', async () => {
    const r = await runPsod([fixturePath('psod', 'e1000.txt'), '--json']);
    const doc = JSON.parse(r.out) as Record<string, any>;
    expect(doc['exception']).toMatchObject({ type: 'PF', number: 14 });
    expect(doc['world']).toEqual({ id: 34461, idText: '34461', name: 'vmm0:backup0' });
    expect(doc['cpu']).toBe(5);
    expect(doc['frames'][0]).toMatchObject({ function: 'E1000PollRxRing', module: 'vmkernel', version: 'nover', offset: '0xdb9' });
    expect(doc['culprit']).toMatchObject({ function: 'E1000PollRxRing', frameIndex: 0 });
    expect(doc['signature']).toMatchObject({ id: 'e1000-rx-ring' });
    expect(doc['advice']).toMatch(/VMXNET3/);
  });

  it('reads stdin with -', async () => {
    const r = await runPsod(['-', '--json'], readFileSync(fixturePath('psod', 'shapes', '09-prealloc-masked-flattened.txt')));
    expect(r.exit).toBe(1);
    const doc = JSON.parse(r.out) as Record<string, any>;
    expect(doc['world']).toMatchObject({ id: null, name: 'prealloc-2' });
    expect(doc['signature'].id).toBe('prealloc-passthrough');
  });

  it('a text without a PSOD exits 0', async () => {
    const r = await runPsod(['-'], Buffer.from('just a log line\n'));
    expect(r.exit).toBe(0);
    expect(r.out).toMatch(/No PSOD found/);
  });

  it('a missing file exits 2; several files give a JSON array and the worst exit code', async () => {
    expect((await runPsod(['no/such/file.txt'])).exit).toBe(2);
    const r = await runPsod([fixturePath('psod', 'e1000.txt'), 'no/such/file.txt', '--json']);
    expect(r.exit).toBe(2);
    const docs = JSON.parse(r.out) as Array<Record<string, any>>;
    expect(docs).toHaveLength(2);
    expect(docs[1]!['error']).toBeDefined();
  });

  it('stdin (-) and files mix: one report each, in order', async () => {
    const r = await runPsod(['-', fixturePath('psod', 'e1000.txt'), '--json'], Buffer.from('just a log line\n'));
    const docs = JSON.parse(r.out) as Array<Record<string, any>>;
    expect(docs.map((d) => [d['file'], d['crashFound']])).toEqual([['-', false], [fixturePath('psod', 'e1000.txt'), true]]);
    expect(r.exit).toBe(1);
  });

  it('warnings go to stderr (not with --quiet), into "warnings" with --json, and fail the file with --strict', async () => {
    const text = Buffer.from(`${readFileSync(fixturePath('psod', 'e1000.txt'), 'utf8')}${readFileSync(fixturePath('psod', 'shapes', '03-not-implemented-world-c2307.txt'), 'utf8')}`);
    const plain = await runPsod(['-'], text);
    expect(plain.exit).toBe(1);
    expect(plain.err).toMatch(/^analyze: warning: -: the text holds another crash .*\[PSOD_MORE_CRASHES\]$/m);
    expect((await runPsod(['-', '--quiet'], text)).err).toBe('');
    const json = await runPsod(['-', '--json'], text);
    expect(JSON.parse(json.out).warnings).toEqual([expect.objectContaining({ code: 'PSOD_MORE_CRASHES' })]);
    const strict = await runPsod(['-', '--strict'], text);
    expect(strict.exit).toBe(2);
    expect(strict.err).toMatch(/^analyze: -: the text holds another crash/);
  });

  it('a crash at the end of a 150,000-line vmkernel.log (its boot line says "VMware ESXi") is found: exit 1', async () => {
    const noise = '2014-03-01T00:00:00.000Z cpu3:33000)NetPort: 1632: disabled port 0x2000001, Exception handled\n'.repeat(150_000);
    const log = `2014-03-01T00:00:00.000Z cpu0:32768)Boot Session: VMware ESXi 5.5.0 build-1623387 starting\n${noise}${readFileSync(fixturePath('psod', 'e1000.txt'), 'utf8')}`;
    const r = await runPsod(['-'], Buffer.from(log));
    expect(r.exit).toBe(1);
    expect(r.out).toContain('E1000PollRxRing@vmkernel');
    expect(r.err).toBe('');
  });

  it('no crash in a text that could not be read whole is not "nothing wrong": exit 2, and the text says so', async () => {
    // 60,000 frame-like lines that are not frames: one crash text, longer than MAX_PSOD_LINES
    const r = await runPsod(['-', '--quiet'], Buffer.from('[0x1] not a frame\n'.repeat(60_000)));
    expect(r.exit).toBe(2);
    expect(r.out).toMatch(/^No PSOD found in the part of the text analysed, but part of it was not read/);
    const json = await runPsod(['-', '--json'], Buffer.from('[0x1] not a frame\n'.repeat(60_000)));
    expect(json.exit).toBe(2);
    const doc = JSON.parse(json.out) as { crashFound: boolean; warnings: { code: string }[] };
    expect(doc.crashFound).toBe(false);
    expect(doc.warnings.map((w) => w.code)).toContain('PSOD_INPUT_CUT');
  });

  it('a gzipped vmkernel log is read', async () => {
    const { gzipSync } = await import('node:zlib');
    const gz = gzipSync(readFileSync(fixturePath('psod', 'shapes', '07-spin-count-flattened-markdown.txt')));
    const r = await runPsod(['-', '--json'], gz);
    expect(JSON.parse(r.out).exception.kind).toBe('spin-count-exceeded');
  });

  it('a gzipped log cut short: the crash read before the damage is reported, then GZIP_CORRUPT with its offset, exit 2', async () => {
    const { gzipSync } = await import('node:zlib');
    const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `2014-03-02T03:10:00.000Z cpu2:1075473)ordinary log line ${from + i} ${((from + i) * 2654435761) >>> 0}\n`).join('');
    const log = lines(0, 5_000) + readFileSync(fixturePath('psod', 'e1000.txt'), 'utf8') + lines(5_000, 20_000);
    const gz = gzipSync(Buffer.from(log));
    const cut = gz.subarray(0, gz.length - 1_000);
    const r = await runPsod(['-', '--json'], cut);
    expect(r.exit).toBe(2);
    const doc = JSON.parse(r.out) as { crashFound: boolean; culprit: { function: string }; warnings: { code: string; offset?: number }[] };
    expect(doc.crashFound).toBe(true);
    expect(doc.culprit.function).toBe('E1000PollRxRing');
    expect(doc.warnings).toContainEqual(expect.objectContaining({ code: 'GZIP_CORRUPT', offset: cut.length }));
    const text = await runPsod(['-'], cut);
    expect([text.exit, text.out]).toEqual([2, expect.stringContaining('E1000PollRxRing')]);
    expect(text.err).toMatch(/gzip data is damaged or truncated.*\(at byte \d+\) \[GZIP_CORRUPT\]/);
  });

  it('a gzipped log with bytes appended after the gzip data: every line read (the crash at its end too), a warning, exit 1', async () => {
    const { gzipSync } = await import('node:zlib');
    const gz = gzipSync(readFileSync(fixturePath('psod', 'e1000.txt')));
    const r = await runPsod(['-', '--json'], Buffer.concat([gz, Buffer.from('JUNK APPENDED BY A TRANSFER')]));
    expect(r.exit).toBe(1);
    const doc = JSON.parse(r.out) as { culprit: { function: string }; warnings: { code: string; offset?: number }[] };
    expect(doc.culprit.function).toBe('E1000PollRxRing');
    expect(doc.warnings).toEqual([expect.objectContaining({ code: 'GZIP_TRAILING_DATA', offset: gz.length })]);
  });

  describe('backtraces that non-fatal warnings logged (PSOD_LOGGED_BACKTRACE)', () => {
    const watchdog = fixturePath('psod', 'shapes', '18-netdev-watchdog-logged-no-crash.txt');

    it('a log whose only backtrace is a NETDEV WATCHDOG warning: "No PSOD found", exit 0, the warning on stderr', async () => {
      const r = await runPsod([watchdog]);
      expect(r.exit).toBe(0);
      expect(r.out).toBe('No PSOD found: no purple-screen header, and the only backtraces were logged by non-fatal warnings (see the PSOD_LOGGED_BACKTRACE warning).\n');
      expect(r.err).toMatch(/^analyze: warning: .*a backtrace logged by a non-fatal warning \(line 5\), not a crash .*\[PSOD_LOGGED_BACKTRACE\]$/m);
      const json = await runPsod([watchdog, '--json']);
      expect(json.exit).toBe(0);
      expect(JSON.parse(json.out)).toMatchObject({ crashFound: false, exception: null, cpu: null, frames: [], culprit: null, warnings: [{ code: 'PSOD_LOGGED_BACKTRACE' }] });
    });

    it('the warning, then the e1000 PSOD: cpu, culprit and 13 frames of the crash, exit 1', async () => {
      const r = await runPsod(['-'], Buffer.concat([readFileSync(watchdog), readFileSync(fixturePath('psod', 'e1000.txt'))]));
      expect(r.exit).toBe(1);
      expect(r.out).toMatch(/^ {2}cpu {6}5$/m);
      expect(r.out).toContain('culprit  E1000PollRxRing@vmkernel  (frame #0)');
      expect(r.out).toContain('backtrace (13 frames):');
      expect(r.out).not.toContain('vmk_LogBacktraceMessage');
      expect(r.err).toMatch(/\[PSOD_LOGGED_BACKTRACE\]$/m);
    });
  });

  it('a purple screen as the screen prints it (shape 11, KB 324947\'s structure: banner, message without @BlueScreen:): a lockup, exit 1', async () => {
    const r = await runPsod([fixturePath('psod', 'shapes', '11-lockup-esx-server-masked-screen.txt')]);
    expect(r.exit).toBe(1);
    expect(r.out).toMatch(/^PSOD: lockup$/m);
    expect(r.out).toContain('message  PCPU 6 locked up. Failed to ack TLB invalidate.');
  });

  describe('a file that is not a plain text (PSOD_NOT_TEXT)', () => {
    /** A one-member ustar archive, as a support bundle holds its logs. */
    const tarOf = (name: string, data: Buffer) => {
      const h = Buffer.alloc(512);
      h.write(name, 0, 'latin1');
      h.write('0000644\0', 100, 'latin1');
      h.write('0000000\0', 108, 'latin1');
      h.write('0000000\0', 116, 'latin1');
      h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
      h.write('00000000000\0', 136, 'latin1');
      h.write('0', 156, 'latin1');
      h.write('ustar\u000000', 257, 'latin1');
      h.fill(' ', 148, 156);
      let sum = 0;
      for (const b of h) sum += b;
      h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
      return Buffer.concat([h, data, Buffer.alloc((512 - (data.length % 512)) % 512), Buffer.alloc(1024)]);
    };

    it('binary bytes: no "No PSOD found" with exit 0, but the warning, how to get the log, and exit 2', async () => {
      let x = 7;
      const bytes = Buffer.from(Array.from({ length: 20_000 }, () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24));
      const r = await runPsod(['-'], bytes);
      expect(r.exit).toBe(2);
      expect(r.out).toMatch(/not a plain text/);
      expect(r.err).toMatch(/PSOD_NOT_TEXT/);
      expect(r.err).toMatch(/vmkdump_extract vmkernel-zdump\.1/);
      const j = await runPsod(['-', '--json'], bytes);
      expect(JSON.parse(j.out)).toMatchObject({ crashFound: false, warnings: [{ code: 'PSOD_NOT_TEXT' }] });
    });

    it('a tar whose log member holds a crash: the crash is reported, exit 1, no warning', async () => {
      const log = readFileSync(fixturePath('psod', 'e1000.txt'));
      const r = await runPsod(['-', '--json'], tarOf('var/log/vmkernel.log', log));
      expect(r.exit).toBe(1);
      const doc = JSON.parse(r.out) as { crashFound: boolean; warnings: { code: string }[]; culprit: { function: string } };
      expect(doc.crashFound).toBe(true);
      expect(doc.culprit.function).toBe('E1000PollRxRing');
      expect(doc.warnings.map((w) => w.code)).not.toContain('PSOD_NOT_TEXT');
    });

    it('a tar of logs without a crash: compressed members were not read, so exit 2, not "no PSOD"', async () => {
      const r = await runPsod(['-'], tarOf('var/log/vmkernel.log', Buffer.from('2020-01-01T00:00:00.000Z cpu1:1)all fine\n')));
      expect(r.exit).toBe(2);
      expect(r.err).toMatch(/tar archive \(a support bundle\?\)/);
    });

    it('a log that begins with a hole of NUL bytes (cut by the crash) is a text: "No PSOD found", exit 0', async () => {
      const log = Buffer.from('2020-01-01T00:00:00.000Z cpu1:1)all fine\n'.repeat(200));
      const r = await runPsod(['-', '--json'], Buffer.concat([Buffer.alloc(100_000), log]));
      expect(r.exit).toBe(0);
      const doc = JSON.parse(r.out) as { crashFound: boolean; warnings: { code: string }[] };
      expect(doc.crashFound).toBe(false);
      expect(doc.warnings).toEqual([]);
    });

    it('a crash after a hole of NUL bytes is reported, as a gzip too', async () => {
      const log = readFileSync(fixturePath('psod', 'e1000.txt'));
      const bytes = Buffer.concat([Buffer.alloc(70_000), log]);
      for (const input of [bytes, gzipSync(bytes)]) {
        const r = await runPsod(['-', '--json'], input);
        expect(r.exit).toBe(1);
        expect((JSON.parse(r.out) as { culprit: { function: string } }).culprit.function).toBe('E1000PollRxRing');
      }
    });

    it('an empty input is an error naming it, exit 2, not "No PSOD found" (file, stdin, JSON)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'psod-empty-'));
      try {
        const empty = join(dir, 'vmkernel.log');
        writeFileSync(empty, '');
        const r = await runPsod([empty]);
        expect(r.exit).toBe(2);
        expect(r.out).toBe('');
        expect(r.err).toBe(`analyze: ${empty}: the input is empty (0 bytes): there is no text to look at (at byte 0)\n`);
        const s = await runPsod(['-', '--json'], Buffer.alloc(0));
        expect(s.exit).toBe(2);
        expect(JSON.parse(s.out)).toEqual({ schemaVersion: '1.0', file: '-', error: { code: 'PSOD_EMPTY', message: 'the input is empty (0 bytes): there is no text to look at', offset: 0 } });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('nothing but NUL bytes, or binary bytes after them, is not a text', async () => {
      let x = 3;
      const random = Buffer.from(Array.from({ length: 20_000 }, () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24));
      for (const input of [Buffer.alloc(10_000), Buffer.concat([Buffer.alloc(10_000), random])]) {
        const r = await runPsod(['-'], input);
        expect(r.exit).toBe(2);
        expect(r.err).toMatch(/PSOD_NOT_TEXT/);
      }
    });

    it('UTF-8 text in any language is text', async () => {
      const r = await runPsod(['-'], Buffer.from('Журнал: всё в порядке. 日志：一切正常。\n'.repeat(200)));
      expect(r.exit).toBe(0);
      expect(r.out).toMatch(/^No PSOD found: no purple-screen header/);
    });
  });
});
