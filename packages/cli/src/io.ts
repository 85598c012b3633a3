import { fstatSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { AnalyzeError } from '@analyze/core/errors';
import type { FileIdentity } from '@analyze/core/io';

/** Everything the CLI touches outside itself, injected so tests run `main()` in-process and read what it printed. */
export interface Io {
  /** Write to stdout (results only). The caller supplies newlines. */
  out(text: string): void;
  /**
   * Resolves once stdout has taken what was written (at once when nothing is waiting). A pipe takes
   * writes asynchronously: a writer that does not wait for it queues its whole output in memory.
   */
  drained(): Promise<void>;
  /** Write to stderr (diagnostics, warnings, progress). */
  err(text: string): void;
  /**
   * Standard output for bytes that must arrive whole (the capture copy of `--fix-checksums -`). Once asked
   * for, a reader that goes away before the end is an error (exit 2, one line on stderr), not the quiet stop
   * `| head` gets on a report. Optional, so that an in-process test's Io need not give one (`-` then goes to
   * process.stdout as it is).
   */
  binaryStdout?(): Writable;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width for help text, when known. */
  columns?: number | undefined;
  env: Record<string, string | undefined>;
  /** Working directory relative paths are resolved against. */
  cwd: string;
  /** Reads all of stdin (for commands that accept `-`); more than `maxBytes` is an error (STDIN_TOO_LARGE). */
  readStdin(maxBytes: number): Promise<Buffer>;
  /** Standard input as a stream, for the library to read at its own pace (`analyze pcap -` never holds it whole). */
  stdin(): AsyncIterable<Uint8Array>;
  /** The file standard input is redirected from (`< capture.pcap`), if it is one: outputs must not overwrite it. */
  stdinIdentity?(): FileIdentity | undefined;
  /** Register a handler for Ctrl-C; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

/** The error for standard input longer than a command reads (the same cap as for its files). */
export function stdinTooLarge(maxBytes: number): AnalyzeError {
  return new AnalyzeError('STDIN_TOO_LARGE', `standard input is longer than the ${maxBytes} bytes read for this kind of input`, { file: '-' });
}

/**
 * Characters handed to stdout per write. A report is one string (tens of MB as --json of a large backup);
 * written whole, it is encoded into a second buffer of its size first (a pipe: measured +37 MB on a 37 MB
 * report), in pieces only a piece at a time.
 */
export const OUT_PIECE = 1 << 20;

/** Bytes stdout may have queued before `drained` waits (waiting whenever a pipe is full made `events --records` slower). */
export const OUT_AHEAD = 1 << 20;

/** `text` in pieces of at most OUT_PIECE characters, never splitting a surrogate pair. */
export function* pieces(text: string): Generator<string> {
  if (text.length <= OUT_PIECE) {
    yield text;
    return;
  }
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + OUT_PIECE);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate: keep it with its pair
    yield text.slice(at, end);
    at = end;
  }
}

/**
 * What a failed write to standard output says before the run ends with exit 2, or undefined to stop quietly
 * with the run's own exit code. `analyze ... | head` closing a report early (EPIPE) is the quiet case, as for
 * other Unix tools; a full disk behind `> file` is the output's fault: one line, not a stack trace. A binary
 * copy (`copying`) cut by its reader is that too: the copy is incomplete, and exit 0 would call it written.
 * @example stdoutFailure(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), false) // undefined
 */
export function stdoutFailure(e: NodeJS.ErrnoException, copying: boolean): string | undefined {
  if (e.code === 'EPIPE' && !copying) return undefined;
  const why = e.code === 'EPIPE' ? ': its reader closed it before the capture copy was complete' : '';
  return `analyze: cannot write to standard output (${e.code ?? e.message})${why}\n`;
}

export function processIo(): Io {
  /** Set once a command writes bytes that must arrive whole to stdout (binaryStdout). */
  let copying = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    const failure = stdoutFailure(e, copying);
    if (failure === undefined) {
      process.exit(process.exitCode ?? 0);
    } else {
      process.stderr.write(failure);
      process.exit(2);
    }
  });
  return {
    out: (t) => {
      for (const piece of pieces(t)) process.stdout.write(piece);
    },
    drained: () => {
      const out = process.stdout;
      // Some text queued ahead keeps the pipe busy while the next is made; 'drain' comes once it is all taken.
      if (!out.writableNeedDrain || out.writableLength < OUT_AHEAD) return Promise.resolve();
      return new Promise<void>((done) => {
        const go = () => {
          out.off('drain', go);
          out.off('close', go);
          done();
        };
        out.on('drain', go);
        out.on('close', go);
      });
    },
    err: (t) => void process.stderr.write(t),
    binaryStdout: () => {
      copying = true;
      return process.stdout;
    },
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stdout.columns,
    env: process.env,
    cwd: process.cwd(),
    readStdin: async (maxBytes) => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const c of process.stdin) {
        total += (c as Buffer).length;
        // Stop at the cap instead of buffering an endless pipe (`cat /dev/zero | analyze psod -`).
        if (total > maxBytes) throw stdinTooLarge(maxBytes);
        chunks.push(c as Buffer);
      }
      return Buffer.concat(chunks);
    },
    stdin: () => process.stdin,
    stdinIdentity: () => {
      try {
        const s = fstatSync(0, { bigint: true });
        return s.isFile() && s.ino !== 0n ? { dev: s.dev, ino: s.ino } : undefined;
      } catch {
        return undefined; // no standard input (closed): nothing to protect
      }
    },
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => void process.off('SIGINT', handler);
    },
  };
}
