/**
 * Hostile PSOD lines, built here: long runs that a regex with overlapping quantifiers splits every way when the
 * match fails at the end (U+2028 is a line end to `.` and `$`, and whitespace to `\s`). Exact results, and a
 * generous hang guard (the inputs took 12-20 s+).
 */
import { describe, expect, it } from '@jest/globals';
import { analyzePsod } from '../../src/psod/index.js';
import { MAX_LINE_CHARS } from '../../src/psod/lines.js';

/** Milliseconds `fn` took, and what it returned. */
function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}
/** Far above the linear cost (milliseconds), far below the quadratic one (3-4 s a line). */
const HANG_GUARD_MS = 5000;
const SPACES = ' '.repeat(64_000);

describe('the BlueScreen: message', () => {
  it('lines of "BlueScreen:", 64,000 spaces and a message holding U+2028: no message read, at once (was 3 s a line)', () => {
    expect(`BlueScreen:${SPACES}a\u2028a`.length).toBeLessThan(MAX_LINE_CHARS); // each line is matched whole
    const { value: r, ms } = timed(() => analyzePsod(`BlueScreen:${SPACES}a\u2028a\n`.repeat(5)));
    expect(r.exception).toBeNull();
    expect(r.crashFound).toBe(false);
    expect(ms).toBeLessThan(HANG_GUARD_MS);
  });

  it('the message is read after any run of spaces (U+2028 in it too), and not when a line end follows it', () => {
    const message = (line: string) => analyzePsod(line).exception;
    expect(message(`@BlueScreen:${SPACES}PANIC bora/vmkernel/main.c:123`)).toEqual({
      kind: 'panic',
      type: null,
      number: null,
      text: 'PANIC bora/vmkernel/main.c:123',
      location: 'bora/vmkernel/main.c:123',
      inferred: false,
    });
    expect(message('BlueScreen: \u2028\t ASSERT bora/x.c:7')?.text).toBe('ASSERT bora/x.c:7');
    expect(message('BlueScreen:')).toMatchObject({ kind: 'panic', text: '' });
    expect(message('BlueScreen: PANIC\u2028 x')).toBeNull();
  });
});

describe('an obfuscated frame symbol', () => {
  it('frames whose symbol ends in a word of 60,000 "#": the frames, no version, at once (was 4 s a frame)', () => {
    const line = `0x43900fe1bd30:[0x41802e47b71a][email protected]${'#'.repeat(60_000)} x+0x10\n`;
    const { value: r, ms } = timed(() => analyzePsod(`#PF Exception 14 in world 2097296:vmx IP 0x41802e47b71a addr 0x0\n${line.repeat(5)}`));
    expect(r.frames).toHaveLength(5);
    expect(r.frames[0]).toMatchObject({ obfuscated: true, function: null, module: null, version: null, offset: '0x10', ip: '0x41802e47b71a' });
    expect(ms).toBeLessThan(HANG_GUARD_MS);
  });

  it('the version is what follows the first "#" of the last word', () => {
    const version = (symbol: string) => analyzePsod(`0x1:[0x2]${symbol}+0x10`).frames[0]?.version;
    expect(version('[email protected]#7.0.3')).toBe('7.0.3');
    expect(version('[email protected] #7.0.3')).toBe('7.0.3');
    expect(version('[email protected]##a#b c#d#e')).toBe('d#e');
    expect(version('[email protected]#a b')).toBeNull();
    expect(version('[email protected]#')).toBe('');
  });
});
