/** The `analyze code --html` page, from the documented JSON report (docs/json-code.md): the likeliest meaning first, then the others. */
import { card, commands, esc, facts, list, plural, type Section } from './page.js';
import { cutForMessage } from '@analyze/core/errors';
import { SHOWN_SEARCH_CHARS } from '../../commands/code/render.js';

interface Interpretation {
  kind: string;
  value: string;
  decimal?: number;
  name: string | null;
  message: string | null;
  known: boolean;
  severity?: string;
  facility?: { value: number; name: string | null };
  wraps?: { kind: string; value: string; name: string | null; message: string | null };
  docUrl?: string;
  remedy?: { context: string; cause: string; steps: string[]; sources: { title: string; url: string }[]; unverified?: string };
}

/** One code's document, or a `--search` document. */
export interface CodeDoc {
  input?: string;
  search?: string;
  total?: number;
  known?: boolean;
  interpretations: Interpretation[];
}

const KIND_WORDS: Record<string, string> = { hresult: 'HRESULT', 'windows-update': 'Windows Update error', ntstatus: 'NTSTATUS', win32: 'Win32 error', bugcheck: 'bug check (stop code)', exception: 'exception code' };

export function codeSection(d: CodeDoc): Section {
  const first = d.interpretations[0];
  let verdict: string;
  if (d.search !== undefined) verdict = `${plural(d.total ?? d.interpretations.length, 'code')} match "${cutForMessage(d.search, SHOWN_SEARCH_CHARS)}".`;
  else if (first && first.known) verdict = `${d.input} is ${first.name ?? KIND_WORDS[first.kind] ?? first.kind}${first.message ? `: ${first.message}` : '.'}`;
  else verdict = `${d.input ?? 'This code'} is not named by any table${first ? ` (read as ${KIND_WORDS[first.kind] ?? first.kind} ${first.value})` : ''}.`;
  const html = d.interpretations.map((i, n) => interpretationCard(i, n === 0 && d.search === undefined)).join('');
  return { verdict, severity: first?.known ? 'info' : 'warn', subject: d.search !== undefined ? `search: ${d.search}` : `input: ${d.input ?? ''}`, html };
}

function interpretationCard(i: Interpretation, likeliest: boolean): string {
  let html = facts([
    ['value', `${i.value}${i.decimal !== undefined ? ` (${i.decimal})` : ''}`],
    ['name', i.name],
    ['message', i.message],
    ['severity', i.severity],
    ['facility', i.facility ? `${i.facility.value}${i.facility.name ? ` ${i.facility.name}` : ''}` : null],
    ['wraps', i.wraps ? `${i.wraps.kind} ${i.wraps.value}${i.wraps.name ? ` ${i.wraps.name}` : ''}${i.wraps.message ? `: ${i.wraps.message}` : ''}` : null],
    ['documentation', i.docUrl],
  ]);
  if (i.remedy) {
    const r = i.remedy;
    html += `<h3>When this appears: ${esc(r.context)}</h3><p>${esc(r.cause)}</p>${commands(r.steps)}${r.unverified ? `<p class="muted">${esc(r.unverified)}</p>` : ''}${
      r.sources.length ? list(r.sources.map((s) => `${s.title}: ${s.url}`)) : ''
    }`;
  }
  return card(`${likeliest ? 'Most likely: ' : ''}${KIND_WORDS[i.kind] ?? i.kind}${i.known ? '' : ' (not in a table)'}`, html);
}
