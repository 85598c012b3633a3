import type { CodeReport, CodeSearchReport, InterpretationJson } from '@analyze/core/api/code';
import { cutForMessage } from '@analyze/core/errors';
import type { Colors } from '../../render/color.js';

/** Characters of the search words a report line repeats (a pasted log line can be any length). */
export const SHOWN_SEARCH_CHARS = 200;

const KIND_LABEL: Record<InterpretationJson['kind'], string> = {
  hresult: 'HRESULT',
  'windows-update': 'Windows Update',
  ntstatus: 'NTSTATUS',
  win32: 'Win32 error',
  bugcheck: 'Bugcheck',
  exception: 'Exception',
};

function fields(i: InterpretationJson): string | undefined {
  const parts: string[] = [];
  if (i.severity !== undefined) parts.push(`severity ${i.severity}`);
  if (i.facility !== undefined) parts.push(`facility ${i.facility.value}${i.facility.name ? ` (${i.facility.name})` : ''}`);
  if (i.code !== undefined) parts.push(`code ${i.code}`);
  if (i.customer) parts.push('customer bit set');
  return parts.length ? parts.join(', ') : undefined;
}

function valueText(i: InterpretationJson): string {
  return i.decimal !== undefined ? `${i.decimal} (${i.value})` : i.value;
}

export function renderInterpretation(i: InterpretationJson, c: Colors, verbose: boolean): string[] {
  const lines: string[] = [];
  const name = i.name ?? c.dim('(no name in the tables)');
  lines.push(`  ${c.bold(KIND_LABEL[i.kind].padEnd(15))} ${valueText(i)}  ${i.known ? c.bold(name) : name}`);
  if (i.message) lines.push(`    ${i.message}`);
  if (i.aliases?.length) lines.push(`    ${c.dim(`also named ${i.aliases.join(', ')}`)}`);
  const f = fields(i);
  if (f && (verbose || !i.known || i.kind === 'hresult' || i.kind === 'windows-update')) lines.push(`    ${c.dim(f)}`);
  if (i.wraps) {
    const w = i.wraps;
    lines.push(`    wraps ${w.kind === 'win32' ? `Win32 error ${w.decimal}` : `NTSTATUS ${w.value}`}: ${w.name ?? '(unknown)'}${w.message ? ` - ${w.message}` : ''}`);
  }
  if (i.kind === 'bugcheck' && i.family !== undefined && i.family !== i.value) lines.push(`    same bugcheck family as ${i.family}`);
  if (i.docUrl) lines.push(`    ${c.dim(i.docUrl)}`);
  if (i.remedy) {
    const r = i.remedy;
    lines.push(`    ${c.yellow('What to do')} (${r.context}): ${r.cause}.`);
    r.steps.forEach((s, n) => lines.push(`      ${n + 1}. ${s}`));
    for (const s of r.sources) lines.push(`    ${c.dim(`source: ${s.title} <${s.url}>`)}`);
    if (r.unverified) lines.push(`    ${c.dim(`not verified: ${r.unverified}`)}`);
  }
  return lines;
}

export function renderLookup(l: CodeReport, c: Colors): string {
  const lines = [`${c.bold(l.input)}:`];
  if (!l.known) lines.push(c.yellow('  not in any table; decoded fields only:'));
  for (const i of l.interpretations) lines.push(...renderInterpretation(i, c, false));
  return `${lines.join('\n')}\n`;
}

export function renderSearch(s: CodeSearchReport, c: Colors): string {
  const shown = s.interpretations.length;
  const lines = [`${s.total} code${s.total === 1 ? '' : 's'} match "${cutForMessage(s.search, SHOWN_SEARCH_CHARS)}"${s.total > shown ? ` (first ${shown} shown; --limit N for more)` : ''}`];
  const width = Math.max(0, ...s.interpretations.map((i) => valueText(i).length));
  for (const i of s.interpretations) {
    lines.push(`  ${KIND_LABEL[i.kind].padEnd(15)} ${valueText(i).padEnd(width)}  ${c.bold(i.name ?? '')}${i.message ? `  ${c.dim(i.message)}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
