import { fileIdentity } from '@analyze/core/io';
import { type Io, stdinTooLarge } from '../../src/io.js';

export interface CapturedIo extends Io {
  stdout: string;
  stderr: string;
}

/** An Io that records what the CLI printed, for in-process tests of `main()`. */
export function captureIo(opts: { env?: Record<string, string | undefined>; tty?: boolean; stdin?: Buffer; stdinFile?: string; cwd?: string } = {}): CapturedIo {
  const io: CapturedIo = {
    stdout: '',
    stderr: '',
    out: (t) => void (io.stdout += t),
    drained: async () => {},
    err: (t) => void (io.stderr += t),
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: opts.tty ?? false,
    columns: 100,
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    readStdin: async (maxBytes) => {
      const data = opts.stdin ?? Buffer.alloc(0);
      if (data.length > maxBytes) throw stdinTooLarge(maxBytes);
      return data;
    },
    stdin: () =>
      (async function* () {
        // In 64 KiB pieces, as a pipe delivers them.
        const data = opts.stdin ?? Buffer.alloc(0);
        for (let at = 0; at < data.length; at += 65536) yield data.subarray(at, at + 65536);
      })(),
    // `< file`: standard input is that file (opts.stdinFile), as processIo finds with fstat.
    stdinIdentity: () => (opts.stdinFile === undefined ? undefined : fileIdentity(opts.stdinFile)),
    onInterrupt: () => () => {},
  };
  return io;
}
