/**
 * `--html`: one self-contained page from the report documents `--json` prints (docs/json*.md). Every
 * renderer takes only the parsed JSON document, so the page cannot say what the JSON does not.
 */
import { codeSection, type CodeDoc } from './code.js';
import { dumpSection, type DumpDoc } from './dump.js';
import { eventsSection, type EventsDoc } from './events.js';
import { fleetSection, type FleetDoc } from './fleet.js';
import { checkSection, diffSection, extractSection, planSection, showSection, type CheckDoc, type DiffDoc, type ExtractDoc, type PlanDoc, type ShowDoc } from './esxi.js';
import { card, errorSection, esc, multiPage, SORT_SCRIPT, type Section } from './page.js';
import { pcapSection, type PcapDoc } from './pcap.js';
import { pcapFixSection, type PcapFixDoc } from './pcap-fix.js';
import { profilesSection, type ProfilesDoc } from './profiles.js';
import { psodSection, type PsodDoc } from './psod.js';

/** The report kinds, named as the command that prints them. */
export type ReportKind = 'pcap' | 'pcap fix' | 'dump' | 'dump fleet' | 'events' | 'psod' | 'code' | 'profiles' | 'esxi show' | 'esxi extract' | 'esxi diff' | 'esxi check' | 'esxi restore-plan';

type Doc = Record<string, unknown>;

/** The field that tells a report from a bare error document, per kind. */
const REPORT_KEY: Record<ReportKind, string> = {
  pcap: 'checksums',
  'pcap fix': 'fixed',
  dump: 'engine',
  'dump fleet': 'groups',
  events: 'findings',
  psod: 'crashFound',
  code: 'interpretations',
  profiles: 'profiles',
  'esxi show': 'kind',
  'esxi extract': 'written',
  'esxi diff': 'changes',
  'esxi check': 'findings',
  'esxi restore-plan': 'steps',
};

const SECTION: Record<ReportKind, (d: never) => Section> = {
  pcap: (d: PcapDoc) => pcapSection(d),
  'pcap fix': (d: PcapFixDoc) => pcapFixSection(d),
  dump: (d: DumpDoc) => dumpSection(d),
  'dump fleet': (d: FleetDoc) => fleetSection(d),
  events: (d: EventsDoc) => eventsSection(d),
  psod: (d: PsodDoc) => psodSection(d),
  code: (d: CodeDoc) => codeSection(d),
  profiles: (d: ProfilesDoc) => profilesSection(d),
  'esxi show': (d: ShowDoc) => showSection(d),
  'esxi extract': (d: ExtractDoc) => extractSection(d),
  'esxi diff': (d: DiffDoc) => diffSection(d),
  'esxi check': (d: CheckDoc) => checkSection(d),
  'esxi restore-plan': (d: PlanDoc) => planSection(d),
};

const TITLE: Record<ReportKind, string> = {
  pcap: 'Capture checksums',
  'pcap fix': 'Capture with checksums fixed',
  dump: 'Crash dump',
  'dump fleet': 'Crash dumps of a fleet',
  events: 'Windows event logs',
  psod: 'ESXi purple screen',
  code: 'Error code',
  profiles: 'Windows user profiles',
  'esxi show': 'ESXi backup',
  'esxi extract': 'ESXi backup extract',
  'esxi diff': 'ESXi backup comparison',
  'esxi check': 'ESXi backup check',
  'esxi restore-plan': 'ESXi restore plan',
};

/** What one document of a kind is about, for the summary of a page of several ("2 codes analysed"). */
const NOUN: Partial<Record<ReportKind, string>> = { code: 'code' };

/**
 * One page made a document at a time: each document becomes its section when added and is not kept, so a page
 * of many files holds their sections, not their reports (300 captures peaked at 1.4 GB when the page was made
 * from all the reports at the end).
 */
export class HtmlPage {
  /**
   * Characters of section HTML one page holds. The page is built whole (its header sums up every file), and
   * peak memory grows ~10 bytes per character of it: 300 captures made a 71 MB page and peaked at 605 MB, 16 MB
   * at 234 MB. A file past this, after the first, gets its verdict and a note instead of its section (--json has
   * all of it); a page of real reports is far smaller (a capture's, with its 1,000 bad frames, ~240 KB).
   */
  static readonly MAX_CHARS = 8 * 1024 * 1024;
  private chars = 0;
  private readonly sections: Section[] = [];
  private firstName: string | undefined;
  private names = 0;
  private secretsShown = false;

  constructor(private readonly kind: ReportKind) {}

  add(doc: unknown): void {
    const d = doc as Doc;
    let s = section(this.kind, d);
    if (this.sections.length > 0 && this.chars + s.html.length > HtmlPage.MAX_CHARS) {
      s = { ...s, html: `<p>Not shown here: this page already holds ${Math.round(this.chars / 1e6)} MB of reports. The verdict above is this file's; <code>--json</code> gives all of it.</p>` };
    }
    this.chars += s.html.length;
    // A section is built by concatenation: V8 keeps that as a tree of its pieces, ~7 times the text, until
    // a character is read from it (measured: 185 MB of heap for 27 MB of such text, 30 MB once flattened).
    s.html.charCodeAt(0);
    this.sections.push(s);
    if (d['secretsShown'] === true) this.secretsShown = true;
    const name = d['file'] ?? d['input'] ?? d['search'];
    if (typeof name === 'string' && this.names++ === 0) this.firstName = name;
  }

  html(): string {
    const needsScript = this.sections.some((s) => s.html.includes('class="sortable"'));
    const title = `${TITLE[this.kind]}${this.names === 1 ? `: ${this.firstName!}` : ''} (analyze ${this.kind})`;
    const warning = this.secretsShown ? 'This page shows secrets (made with --show-secrets): password hashes, keys and licence data appear in clear. Do not forward it.' : undefined;
    return multiPage(title, this.sections, needsScript ? SORT_SCRIPT : undefined, warning, NOUN[this.kind]);
  }
}

/** The page for one document or an array of them (several files), as `--json` prints it. */
export function renderHtml(kind: ReportKind, json: unknown): string {
  const page = new HtmlPage(kind);
  for (const d of Array.isArray(json) ? json : [json]) page.add(d);
  return page.html();
}

function section(kind: ReportKind, d: Doc): Section {
  const err = d['error'] as { code: string; message: string; offset?: number } | undefined;
  // A bare error document, or a capture that failed before its first frame: only the error to show.
  if (err && (!(REPORT_KEY[kind] in d) || (kind === 'pcap' && d['frames'] === 0))) return errorSection(d as never);
  const s = (SECTION[kind] as (x: Doc) => Section)(d);
  if (!err) return s;
  // A report that stopped at damage: what came before is shown, after the reason it stopped.
  const where = err.offset === undefined ? '' : ` at byte ${err.offset}`;
  return {
    ...s,
    severity: 'bad',
    // Two sentences, the report's own verbatim: lower-casing its first letter would misspell a verdict that
    // opens with a name ("ESXi ...", "TileCache.exe ...").
    verdict: `Read only up to damage${where} (${err.message}). In what was read: ${s.verdict}`,
    html: card('Stopped at damage', `<p><code>${esc(err.code)}</code> ${esc(err.message)}${esc(where)}</p>`) + s.html,
  };
}
