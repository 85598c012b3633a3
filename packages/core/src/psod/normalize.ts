/**
 * Clean-up of pasted PSOD text before parsing: the same screen arrives as a photo transcript, a vmkernel.log
 * excerpt, a one-line paste, a markdown page or a web page run through an e-mail obfuscator.
 */

export interface Normalized {
  lines: string[];
  quirks: string[];
  /** cpu / world from `cpuN:WID)` log prefixes (first seen), as printed. */
  logCpu: string | null;
  logWorld: string | null;
}

/** `2015-08-17T14:19:25.711Z cpu2:1075473)`, `cpu##:########)`, `YYYY-MM-DDTHH:MM:SS.514Z cpu40:2706894)`. */
const LOG_PREFIX = /(?:(?:\d{4}|YYYY)-(?:\d\d|MM)-(?:\d\d|DD)T[\dHMS:.]+Z\s*)?cpu([\d#]+):([\d#]+)\)/g;
/** Where a new record starts inside a flattened line. */
const RECORD_START = /(?=0x[0-9a-f#]+:\[0x[0-9a-f#]+\])|(?<![0-9a-fx#]:)(?=\[0x[0-9a-f#]+\])|(?<!@)(?=@?BlueScreen:)|(?=Backtrace for current CPU)|(?=Code start)|(?<!BlueScreen:\s*)(?=#[A-Z]{2} Exception)/g;

export function normalizePsod(text: string): Normalized {
  const quirks: string[] = [];
  let t = text.replace(/\r\n?/g, '\n');
  // Provenance comments are "# " lines; PSOD lines themselves may start with "#PF" (no space).
  t = t
    .split('\n')
    .filter((l) => !l.startsWith('# '))
    .join('\n');
  if (/\\[[\]_*#@]/.test(t)) {
    quirks.push('markdown-escapes');
    t = t.replace(/\\([[\]_*#@`])/g, '$1');
  }
  if (t.includes("'@'")) {
    quirks.push('quoted-at');
    t = t.replace(/'@'/g, '@');
  }
  if (/\[email(?:&#160;|\s)protected\]/i.test(t)) quirks.push('email-obfuscated');
  // Several frames on one input line: the trace was pasted flattened.
  if (t.split('\n').some((l) => (l.match(/\[0x[0-9a-f#]+\]/gi) ?? []).length > 1)) quirks.push('flattened');
  let logCpu: string | null = null;
  let logWorld: string | null = null;
  if (LOG_PREFIX.test(t)) {
    quirks.push('log-prefixed');
    LOG_PREFIX.lastIndex = 0;
    t = t.replace(LOG_PREFIX, (_m, cpu: string, world: string) => {
      logCpu ??= cpu;
      logWorld ??= world;
      return '\n';
    });
  }
  LOG_PREFIX.lastIndex = 0;
  const raw = t.split('\n');
  const frameCount = (t.match(/\[0x[0-9a-f#]+\]/g) ?? []).length;
  const lines: string[] = [];
  for (const line of raw) {
    // A line holding several frames (or a header and frames) was flattened: split it at record starts.
    const parts = line.split(RECORD_START).map((p) => p.trim()).filter((p) => p !== '');
    lines.push(...parts);
  }
  if (frameCount > 0 && /0x[0-9a-f]*#|\b#{4,}\b|:#{4,}/.test(t)) quirks.push('masked-digits');
  return { lines, quirks, logCpu, logWorld };
}
