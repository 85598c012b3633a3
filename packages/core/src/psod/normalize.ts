/**
 * Clean-up of pasted PSOD text before parsing: the same screen arrives as a photo transcript, a vmkernel.log
 * excerpt, a one-line paste, a markdown page or a web page run through an e-mail obfuscator.
 */
import { SCREEN_RECORD } from './markers.js';

export interface Normalized {
  lines: string[];
  /** Index of the input line each of `lines` came from (comments are dropped, a flattened line gives several). */
  origins: number[];
  quirks: string[];
  /** cpu / world from the `cpuN:WID)` log prefix of the first PSOD line (not of the log noise before it), as printed. */
  logCpu: string | null;
  logWorld: string | null;
  /**
   * Where the PSOD lines' log prefix names another cpu/world than before: from record `record` on. A text
   * holding two crashes takes the second one's CPU from here (at most MAX_PREFIX_CHANGES kept).
   */
  prefixes: Array<{ record: number; cpu: string; world: string }>;
}

/** Changes of the PSOD lines' log prefix remembered: a real log has one per crash. */
const MAX_PREFIX_CHANGES = 1000;

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
/**
 * Text right after a log prefix that belongs to the PSOD itself: its cpu/world are the crash's, not the noise's.
 * A screen message (`cpu22:10487)VMware ESXi .. [Releasebuild-..] PCPU 9 locked up..`) is one too (SCREEN_RECORD).
 */
const PSOD_RECORD = new RegExp(`^\\s*(?:@?BlueScreen:|#[A-Z]{2} Exception|Backtrace for current CPU|Code start|(?:${HEX}:)?\\[${HEX}\\])`);
const isPsodRecord = (text: string) => PSOD_RECORD.test(text) || SCREEN_RECORD.test(text);
/** C0/C1 control characters other than tab and newline. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** A bracketed instruction pointer: one per backtrace frame. */
const FRAME_IP = new RegExp(`\\[${HEX}\\]`, 'g');
/** Masked digits: `0x####`, `0x4180xxxx`, `########`, a world id like `2100xxx`. */
const MASKED = /0x[0-9a-f]*[#?]|0x[0-9a-f]+[xX]{2,}|#{4,}|\bworld\s+\d*[#?xX]{2,}/i;

/** A markdown escape of a character PSOD text holds; and the characters it unescapes. */
const MARKDOWN_ESCAPE = /\\[[\]_*#@]/;
const UNESCAPE = /\\([[\]_*#@`])/g;
const EMAIL_OBFUSCATED = /\[email(?:&#160;|\s)protected\]/i;

/**
 * Undo what pasting does to a PSOD (markdown escapes, e-mail obfuscation, flattened lines, log prefixes)
 * and say which clean-ups were needed. Works line by line: the text is never copied whole.
 * @example normalizePsod('#PF Exception 14 in world 1:x').quirks // []
 */
export function normalizePsod(input: string | readonly string[]): Normalized {
  const raw = typeof input === 'string' ? input.split(/\r\n?|\n/) : input;
  // Control characters have no place in a screen text; they would reach the user's terminal (escape sequences).
  // Provenance comments are "# " lines; PSOD lines themselves may start with "#PF" (no space).
  const kept: string[] = [];
  const keptFrom: number[] = [];
  let escaped = false;
  for (const [i, line] of raw.entries()) {
    const l = line.replace(CONTROL, '\uFFFD');
    if (l.startsWith('# ')) continue;
    escaped ||= MARKDOWN_ESCAPE.test(l);
    kept.push(l);
    keptFrom.push(i);
  }
  const seen = { quotedAt: false, obfuscated: false, flattened: false, prefixed: false, frames: false, masked: false };
  const out: Normalized = { lines: [], origins: [], quirks: [], logCpu: null, logWorld: null, prefixes: [] };
  for (const [ki, k] of kept.entries()) {
    let l = escaped ? k.replace(UNESCAPE, '$1') : k;
    if (l.includes("'@'")) {
      seen.quotedAt = true;
      l = l.replace(/'@'/g, '@');
    }
    seen.obfuscated ||= EMAIL_OBFUSCATED.test(l);
    // Several frames on one input line: the trace was pasted flattened.
    const ips = frameIps(l);
    seen.flattened ||= ips > 1;
    seen.frames ||= ips > 0;
    for (const segment of unprefixed(l, seen)) {
      if (segment.cpu !== undefined) notePrefix(out, segment.cpu, segment.world);
      seen.masked ||= MASKED.test(segment.text);
      // A line holding several frames (or a header and frames) was flattened: split it at record starts.
      // One push per part: a spread of a 300k-record line would overflow the call stack.
      for (const p of segment.text.split(RECORD_START)) {
        const part = p.trim();
        if (part === '') continue;
        out.lines.push(part);
        out.origins.push(keptFrom[ki]!);
      }
    }
  }
  const flags: Array<[boolean, string]> = [
    [escaped, 'markdown-escapes'],
    [seen.quotedAt, 'quoted-at'],
    [seen.obfuscated, 'email-obfuscated'],
    [seen.flattened, 'flattened'],
    [seen.prefixed, 'log-prefixed'],
    [seen.frames && seen.masked, 'masked-digits'],
  ];
  out.quirks = flags.filter(([on]) => on).map(([, name]) => name);
  return out;
}

/** How many bracketed instruction pointers `line` holds: 0, 1 or 2 (more are not counted). */
function frameIps(line: string): number {
  FRAME_IP.lastIndex = 0;
  let n = 0;
  while (n < 2 && FRAME_IP.test(line)) n++;
  FRAME_IP.lastIndex = 0;
  return n;
}

interface Segment {
  text: string;
  /** cpu/world of the log prefix before it, when it is a PSOD record (another CPU's log lines do not count). */
  cpu?: string;
  world: string;
}

/** `line` cut at its vmkernel.log prefixes (each starts a record), the prefixes removed. */
function unprefixed(line: string, seen: { prefixed: boolean }): Segment[] {
  LOG_PREFIX.lastIndex = 0;
  if (!LOG_PREFIX.test(line)) return [{ text: line, world: '' }];
  seen.prefixed = true;
  const segments: Segment[] = [];
  let at = 0;
  let prefix: { cpu?: string; world: string } = { world: '' };
  LOG_PREFIX.lastIndex = 0;
  for (let m = LOG_PREFIX.exec(line); m; m = LOG_PREFIX.exec(line)) {
    segments.push({ text: line.slice(at, m.index), ...prefix });
    at = m.index + m[0].length;
    prefix = isPsodRecord(line.slice(at, at + 200)) ? { cpu: m[1] ?? '', world: m[2] ?? '' } : { world: '' };
  }
  segments.push({ text: line.slice(at), ...prefix });
  return segments;
}

/** The first PSOD prefix names the crash's cpu/world; each change after it is kept for a later crash. */
function notePrefix(out: Normalized, cpu: string, world: string): void {
  if (out.logCpu === null) {
    out.logCpu = cpu;
    out.logWorld = world;
  }
  const last = out.prefixes.at(-1);
  if ((last === undefined || last.cpu !== cpu || last.world !== world) && out.prefixes.length < MAX_PREFIX_CHANGES) out.prefixes.push({ record: out.lines.length, cpu, world });
}
