import { AnalyzeError, Warnings, type Warning } from '../../errors.js';
import { REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ } from '../registry/value-types.js';
import { decodeRegText, type RegTextEncoding } from './decode-text.js';

export const REGEDIT5_HEADER = 'Windows Registry Editor Version 5.00';
export const REGEDIT4_HEADER = 'REGEDIT4';

/** One value line. `data` holds the bytes the value would have in a hive (strings as UTF-16LE + NUL). */
export interface RegFileValue {
  /** '' for the default value (`@`). */
  name: string;
  type: number;
  /** null: the line deletes the value (`"name"=-`). */
  data: Buffer | null;
  /** 1-based line where the value starts. */
  line: number;
}

export interface RegFileKey {
  /** The path as written between the brackets, e.g. `HKEY_LOCAL_MACHINE\SOFTWARE\...`. */
  path: string;
  /** `[-path]`: the section deletes the key. */
  deleted: boolean;
  values: RegFileValue[];
  line: number;
}

export interface RegFile {
  format: 'REGEDIT5' | 'REGEDIT4';
  encoding: RegTextEncoding;
  bom: boolean;
  keys: RegFileKey[];
  warnings: Warning[];
}

export interface ParseRegOptions {
  file?: string;
  strict?: boolean;
}

/** True when the bytes are a .reg file (either header, any encoding).
 * @example isRegFile(Buffer.from('Windows Registry Editor Version 5.00\r\n')); // true
 */
export function isRegFile(head: Uint8Array): boolean {
  const first = decodeRegText(head).text.replace(/^\s+/, '');
  return first.startsWith(REGEDIT5_HEADER) || first.startsWith(REGEDIT4_HEADER);
}

/** `"Name"=hex(2):...` and friends: the lines that may continue with a trailing backslash. */
const HEX_VALUE = /^\s*(?:@|"(?:[^"\\]|\\.)*")\s*=\s*hex(?:\([0-9a-fA-F]+\))?\s*:/;
/** A value written as UTF-16 text in hex: REG_SZ (hex(1)), REG_EXPAND_SZ (hex(2)), REG_MULTI_SZ (hex(7)). */
const STRING_HEX_VALUE = /^(?:@|"(?:[^"\\]|\\.)*")\s*=\s*hex\([127]\):/i;

/** A line that continues on the next one: a trailing backslash. */
const CONTINUED = /\\\s*$/;

/** What `readRegFile` hands over as it goes: each `[key]` line, then the values under it. */
export interface RegFileVisitor {
  /** A `[key]` or `[-key]` line; the values that follow belong to it. */
  key(key: Omit<RegFileKey, 'values'>): void;
  /** A value line of the latest key. */
  value(value: RegFileValue): void;
}

/** The file as a whole, without its keys (`readRegFile` hands those to the visitor instead). */
export type RegFileInfo = Omit<RegFile, 'keys'>;

/**
 * Parse a .reg file leniently, as regedit imports it: any of the encodings above, CRLF or LF, blank
 * lines optional (Microsoft's published ProfileList file has none between keys), spaces around `=`,
 * hex lists continued with `\` onto indented or unindented lines, `;` comments. Lines that cannot be
 * understood become coded warnings (REGFILE_BAD_LINE, with the line number) and are skipped.
 * Every key and value is kept; `readRegFile` hands them over one by one instead.
 * @example const reg = parseRegFile(readFileSync('export.reg'), { file: 'export.reg' });
 */
export function parseRegFile(data: Uint8Array, options: ParseRegOptions = {}): RegFile {
  const keys: RegFileKey[] = [];
  const info = readRegFile(data, options, {
    key: (k) => void keys.push({ path: k.path, deleted: k.deleted, values: [], line: k.line }),
    value: (v) => void keys[keys.length - 1]!.values.push(v),
  });
  return { format: info.format, encoding: info.encoding, bom: info.bom, keys, warnings: info.warnings };
}

/**
 * `parseRegFile` without keeping anything: each key and value goes to the visitor as it is read, so a
 * caller that needs one part of a large export holds only that part (12 MB of `[]` lines kept as
 * key objects peaked at 707 MB). Lines are read one at a time, never split into an array.
 * @example readRegFile(data, {}, { key: (k) => console.log(k.path), value: (v) => console.log(v.name) });
 */
export function readRegFile(data: Uint8Array, options: ParseRegOptions, visitor: RegFileVisitor): RegFileInfo {
  const { text, encoding, bom } = decodeRegText(data);
  const warnings = new Warnings(options.strict ?? false, options.file);
  const lines = new LineReader(text);
  let line = lines.next();
  while (line !== undefined && line.trim() === '') line = lines.next();
  const header = (line ?? '').trim();
  let format: RegFile['format'];
  if (header === REGEDIT5_HEADER) format = 'REGEDIT5';
  else if (header === REGEDIT4_HEADER) format = 'REGEDIT4';
  else throw new AnalyzeError('REGFILE_NOT_REG', `is not a .reg file (first line is ${JSON.stringify(header.slice(0, 60))}, expected "${REGEDIT5_HEADER}" or "${REGEDIT4_HEADER}")`, { file: options.file, offset: 0 });
  let inKey = false;
  // The line of a hex list that still goes on (ends in "," or "\\") when the next content line comes: at
  // the end of the file, the export was cut inside that value.
  let openHex = 0;
  // The last content line (hex continuations joined) and its number, for the cut test at the end.
  let lastContent = '';
  let lastContentNo = 0;
  for (line = lines.next(); line !== undefined; line = lines.next()) {
    const lineNo = lines.lineNo;
    // Join hex continuations: "...,\" then the next line (leading spaces dropped).
    if (HEX_VALUE.test(line)) line = joinContinuations(line, lines);
    const t = line.trim();
    if (t === '' || t.startsWith(';')) continue;
    openHex = HEX_VALUE.test(t) && /[,\\]$/.test(t) ? lineNo : 0;
    lastContent = t;
    lastContentNo = lineNo;
    if (t.startsWith('[')) {
      if (!t.endsWith(']')) {
        warnings.warn('REGFILE_BAD_LINE', `line ${lineNo}: key line without a closing "]"; section skipped`);
        inKey = false;
        continue;
      }
      const deleted = t.startsWith('[-');
      visitor.key({ path: t.slice(deleted ? 2 : 1, -1), deleted, line: lineNo });
      inKey = true;
      continue;
    }
    const value = parseValueLine(t, format, lineNo);
    if (typeof value === 'string') {
      warnings.warn('REGFILE_BAD_LINE', `line ${lineNo}: ${value}; line skipped`);
      continue;
    }
    if (!inKey) {
      warnings.warn('REGFILE_VALUE_OUTSIDE_KEY', `line ${lineNo}: value before any [key] line; skipped`);
      continue;
    }
    visitor.value(value);
  }
  if (openHex > 0) warnings.warn('REGFILE_TRUNCATED', `the file ends inside the hex value of line ${openHex} (its list goes on): the export was cut short`, data.length);
  else if (encoding.startsWith('utf-16') && data.length % 2 === 1) warnings.warn('REGFILE_TRUNCATED', 'UTF-16 text of an odd number of bytes: the export was cut short', data.length);
  // An export ends every line with CRLF and every string value (hex(2), hex(7), hex(1)) with a UTF-16 NUL: a
  // last line with neither was cut inside its value. (A hand-written file may lack the last line break alone.)
  else if (!/[\r\n][ \t]*$/.test(text.slice(-64)) && STRING_HEX_VALUE.test(lastContent) && !/00,\s*00$/.test(lastContent)) {
    warnings.warn('REGFILE_TRUNCATED', `the file ends inside the string value of line ${lastContentNo} (no closing NUL, no line break): the export was cut short`, data.length);
  }
  return { format, encoding, bom, warnings: warnings.list };
}

/**
 * Pieces joined at a time. The continued lines of a hex list are joined in batches, and the batches
 * once at the end: one array slot and one small string per line, held to the end, cost 594 MB for a
 * 12 MB list of 4 million continued lines; testing the growing line each time was quadratic (minutes).
 */
const JOIN_BATCH = 4096;

/** `first` (a hex value line) and the lines continuing it, as one line. Leaves `lines` at the last one read. */
function joinContinuations(first: string, lines: LineReader): string {
  if (!CONTINUED.test(first)) return first;
  const batches: string[] = [];
  let pieces: string[] = [];
  let line = first;
  let next: string | undefined;
  while (CONTINUED.test(line) && (next = lines.next()) !== undefined) {
    pieces.push(line.replace(CONTINUED, ''));
    if (pieces.length === JOIN_BATCH) {
      batches.push(pieces.join(''));
      pieces = [];
    }
    line = next.trim();
  }
  pieces.push(line);
  batches.push(pieces.join(''));
  return batches.join('');
}

/**
 * The lines of a text, as `text.split(/\r\n|\n|\r/)` gives them (a final empty line after a final line
 * break included), one at a time.
 */
class LineReader {
  private pos = 0;
  private done = false;
  /** 1-based number of the line `next()` returned last. */
  lineNo = 0;

  constructor(private readonly text: string) {}

  next(): string | undefined {
    if (this.done) return undefined;
    const text = this.text;
    let end = this.pos;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 0x0a || c === 0x0d) break;
      end++;
    }
    const line = text.slice(this.pos, end);
    this.lineNo++;
    if (end >= text.length) this.done = true;
    else this.pos = end + (text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? 2 : 1);
    return line;
  }
}

/** A value line, or a string saying why it is not one. */
function parseValueLine(t: string, format: RegFile['format'], line: number): RegFileValue | string {
  let name: string;
  let rest: string;
  if (t.startsWith('@')) {
    name = '';
    rest = t.slice(1);
  } else if (t.startsWith('"')) {
    const end = closingQuote(t, 0);
    if (end < 0) return 'value name has no closing quote';
    name = unescape(t.slice(1, end));
    rest = t.slice(end + 1);
  } else {
    return 'not a [key], a "name"=value line or a comment';
  }
  rest = rest.trimStart();
  if (!rest.startsWith('=')) return 'no "=" after the value name';
  const v = rest.slice(1).trim();
  if (v === '-') return { name, type: REG_SZ, data: null, line };
  if (v.startsWith('"')) {
    const end = closingQuote(v, 0);
    if (end < 0) return 'string value has no closing quote';
    return { name, type: REG_SZ, data: utf16z(unescape(v.slice(1, end))), line };
  }
  const dword = /^dword\s*:\s*([0-9a-fA-F]{1,8})$/i.exec(v);
  if (dword) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(parseInt(dword[1]!, 16));
    return { name, type: REG_DWORD, data: b, line };
  }
  const hex = parseHexValue(v);
  if (hex) {
    if (typeof hex === 'string') return hex;
    let data = hex.data;
    // REGEDIT4 writes string types in the ANSI code page, one byte per character; store them as a hive would.
    if (format === 'REGEDIT4' && (hex.type === REG_SZ || hex.type === REG_EXPAND_SZ || hex.type === REG_MULTI_SZ)) data = Buffer.from(data.toString('latin1'), 'utf16le');
    return { name, type: hex.type, data, line };
  }
  return `unrecognised value data ${JSON.stringify(v.slice(0, 40))}`;
}

/**
 * `hex:`, `hex(N):` (any case, spaces before and after the colon) then bytes `00,01,...`: the type and
 * the bytes; a string saying why the items are not bytes; undefined when `v` is not of that form. A scan,
 * not a regex: `\s*:\s*([0-9a-f,\s]*)$` backtracks over a run of spaces, quadratic in its length
 * (`hex:` + 300,000 spaces + `Z` took over 25 s). Bytes are decoded straight into a buffer.
 */
function parseHexValue(v: string): { type: number; data: Buffer } | string | undefined {
  if (v.slice(0, 3).toLowerCase() !== 'hex') return undefined;
  let i = 3;
  let type = REG_BINARY;
  if (v[i] === '(') {
    const close = v.indexOf(')', i);
    const digits = close < 0 ? '' : v.slice(i + 1, close);
    if (!/^[0-9a-fA-F]{1,8}$/.test(digits)) return undefined;
    type = parseInt(digits, 16);
    i = close + 1;
  }
  while (i < v.length && isSpace(v.charCodeAt(i))) i++;
  if (v[i] !== ':') return undefined;
  return decodeHexList(v, i + 1, type);
}

/** The comma-separated bytes of `v` from `start` on (each item 1-2 hex digits, spaces around it allowed, empty items skipped). */
function decodeHexList(v: string, start: number, type: number): { type: number; data: Buffer } | string | undefined {
  const out = Buffer.allocUnsafe((v.length - start + 2) >> 1);
  let n = 0;
  let bad = false;
  let item = 0; // hex digits in the current item
  let value = 0;
  let spaceAfterDigit = false;
  for (let i = start; i <= v.length; i++) {
    const c = i === v.length ? 0x2c : v.charCodeAt(i);
    if (c === 0x2c) {
      if (item > 0) out[n++] = value;
      item = 0;
      value = 0;
      spaceAfterDigit = false;
      continue;
    }
    if (isSpace(c)) {
      if (item > 0) spaceAfterDigit = true;
      continue;
    }
    const d = hexDigit(c);
    if (d < 0) return undefined;
    if (spaceAfterDigit || item === 2) bad = true;
    item++;
    value = value * 16 + d;
  }
  if (bad) return 'hex data has an item that is not a byte';
  return { type, data: Buffer.from(out.subarray(0, n)) };
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** The characters of `\s` (and of `trim()`). */
function isSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Index of the quote closing the one at `open`, honouring backslash escapes; -1 if none. */
function closingQuote(s: string, open: number): number {
  for (let j = open + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j;
  }
  return -1;
}

/** regedit escapes only `\\` and `\"` inside quotes; any other backslash is kept as written. */
function unescape(s: string): string {
  return s.replace(/\\([\\"])/g, '$1');
}

function utf16z(s: string): Buffer {
  return Buffer.from(`${s}\0`, 'utf16le');
}
