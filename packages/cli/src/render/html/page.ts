/**
 * The HTML page toolkit: escaping, the page shell (Content-Security-Policy, print and phone styles),
 * and the small building blocks every report page uses (verdict banner, cards, tables).
 *
 * Every value that comes from an input file goes through `esc` (or `attr`): a capture, dump or backup
 * must not be able to inject markup or script. Building blocks take already-escaped HTML only where
 * their parameter is named `html`.
 */
import { createHash } from 'node:crypto';

/** How a verdict is coloured: bad (red), warn (amber), ok (green), info (neutral). */
export type Severity = 'bad' | 'warn' | 'ok' | 'info';

/**
 * Bidirectional-text controls (LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI, LRM/RLM, ALM): a file name holding
 * U+202E can make "exe.txt" read as "txt.exe". Shown as a visible `<U+202E>` instead of acting.
 */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** C0 and C1 controls and DEL (a tab and a line break are kept: they are harmless in HTML text). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text for HTML element content or a quoted attribute: markup characters escaped, controls made visible. */
export function esc(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return text
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(BIDI, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`)
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A number for display with thousands separators (never from locale settings: the page must not vary). */
export function num(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `n thing` / `n things`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${num(n)} ${n === 1 ? word : many}`;
}

export interface PageParts {
  /** The page title (plain text; escaped here). */
  title: string;
  /** The one-sentence verdict (plain text; escaped here). */
  verdict: string;
  severity: Severity;
  /** A short line under the verdict: what was analysed (plain text). */
  subject?: string;
  /** A warning shown in the header (plain text), e.g. that secrets are shown. */
  headerNotice?: string;
  /** The evidence: HTML built with the helpers below. */
  html: string;
  /** Inline script the page needs (table sorting); allowed by its sha256 hash only. */
  script?: string;
}

/** Several reports (several files) on one page: each keeps its own verdict. */
export interface Section {
  verdict: string;
  severity: Severity;
  subject?: string;
  html: string;
}

/** The whole page. The CSP forbids every fetch; styles and the optional script are allowed by hash. */
export function page(p: PageParts & { sections?: Section[] }): string {
  const styleHash = sha256(STYLE);
  const scriptPolicy = p.script === undefined ? "script-src 'none'" : `script-src '${sha256(p.script)}'`;
  const csp = `default-src 'none'; style-src '${styleHash}'; img-src data:; ${scriptPolicy}; base-uri 'none'; form-action 'none'`;
  const notice = p.headerNotice === undefined ? '' : `<p class="notice" role="alert">${esc(p.headerNotice)}</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(p.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>${notice}${verdictBlock(p.verdict, p.severity, p.subject, 'verdict')}</header>
<main>
${p.html}
</main>
<footer>Made by analyze from the report its <code>--json</code> prints (docs/json.md); nothing on this page comes from elsewhere.</footer>
${p.script === undefined ? '' : `<script>${p.script}</script>`}
</body>
</html>
`;
}

/** The verdict sentence with its severity colour; `id` marks the page's first one for tests and links. */
export function verdictBlock(verdict: string, severity: Severity, subject: string | undefined, id?: string): string {
  const label = SEVERITY_LABEL[severity];
  return `<div class="verdict sev-${severity}"${id ? ` id="${id}"` : ''}><span class="badge">${label}</span> <span class="sentence">${esc(verdict)}</span>${
    subject ? `<div class="subject">${esc(subject)}</div>` : ''
  }</div>`;
}

const SEVERITY_LABEL: Record<Severity, string> = { bad: 'Problem', warn: 'Attention', ok: 'OK', info: 'Info' };

/** A titled card around HTML. */
export function card(title: string, html: string, cls = ''): string {
  return `<section class="card${cls ? ` ${cls}` : ''}"><h2>${esc(title)}</h2>${html}</section>`;
}

/** A definition list of label/value pairs; values are plain text (escaped), rows with null values are left out. */
export function facts(rows: [string, unknown][]): string {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (shown.length === 0) return '';
  return `<dl class="facts">${shown.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

export interface Column {
  title: string;
  /** Right-aligned numbers; sortable tables sort them numerically. */
  numeric?: boolean;
}

/**
 * Most rows a table shows. A page is read by a person (and printed): real reports have tens of rows, and a
 * generated or damaged input with 100,000 users would make a page no browser opens comfortably, built at a
 * cost in memory larger than the analysis. The rows left out are counted in the table's footer.
 */
export const HTML_TABLE_ROWS = 1000;

/**
 * Characters of rows a table shows at most: past them, the rest are counted in its footer as past
 * HTML_TABLE_ROWS. Rows of long values (1,000 of them at HTML_CELL_CHARS on both sides of a diff) are ~4 KB
 * each, and a page costs ~8 bytes of memory per character while it is built and written.
 */
export const HTML_TABLE_CHARS = 1_000_000;

/**
 * A table. Cells are plain text (escaped) unless given as `{ html }`. `sortable` tables get clickable
 * headers (the page must then include SORT_SCRIPT). `rowClass` marks rows (e.g. the culprit). Only the
 * first HTML_TABLE_ROWS rows are shown.
 */
export function table(columns: Column[], rows: Cell[][], opts: { sortable?: boolean; rowClass?: (i: number) => string | undefined; caption?: string } = {}): string {
  const head = columns
    .map((c, i) => `<th${c.numeric ? ' class="n"' : ''}${opts.sortable ? ` data-col="${i}" tabindex="0" aria-sort="none"` : ''}>${esc(c.title)}</th>`)
    .join('');
  const shown: string[] = [];
  let chars = 0;
  for (let i = 0; i < rows.length && i < HTML_TABLE_ROWS && chars < HTML_TABLE_CHARS; i++) {
    const cls = opts.rowClass?.(i);
    const row = `<tr${cls ? ` class="${esc(cls)}"` : ''}>${rows[i]!.map((cell, j) => `<td${cellClass(cell, columns[j]?.numeric === true)}>${cellHtml(cell)}</td>`).join('')}</tr>`;
    chars += row.length;
    shown.push(row);
  }
  const body = shown.join('\n');
  // in a footer, not the body: sorting moves body rows only
  const left = rows.length - shown.length;
  const more = left > 0 ? `<tfoot><tr><td colspan="${columns.length}" class="muted">… and ${num(left)} more rows (the JSON report lists all ${num(rows.length)})</td></tr></tfoot>` : '';
  return `<div class="tablewrap"><table${opts.sortable ? ' class="sortable"' : ''}>${opts.caption ? `<caption>${esc(opts.caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody>${more}</table></div>`;
}

export type Cell = string | number | null | undefined | { html: string };

/**
 * Characters of an unbroken run (no space) past which a cell may break anywhere. Shorter words (codes,
 * dates, names, "0xC0000005") stay whole; longer ones are paths, hashes and identifiers that would
 * otherwise set their column's width.
 */
export const LONG_RUN_CHARS = 14;
const LONG_RUN = new RegExp(`\\S{${LONG_RUN_CHARS + 1}}`);

function cellClass(c: Cell, numeric: boolean): string {
  if (numeric) return ' class="n"';
  // An HTML cell is judged by its text (tags dropped): a diff's before/after value is a span around the value.
  const text = typeof c === 'string' ? c : c !== null && typeof c === 'object' ? c.html.replace(/<[^>]*>/g, ' ') : '';
  return LONG_RUN.test(text) ? ' class="brk"' : '';
}

function cellHtml(c: Cell): string {
  if (c !== null && typeof c === 'object') return c.html;
  return typeof c === 'number' ? num(c) : escCell(c);
}

/**
 * Most characters of one value a table cell shows. A page is read by a person, and no one reads a
 * 4,096-character setting in a cell: 1,000 rows of such values on both sides of an esxi diff made a 15 MB
 * page that peaked at 248 MB (the budget is 256). The JSON report has every value whole.
 */
export const HTML_CELL_CHARS = 1000;

/** esc() of a value for a table cell, cut to HTML_CELL_CHARS with a note of how much was left out. */
export function escCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  if (text.length <= HTML_CELL_CHARS) return esc(text);
  const high = text.charCodeAt(HTML_CELL_CHARS - 1);
  const cut = high >= 0xd800 && high <= 0xdbff ? HTML_CELL_CHARS - 1 : HTML_CELL_CHARS; // not half a character
  return `${esc(text.slice(0, cut))}<span class="muted"> … ${plural(text.length - cut, 'more character')} (the JSON report has all)</span>`;
}

/** A bulleted list of plain-text items. */
export function list(items: readonly unknown[], cls = ''): string {
  if (items.length === 0) return '';
  return `<ul${cls ? ` class="${cls}"` : ''}>${items.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`;
}

/** Commands to paste, one per line, in a code block. */
export function commands(lines: readonly unknown[]): string {
  return lines.length === 0 ? '' : `<pre class="cmd"><code>${lines.map((l) => esc(l)).join('\n')}</code></pre>`;
}

/** The warnings of a report (`{code, message, offset?}`), or nothing. */
export function warningsCard(warnings: readonly { code: string; message: string; offset?: number }[] | undefined): string {
  if (!warnings || warnings.length === 0) return '';
  return card(
    `Warnings (${warnings.length})`,
    table(
      [{ title: 'code' }, { title: 'message' }, { title: 'byte', numeric: true }],
      warnings.map((w) => [w.code, w.message, w.offset ?? null]),
    ),
    'warnings',
  );
}

/** The page for a document that is only an error (`{file, error}`). */
export function errorSection(doc: { file?: unknown; input?: unknown; error: { code: string; message: string; offset?: number } }): Section {
  const name = doc.file ?? doc.input;
  const where = doc.error.offset === undefined ? '' : ` (at byte ${doc.error.offset})`;
  return {
    verdict: `${name === undefined ? 'The input' : String(name)} could not be analysed: ${doc.error.message}${where}.`,
    severity: 'bad',
    html: facts([['error code', doc.error.code]]),
  };
}

/** The summary of several sections: how many have a problem and how many need attention, as their badges say. */
export function multiVerdict(sections: readonly Section[], noun = 'file'): string {
  const bad = sections.filter((s) => s.severity === 'bad').length;
  const warn = sections.filter((s) => s.severity === 'warn').length;
  const parts = [...(bad > 0 ? [`${num(bad)} with a problem`] : []), ...(warn > 0 ? [`${num(warn)} needing attention`] : [])];
  return `${plural(sections.length, noun)} analysed: ${parts.length === 0 ? 'no problem found' : parts.join(', ')}.`;
}

/** Join several reports' sections into one page: the first verdict heads it, the others follow as cards. */
export function multiPage(title: string, sections: Section[], script?: string, headerNotice?: string, noun = 'file'): string {
  const first = sections[0] ?? { verdict: 'Nothing was analysed.', severity: 'info' as const, html: '' };
  const rest = sections.slice(1);
  // Several files: the header sums them up; each file's own verdict opens its part.
  const verdict = rest.length === 0 ? first.verdict : multiVerdict(sections, noun);
  const severity = rest.length === 0 ? first.severity : worst(sections.map((s) => s.severity));
  const html =
    rest.length === 0
      ? first.html
      : sections.map((s) => `<article class="report">${verdictBlock(s.verdict, s.severity, s.subject)}${s.html}</article>`).join('\n');
  return page({
    title,
    verdict,
    severity,
    ...(rest.length === 0 && first.subject !== undefined ? { subject: first.subject } : {}),
    ...(headerNotice === undefined ? {} : { headerNotice }),
    html,
    ...(script === undefined ? {} : { script }),
  });
}

const ORDER: Severity[] = ['info', 'ok', 'warn', 'bad'];
export function worst(list: Severity[]): Severity {
  return list.reduce<Severity>((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), 'info');
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

/**
 * Click (or Enter on) a header of a `table.sortable` to sort by that column; numbers numerically. Kept
 * tiny and free of input data so its hash is fixed. Two hex values (`0x...`, addresses) compare as numbers,
 * exactly: by digits without leading zeros, then digit by digit (parseFloat reads no hex, and 64-bit addresses
 * are past a double's exact range).
 */
export const SORT_SCRIPT = `document.querySelectorAll('table.sortable th').forEach(function(th){function go(){var t=th.closest('table'),b=t.tBodies[0],i=+th.dataset.col,n=th.classList.contains('n'),d=th.getAttribute('aria-sort')==='ascending'?-1:1;t.querySelectorAll('th').forEach(function(h){h.setAttribute('aria-sort','none')});th.setAttribute('aria-sort',d>0?'ascending':'descending');var r=Array.prototype.slice.call(b.rows);r.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i].textContent;var h=/^0x0*([0-9a-f]*)$/i,p=h.exec(a),q=h.exec(c);if(p&&q){a=p[1].toLowerCase();c=q[1].toLowerCase();return (a.length-c.length||(a<c?-1:a>c?1:0))*d}if(n){a=parseFloat(a.replace(/,/g,''))||0;c=parseFloat(c.replace(/,/g,''))||0;return (a-c)*d}return a.localeCompare(c)*d});r.forEach(function(x){b.appendChild(x)})}th.addEventListener('click',go);th.addEventListener('keydown',function(e){if(e.key==='Enter')go()})});`;

/**
 * One stylesheet for every page: readable on a phone, clean on A4/Letter paper, colour plus words (never colour alone).
 * A table cell with an unbroken run past LONG_RUN_CHARS (`td.brk`: a 233-character file name, a password hash)
 * breaks anywhere, at least 6em wide, so it cannot push the other columns off-screen; every other cell breaks
 * only between words, so the table layout cannot crush short values ("0xC0000005", headers) to two letters
 * a line, on screen or on paper. What still does not fit (many columns on a phone) scrolls inside its card.
 */
const STYLE = `
:root{--bad:#b3261e;--bad-bg:#fdecea;--warn:#8a5a00;--warn-bg:#fff4d6;--ok:#1e6b34;--ok-bg:#e7f5ea;--info:#2f4a6b;--info-bg:#eaf0f7;--line:#d0d5dc;--muted:#5b6570}
*{box-sizing:border-box}
body{overflow-wrap:break-word;margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1b1f24;background:#fff}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}
header{padding-top:16px}
.verdict{border-left:6px solid;padding:12px 14px;margin:0 0 12px;border-radius:4px}
.verdict .sentence{font-size:1.25em;font-weight:600}
.verdict .badge{display:inline-block;font-size:.8em;font-weight:700;text-transform:uppercase;letter-spacing:.04em;padding:1px 8px;border-radius:10px;color:#fff;vertical-align:.15em}
.subject{color:var(--muted);margin-top:4px;overflow-wrap:anywhere}
.sev-bad{border-color:var(--bad);background:var(--bad-bg)}.sev-bad .badge{background:var(--bad)}
.sev-warn{border-color:var(--warn);background:var(--warn-bg)}.sev-warn .badge{background:var(--warn)}
.sev-ok{border-color:var(--ok);background:var(--ok-bg)}.sev-ok .badge{background:var(--ok)}
.sev-info{border-color:var(--info);background:var(--info-bg)}.sev-info .badge{background:var(--info)}
.notice{background:var(--bad);color:#fff;font-weight:700;padding:8px 12px;border-radius:4px;margin:0 0 10px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;margin:0 0 14px;break-inside:avoid}
.card h2{font-size:1.05em;margin:0 0 8px}
.card h3{font-size:.95em;margin:.7em 0 .3em}
.card p{margin:.4em 0}
article.report{margin:0 0 22px}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 14px;margin:0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
.tablewrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92em}
caption{text-align:left;color:var(--muted);padding-bottom:4px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th,td{overflow-wrap:normal}td.n{white-space:nowrap}td.brk{overflow-wrap:anywhere;min-width:6em}
th{background:#f4f6f8;font-weight:600}
table.sortable th{cursor:pointer}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.culprit td{background:var(--bad-bg);font-weight:600}
.sev{font-weight:700;text-transform:uppercase;font-size:.85em}
.sev.error{color:var(--bad)}.sev.warning{color:var(--warn)}.sev.info{color:var(--info)}
.finding{border-left:4px solid var(--line);padding:4px 10px;margin:0 0 10px}
.finding.error{border-color:var(--bad)}.finding.warning{border-color:var(--warn)}.finding.info{border-color:var(--info)}
.finding .fix{margin:.3em 0 0}.finding .fix b{color:var(--ok)}
pre.cmd{background:#f4f6f8;border:1px solid var(--line);border-radius:4px;padding:8px 10px;white-space:pre-wrap;overflow-wrap:anywhere;margin:.3em 0}
code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.92em}
.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.92em}
ol.stack{margin:0;padding-left:2.6em}ol.stack li{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
ol.stack li.culprit{background:var(--bad-bg);font-weight:700}
ol.stack li.culprit::after{content:"  \\2190 culprit";color:var(--bad);font-weight:600}
.change-added{color:var(--ok)}.change-removed{color:var(--bad)}.change-modified{color:var(--warn)}
.muted{color:var(--muted)}
.chart{width:100%;height:auto;display:block}
.chart.crashes{max-width:640px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:.88em;color:var(--muted);margin:6px 0 0}
footer{color:var(--muted);font-size:.8em;padding-bottom:20px}
@media (max-width:600px){body{font-size:14px}.verdict .sentence{font-size:1.1em}dl.facts{grid-template-columns:minmax(0,1fr)}dl.facts dt{margin-top:4px}}
@media print{@page{size:auto;margin:14mm}body{font-size:10.5pt}table{font-size:.85em}th,td{padding:2px 4px}td,td.brk{overflow-wrap:anywhere;min-width:4.5em}td.n{min-width:0}header,main,footer{max-width:none;padding:0}.card{border-color:#999}.tablewrap{overflow:visible}table.sortable th::after{content:none}.verdict,.notice,.badge,tr.culprit td,ol.stack li.culprit{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`;
