/**
 * The part of a long text that a PSOD analysis reads, cut without splitting the whole text: a screen
 * is a few hundred lines, and a vmkernel.log ends with the crash. Splitting 62 MB of short lines (or of
 * bare newlines) into an array, several times over, took gigabytes; this window keeps the work and the
 * memory bounded whatever the input holds.
 */

/** Most lines analysed: a PSOD screen is < 300 lines; a whole rotated vmkernel.log (a few MB) is ~50,000. */
export const MAX_PSOD_LINES = 100_000;
/** Most characters analysed (16 Mi): bounds one flattened line too. */
export const MAX_PSOD_CHARS = 16 * 1024 * 1024;
/** Lines kept before the first crash marker (the log prefix and the world list precede the header). */
const LINES_BEFORE_MARKER = 2000;
/** Strings that start a PSOD; the window is anchored at the first one. */
const CRASH_MARKERS = ['BlueScreen:', ' Exception', 'Backtrace for current CPU', 'VMware ESX'];

export interface PsodWindow {
  text: string;
  /** Set when the input was cut to the window: what was kept, in plain words. */
  cut?: string;
}

/**
 * `text` when it is small; otherwise at most MAX_PSOD_LINES lines / MAX_PSOD_CHARS characters starting
 * a little before the first crash marker (or, with no marker, the end of the text). Linear in the input.
 */
export function psodWindow(text: string): PsodWindow {
  if (text.length <= MAX_PSOD_CHARS && countLines(text, MAX_PSOD_LINES + 1) <= MAX_PSOD_LINES) return { text };
  let first = -1;
  for (const m of CRASH_MARKERS) {
    const at = text.indexOf(m);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  let start: number;
  if (first >= 0) {
    start = lineStart(text, first);
    for (let i = 0; i < LINES_BEFORE_MARKER && start > 0; i++) start = lineStart(text, start - 1);
  } else {
    // no marker: the end of the log, where a crash would be
    start = Math.max(0, text.length - MAX_PSOD_CHARS);
    let lines = 0;
    for (let at = text.length; at > start; at = text.lastIndexOf('\n', at - 1)) {
      if (++lines > MAX_PSOD_LINES) {
        start = at + 1;
        break;
      }
      if (at <= 0) break;
    }
  }
  let end = start;
  for (let lines = 0; lines < MAX_PSOD_LINES && end < text.length && end - start < MAX_PSOD_CHARS; lines++) {
    const nl = text.indexOf('\n', end);
    end = nl < 0 ? text.length : nl + 1;
  }
  end = Math.min(end, start + MAX_PSOD_CHARS);
  return { text: text.slice(start, end), cut: `characters ${start}-${end} of ${text.length} analysed (at most ${MAX_PSOD_LINES} lines / ${MAX_PSOD_CHARS} characters, from just before the first crash marker)` };
}

function countLines(text: string, stopAt: number): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0 && n < stopAt; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}
