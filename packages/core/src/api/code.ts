/** The `analyze code` jobs: one code looked up, or codes searched by words (docs/json-code.md). */
import { hex32 } from '../codes/parse.js';
import { isKnown, lookupCode as lookupInTables, searchCodes as searchTables, SEARCH_LIMIT } from '../codes/lookup.js';
import type { Remedy } from '../codes/remedies.js';
import type { CodeKind, Interpretation } from '../codes/types.js';
import { UsageError } from '../errors.js';
import { checkOptions, checkWholeNumber } from './check.js';
import { stamped } from './report.js';

/** One interpretation as docs/json-code.md documents it: values as `0x` + 8 hex digits. */
export interface InterpretationJson {
  kind: CodeKind;
  value: string;
  decimal?: number;
  name: string | null;
  message: string | null;
  known: boolean;
  aliases?: string[];
  severity?: string;
  facility?: { value: number; name: string | null };
  code?: number;
  customer?: boolean;
  wraps?: { kind: 'win32' | 'ntstatus'; value: string; decimal?: number; name: string | null; message: string | null };
  family?: string;
  docUrl?: string;
  remedy?: { context: string; cause: string; steps: string[]; sources: { title: string; url: string }[]; unverified?: string };
}

/** The report of `lookupCode` (`analyze code CODE --json`). */
export interface CodeReport {
  schemaVersion: string;
  input: string;
  /** At least one interpretation is named by a table. */
  known: boolean;
  interpretations: InterpretationJson[];
}

/** The report of `searchCodes` (`analyze code --search TEXT --json`). */
export interface CodeSearchReport {
  schemaVersion: string;
  search: string;
  total: number;
  interpretations: InterpretationJson[];
}

/**
 * Name and explain a Windows error, NTSTATUS, Windows Update, bugcheck or exception code, every plausible
 * reading most likely first. Throws UsageError (`CODE_MALFORMED`, `CODE_TOO_BIG`, `CODE_EMPTY`,
 * `CODE_UNKNOWN_NAME`) for input that is not a code.
 * @example
 *   const r = await lookupCode('0x800B0001');
 *   r.interpretations[0].name; // 'TRUST_E_PROVIDER_UNKNOWN'
 *   r.interpretations[0].value; // '0x800B0001'
 */
export async function lookupCode(code: string | number): Promise<CodeReport> {
  const l = lookupInTables(codeText(code));
  return stamped({ input: l.input, known: isKnown(l), interpretations: l.interpretations.map(interpretationJson) });
}

/**
 * Codes whose name or message holds every word of `text` (case-insensitive), at most `limit` of them.
 * @example
 *   const r = await searchCodes('heap corruption', { limit: 5 });
 *   r.interpretations.map((i) => i.name); // includes 'STATUS_HEAP_CORRUPTION'
 */
export async function searchCodes(text: string, opts: { limit?: number } = {}): Promise<CodeSearchReport> {
  if (typeof text !== 'string') throw new UsageError(`searchCodes takes the words to search for as a string (got ${typeof text})`);
  checkOptions(opts, 'searchCodes');
  // As the CLI's --limit: a NaN, 0 or negative limit would list nothing and look like no match.
  checkWholeNumber(opts.limit, 'searchCodes: limit', 1);
  const s = searchTables(text, opts.limit ?? SEARCH_LIMIT);
  return stamped({ search: s.query, total: s.total, interpretations: s.results.map(interpretationJson) });
}

/**
 * The code as the tables read it: a number from JavaScript (0xC0000005, or an HRESULT as a negative int32)
 * is its decimal text, which the lookup reads as the CLI does `analyze code 3221225477`.
 */
function codeText(code: unknown): string {
  if (typeof code === 'string') return code;
  if (typeof code === 'number' && Number.isSafeInteger(code)) return String(code);
  const got = typeof code === 'number' ? String(code) : typeof code;
  throw new UsageError(`lookupCode takes a code as a string or a whole number (got ${got})`);
}

function interpretationJson(i: Interpretation): InterpretationJson {
  return {
    kind: i.kind,
    value: hex32(i.value),
    ...(i.kind === 'win32' ? { decimal: i.value } : {}),
    name: i.name,
    message: i.message,
    known: i.known,
    ...(i.aliases.length ? { aliases: i.aliases } : {}),
    ...(i.severity !== undefined ? { severity: i.severity } : {}),
    ...(i.facility !== undefined ? { facility: i.facility } : {}),
    ...(i.code !== undefined ? { code: i.code } : {}),
    ...(i.customer !== undefined ? { customer: i.customer } : {}),
    ...(i.wraps ? { wraps: { ...i.wraps, value: hex32(i.wraps.value), ...(i.wraps.kind === 'win32' ? { decimal: i.wraps.value } : {}) } } : {}),
    ...(i.family !== undefined ? { family: hex32(i.family) } : {}),
    ...(i.docUrl ? { docUrl: i.docUrl } : {}),
    ...(i.remedy ? { remedy: remedyJson(i.remedy) } : {}),
  };
}

function remedyJson(r: Remedy): NonNullable<InterpretationJson['remedy']> {
  return { context: r.context, cause: r.cause, steps: [...r.steps], sources: r.sources.map((s) => ({ title: s.title, url: s.url })), ...(r.unverified ? { unverified: r.unverified } : {}) };
}
