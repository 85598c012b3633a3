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

/** A line that continues on the next one: a trailing backslash. */
const CONTINUED = /\\\s*$/;

/**
 * Parse a .reg file leniently, as regedit imports it: any of the encodings above, CRLF or LF, blank
 * lines optional (Microsoft's published ProfileList file has none between keys), spaces around `=`,
 * hex lists continued with `\` onto indented or unindented lines, `;` comments. Lines that cannot be
 * understood become coded warnings (REGFILE_BAD_LINE, with the line number) and are skipped.
 * @example const reg = parseRegFile(readFileSync('export.reg'), { file: 'export.reg' });
 */
export function parseRegFile(data: Uint8Array, options: ParseRegOptions = {}): RegFile {
  const { text, encoding, bom } = decodeRegText(data);
  const warnings = new Warnings(options.strict ?? false, options.file);
  const lines = text.split(/\r\n|\n|\r/);
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const header = (lines[i] ?? '').trim();
  let format: RegFile['format'];
  if (header === REGEDIT5_HEADER) format = 'REGEDIT5';
  else if (header === REGEDIT4_HEADER) format = 'REGEDIT4';
  else throw new AnalyzeError('REGFILE_NOT_REG', `is not a .reg file (first line is ${JSON.stringify(header.slice(0, 60))}, expected "${REGEDIT5_HEADER}" or "${REGEDIT4_HEADER}")`, { file: options.file, offset: 0 });
  const keys: RegFileKey[] = [];
  let current: RegFileKey | undefined;
  // The line of a hex list that still goes on (ends in "," or "\\") when the next content line comes: at
  // the end of the file, the export was cut inside that value.
  let openHex = 0;
  for (i++; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!;
    // Join hex continuations: "...,\" then the next line (leading spaces dropped). The pieces are joined
    // once: testing the growing line for a trailing "\" each time is quadratic (a large binary value took minutes).
    if (HEX_VALUE.test(line)) {
      const pieces: string[] = [];
      while (CONTINUED.test(line) && i + 1 < lines.length) {
        pieces.push(line.replace(CONTINUED, ''));
        line = lines[++i]!.trim();
      }
      pieces.push(line);
      line = pieces.join('');
    }
    const t = line.trim();
    if (t === '' || t.startsWith(';')) continue;
    openHex = HEX_VALUE.test(t) && /[,\\]$/.test(t) ? lineNo : 0;
    if (t.startsWith('[')) {
      if (!t.endsWith(']')) {
        warnings.warn('REGFILE_BAD_LINE', `line ${lineNo}: key line without a closing "]"; section skipped`);
        current = undefined;
        continue;
      }
      const deleted = t.startsWith('[-');
      current = { path: t.slice(deleted ? 2 : 1, -1), deleted, values: [], line: lineNo };
      keys.push(current);
      continue;
    }
    const value = parseValueLine(t, format, lineNo);
    if (typeof value === 'string') {
      warnings.warn('REGFILE_BAD_LINE', `line ${lineNo}: ${value}; line skipped`);
      continue;
    }
    if (!current) {
      warnings.warn('REGFILE_VALUE_OUTSIDE_KEY', `line ${lineNo}: value before any [key] line; skipped`);
      continue;
    }
    current.values.push(value);
  }
  if (openHex > 0) warnings.warn('REGFILE_TRUNCATED', `the file ends inside the hex value of line ${openHex} (its list goes on): the export was cut short`, data.length);
  else if (encoding.startsWith('utf-16') && data.length % 2 === 1) warnings.warn('REGFILE_TRUNCATED', 'UTF-16 text of an odd number of bytes: the export was cut short', data.length);
  return { format, encoding, bom, keys, warnings: warnings.list };
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
  const hex = /^hex(?:\(([0-9a-fA-F]{1,8})\))?\s*:\s*([0-9a-fA-F,\s]*)$/i.exec(v);
  if (hex) {
    const type = hex[1] === undefined ? REG_BINARY : parseInt(hex[1], 16);
    const bytes = hex[2]!.split(',').map((x) => x.trim()).filter((x) => x !== '');
    if (bytes.some((x) => !/^[0-9a-fA-F]{1,2}$/.test(x))) return 'hex data has an item that is not a byte';
    let data = Buffer.from(bytes.map((x) => parseInt(x, 16)));
    // REGEDIT4 writes string types in the ANSI code page, one byte per character; store them as a hive would.
    if (format === 'REGEDIT4' && (type === REG_SZ || type === REG_EXPAND_SZ || type === REG_MULTI_SZ)) data = Buffer.from(data.toString('latin1'), 'utf16le');
    return { name, type, data, line };
  }
  return `unrecognised value data ${JSON.stringify(v.slice(0, 40))}`;
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
