import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/corpus.js';
import { analyzePsod, isLoggedBacktrace, readPsodWindow } from '../../src/psod/index.js';

/**
 * Backtraces a vmkernel.log holds without a crash: a non-fatal warning logged its stack (shape 18, a re-typed
 * NETDEV WATCHDOG warning with the structure of the e1000e excerpt in Karim Elatov's post; fixtures/gen/psod/shapes.mjs).
 * They are never mixed into a crash, and alone they are no PSOD (PSOD_LOGGED_BACKTRACE says they were seen).
 */
const watchdog = () => readFileSync(fixturePath('psod', 'shapes', '18-netdev-watchdog-logged-no-crash.txt'), 'utf8');
const e1000 = () => readFileSync(fixturePath('psod', 'e1000.txt'), 'utf8');
const shape = (name: string) => readFileSync(fixturePath('psod', 'shapes', name), 'utf8');
const codes = (r: { warnings: { code: string }[] }) => r.warnings.map((w) => w.code);
const frame = (n: number, fn: string, cpu = 3) => `2021-05-01T10:00:00.00${n}Z cpu${cpu}:2097152)0x451a0db1bb${n}0:[0x41801e5f4a5${n}]${fn}@vmkernel#nover+0x1${n} stack: 0x0`;

describe('a warning backtrace before a crash is not mixed into it', () => {
  it('the NETDEV WATCHDOG warning (cpu 3), then the e1000 PSOD (cpu 5): the crash alone, its cpu, frames and culprit', () => {
    const r = analyzePsod(`${watchdog()}${e1000()}`);
    expect(r.exception).toMatchObject({ kind: 'exception', type: 'PF', number: 14 });
    expect(r.cpu).toBe(5);
    expect(r.world).toEqual({ id: 34461, idText: '34461', name: 'vmm0:backup0' });
    expect(r.frames).toEqual(analyzePsod(e1000()).frames);
    expect(r.culprit).toMatchObject({ frameIndex: 0, function: 'E1000PollRxRing' });
    expect(r.signature?.id).toBe('e1000-rx-ring');
    expect(codes(r)).toEqual(['PSOD_LOGGED_BACKTRACE']);
    // the watchdog's "Backtrace for current CPU" line is line 5 (after the two comment lines and two warnings)
    expect(r.warnings[0]!.message).toBe(
      'the text holds a backtrace logged by a non-fatal warning (line 5), not a crash (no crash header; the top frame is the log call, or a WARNING line comes just before): it is not mixed into the crash reported',
    );
  });

  it('a warning whose trace does not start with the log call (a WARNING line just before it), then a crash on another CPU', () => {
    const text = [
      '2021-05-01T10:00:00.000Z cpu3:2097152)WARNING: Heap: 3622: Heap_Align(globalCartel-1, 136/136 bytes, 8 align) failed.  caller: 0x41801e6b8bb3',
      '2021-05-01T10:00:00.001Z cpu3:2097152)Backtrace for current CPU #3, worldID=2097152, fp=0x0',
      frame(1, 'Heap_AlignWithTimeoutAndRA'),
      frame(2, 'UserObj_Create'),
      '2021-05-01T10:00:01.000Z cpu1:2097600)NetPort: 1632: disabled port 0x2000004',
      '2021-05-01T10:00:02.000Z cpu5:2098000)@BlueScreen: #PF Exception 14 in world 2098000:vmm0:web01 IP 0x41801f0a2b3c addr 0x0',
      '2021-05-01T10:00:02.001Z cpu5:2098000)0x451a0e21bd20:[0x41801f0a2b3c]mlx5e_xmit@(nmlx5_core)#<None>+0x44 stack: 0x0',
      '2021-05-01T10:00:02.001Z cpu5:2098000)0x451a0e21bd70:[0x41801e5d0b11]NetWorldlet@vmkernel#nover+0x1c1 stack: 0x0',
    ].join('\n');
    const r = analyzePsod(text);
    expect(r.cpu).toBe(5);
    expect(r.frames.map((f) => f.function)).toEqual(['mlx5e_xmit', 'NetWorldlet']);
    expect(r.culprit?.function).toBe('mlx5e_xmit');
    expect(codes(r)).toEqual(['PSOD_LOGGED_BACKTRACE']);
    expect(r.warnings[0]!.message).toContain('(line 2)');
  });

  it('a warning backtrace after the crash: the crash is reported, the backtrace is not called another crash', () => {
    const r = analyzePsod(`${e1000()}${watchdog()}`);
    expect(r.frames).toHaveLength(13);
    expect(r.cpu).toBe(5);
    expect(codes(r)).toEqual(['PSOD_LOGGED_BACKTRACE']);
  });

  it('both on one flattened line: told apart inside the crash text', () => {
    const flat = `${watchdog()
      .split('\n')
      .filter((l) => !l.startsWith('# '))
      .join(' ')} ${e1000().replace(/\n/g, ' ')}`;
    const r = analyzePsod(flat);
    expect([r.cpu, r.frames.length, r.culprit?.function]).toEqual([5, 13, 'E1000PollRxRing']);
    expect(codes(r)).toEqual(['PSOD_LOGGED_BACKTRACE']);
    expect(r.warnings[0]!.message).toContain('(line 1)');
  });

  it('streamed a few bytes at a time, the same report', async () => {
    const bytes = Buffer.from(`${watchdog()}${e1000()}`);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 5) }, (_, i) => bytes.subarray(i * 5, i * 5 + 5));
    const streamed = analyzePsod(await readPsodWindow(chunks));
    expect(JSON.stringify(streamed)).toBe(JSON.stringify(analyzePsod(`${watchdog()}${e1000()}`)));
  });
});

describe('a log whose only backtraces are warnings holds no PSOD', () => {
  it('the NETDEV WATCHDOG warning (shape 18): no crash, and the warning says a logged backtrace was seen', () => {
    const r = analyzePsod(watchdog());
    expect(r.crashFound).toBe(false);
    expect([r.exception, r.world, r.cpu, r.frames, r.culprit]).toEqual([null, null, null, [], null]);
    expect(codes(r)).toEqual(['PSOD_LOGGED_BACKTRACE']);
    expect(r.warnings[0]!.message).toMatch(/\(line 5\), not a crash .*: the text holds no crash$/);
  });

  it('three of them: counted and named by line, still no crash', () => {
    const r = analyzePsod(`${watchdog()}${watchdog()}${watchdog()}`);
    expect(r.crashFound).toBe(false);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^the text holds 3 backtraces logged by non-fatal warnings \(lines 5, 17, 29\), not crashes /)]);
  });
});

describe('backtraces of crashes stay crashes', () => {
  it('a crash whose header was not pasted (shape 04, panic machinery on top) after a WARNING line is a crash', () => {
    const r = analyzePsod(`2024-09-03T07:21:40.511Z cpu41:2131550)WARNING: Heap: 4089: Heap memory exhausted\n${shape('04-assert-vmkernel-log-obfuscated.txt')}`);
    expect(r.crashFound).toBe(true);
    expect(r.exception).toMatchObject({ kind: 'assert', inferred: true });
    expect(r.frames).toHaveLength(11);
    expect(r.warnings).toEqual([]);
  });

  it('two backtraces without headers are two crashes: the last reported, the other counted, never mixed', () => {
    const text = [
      'Backtrace for current CPU #3, worldID=2097152, fp=0x0',
      frame(1, 'Alpha'),
      frame(2, 'Beta'),
      'Backtrace for current CPU #7, worldID=2097999, fp=0x0',
      frame(3, 'Gamma', 7),
    ].join('\n');
    const r = analyzePsod(text);
    expect(r.frames.map((f) => f.function)).toEqual(['Gamma']);
    expect([r.cpu, r.world?.id]).toEqual([7, 2097999]);
    expect(r.warnings.map((w) => w.message)).toEqual(['the text holds another crash (line 1); only the last, at line 4, is reported']);
  });

  it('the rule itself (logged.ts)', () => {
    expect(isLoggedBacktrace({ header: false, topFunction: 'vmk_LogBacktraceMessage', afterWarning: false })).toBe(true);
    expect(isLoggedBacktrace({ header: false, topFunction: 'Heap_AlignWithTimeoutAndRA', afterWarning: true })).toBe(true);
    expect(isLoggedBacktrace({ header: false, topFunction: 'Heap_AlignWithTimeoutAndRA', afterWarning: false })).toBe(false);
    expect(isLoggedBacktrace({ header: false, topFunction: 'PanicvPanicInt', afterWarning: true })).toBe(false);
    expect(isLoggedBacktrace({ header: true, topFunction: 'vmk_LogBacktraceMessage', afterWarning: true })).toBe(false);
    expect(isLoggedBacktrace({ header: false, topFunction: null, afterWarning: true })).toBe(false);
  });
});
