import type { Io } from '../io.js';
import { printable } from './printable.js';

/** Redraws at most this often: the readers run at GB/s, so drawing per record would cost more than the work. */
const PROGRESS_INTERVAL_MS = 100;

export interface Progress {
  /** Show `text` as the current state (throttled). */
  update(text: string): void;
  /** Erase the line. Call before printing results. */
  done(): void;
}

/**
 * A one-line `\r` status on stderr, only when stderr is a terminal that can erase a line (not TERM=dumb)
 * and the user did not ask for --json or --quiet.
 */
export function makeProgress(io: Io, enabled: boolean): Progress {
  if (!enabled || !io.stderrIsTTY || io.env['TERM'] === 'dumb') return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      shown = true;
      io.err(`\r\u001b[2K${printable(text)}`);
    },
    done() {
      if (shown) io.err('\r\u001b[2K');
      shown = false;
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
