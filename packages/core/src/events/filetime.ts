/** FILETIME (100 ns ticks since 1601-01-01 UTC) to the forms the reader reports. */

/** Milliseconds between 1601-01-01 and 1970-01-01. */
const EPOCH_DIFF_MS = 11644473600000;
/** Largest |ms| a JS Date holds. */
const MAX_DATE_MS = 8.64e15;

/**
 * Split a FILETIME into ms since 1970 and the sub-millisecond ticks (0..9999), exactly, without BigInt:
 * hi * 2^32 / 10^4 = hi * 429496 + hi * 7296 / 10^4, and every partial product stays below 2^53.
 */
function parts(lo: number, hi: number): { ms: number; sub: number } | null {
  const r = (hi >>> 0) * 7296 + (lo >>> 0);
  const ms = (hi >>> 0) * 429496 + Math.floor(r / 10000) - EPOCH_DIFF_MS;
  if (Math.abs(ms) > MAX_DATE_MS) return null;
  return { ms, sub: r % 10000 };
}

// Consecutive records are usually in the same minute: keep the last "YYYY-MM-DDTHH:MM:" rendering.
let cachedMinute = Number.NaN;
let cachedPrefix = '';
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

function isoWithTicks(ms: number, sub: number, digits: 7 | 9): string | null {
  const minute = Math.floor(ms / 60000);
  if (minute !== cachedMinute) {
    const d = new Date(minute * 60000);
    if (Number.isNaN(d.getTime())) return null;
    const base = d.toISOString(); // YYYY-MM-DDTHH:MM:00.000Z (±YYYYYY-... outside 0000-9999)
    cachedPrefix = base.slice(0, base.length - 7);
    cachedMinute = minute;
  }
  const inMinute = ms - minute * 60000;
  const second = Math.floor(inMinute / 1000);
  const frac = String((inMinute - second * 1000) * 10000 + sub).padStart(7, '0');
  return `${cachedPrefix}${TWO_DIGITS[second]}.${digits === 9 ? `${frac}00` : frac}Z`;
}

/** ISO 8601 with 7 fractional digits (`2020-08-01T21:48:07.9470757Z`) and ms since 1970. */
export function filetimeToIso7(lo: number, hi: number): { iso: string; ms: number } | null {
  const p = parts(lo, hi);
  if (!p) return null;
  const iso = isoWithTicks(p.ms, p.sub, 7);
  return iso === null ? null : { iso, ms: p.ms };
}

/** ISO 8601 with 9 fractional digits, as libevtx and Event Viewer render FILETIME values in data. */
export function filetimeToIso9(lo: number, hi: number): string | null {
  const p = parts(lo, hi);
  return p ? isoWithTicks(p.ms, p.sub, 9) : null;
}

/** A SystemTime given as text (non-template events): ISO 8601 with up to 9 fractional digits. */
export function isoTextToIso7(s: string): { iso: string; ms: number } | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(s.trim());
  if (!m) return null;
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return null;
  const frac = (m[2] ?? '').padEnd(7, '0').slice(0, 7);
  return { iso: `${m[1]}.${frac}Z`, ms: ms + Math.floor(Number(frac) / 10000) };
}
