import type { Io } from './io.js';
import type { Colors } from './render/color.js';
import type { Progress } from './render/progress.js';

/** Exit codes shared by every command (README "Exit codes"). */
export const EXIT_OK = 0;
/** Analysed, and a problem was found (each command says what counts). */
export const EXIT_PROBLEM = 1;
/** Usage error, unreadable or invalid input. */
export const EXIT_INVALID = 2;

/** The global options every command accepts. */
export interface GlobalArgs {
  json: boolean;
  quiet: boolean;
  strict: boolean;
  color: boolean | undefined;
  debug: boolean;
  /** `--html FILE` (or `-`): also render the JSON document as a page (render/html/). */
  html?: string | undefined;
}

/** Where `--html` writes and how it renders (loaded only when asked for). */
export interface HtmlTarget {
  /** The file to write, or `-` for stdout. */
  file: string;
  /** The command that prints the document (`pcap`, `esxi diff`): picks the page layout. */
  kind: string;
  /** `--json` was given too: the JSON still goes to stdout. */
  alsoJson: boolean;
  /** Renders the JSON document into the page. */
  render(kind: string, doc: unknown): string;
  /** A page made a document at a time (several files): `add` each, then `html()`. */
  begin(kind: string): { add(doc: unknown): void; html(): string };
}

/** What a command's `run` receives besides its own arguments. */
export interface Context extends GlobalArgs {
  /** Report text goes through `io.out`, which shows control characters a file smuggled in as \xNN. */
  io: Io;
  /**
   * Machine-readable stdout (CSV, JSON Lines) written as it is: a terminal filter would corrupt it
   * (CR of CRLF, C1 characters JSON keeps literally). Its producers escape what their format needs.
   */
  data(text: string): void;
  colors: Colors;
  progress: Progress;
  /**
   * Set with `--html`: `json` is then true (the command builds its JSON document as for --json) and
   * printJson hands that document to the page renderer.
   */
  page?: HtmlTarget;
}
