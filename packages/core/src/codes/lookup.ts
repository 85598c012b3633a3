/**
 * Every plausible reading of a 32-bit code, most likely first.
 */
import { UsageError } from '../errors.js';
import { bugcheckDocUrl, bugcheckFamily, tables, type CodeTable, type TableEntry } from '../tables/index.js';
import { decodeHresult, decodeNtStatus, wrappedWin32, type FacilityField } from './decode.js';
import { parseCodeInput, shownInput, type Notation } from './parse.js';
import { REMEDIES, remedyFor } from './remedies.js';
import type { CodeKind, CodeLookup, Interpretation, WrappedCode } from './types.js';

const TABLE_OF: Record<CodeKind, CodeTable> = {
  hresult: tables.hresult,
  'windows-update': tables.wu,
  ntstatus: tables.ntstatus,
  win32: tables.win32,
  bugcheck: tables.bugcheck,
  exception: tables.exception,
};

/**
 * Hex values up to 0x9 read as Win32 errors first: tools print the commonest GetLastError codes in hex
 * (0x2 file not found, 0x5 access denied: Task Scheduler's "Last Run Result", robocopy's "ERROR 5 (0x00000005)"),
 * while bugchecks 0x1-0x9 are rare kernel API-misuse stops. From 0xA (IRQL_NOT_LESS_OR_EQUAL) on, a hex value
 * is a bugcheck first. Both readings are always shown; this only orders them.
 */
const WIN32_FIRST_HEX_MAX = 0x9;

/** Win32 error codes are 16-bit (system error codes run 0..15999 and a few above, all below 0x10000). */
const WIN32_MAX = 0xffff;

function fromEntry(kind: CodeKind, value: number, e: TableEntry | undefined): Interpretation {
  return {
    kind,
    value,
    name: e?.name ?? null,
    aliases: e ? [...e.aliases] : [],
    message: e?.message ?? null,
    known: e !== undefined,
  };
}

function withFields(i: Interpretation, f: { severity: Interpretation['severity']; customer: boolean; facility: FacilityField; code: number }): Interpretation {
  if (f.severity !== undefined) i.severity = f.severity;
  i.customer = f.customer;
  i.facility = f.facility;
  i.code = f.code;
  return i;
}

function wrappedWin32Code(v: number): WrappedCode | undefined {
  const w = wrappedWin32(v);
  if (w === undefined) return undefined;
  const e = tables.win32.get(w);
  return { kind: 'win32', value: w, name: e?.name ?? null, message: e?.message ?? null };
}

/** HRESULT_FROM_NT sets the N bit on an error/warning NTSTATUS: 0xD0000022 wraps 0xC0000022. */
function wrappedNt(v: number): WrappedCode | undefined {
  const top = v >>> 28;
  if (top !== 0xd && top !== 0x9) return undefined;
  const nt = (v & ~0x10000000) >>> 0;
  const e = tables.ntstatus.get(nt);
  return e ? { kind: 'ntstatus', value: nt, name: e.name, message: e.message ?? null } : undefined;
}

/** The reading of `value` as `kind`; `known` says whether any table names it so.
 * @example const i = interpretAs('hresult', 0x800b0001);
 */
export function interpretAs(kind: CodeKind, value: number): Interpretation {
  const v = value >>> 0;
  let i: Interpretation;
  switch (kind) {
    case 'hresult': {
      i = withFields(fromEntry(kind, v, tables.hresult.get(v)), decodeHresult(v));
      const wraps = wrappedWin32Code(v) ?? wrappedNt(v);
      if (wraps) {
        i.wraps = wraps;
        if (i.name === null && wraps.name !== null) {
          i.name = wraps.kind === 'win32' ? `HRESULT_FROM_WIN32(${wraps.name})` : `HRESULT_FROM_NT(${wraps.name})`;
          i.known = true;
        }
        if (i.message === null) i.message = wraps.message;
      }
      break;
    }
    case 'windows-update':
      i = withFields(fromEntry(kind, v, tables.wu.get(v)), decodeHresult(v));
      break;
    case 'ntstatus':
    case 'exception':
      i = withFields(fromEntry(kind, v, TABLE_OF[kind].get(v)), decodeNtStatus(v));
      break;
    case 'win32':
      i = fromEntry(kind, v, v <= WIN32_MAX ? tables.win32.get(v) : undefined);
      break;
    case 'bugcheck': {
      const family = bugcheckFamily(v);
      i = fromEntry(kind, v, tables.bugcheck.get(v) ?? tables.bugcheck.get(family));
      i.family = family;
      const url = bugcheckDocUrl(v);
      if (url !== undefined) i.docUrl = url;
      break;
    }
  }
  const remedy = remedyFor(v, kind);
  if (remedy) {
    i.remedy = remedy;
    if (i.name === null && remedy.name !== undefined) {
      i.name = remedy.name;
      i.known = true;
    }
  }
  return i;
}

/**
 * Which kinds to try, most likely first, from the value's shape and how it was written. Only known
 * readings are kept, so this order decides the ranking when several tables know the value.
 * @example const kinds = kindOrder(0x800b0001, 'hex');
 */
export function kindOrder(value: number, notation: Notation): CodeKind[] {
  const v = value >>> 0;
  const top = v >>> 28;
  const facility = (v >>> 16) & 0x7ff;
  if (v <= WIN32_MAX) {
    // Win32 errors are quoted in decimal ("error 5"); bugchecks in hex ("0x7E", "STOP 0x0000007E"),
    // except the smallest values, which are the commonest Win32 errors printed in hex.
    return notation === 'hex' && v > WIN32_FIRST_HEX_MAX
      ? ['bugcheck', 'win32', 'hresult', 'ntstatus', 'exception']
      : ['win32', 'bugcheck', 'hresult', 'ntstatus', 'exception'];
  }
  if (top === 0x1) return ['bugcheck', 'hresult', 'windows-update', 'ntstatus'];
  if (top >= 0xc) {
    // 0xE06D7363 is an exception code; 0xD... is HRESULT_FROM_NT; 0xC... is an NTSTATUS first.
    if (top === 0xd) return ['hresult', 'ntstatus', 'exception', 'bugcheck'];
    return ['ntstatus', 'exception', 'bugcheck', 'hresult', 'windows-update'];
  }
  if (top >= 0x8) {
    if (facility === 36) return ['windows-update', 'hresult', 'ntstatus', 'exception', 'bugcheck'];
    return ['hresult', 'windows-update', 'ntstatus', 'exception', 'bugcheck'];
  }
  if (top >= 0x4) return ['ntstatus', 'bugcheck', 'hresult', 'windows-update'];
  return ['windows-update', 'hresult', 'ntstatus', 'bugcheck'];
}

/** Readings shown for a value no table knows: its decoded fields in the layouts its shape allows. */
function unknownDecodes(v: number): Interpretation[] {
  const top = v >>> 28;
  const kinds: CodeKind[] = top >= 0xc || (top >= 0x4 && top < 0x8) ? ['ntstatus', 'hresult'] : ['hresult'];
  return kinds.map((k) => interpretAs(k, v));
}

function readingsOf(value: number, notation: Notation): Interpretation[] {
  const found: Interpretation[] = [];
  for (const kind of kindOrder(value, notation)) {
    const i = interpretAs(kind, value);
    if (!i.known) continue;
    // WU codes also sit in the HRESULT tables under the same name: one line is enough.
    if (found.some((f) => f.value === i.value && f.name === i.name)) continue;
    found.push(i);
  }
  return found;
}

/** Looks one user-typed code up. Throws UsageError for malformed input or an unknown name.
 * @example const lookup = lookupCode('0x800B0001');
 */
export function lookupCode(input: string): CodeLookup {
  const parsed = parseCodeInput(input);
  if (parsed.kind === 'name') {
    const hits = findByName(parsed.name);
    if (hits.length === 0)
      throw new UsageError(`${shownInput(parsed.name)}: no code has this name (try --search ${shownInput(parsed.name)})`, 'CODE_UNKNOWN_NAME');
    return { input, interpretations: hits.map((h) => interpretAs(h.kind, h.value)) };
  }
  const interpretations: Interpretation[] = [];
  for (const r of parsed.readings) {
    for (const i of readingsOf(r.value, r.notation))
      if (!interpretations.some((x) => x.kind === i.kind && x.value === i.value)) interpretations.push(i);
  }
  const primary = parsed.readings[0];
  if (interpretations.length === 0 && primary) interpretations.push(...unknownDecodes(primary.value));
  return { input, interpretations };
}

/** True when at least one interpretation is named by a table.
 * @example if (!isKnown(lookupCode('7E'))) console.log('unknown code');
 */
export function isKnown(lookup: CodeLookup): boolean {
  return lookup.interpretations.some((i) => i.known);
}

const SEARCH_KINDS: readonly CodeKind[] = ['hresult', 'windows-update', 'win32', 'ntstatus', 'bugcheck', 'exception'];
let nameIndex: Map<string, Array<{ kind: CodeKind; value: number }>> | undefined;

function indexNames(): Map<string, Array<{ kind: CodeKind; value: number }>> {
  if (nameIndex) return nameIndex;
  const map = new Map<string, Array<{ kind: CodeKind; value: number }>>();
  const add = (name: string, kind: CodeKind, value: number) => {
    const key = name.toUpperCase();
    const list = map.get(key) ?? [];
    if (!list.some((x) => x.kind === kind && x.value === value)) list.push({ kind, value });
    map.set(key, list);
  };
  for (const kind of SEARCH_KINDS)
    for (const e of TABLE_OF[kind].entries()) for (const n of [e.name, ...e.aliases]) add(n, kind, e.value);
  for (const r of REMEDIES) if (r.name !== undefined) add(r.name, r.kind, r.value);
  nameIndex = map;
  return map;
}

/** Exact (case-insensitive) name lookup across every table: `E_ACCESSDENIED`, `STATUS_HEAP_CORRUPTION`.
 * @example findByName('E_ACCESSDENIED'); // [{ kind: 'hresult', value: 0x80070005 }]
 */
export function findByName(name: string): Array<{ kind: CodeKind; value: number }> {
  return indexNames().get(name.toUpperCase()) ?? [];
}

export interface SearchResult {
  query: string;
  /** Matches before `limit` was applied. */
  total: number;
  results: Interpretation[];
}

/** Default number of search results: a screenful. */
export const SEARCH_LIMIT = 50;

/**
 * A name split into its family prefix and stem: ERROR_ACCESS_DENIED, STATUS_ACCESS_DENIED, RPC_E_ACCESS_DENIED
 * and E_ACCESSDENIED all stand for "access denied". Prefixes are `ERROR_`, `STATUS_`, or anything up to `E_`/`S_`.
 */
function splitName(name: string): { prefix: string; stem: string } {
  const m = /^(?:ERROR_|STATUS_|EXCEPTION_|(?:[A-Z0-9]+_)*?[ES]_)/i.exec(name);
  const prefix = m?.[0] ?? '';
  return { prefix: prefix.toUpperCase(), stem: name.slice(prefix.length).toLowerCase() };
}

/** The generic namespaces (HRESULT E_, Win32 ERROR_, NTSTATUS STATUS_): what a user means by "access denied". */
const GENERIC_PREFIXES = new Set(['E_', 'S_', 'ERROR_', 'STATUS_', 'EXCEPTION_']);

/** Search ranks, best first. */
const RANK_EXACT_NAME = 0;
/** The words are the whole stem of a generic name (ERROR_ACCESS_DENIED, E_ACCESSDENIED for "access denied"). */
const RANK_GENERIC_STEM = 1;
/** The words are the whole stem of a component's name (RPC_E_ACCESS_DENIED). */
const RANK_STEM = 2;
const RANK_IN_NAME = 3;
const RANK_IN_MESSAGE = 4;

/** `joined`: the words run together, with and without underscores (a name typed as words). */
function rankOf(words: readonly string[], joined: readonly string[], names: readonly string[], message: string): number | undefined {
  const lower = names.map((n) => n.toLowerCase());
  const all = `${lower.join(' ')} ${message.toLowerCase()}`;
  if (!words.every((w) => all.includes(w))) return undefined;
  if (lower.some((n) => joined.includes(n))) return RANK_EXACT_NAME;
  const stems = names.map(splitName).filter((n) => joined.includes(n.stem));
  if (stems.some((n) => GENERIC_PREFIXES.has(n.prefix))) return RANK_GENERIC_STEM;
  if (stems.length > 0) return RANK_STEM;
  return words.every((w) => lower.some((n) => n.includes(w))) ? RANK_IN_NAME : RANK_IN_MESSAGE;
}

/**
 * Codes whose name, aliases or message contain every word of `text` (case-insensitive).
 * Ranked: exact name, generic name stem, component name stem, words in the name, words in the message;
 * within a rank shorter (more generic) names first, then kind, then value.
 * @example const result = searchCodes('access denied', 20);
 */
export function searchCodes(text: string, limit = SEARCH_LIMIT): SearchResult {
  // A word said twice asks nothing more (50,000 copies of one word took 16 s, each entry checked against all).
  const words = [...new Set(text.toLowerCase().split(/\s+/).filter((w) => w !== ''))];
  if (words.length === 0) throw new UsageError('--search needs at least one word', 'CODE_EMPTY_SEARCH');
  const joined = [words.join('_'), words.join('')];
  const scored: Array<{ score: number; length: number; kind: CodeKind; value: number }> = [];
  const seen = new Set<string>(); // kind and value: a code named in a table and a remedy is listed once
  const consider = (kind: CodeKind, value: number, names: readonly string[], message: string) => {
    const score = rankOf(words, joined, names, message);
    if (score === undefined || seen.has(`${kind} ${value}`)) return;
    seen.add(`${kind} ${value}`);
    scored.push({ score, length: names[0]?.length ?? 0, kind, value });
  };
  for (const kind of SEARCH_KINDS) for (const e of TABLE_OF[kind].entries()) consider(kind, e.value, [e.name, ...e.aliases], e.message ?? '');
  for (const r of REMEDIES) if (r.name !== undefined) consider(r.kind, r.value, [r.name], '');
  scored.sort((a, b) => a.score - b.score || a.length - b.length || SEARCH_KINDS.indexOf(a.kind) - SEARCH_KINDS.indexOf(b.kind) || a.value - b.value);
  return { query: text, total: scored.length, results: scored.slice(0, Math.max(0, limit)).map((s) => interpretAs(s.kind, s.value)) };
}
