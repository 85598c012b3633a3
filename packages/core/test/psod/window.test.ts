import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fixturePath } from '../helpers/corpus.js';
import { analyzePsod, CrashWindow, MAX_PSOD_FRAMES, MAX_PSOD_LINES, readPsodWindow } from '../../src/psod/index.js';
import { LineSplitter, MAX_LINE_CHARS } from '../../src/psod/lines.js';

/**
 * The crash window (psod/window.ts): the crash is found wherever it is in a long text, the last one is
 * reported, and only the crash text is kept. The long inputs are built here.
 */
const e1000 = () => readFileSync(fixturePath('psod', 'e1000.txt'), 'utf8');
const codes = (r: { warnings: { code: string }[] }) => r.warnings.map((w) => w.code);

/** A vmkernel.log: the boot line names the host, ordinary lines (some say "Exception"), the crash at the end. */
function longLog(lines: number): string {
  const noise = Array.from({ length: lines }, (_, i) =>
    i % 1000 === 0
      ? `2014-03-01T00:00:00.000Z cpu0:32768)WARNING: LinNet: netdev_watchdog: vmnic2: transmit timed out, Exception handled`
      : `2014-03-01T00:${String((i / 60) % 60 | 0).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z cpu3:33000)NetPort: 1632: disabled port 0x200000${i % 10}`,
  );
  return `2014-03-01T00:00:00.000Z cpu0:32768)Boot Session: VMware ESXi 5.5.0 build-1623387 starting\n${noise.join('\n')}\n${e1000()}`;
}

describe('the crash is found wherever it is in the text', () => {
  it('a crash at the end of a 150,000-line vmkernel.log whose first lines say "VMware ESXi" and "Exception"', () => {
    // the window used to start at the first "VMware ESX" / " Exception" and stop 100,000 lines later: "No PSOD found"
    const r = analyzePsod(longLog(150_000));
    expect(r.crashFound).toBe(true);
    expect(r.signature?.id).toBe('e1000-rx-ring');
    expect(r.world).toEqual({ id: 34461, idText: '34461', name: 'vmm0:backup0' });
    expect(r.banner?.build).toBe('1623387');
    expect(r.warnings).toEqual([]);
  });

  it('a crash after a 17 MB line (longer than the whole window used to be)', () => {
    const r = analyzePsod(`${'x'.repeat(17_000_000)}\n${e1000()}`);
    expect(r.crashFound).toBe(true);
    expect(r.frames).toHaveLength(13);
    expect(r.warnings).toEqual([]);
  });

  it('a crash header outranks a later backtrace without one; the later one is counted', () => {
    const frames = readFileSync(fixturePath('psod', 'shapes', '08-vmmemcow-frames-only.txt'), 'utf8');
    const r = analyzePsod(`${e1000()}${'ordinary line\n'.repeat(600)}${frames}`);
    expect(r.signature?.id).toBe('e1000-rx-ring');
    expect(codes(r)).toEqual(['PSOD_MORE_CRASHES']);
    expect(r.warnings[0]!.message).toContain('only the last with a crash header, at line 2, is reported');
  });

  it('frames far from a header (over BLOCK_GAP_LINES lines of other text) are another crash text, not its backtrace', () => {
    const w = new CrashWindow();
    w.write(`#PF Exception 14 in world 1:a IP 0x1 addr 0x0\n${'x\n'.repeat(501)}0x1:[0x2]F@m#v+0x3\n`);
    expect(w.result()).toMatchObject({ line: 1, others: 1, otherLines: [503], last: false });
  });
});

describe('only the crash text is kept', () => {
  it('200,000 frame lines: at most MAX_PSOD_LINES lines kept, MAX_PSOD_FRAMES frames read, both cuts said', () => {
    const line = '2014-03-02T03:14:15.101Z cpu5:34461)0x41229eb9b590:[0x418023d9c266]E1000PollRxRing@vmkernel#nover+0xdb9 stack: 0x41229eb9b5c0\n';
    const w = new CrashWindow();
    for (let i = 0; i < 200; i++) w.write(line.repeat(1000));
    const window = w.result();
    expect(window.lines.length).toBeLessThanOrEqual(MAX_PSOD_LINES);
    expect(window.cut).toMatch(/the crash text from line 1 is longer than/);
    const r = analyzePsod(window);
    expect(r.frames).toHaveLength(MAX_PSOD_FRAMES);
    expect(r.culprit?.function).toBe('E1000PollRxRing');
    expect(codes(r)).toEqual(['PSOD_INPUT_CUT', 'PSOD_INPUT_CUT']);
  });

  it('a flattened paste longer than MAX_LINE_CHARS is cut between records: every frame and the header still read', () => {
    // the screen on one line, then 80 more copies of its frames: ~140 kB, cut twice
    const flat = e1000().replace(/\n/g, ' ');
    const frames = e1000()
      .split('\n')
      .filter((l) => l.includes(':[0x'))
      .join(' ');
    const long = `${flat} ${`${frames} `.repeat(80)}`;
    expect(long.length).toBeGreaterThan(2 * MAX_LINE_CHARS);
    const r = analyzePsod(long);
    expect(r.exception?.type).toBe('PF');
    expect(r.frames).toHaveLength(13 * 81);
    expect(r.warnings).toEqual([]);
  });
});

describe('streamed input', () => {
  it('line endings split between pieces: \\r\\n across two pieces is one break, a lone \\r is a break', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    for (const piece of ['a\r', '\nb\r', 'c\n', '\n', 'd']) s.write(piece);
    s.end();
    expect(lines).toEqual(['a', 'b', 'c', '', 'd']);
  });

  it('UTF-16 and gzip arriving a few bytes at a time read as the whole text does', async () => {
    const whole = analyzePsod(e1000());
    const pieces = (b: Buffer, n: number) => Array.from({ length: Math.ceil(b.length / n) }, (_, i) => b.subarray(i * n, i * n + n));
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(e1000(), 'utf16le')]);
    for (const chunks of [pieces(utf16, 7), pieces(gzipSync(utf16), 3), pieces(Buffer.from(e1000()), 1)]) {
      const r = analyzePsod(await readPsodWindow(chunks));
      expect(r.frames).toEqual(whole.frames);
      expect(r.world).toEqual(whole.world);
      expect(r.banner).toEqual(whole.banner);
    }
  });
});
