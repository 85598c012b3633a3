/**
 * stdout gets a long report in pieces (io.ts, `pieces`): written whole, a 37 MB --json report was encoded into
 * a second buffer of its size first. The pieces must join back to the report exactly.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { OUT_PIECE, pieces, processIo, stdoutFailure } from '../src/io.js';

describe('pieces of a long stdout write', () => {
  it('a short text is one piece, the same string', () => {
    const t = 'short report\n';
    expect([...pieces(t)]).toEqual([t]);
  });

  it('a long one is cut every OUT_PIECE characters and joins back exactly', () => {
    const t = 'x'.repeat(2 * OUT_PIECE + 5);
    const p = [...pieces(t)];
    expect(p.map((s) => s.length)).toEqual([OUT_PIECE, OUT_PIECE, 5]);
    expect(p.join('')).toBe(t);
  });

  it('never between the two halves of a surrogate pair (an emoji in a host name would be written as two U+FFFD)', () => {
    const t = `${'a'.repeat(OUT_PIECE - 1)}😀${'b'.repeat(10)}`; // the pair straddles the first cut
    const p = [...pieces(t)];
    expect(p[0]).toHaveLength(OUT_PIECE - 1);
    expect(p[1]!.startsWith('😀')).toBe(true);
    expect(p.join('')).toBe(t);
    for (const s of p) expect(Buffer.from(s, 'utf8').includes(Buffer.from('\ufffd', 'utf8'))).toBe(false); // a lone half encodes as U+FFFD
  });
});

describe('a failed write to standard output', () => {
  const failure = (code: string) => Object.assign(new Error(`write ${code}`), { code });

  it('| head on a report (EPIPE) stops quietly; anything else, or EPIPE under a binary copy, is one line naming standard output', () => {
    expect(stdoutFailure(failure('EPIPE'), false)).toBeUndefined();
    expect(stdoutFailure(failure('ENOSPC'), false)).toBe('analyze: cannot write to standard output (ENOSPC)\n');
    expect(stdoutFailure(failure('EPIPE'), true)).toBe('analyze: cannot write to standard output (EPIPE): its reader closed it before the capture copy was complete\n');
  });

  // `analyze pcap X --fix-checksums - | head -c 100000` exited 0, the copy cut and its report lost.
  it('processIo: EPIPE exits with the run\'s code until binaryStdout is asked for, then with 2 and the line', () => {
    const before = process.stdout.listeners('error');
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const io = processIo();
      const handler = process.stdout.listeners('error').find((l) => !before.includes(l))!;
      handler(failure('EPIPE'));
      expect(exit).toHaveBeenLastCalledWith(process.exitCode ?? 0);
      expect(stderr).not.toHaveBeenCalled();
      expect(io.binaryStdout?.()).toBe(process.stdout);
      handler(failure('EPIPE'));
      expect(stderr).toHaveBeenCalledWith('analyze: cannot write to standard output (EPIPE): its reader closed it before the capture copy was complete\n');
      expect(exit).toHaveBeenLastCalledWith(2);
    } finally {
      for (const l of process.stdout.listeners('error')) if (!before.includes(l)) process.stdout.off('error', l as (e: Error) => void);
      exit.mockRestore();
      stderr.mockRestore();
    }
  });
});
