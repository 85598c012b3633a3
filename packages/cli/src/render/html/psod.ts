/** The `analyze psod --html` page, from the documented JSON report (docs/json-psod.md): crash card, then the backtrace with the culprit frame marked. */
import { card, esc, facts, list, warningsCard, type Section } from './page.js';

interface Frame {
  function: string | null;
  module: string | null;
  version: string | null;
  offset: string | null;
  ip: string | null;
  /** The name was replaced by an e-mail obfuscator ("[email protected]"): lost, not unknown. */
  obfuscated?: boolean;
}

/** The subset of the psod JSON document this page reads. */
export interface PsodDoc {
  file: string;
  crashFound: boolean;
  banner: { product: string; version: string | null; build: string | null } | null;
  exception: { kind: string; type: string | null; number: number | null; text: string; location: string | null; inferred: boolean } | null;
  world: { idText: string; name: string | null } | null;
  cpu: number | null;
  ip: string | null;
  faultAddress: string | null;
  uptime: string | null;
  frames: Frame[];
  culprit: { frameIndex: number; function: string | null; module: string | null; reason: string } | null;
  signature: { title: string; explanation: string; sources: { title: string; url: string }[] } | null;
  advice: string | null;
  warnings?: { code: string; message: string; offset?: number }[];
}

/** The text report's words for an input read in part: which warning says so (commands/psod/render.ts). */
function partReadCode(warned: (code: string) => boolean): string | null {
  return warned('GZIP_CORRUPT') ? 'GZIP_CORRUPT' : warned('PSOD_INPUT_CUT') ? 'PSOD_INPUT_CUT' : null;
}

/** A sentence ending in the text it quotes: no second full stop when the quote already has one. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function psodSection(d: PsodDoc): Section {
  // A frame whose name an e-mail obfuscator replaced: the name is lost, as the text report says.
  const culpritFrame = d.culprit ? d.frames[d.culprit.frameIndex] : undefined;
  const culpritName = d.culprit ? (d.culprit.function ?? (culpritFrame?.obfuscated ? '(name lost)' : '(unnamed function)')) : null;
  const where = d.culprit ? `${culpritName!}${d.culprit.module ? ` in ${d.culprit.module}` : ''}` : null;
  const warned = (code: string) => (d.warnings ?? []).some((w) => w.code === code);
  const partRead = partReadCode(warned);
  const crashVerdict = d.signature ? `Known crash: ${sentence(d.signature.title)}` : sentence(`Purple screen: ${d.exception?.text ?? 'crash'}${where ? `, at ${where}` : ''}`);
  const verdict = !d.crashFound
    ? warned('PSOD_NOT_TEXT')
      ? 'No purple-screen crash was found in what could be read as text, but this file is not a plain text (PSOD_NOT_TEXT, below, says what to analyse instead), so a crash in it is not ruled out.'
      : partRead
        ? `No purple-screen crash was found in the part of this text that was read; part of it was not read (${partRead}, below), so a crash there is not ruled out.`
        : warned('PSOD_LOGGED_BACKTRACE')
          ? 'No purple-screen crash was found in this text: its only backtraces were logged by non-fatal warnings (PSOD_LOGGED_BACKTRACE, below); the host ran on.'
          : 'No purple-screen crash was found in this text.'
    : warned('GZIP_CORRUPT')
      ? `Read only up to damage (GZIP_CORRUPT, below); in the part read: ${crashVerdict}`
      : crashVerdict;
  // As the exit code (commands/psod/run.ts): 2 for damaged gzip, and for "no crash" in a text not read whole
  // or not text at all; 1 for a crash. A page must not say OK where the command says it could not tell.
  const unsure = warned('GZIP_CORRUPT') || (!d.crashFound && (partRead !== null || warned('PSOD_NOT_TEXT')));
  let html = '';
  if (d.crashFound) {
    html += card(
      'Crash',
      facts([
        ['ESXi', d.banner ? [d.banner.product, d.banner.version, d.banner.build ? `build ${d.banner.build}` : null].filter(Boolean).join(' ') : null],
        ['exception', d.exception ? `${d.exception.text}${d.exception.inferred ? ' (inferred from the backtrace)' : ''}` : null],
        ['source location', d.exception?.location],
        ['world', d.world ? `${d.world.idText}${d.world.name ? ` ${d.world.name}` : ''}` : null],
        ['CPU', d.cpu],
        ['instruction pointer', d.ip],
        ['fault address', d.faultAddress],
        ['uptime', d.uptime],
        ['culprit', where],
        ['why', d.culprit?.reason],
      ]),
      'crash-card',
    );
  }
  if (d.signature) {
    html += card(
      'What it is',
      `<p>${esc(d.signature.explanation)}</p>${d.advice ? `<h3>What to do</h3><p>${esc(d.advice)}</p>` : ''}${
        d.signature.sources.length ? `<h3>Sources</h3>${list(d.signature.sources.map((s) => `${s.title}: ${s.url}`))}` : ''
      }`,
    );
  } else if (d.advice) html += card('What to do', `<p>${esc(d.advice)}</p>`);
  if (d.frames.length) {
    const items = d.frames
      .map((f, i) => `<li${d.culprit?.frameIndex === i ? ' class="culprit"' : ''}>${esc(`${frameName(f)}${f.offset ? `+${f.offset}` : ''}${f.ip ? `  ${f.ip}` : ''}`)}</li>`)
      .join('');
    html += card(`Backtrace (${d.frames.length} frames)`, `<ol class="stack" start="0">${items}</ol>`, 'stack-card');
  }
  html += warningsCard(d.warnings);
  return { verdict, severity: d.crashFound || unsure ? 'bad' : 'ok', subject: d.file, html };
}

/** A backtrace frame's name as the text report writes it; an obfuscated one says so instead of a made-up module. */
function frameName(f: Frame): string {
  if (f.obfuscated) return `[email obfuscated]${f.version ? `#${f.version}` : ''}`;
  return `${f.function ?? '?'}${f.module ? `@${f.module}` : ''}${f.version ? `#${f.version}` : ''}`;
}
