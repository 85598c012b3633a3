/**
 * Is this a saved `!analyze -v` text (pasted out of WinDbg, or a cdb log)? Decided by content, never by
 * file name: `analyze dump analysis.txt` and `analyze dump crash.log` must both work.
 */

/** How much of the head is examined; a banner or the first keys always appear well within this. */
const SNIFF_CHARS = 64 * 1024;
/** A text with more control characters than this share of its first bytes is binary (a dump, an archive). */
const MAX_CONTROL_SHARE = 0.05;
/**
 * Indentation before a line's first word: whitespace that ends no line. With the m flag `^` starts a line after
 * \n, \r, U+2028 and U+2029, and `\s` matches all four, so `^\s*` (or `^[^\S\n]*`) rescans a run of them from
 * each of its line starts (quadratic: 64 KB of newlines took 35 s, 64 KB of U+2028 in UTF-16 7 s, per file sniffed).
 */
const INDENT = String.raw`[^\S\n\r\u2028\u2029]*`;
/** Keys that only `!analyze` prints; two of them together are a safe signal without the banner. */
const ANALYSIS_KEYS = new RegExp(
  `^${INDENT}(BUGCHECK_CODE|BUGCHECK_STR|BUGCHECK_P1|FAILURE_BUCKET_ID|DEFAULT_BUCKET_ID|FAILURE_ID_HASH|IMAGE_NAME|MODULE_NAME|SYMBOL_NAME|EXCEPTION_CODE_STR|FOLLOWUP_IP|FAULTING_IP|STACK_TEXT|PROCESS_NAME):`,
  'gm',
);
/** Lines only `!analyze` output holds: the summary, the culprit, the command at a kd or user-mode prompt. */
const ANALYSIS_LINES = [
  `^${INDENT}BugCheck [0-9A-Fa-f]{1,8}, \\{`,
  `^${INDENT}Probably caused by\\s*:`,
  `^${INDENT}(\\d+: )?kd> ?!analyze`,
  `^${INDENT}\\d+:\\d+(:[a-z0-9]+)?> ?!analyze`,
].map((p) => new RegExp(p, 'm'));
/** A bugcheck name line `NAME (code)` and an `Arg1:` line: the head of a 6.x analysis without its banner. */
const NAME_LINE = new RegExp(`^${INDENT}[A-Z][A-Z0-9_]{2,} \\([0-9a-fA-F]{1,8}\\)${INDENT}$`, 'm');
const ARG_LINE = new RegExp(`^${INDENT}Arg[1-4]: [0-9a-fA-F\`]{8,}`, 'm');

/**
 * Turn what was read into plain text: cdb's `-logou` and Windows editors write UTF-16LE, which arrives here
 * decoded as UTF-8 with a NUL after every ASCII character; a BOM becomes U+FEFF or U+FFFD. CRLF becomes LF.
 * @example const text = normaliseAnalyzeText(readFileSync('analyze.txt'));
 */
export function normaliseAnalyzeText(input: string | Uint8Array): string {
  return decodeAnalyzeText(input).replace(/\r\n?/g, '\n');
}

/**
 * normaliseAnalyzeText without turning CRLF into LF, for a reader that takes any line end itself: on a long
 * text of short lines that replace built a second copy of the text line by line (~40 bytes a line).
 * `encoding` decodes a piece of a text whose encoding its start told (analyzeTextEncoding).
 */
export function decodeAnalyzeText(input: string | Uint8Array, encoding?: 'utf8' | 'utf16le'): string {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const b = input;
    text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString(encoding ?? analyzeTextEncoding(b));
  }
  // eslint-disable-next-line no-control-regex
  if (text.includes('\u0000')) text = text.replace(/\u0000/g, '');
  return text.replace(/^[\ufeff\ufffd]+/, '');
}

/**
 * UTF-16LE (cdb `-logou`, Windows editors: a BOM, or a NUL after every ASCII character) or UTF-8, from a text's start.
 * @example analyzeTextEncoding(Buffer.from('\ufeffBugCheck', 'utf16le')) // 'utf16le'
 */
export function analyzeTextEncoding(b: Uint8Array): 'utf8' | 'utf16le' {
  return (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) || nulShare(b) > 0.3 ? 'utf16le' : 'utf8';
}

function nulShare(b: Uint8Array): number {
  const n = Math.min(b.length, 4096);
  if (n === 0) return 0;
  let nul = 0;
  for (let i = 0; i < n; i++) if (b[i] === 0) nul++;
  return nul / n;
}

function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 4096);
  if (n === 0) return false;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffd) control++;
  }
  return control / n > MAX_CONTROL_SHARE;
}

/** True when `head` (the start of a file, text or bytes) is `!analyze` output, complete or pasted in part.
 * @example if (looksLikeAnalyzeText(readHead('analyze.txt', 4096))) console.log('saved !analyze -v text');
 */
export function looksLikeAnalyzeText(head: string | Uint8Array): boolean {
  if (typeof head !== 'string' && head.length >= 4) {
    const sig = Buffer.from(head.buffer, head.byteOffset, Math.min(8, head.length)).toString('latin1');
    if (sig.startsWith('MDMP') || sig.startsWith('PAGEDU') || sig.startsWith('PAGEDUMP') || sig.startsWith('USERDU')) return false;
  }
  const text = normaliseAnalyzeText(typeof head === 'string' ? head.slice(0, SNIFF_CHARS) : head.subarray(0, SNIFF_CHARS * 2));
  if (/^(MDMP|PAGEDU64|PAGEDUMP|USERDU)/.test(text) || looksBinary(text)) return false;
  if (/\*\s+(Bugcheck|Exception) Analysis\s+\*/.test(text)) return true;
  if (ANALYSIS_LINES.some((re) => re.test(text))) return true;
  if (NAME_LINE.test(text) && ARG_LINE.test(text)) return true;
  const keys = new Set<string>();
  for (const m of text.matchAll(ANALYSIS_KEYS)) {
    keys.add(m[1]!);
    if (keys.size >= 2) return true;
  }
  return false;
}
