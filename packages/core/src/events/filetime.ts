/** FILETIME (100 ns ticks since 1601-01-01 UTC) to the forms the reader reports. */

/** 100 ns ticks between 1601-01-01 and 1970-01-01. */
const EPOCH_DIFF_TICKS = 116444736000000000n;

/** Split a FILETIME into ms since 1970 and the sub-millisecond ticks (0..9999). */
function parts(lo: number, hi: number): { ms: number; sub: number } | null {
  // hi * 2^32 + lo stays exact in a double up to 2^53 ticks (year 30828 is 2^63; 2^53 ticks is year 30,000+
  // away only in the high bits) - use BigInt only for the division to keep 100 ns exact.
  const ticks = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  const since = ticks - EPOCH_DIFF_TICKS;
  const ms = since / 10000n;
  let sub = Number(since % 10000n);
  let msN = Number(ms);
  if (sub < 0) {
    sub += 10000;
    msN -= 1;
  }
  if (!Number.isFinite(msN) || Math.abs(msN) > 8.64e15) return null;
  return { ms: msN, sub };
}

function isoWithTicks(ms: number, sub: number, digits: 7 | 9): string | null {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  const base = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ (or ±YYYYYY-... outside 0000-9999)
  const frac = String(d.getUTCMilliseconds() * 10000 + sub).padStart(7, '0');
  return `${base.slice(0, base.indexOf('.'))}.${digits === 9 ? `${frac}00` : frac}Z`;
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
