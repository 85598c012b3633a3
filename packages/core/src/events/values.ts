/**
 * BinXML value types (libevtx "Value types") rendered as text the way libevtx's evtxexport and Event
 * Viewer show them: decimal integers (size_t too), `0x`-prefixed lower-case hex integers, upper-case GUIDs
 * and binary, FILETIME as ISO 8601 with 9 fractional digits, SYSTEMTIME with 3, `true`/`false`.
 */
import { filetimeToIso9 } from './filetime.js';

export const T_NULL = 0x00;
export const T_STRING = 0x01;
export const T_ANSI = 0x02;
export const T_INT8 = 0x03;
export const T_UINT8 = 0x04;
export const T_INT16 = 0x05;
export const T_UINT16 = 0x06;
export const T_INT32 = 0x07;
export const T_UINT32 = 0x08;
export const T_INT64 = 0x09;
export const T_UINT64 = 0x0a;
export const T_REAL32 = 0x0b;
export const T_REAL64 = 0x0c;
export const T_BOOL = 0x0d;
export const T_BINARY = 0x0e;
export const T_GUID = 0x0f;
export const T_SIZET = 0x10;
export const T_FILETIME = 0x11;
export const T_SYSTEMTIME = 0x12;
export const T_SID = 0x13;
export const T_HEX32 = 0x14;
export const T_HEX64 = 0x15;
export const T_BINXML = 0x21;
/** Flag on a type: an array of that type. */
export const T_ARRAY = 0x80;

/** Fixed sizes of the scalar types, for splitting arrays (0 = variable). */
const FIXED_SIZE: Record<number, number> = {
  [T_INT8]: 1, [T_UINT8]: 1, [T_INT16]: 2, [T_UINT16]: 2, [T_INT32]: 4, [T_UINT32]: 4, [T_INT64]: 8, [T_UINT64]: 8,
  [T_REAL32]: 4, [T_REAL64]: 8, [T_BOOL]: 4, [T_GUID]: 16, [T_FILETIME]: 8, [T_SYSTEMTIME]: 16, [T_HEX32]: 4, [T_HEX64]: 8,
};

/**
 * Windows-1252 for ANSI strings, as libevtx decodes them. Node's TextDecoder('windows-1252') decodes
 * 0x80-0x9F as Latin-1 control characters, so those 32 bytes are mapped here (undefined ones kept as is).
 */
const CP1252_80_9F = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const ansiDecoder = {
  decode(b: Buffer): string {
    const s = b.toString('latin1');
    return /[\x80-\x9f]/.test(s) ? s.replace(/[\x80-\x9f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]!) : s;
  },
};

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function hexUpper(b: Buffer, start: number, end: number): string {
  return b.toString('hex', start, end).toUpperCase();
}

/** UTF-16LE text without trailing NULs. */
export function utf16(b: Buffer, start: number, end: number): string {
  if ((end - start) & 1) end--;
  while (end - start >= 2 && b[end - 1] === 0 && b[end - 2] === 0) end -= 2;
  return b.toString('utf16le', start, end);
}

function ansi(b: Buffer, start: number, end: number): string {
  while (end > start && b[end - 1] === 0) end--;
  return ansiDecoder.decode(b.subarray(start, end));
}

function guid(b: Buffer, o: number): string {
  return `{${HEX[b[o + 3]!]}${HEX[b[o + 2]!]}${HEX[b[o + 1]!]}${HEX[b[o]!]}-${HEX[b[o + 5]!]}${HEX[b[o + 4]!]}-${HEX[b[o + 7]!]}${HEX[b[o + 6]!]}-${HEX[b[o + 8]!]}${HEX[b[o + 9]!]}-${hexUpper(b, o + 10, o + 16)}}`;
}

function sid(b: Buffer, o: number, size: number): string | null {
  if (size < 8) return null;
  const count = b[o + 1]!;
  if (8 + 4 * count > size) return null;
  // 48-bit big-endian identifier authority
  const auth = b.readUIntBE(o + 2, 6);
  let s = `S-${b[o]!}-${auth}`;
  for (let i = 0; i < count; i++) s += `-${b.readUInt32LE(o + 8 + 4 * i)}`;
  return s;
}

function systemtime(b: Buffer, o: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const y = b.readUInt16LE(o);
  const mo = b.readUInt16LE(o + 2);
  const d = b.readUInt16LE(o + 6);
  const h = b.readUInt16LE(o + 8);
  const mi = b.readUInt16LE(o + 10);
  const s = b.readUInt16LE(o + 12);
  const ms = b.readUInt16LE(o + 14);
  return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}.${p(ms, 3)}Z`; // millisecond resolution, as libevtx prints it
}

function hex(n: bigint | number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}

/**
 * Floats in the shortest form that reads back the same (`1.5`), as python-evtx prints them; libevtx prints
 * `1.500000e+000` (MSVC printf style). The value is the same.
 */
function real(n: number): string {
  return String(n);
}

/**
 * Render one scalar value of `type` stored at b[o, o+size). Returns null for a value too short for its
 * type (damage) and '' for Null.
 */
export function renderScalar(b: Buffer, o: number, size: number, type: number): string | null {
  const fixed = FIXED_SIZE[type];
  if (fixed !== undefined && size < fixed) return null;
  switch (type) {
    case T_NULL: return '';
    case T_STRING: return utf16(b, o, o + size);
    case T_ANSI: return ansi(b, o, o + size);
    case T_INT8: return String(b.readInt8(o));
    case T_UINT8: return String(b[o]!);
    case T_INT16: return String(b.readInt16LE(o));
    case T_UINT16: return String(b.readUInt16LE(o));
    case T_INT32: return String(b.readInt32LE(o));
    case T_UINT32: return String(b.readUInt32LE(o));
    case T_INT64: return b.readBigInt64LE(o).toString();
    case T_UINT64: return b.readBigUInt64LE(o).toString();
    case T_REAL32: return real(b.readFloatLE(o));
    case T_REAL64: return real(b.readDoubleLE(o));
    case T_BOOL: return b.readUInt32LE(o) !== 0 ? 'true' : 'false';
    case T_BINARY: return hexUpper(b, o, o + size);
    case T_GUID: return guid(b, o);
    case T_SIZET: return size >= 8 ? b.readBigUInt64LE(o).toString() : size >= 4 ? String(b.readUInt32LE(o)) : null; // decimal, as libevtx and python-evtx
    case T_FILETIME: return filetimeToIso9(b.readUInt32LE(o), b.readUInt32LE(o + 4));
    case T_SYSTEMTIME: return systemtime(b, o);
    case T_SID: return sid(b, o, size);
    case T_HEX32: return hex(b.readUInt32LE(o), 8);
    case T_HEX64: return hex(b.readBigUInt64LE(o), 16);
    default: return hexUpper(b, o, o + size); // unknown type: show its bytes rather than lose them
  }
}

/**
 * Render an array value (type | 0x80) as its items: string arrays are NUL-separated UTF-16 (or ANSI),
 * fixed-size types are split by their size.
 */
export function renderArray(b: Buffer, o: number, size: number, type: number): string[] | null {
  const base = type & ~T_ARRAY;
  const end = o + size;
  if (base === T_STRING || base === T_ANSI) {
    const items: string[] = [];
    const step = base === T_STRING ? 2 : 1;
    let start = o;
    for (let i = o; i + step <= end; i += step) {
      if (b[i] === 0 && (step === 1 || b[i + 1] === 0)) {
        items.push(base === T_STRING ? b.toString('utf16le', start, i) : ansiDecoder.decode(b.subarray(start, i)));
        start = i + step;
      }
    }
    if (start < end - (step - 1)) items.push(base === T_STRING ? b.toString('utf16le', start, end - ((end - start) & 1)) : ansiDecoder.decode(b.subarray(start, end)));
    return items;
  }
  const fixed = FIXED_SIZE[base];
  if (fixed === undefined) return null;
  const items: string[] = [];
  for (let p = o; p + fixed <= end; p += fixed) {
    const v = renderScalar(b, p, fixed, base);
    if (v === null) return null;
    items.push(v);
  }
  return items;
}
