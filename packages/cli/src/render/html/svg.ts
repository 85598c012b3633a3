/**
 * Inline SVG charts drawn from report data (no library, no script): a timeline with one row per
 * series and one mark per event. Labels and tooltips are escaped.
 */
import { esc } from './page.js';

/** Mark shapes: told apart without colour (print, colour blindness). */
export type Shape = 'circle' | 'square' | 'triangle' | 'diamond';
/** Mark colours, each named in the legend with words. */
export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

export interface Mark {
  /** Seconds on the time axis. */
  t: number;
  shape: Shape;
  tone: Tone;
  /** Tooltip (plain text). */
  title: string;
  /** Extra class names for the mark (tests count `.mark`). */
  cls?: string;
  /** 0..1: the mark's size (e.g. a segment's payload against the largest); full size when absent. */
  scale?: number;
}

export interface TimelineRow {
  /** Row label (plain text, shortened to fit). */
  label: string;
  marks: Mark[];
}

const TONE_FILL: Record<Tone, string> = { ok: '#1e6b34', warn: '#c77700', bad: '#b3261e', neutral: '#6b7580' };

/** Geometry: the label column, the plot, and one row's height. */
const LABEL_WIDTH = 330;
const PLOT_WIDTH = 600;
const ROW_HEIGHT = 26;
const AXIS_HEIGHT = 30;
const MARK_RADIUS = 6;
/** The smallest mark (scale 0), still big enough to see and to tell its shape. */
const MIN_RADIUS = 3;
/** Characters of a row label kept before an ellipsis (a flow label fits; a hostile 10 kB name does not stretch the chart). */
const LABEL_CHARS = 50;

/** A timeline: time across, one row per series, a mark per event. `tEnd` is the right edge in seconds. */
export function timeline(rows: TimelineRow[], tEnd: number, ariaLabel: string): string {
  const width = LABEL_WIDTH + PLOT_WIDTH + 20;
  const height = rows.length * ROW_HEIGHT + AXIS_HEIGHT;
  const span = tEnd > 0 ? tEnd : 1;
  const x = (t: number) => LABEL_WIDTH + 10 + (Math.max(0, Math.min(t, span)) / span) * (PLOT_WIDTH - 20);
  let out = `<svg class="chart timeline" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(ariaLabel)}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif" font-size="11">`;
  rows.forEach((row, i) => {
    const y = i * ROW_HEIGHT + ROW_HEIGHT / 2;
    const label = row.label.length > LABEL_CHARS ? `${row.label.slice(0, LABEL_CHARS - 1)}…` : row.label;
    out += `<g class="row"><title>${esc(row.label)}</title>`;
    out += `<rect x="${LABEL_WIDTH}" y="${i * ROW_HEIGHT + 2}" width="${PLOT_WIDTH}" height="${ROW_HEIGHT - 4}" fill="${i % 2 ? '#ffffff' : '#f4f6f8'}"/>`;
    out += `<text x="${LABEL_WIDTH - 8}" y="${y + 4}" text-anchor="end" fill="#1b1f24">${esc(label)}</text></g>`;
    // Big marks first, so that a small one in the same spot stays visible on top.
    for (const m of [...row.marks].sort((a, b) => (b.scale ?? 1) - (a.scale ?? 1))) out += mark(x(m.t), y, m);
  });
  // Axis: five ticks from 0 to the end.
  const axisY = rows.length * ROW_HEIGHT + 4;
  out += `<line x1="${LABEL_WIDTH}" y1="${axisY}" x2="${LABEL_WIDTH + PLOT_WIDTH}" y2="${axisY}" stroke="#5b6570"/>`;
  for (let k = 0; k <= 4; k++) {
    const t = (span * k) / 4;
    const tx = x(t);
    out += `<line x1="${tx}" y1="${axisY}" x2="${tx}" y2="${axisY + 4}" stroke="#5b6570"/><text x="${tx}" y="${axisY + 17}" text-anchor="middle" fill="#5b6570">${esc(seconds(t))}</text>`;
  }
  return `${out}</svg>`;
}

function mark(cx: number, cy: number, m: Mark): string {
  const fill = TONE_FILL[m.tone];
  const r = m.scale === undefined ? MARK_RADIUS : MIN_RADIUS + (MARK_RADIUS - MIN_RADIUS) * Math.max(0, Math.min(1, m.scale));
  const cls = `mark${m.cls ? ` ${m.cls}` : ''}`;
  const title = `<title>${esc(m.title)}</title>`;
  const at = (n: number) => n.toFixed(1);
  // Marks are half-transparent so that a burst of segments shows as a darker patch.
  const common = `class="${esc(cls)}" fill="${fill}" fill-opacity="0.75" stroke="${fill}"`;
  switch (m.shape) {
    case 'circle':
      return `<circle ${common} cx="${at(cx)}" cy="${at(cy)}" r="${at(r)}">${title}</circle>`;
    case 'square':
      return `<rect ${common} x="${at(cx - r + 1)}" y="${at(cy - r + 1)}" width="${at(2 * r - 2)}" height="${at(2 * r - 2)}">${title}</rect>`;
    case 'triangle':
      return `<polygon ${common} points="${at(cx)},${at(cy - r)} ${at(cx + r)},${at(cy + r - 1)} ${at(cx - r)},${at(cy + r - 1)}">${title}</polygon>`;
    case 'diamond':
      return `<polygon ${common} points="${at(cx)},${at(cy - r)} ${at(cx + r)},${at(cy)} ${at(cx)},${at(cy + r)} ${at(cx - r)},${at(cy)}">${title}</polygon>`;
  }
}

/** A legend entry: the shape or colour swatch as a tiny SVG, then the words. */
export function legendItem(shape: Shape, tone: Tone, words: string): string {
  const s = mark(8, 8, { t: 0, shape, tone, title: words, cls: 'legend-mark' }).replace('class="mark legend-mark"', 'class="legend-mark"');
  return `<span><svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">${s}</svg> ${esc(words)}</span>`;
}

/** Seconds for an axis label: ms below 1 s, else seconds with up to 2 decimals, minutes past 120 s. */
export function seconds(t: number): string {
  if (t === 0) return '0 s';
  if (t < 1) return `${Math.round(t * 1000)} ms`;
  if (t < 120) return `${Number(t.toFixed(2))} s`;
  return `${Number((t / 60).toFixed(1))} min`;
}

/** Geometry of the small crashes-over-time strip (one per crash group). */
const STRIP_WIDTH = 600;
const STRIP_HEIGHT = 46;
const STRIP_PAD = 12;

/**
 * A crashes-over-time strip: one mark per crash at its time, between `startMs` and `endMs` (the whole
 * fleet's period, so strips of different groups line up). Each mark's tooltip is its `titles` entry.
 */
export function crashStrip(times: readonly number[], titles: readonly string[], startMs: number, endMs: number, ariaLabel: string): string {
  const span = endMs - startMs;
  const baseY = 26;
  // One instant for the whole fleet: the marks sit in the middle instead of at an edge.
  const x = (t: number) => (span > 0 ? STRIP_PAD + ((t - startMs) / span) * (STRIP_WIDTH - 2 * STRIP_PAD) : STRIP_WIDTH / 2);
  let out = `<svg class="chart crashes" viewBox="0 0 ${STRIP_WIDTH} ${STRIP_HEIGHT}" role="img" aria-label="${esc(ariaLabel)}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif" font-size="11">`;
  out += `<line x1="${STRIP_PAD}" y1="${baseY}" x2="${STRIP_WIDTH - STRIP_PAD}" y2="${baseY}" stroke="#5b6570"/>`;
  times.forEach((t, i) => {
    out += mark(x(t), baseY - 8, { t: 0, shape: 'circle', tone: 'bad', title: titles[i] ?? '', cls: 'crash' });
  });
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  out += `<text x="${STRIP_PAD}" y="${baseY + 16}" fill="#5b6570">${esc(day(startMs))}</text>`;
  if (span > 0) out += `<text x="${STRIP_WIDTH - STRIP_PAD}" y="${baseY + 16}" text-anchor="end" fill="#5b6570">${esc(day(endMs))}</text>`;
  return `${out}</svg>`;
}
