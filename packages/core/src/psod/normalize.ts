/**
 * Clean-up of pasted PSOD text before parsing: the same screen arrives as a photo transcript, a vmkernel.log
 * excerpt, a one-line paste, a markdown page or a web page run through an e-mail obfuscator.
 */

export interface Normalized {
  lines: string[];
  quirks: string[];
  /** cpu / world from the `cpuN:WID)` log prefix of the first PSOD line (not of the log noise before it), as printed. */
  logCpu: string | null;
  logWorld: string | null;
}

/**
 * A hex number as screens, transcripts and vendor pages print it: digits may be masked (`0x####`,
 * `0x4180xxxxxx`, `0x41??`) or misread by OCR from a photo (`l`/`I` for 1, `O`/`o` for 0). Kept as printed.
 */
export const HEX = '0x[0-9a-fA-F#?xXlIoO]+';
/**
 * A frame address where a record may start: at most 32 digits (real ones have 16). Unbounded, the lookahead
 * would rescan a long run like `0x0x0x...` (every `0` starts a HEX) from each of its positions (quadratic).
 */
const FRAME_ADDRESS = '0x[0-9a-fA-F#?xXlIoO]{1,32}';
/** A decimal id (world, CPU) that may be masked with `#`, `x` or `?`. */
export const DEC = '[\\d#?xX]+';

/** `2015-08-17T14:19:25.711Z cpu2:1075473)`, `cpu##:########)`, `YYYY-MM-DDTHH:MM:SS.514Z cpu40:2706894)`. */
const LOG_PREFIX = /(?:(?:\d{4}|YYYY)-(?:\d\d|MM)-(?:\d\d|DD)T[\dHMS:.]+Z\s*)?cpu([\d#]+):([\d#]+)\)/g;
/**
 * Where a new record starts inside a flattened line. Each lookbehind stands after the lookahead that anchors
 * it: a lookbehind with `\s*` tried at every position is quadratic on a long run of spaces.
 */
const RECORD_START = new RegExp(
  `(?=${FRAME_ADDRESS}:\\[${HEX}\\])|(?<![0-9a-fA-F#?xXlIoO]:)(?=\\[${HEX}\\])|(?<!@)(?=@?BlueScreen:)|(?=Backtrace for current CPU)|(?=Code start)|(?=#[A-Z]{2} Exception)(?<!BlueScreen:\\s*)`,
  'g',
);
/** Text right after a log prefix that belongs to the PSOD itself: its cpu/world are the crash's, not the noise's. */
const PSOD_RECORD = new RegExp(`^\\s*(?:@?BlueScreen:|#[A-Z]{2} Exception|Backtrace for current CPU|Code start|(?:${HEX}:)?\\[${HEX}\\])`);
/** C0/C1 control characters other than tab and newline. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** A bracketed instruction pointer: one per backtrace frame. */
const FRAME_IP = new RegExp(`\\[${HEX}\\]`, 'g');
/** Masked digits: `0x####`, `0x4180xxxx`, `########`, a world id like `2100xxx`. */
const MASKED = /0x[0-9a-f]*[#?]|0x[0-9a-f]+[xX]{2,}|#{4,}|\bworld\s+\d*[#?xX]{2,}/i;

/**
 * Undo what pasting does to a PSOD (markdown escapes, e-mail obfuscation, flattened lines, log prefixes)
 * and say which clean-ups were needed.
 * @example normalizePsod('#PF Exception 14 in world 1:x').quirks // []
 */
export function normalizePsod(text: string): Normalized {
  const quirks: string[] = [];
  // Control characters have no place in a screen text; they would reach the user's terminal (escape sequences).
  let t = text.replace(/\r\n?/g, '\n').replace(CONTROL, '\uFFFD');
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
  if (t.split('\n').some((l) => (l.match(FRAME_IP) ?? []).length > 1)) quirks.push('flattened');
  let logCpu: string | null = null;
  let logWorld: string | null = null;
  if (LOG_PREFIX.test(t)) {
    quirks.push('log-prefixed');
    LOG_PREFIX.lastIndex = 0;
    t = t.replace(LOG_PREFIX, (m: string, cpu: string, world: string, at: number, whole: string) => {
      // A vmkernel.log holds other CPUs' lines before the crash: only the PSOD's own lines name its CPU.
      if (logCpu === null && PSOD_RECORD.test(whole.slice(at + m.length, at + m.length + 200))) {
        logCpu = cpu;
        logWorld = world;
      }
      return '\n';
    });
  }
  LOG_PREFIX.lastIndex = 0;
  const raw = t.split('\n');
  const frameCount = (t.match(FRAME_IP) ?? []).length;
  const lines: string[] = [];
  for (const line of raw) {
    // A line holding several frames (or a header and frames) was flattened: split it at record starts.
    // One push per part: a spread of a 300k-record line would overflow the call stack.
    for (const p of line.split(RECORD_START)) {
      const part = p.trim();
      if (part !== '') lines.push(part);
    }
  }
  if (frameCount > 0 && MASKED.test(t)) quirks.push('masked-digits');
  return { lines, quirks, logCpu, logWorld };
}
