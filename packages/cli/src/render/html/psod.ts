/** The `analyze psod --html` page, from the documented JSON report (docs/json-psod.md): crash card, then the backtrace with the culprit frame marked. */
import { card, esc, facts, list, warningsCard, type Section } from './page.js';

interface Frame {
  function: string | null;
  module: string | null;
  version: string | null;
  offset: string | null;
  ip: string | null;
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

export function psodSection(d: PsodDoc): Section {
  const where = d.culprit ? `${d.culprit.function ?? '(unnamed function)'}${d.culprit.module ? ` in ${d.culprit.module}` : ''}` : null;
  const warned = (code: string) => (d.warnings ?? []).some((w) => w.code === code);
  const verdict = !d.crashFound
    ? warned('PSOD_NOT_TEXT')
      ? 'No purple-screen crash was found in what could be read as text, but this file is not a plain text (PSOD_NOT_TEXT, below, says what to analyse instead), so a crash in it is not ruled out.'
      : warned('PSOD_INPUT_CUT')
        ? 'No purple-screen crash was found in the part of this text that was read; part of it was not read (PSOD_INPUT_CUT), so a crash there is not ruled out.'
        : warned('PSOD_LOGGED_BACKTRACE')
          ? 'No purple-screen crash was found in this text: its only backtraces were logged by non-fatal warnings (PSOD_LOGGED_BACKTRACE, below); the host ran on.'
          : 'No purple-screen crash was found in this text.'
    : d.signature
      ? `Known crash: ${d.signature.title}.`
      : `Purple screen: ${d.exception?.text ?? 'crash'}${where ? `, at ${where}` : ''}.`;
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
      .map((f, i) => `<li${d.culprit?.frameIndex === i ? ' class="culprit"' : ''}>${esc(`${f.function ?? '?'}${f.module ? `@${f.module}` : ''}${f.version ? `#${f.version}` : ''}${f.offset ? `+${f.offset}` : ''}${f.ip ? `  ${f.ip}` : ''}`)}</li>`)
      .join('');
    html += card(`Backtrace (${d.frames.length} frames)`, `<ol class="stack" start="0">${items}</ol>`, 'stack-card');
  }
  html += warningsCard(d.warnings);
  return { verdict, severity: d.crashFound ? 'bad' : 'ok', subject: d.file, html };
}
