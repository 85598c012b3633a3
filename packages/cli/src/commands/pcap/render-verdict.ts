/**
 * The offload verdict's part of `analyze pcap` (issue 4): the text block and the exit code (the JSON
 * `verdict` object is built by the library, `analyzeCapture`). Kept apart from the checksum report's
 * rendering (render.ts) so each side can change on its own.
 */
import type { CaptureJson } from '@analyze/core/api/pcap';
import type { BadCounts, SegmentOutcomes, VerdictKind } from '@analyze/core/pcap/verdict';
import { EXIT_OK, EXIT_PROBLEM } from '../../context.js';
import type { Colors } from '../../render/color.js';

/**
 * Exit code 1 only for the verdicts that mean something on the network must be fixed (offload-broken,
 * wire-corruption), as issue 4 specifies; 0 for clean, offload-artifact and rewritten, where the network
 * is not at fault, and for inconclusive, where nothing was shown to be broken (the text says what to
 * capture next, and scripts can read `verdict.kind`).
 */
export function verdictExitCode(v: Verdict): number {
  return v.kind === 'offload-broken' || v.kind === 'wire-corruption' ? EXIT_PROBLEM : EXIT_OK;
}

type Verdict = NonNullable<CaptureJson['verdict']>;

const KIND_STYLE: Record<VerdictKind, keyof Pick<Colors, 'green' | 'yellow' | 'red' | 'cyan'>> = {
  clean: 'green',
  'offload-artifact': 'green',
  'offload-broken': 'red',
  'wire-corruption': 'red',
  rewritten: 'yellow',
  inconclusive: 'yellow',
};

/** Capture hosts named on the text line and the page; the JSON lists them all. A rewritten or fuzzed trace can have thousands. */
const CAPTURE_HOSTS_SHOWN = 10;

/**
 * The first CAPTURE_HOSTS_SHOWN capture hosts (most evidence first, as the library sorts them), like the hosts and
 * flows breakdowns, then "and N more"; with `reasons`, why each is one.
 * @example captureHostList([{ address: '10.0.0.5', macs: [], reason: 'placeholders' }], false) // '10.0.0.5'
 */
export function captureHostList(hosts: readonly { address: string; macs: string[]; reason: string }[], reasons: boolean): string {
  const shown = hosts.slice(0, CAPTURE_HOSTS_SHOWN).map((h) => `${h.address}${h.macs.length ? ` (${h.macs.join(', ')})` : ''}${reasons ? ` [${h.reason}]` : ''}`);
  const more = hosts.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? ` and ${more.toLocaleString('en-US')} more` : ''}`;
}

function counts(b: BadCounts): string {
  const parts: [string, number][] = [
    ['partial', b.partial],
    ['partial-no-length', b.partialNoLength],
    ['zero', b.zero],
    ['mismatch', b.mismatch],
    ['IPv4 zero', b.ipv4Zero],
    ['IPv4 mismatch', b.ipv4Mismatch],
  ];
  const shown = parts.filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`);
  return shown.length ? shown.join(', ') : 'none';
}

function fates(o: SegmentOutcomes): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `acked ${n(o.acked)}, failed ${n(o.failed)}, unacked ${n(o.unacked)}, unknown ${n(o.unknown)}`;
}

/** Wrap a sentence to the terminal, indented. */
function wrap(text: string, indent: string, width = 100): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      out.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out;
}

/** The verdict block printed under the checksum counts. */
export function renderVerdict(v: Verdict, c: Colors): string {
  const lines: string[] = [];
  lines.push(`  verdict: ${c.bold(c[KIND_STYLE[v.kind]](v.kind))}`);
  lines.push(...wrap(v.summary, '    '));
  if (v.captureHosts.length) {
    lines.push(`    capture host${v.captureHosts.length === 1 ? '' : 's'}: ${captureHostList(v.captureHosts, true)}`);
  }
  if (v.os.guess !== 'unknown') lines.push(`    OS: ${v.os.guess} (${v.os.because})`);
  const e = v.evidence;
  if (v.kind !== 'clean') {
    lines.push(`    bad checksums: outbound ${counts(e.outbound)}; inbound ${counts(e.inbound)}; direction unknown ${counts(e.unknownDirection)}`);
    for (const sign of e.editing.signs) lines.push(...wrap(`evidence of editing: ${sign}`, '    '));
    const t = e.tcpSegments;
    for (const [name, o] of [
      ['outbound', t.outbound],
      ['inbound', t.inbound],
      ['direction unknown', t.unknownDirection],
    ] as const) {
      for (const [value, s] of [
        ['placeholder', o.placeholder],
        ['mismatch', o.mismatch],
      ] as const) {
        if (s.acked + s.failed + s.unacked + s.unknown > 0) lines.push(`    TCP segments, ${name}, ${value}: ${fates(s)}`);
      }
    }
    const flows = v.flows.filter((f) => f.failed + f.unacked > 0).slice(0, 5);
    if (flows.length) {
      lines.push('    flows with unacknowledged bad segments:');
      for (const f of flows) lines.push(`      ${f.flow}  bad ${f.badSegments}, failed ${f.failed}, unacked ${f.unacked}, acked ${f.acked}`);
    }
  }
  if (v.advice.length) {
    lines.push('    advice:');
    for (const a of v.advice) lines.push(...wrap(a, '      ').map((l, i) => (i === 0 ? `${l.slice(0, 4)}- ${l.slice(6)}` : l)));
  }
  return `${lines.join('\n')}\n`;
}
