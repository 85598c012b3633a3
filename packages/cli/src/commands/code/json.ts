import type { CodeLookup, Interpretation, Remedy, SearchResult } from '@analyze/core/codes';
import { hex32 } from '@analyze/core/codes';

/** The documented JSON shape (docs/json-code.md): values as 0x-prefixed 8-digit hex strings. */
export function interpretationJson(i: Interpretation): Record<string, unknown> {
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

function remedyJson(r: Remedy): Record<string, unknown> {
  return {
    context: r.context,
    cause: r.cause,
    steps: r.steps,
    sources: r.sources,
    ...(r.unverified ? { unverified: r.unverified } : {}),
  };
}

export function lookupJson(l: CodeLookup): Record<string, unknown> {
  return { input: l.input, known: l.interpretations.some((i) => i.known), interpretations: l.interpretations.map(interpretationJson) };
}

export function searchJson(s: SearchResult): Record<string, unknown> {
  return { search: s.query, total: s.total, interpretations: s.results.map(interpretationJson) };
}
