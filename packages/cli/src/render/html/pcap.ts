/**
 * The `analyze pcap --html` page, from the documented JSON report (docs/json-pcap.md): the verdict and
 * its advice, a timeline of the bad segments per flow, per-protocol counts, the first bad frames.
 */
import { captureHostList } from '../../commands/pcap/render-verdict.js';
import { card, esc, facts, list, num, plural, table, warningsCard, type Section, type Severity } from './page.js';
import { legendItem, seconds, timeline, type Mark, type Shape, type Tone, type TimelineRow } from './svg.js';

/** The subset of the pcap JSON document this page reads (field meanings in docs/json-pcap.md). */
export interface PcapDoc {
  file: string;
  format: string | null;
  frames: number;
  bytes: number;
  checksums: Record<'ipv4' | 'tcp' | 'udp', { checked: number; bad: number; unverified: number; absent?: number; illegal?: number }>;
  bad: BadEntry[];
  badTruncated: boolean;
  warnings?: { code: string; message: string; offset?: number }[];
  verdict?: {
    kind: string;
    summary: string;
    advice: string[];
    os?: { guess: string; because: string };
    captureHosts?: { address: string; macs: string[]; reason: string }[];
    flows?: { flow: string; badSegments: number; acked: number; failed: number; unacked: number; unknown: number }[];
  };
}

export interface BadEntry {
  frame: number;
  time?: number;
  srcPort?: number | null;
  dstPort?: number | null;
  tcpPayload?: number | null;
  protocol: string;
  src: string;
  dst: string;
  stored: number;
  correct: number;
  depth: number;
  class?: string;
  acked?: boolean | null;
  retransmitted?: boolean;
}

/** Flows drawn in the timeline before "N more": enough for a pattern, few enough to read on a phone. */
export const TIMELINE_ROWS = 12;
/** Bad checksums listed in the first-frames table. */
const FIRST_BAD_ROWS = 25;

const HEADLINE: Record<string, [string, Severity]> = {
  clean: ['No bad checksums: nothing on the wire was damaged.', 'ok'],
  'offload-artifact': ['Bad checksums here are checksum-offload artefacts of the capturing machine, not a network problem.', 'ok'],
  'offload-broken': ['Checksum offload is broken: segments leave with bad checksums and are lost.', 'bad'],
  'wire-corruption': ['Packets are being damaged in transit: received segments fail their checksums and are dropped.', 'bad'],
  rewritten: ['The capture was edited after it was taken (checksums no longer match rewritten headers).', 'warn'],
  inconclusive: ['Bad checksums were found, but the capture does not tell whether they matter.', 'warn'],
};

/**
 * "39 frames with a bad checksum". The counts are per frame and protocol (a frame with a bad IPv4 and a bad TCP
 * checksum is in both), so distinct frames come from the `bad` list when it is complete; cut at --limit, the
 * sum is said as what it is, frame/protocol pairs, as the text report says it.
 */
export function badFramesPhrase(d: Pick<PcapDoc, 'checksums' | 'bad' | 'badTruncated'>): string {
  const pairs = d.checksums.ipv4.bad + d.checksums.tcp.bad + d.checksums.udp.bad;
  if (d.badTruncated) return `${plural(pairs, 'frame/protocol pair')} with a bad checksum`;
  return `${plural(new Set(d.bad.map((b) => b.frame)).size, 'frame')} with a bad checksum`;
}

/** One capture's section: verdict sentence, then the evidence. */
export function pcapSection(d: PcapDoc): Section {
  const badTotal = d.checksums.ipv4.bad + d.checksums.tcp.bad + d.checksums.udp.bad;
  const badFrames = badFramesPhrase(d);
  let verdict: string;
  let severity: Severity;
  if (d.verdict) {
    [verdict, severity] = HEADLINE[d.verdict.kind] ?? [`Verdict: ${d.verdict.kind}.`, 'warn'];
  } else if (badTotal === 0) {
    [verdict, severity] = ['No bad checksums found.', 'ok'];
  } else {
    [verdict, severity] = [`${badFrames} (verdict not asked for).`, 'warn'];
  }
  let html = '';
  if (d.verdict) {
    const v = d.verdict;
    html += card(
      'Verdict',
      `<p>${esc(v.summary)}</p>${v.advice.length ? `<h3>What to do</h3>${list(v.advice, 'advice')}` : ''}${facts([
        ['verdict', v.kind],
        ['OS guess', v.os ? `${v.os.guess} (${v.os.because})` : null],
        ['capture host', v.captureHosts?.length ? captureHostList(v.captureHosts, false) : null],
      ])}`,
      'verdict-card',
    );
  }
  html += timelineCard(d);
  html += card(
    'Checksums by protocol',
    table(
      [{ title: 'protocol' }, { title: 'checked', numeric: true }, { title: 'bad', numeric: true }, { title: 'unverified', numeric: true }, { title: 'UDP without checksum', numeric: true }],
      (['ipv4', 'tcp', 'udp'] as const).map((p) => [p === 'ipv4' ? 'IPv4' : p.toUpperCase(), d.checksums[p].checked, d.checksums[p].bad, d.checksums[p].unverified, d.checksums[p].absent ?? null]),
    ),
  );
  if (d.verdict?.flows?.length) {
    html += card(
      'Flows with the most lost segments',
      table(
        [{ title: 'flow' }, { title: 'bad segments', numeric: true }, { title: 'acknowledged', numeric: true }, { title: 'retransmitted', numeric: true }, { title: 'never acknowledged', numeric: true }, { title: 'unknown', numeric: true }],
        d.verdict.flows.map((f) => [f.flow, f.badSegments, f.acked, f.failed, f.unacked, f.unknown]),
      ),
    );
  }
  if (d.bad.length) {
    const shown = d.bad.slice(0, FIRST_BAD_ROWS);
    html += card(
      `First bad checksums (frame numbers as in Wireshark)`,
      table(
        [{ title: 'frame', numeric: true }, { title: 'time', numeric: true }, { title: 'protocol' }, { title: 'from' }, { title: 'to' }, { title: 'TCP payload', numeric: true }, { title: 'stored' }, { title: 'correct' }, { title: 'class' }, { title: 'fate' }],
        shown.map((b) => [b.frame, b.time === undefined ? null : seconds(b.time), b.protocol, endpoint(b.src, b.srcPort), endpoint(b.dst, b.dstPort), b.tcpPayload ?? null, hex(b.stored), hex(b.correct), b.class ? classWords(b.class) : null, FATE_WORDS[fate(b)]]),
        { caption: firstBadCaption(shown.length, d) },
      ),
    );
  }
  html += card('Capture', facts([['file', d.file], ['format', d.format], ['frames', num(d.frames)], ['bytes', num(d.bytes)]]));
  html += warningsCard(d.warnings);
  return { verdict, severity, subject: `${d.file}: ${plural(d.frames, 'frame')}, ${badFrames}`, html };
}

type Fate = 'acked' | 'retransmitted' | 'unacked' | 'unknown';
const FATE_WORDS: Record<Fate, string> = { acked: 'acknowledged', retransmitted: 'retransmitted', unacked: 'never acknowledged', unknown: 'fate unknown' };
const FATE_TONE: Record<Fate, Tone> = { acked: 'ok', retransmitted: 'warn', unacked: 'bad', unknown: 'neutral' };

/** docs/json-pcap.md: `retransmitted` true = failed and sent again; `acked` false otherwise = never acknowledged; null = unknown. */
function fate(b: BadEntry): Fate {
  if (b.retransmitted === true) return 'retransmitted';
  if (b.acked === true) return 'acked';
  if (b.acked === false) return 'unacked';
  return 'unknown';
}

type MarkClass = 'placeholder' | 'zero' | 'mismatch' | 'unclassified';
const CLASS_SHAPE: Record<MarkClass, Shape> = { placeholder: 'circle', zero: 'square', mismatch: 'triangle', unclassified: 'diamond' };

function markClass(c: string | undefined): MarkClass {
  if (c === 'partial' || c === 'partial-no-length') return 'placeholder';
  if (c === 'zero' || c === 'mismatch') return c;
  return 'unclassified';
}

function classWords(c: string): string {
  const m = markClass(c);
  return m === 'placeholder' ? `placeholder (${c})` : m;
}

function endpoint(addr: string, port: number | null | undefined): string {
  if (port === null || port === undefined) return addr;
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

/** One bad segment: the frame's bad entries together (an IPv4 and a TCP checksum of one segment are one mark). */
interface Segment {
  frame: number;
  time: number;
  flow: string;
  entries: BadEntry[];
}

/** Group the bad list into segments (one per frame) and those into flows, worst flows first. */
export function segmentsByFlow(bad: readonly BadEntry[]): { flow: string; segments: Segment[]; lost: number }[] {
  const byFrame = new Map<number, Segment>();
  for (const b of bad) {
    let s = byFrame.get(b.frame);
    if (!s) byFrame.set(b.frame, (s = { frame: b.frame, time: b.time ?? 0, flow: '', entries: [] }));
    s.entries.push(b);
  }
  const flows = new Map<string, Segment[]>();
  for (const s of byFrame.values()) {
    // The flow is named by the entry that knows its ports (the innermost TCP/UDP), else by addresses.
    const e = s.entries.find((x) => x.srcPort != null) ?? s.entries[s.entries.length - 1]!;
    const proto = s.entries.find((x) => x.protocol !== 'ipv4')?.protocol ?? e.protocol;
    s.flow = `${endpoint(e.src, e.srcPort)} → ${endpoint(e.dst, e.dstPort)} ${proto.toUpperCase()}`;
    const list = flows.get(s.flow);
    if (list) list.push(s);
    else flows.set(s.flow, [s]);
  }
  const lostOf = (s: Segment) => {
    const f = segmentFate(s);
    return f === 'retransmitted' || f === 'unacked' ? 1 : 0;
  };
  return [...flows.entries()]
    .map(([flow, segments]) => ({ flow, segments, lost: segments.reduce((n, s) => n + lostOf(s), 0) }))
    .sort((a, b) => b.lost - a.lost || b.segments.length - a.segments.length || a.flow.localeCompare(b.flow));
}

/** A segment's fate is its TCP entry's (IPv4 and UDP entries carry none). */
function segmentFate(s: Segment): Fate {
  const tcp = s.entries.find((e) => e.protocol === 'tcp');
  return tcp ? fate(tcp) : 'unknown';
}

/** A segment's class: its transport checksum's when it has one, else its IPv4 checksum's. */
function segmentClass(s: Segment): MarkClass {
  const transport = s.entries.find((e) => e.protocol !== 'ipv4' && e.class !== undefined);
  return markClass((transport ?? s.entries[0]!).class);
}

function timelineCard(d: PcapDoc): string {
  if (d.bad.length === 0) return '';
  const flows = segmentsByFlow(d.bad);
  const shown = flows.slice(0, TIMELINE_ROWS);
  const hidden = flows.slice(TIMELINE_ROWS);
  const tEnd = d.bad.reduce((m, b) => Math.max(m, b.time ?? 0), 0);
  // Marks are sized by TCP payload against the largest bad segment: "full-size ones fail" shows as big marks.
  const largest = d.bad.reduce((m, b) => Math.max(m, b.tcpPayload ?? 0), 0);
  const rows: TimelineRow[] = shown.map((f) => ({
    label: `${f.flow} (${f.segments.length})`,
    marks: f.segments.map((s): Mark => {
      const fa = segmentFate(s);
      const cl = segmentClass(s);
      const payload = s.entries.find((e) => e.tcpPayload != null)?.tcpPayload;
      return {
        ...(payload == null || largest === 0 ? {} : { scale: payload / largest }),
        t: s.time,
        shape: CLASS_SHAPE[cl],
        tone: FATE_TONE[fa],
        title: `frame ${s.frame} at ${seconds(s.time)}: ${s.entries.map((e) => `${e.protocol} ${e.class ?? 'bad'}`).join(', ')}${payload == null ? '' : `, ${plural(payload, 'byte')} of TCP payload`}; ${FATE_WORDS[fa]}`,
        cls: `class-${cl} fate-${fa}`,
      };
    }),
  }));
  const moreSegments = hidden.reduce((n, f) => n + f.segments.length, 0);
  const more = hidden.length ? `<p class="muted more">${plural(hidden.length, 'more flow')} with ${plural(moreSegments, 'bad segment')} not drawn (all are in the JSON).</p>` : '';
  const truncated = d.badTruncated ? `<p class="muted">The JSON's bad list stopped at --limit (${num(d.bad.length)} entries): later segments are not drawn.</p>` : '';
  const legend = `<div class="legend">${legendItem('circle', 'neutral', 'placeholder (offload left the pseudo-header sum)')}${legendItem('square', 'neutral', 'zero')}${legendItem('triangle', 'neutral', 'mismatch')}${d.verdict ? '' : legendItem('diamond', 'neutral', 'not classified (--no-verdict)')}</div><div class="legend">${legendItem('circle', 'ok', 'acknowledged')}${legendItem('circle', 'warn', 'retransmitted')}${legendItem('circle', 'bad', 'never acknowledged')}${legendItem('circle', 'neutral', 'fate unknown / not TCP')}</div>${largest > 0 ? `<div class="legend"><span>mark size: TCP payload, from 0 to ${plural(largest, 'byte')}</span></div>` : ''}`;
  return card(
    'Timeline of bad segments',
    `<p class="muted">Time since the first frame across; one row per flow, the flows that lost most first; one mark per bad segment: its shape is the checksum class, its colour the segment's fate.</p>${timeline(rows, tEnd, `Timeline of ${plural(d.bad.length, 'bad checksum')} in ${plural(flows.length, 'flow')}`)}${legend}${more}${truncated}`,
    'timeline-card',
  );
}

/**
 * The caption of the first bad checksums: how many of how many. The per-protocol counts hold the whole total
 * (one entry per frame and protocol, as the bad list), also when the list itself stopped at --limit.
 */
function firstBadCaption(shown: number, d: PcapDoc): string {
  const total = d.checksums.ipv4.bad + d.checksums.tcp.bad + d.checksums.udp.bad;
  if (d.badTruncated) return `the first ${num(shown)} of ${num(total)}; the JSON lists the first ${num(d.bad.length)} (--limit)`;
  return shown < d.bad.length ? `the first ${num(shown)} of ${num(d.bad.length)}; the JSON lists up to --limit` : `all ${num(shown)}; the JSON lists up to --limit`;
}
