/**
 * The part of a text that a PSOD analysis reads: the crash, wherever it is. Every line of the input is
 * looked at once, as it streams past (time linear in the input), but only the crash text and the few
 * lines before it are kept (memory bounded whatever the input holds: 62 MB of short lines, one 60 MB line,
 * 500,000 frames).
 *
 * The rule: lines holding crash evidence (a header `#PF Exception` / `BlueScreen:` / an on-screen message, a
 * `Backtrace for current CPU` line, a `[0x..]` frame) and the lines between them form a crash text; it ends
 * after BLOCK_GAP_LINES lines without evidence, or where a header or backtrace line follows frames (another
 * backtrace: two are never mixed). A backtrace that was only logged (logged.ts: a non-fatal warning's) is no
 * crash: it is counted apart (PSOD_LOGGED_BACKTRACE). The crash analysed is the last one with a header (the
 * crash that ended the log, which is what is asked about); with no header anywhere, the last backtrace. The
 * other crashes are counted (PSOD_MORE_CRASHES).
 */
import { isLoggedBacktrace, WARNING_LINE } from './logged.js';
import { BACKTRACE_START, BANNER, CRASH_HEADER, FRAME_FUNCTION, FRAME_MARK } from './markers.js';
import { LineSplitter } from './lines.js';
import { LineRing } from './ring.js';

/** Most lines of one crash text kept: a screen is < 300 lines; saved backtraces of every CPU a few thousand. */
export const MAX_PSOD_LINES = 50_000;
/** Most characters of one crash text kept (4 Mi): bounds the parse of one flattened line of frames too. */
export const MAX_PSOD_CHARS = 4 * 1024 * 1024;
/** Lines without evidence that end a crash text (a screen's register dump and CPU list are far shorter). */
export const BLOCK_GAP_LINES = 500;
/** The shortest line that can hold evidence (a frame `[0x1]`): shorter ones, often most of a text, are not matched. */
const MIN_EVIDENCE = 5;
/** Other crash texts named by line in the warning (with those the parse finds inside the window); more are only counted. */
export const OTHERS_NAMED = 5;

interface Block {
  lines: string[];
  /** Input line of each of `lines` (pieces of a long line share one). */
  numbers: number[];
  chars: number;
  /** Input line of its first evidence. */
  line: number;
  lastEvidence: number;
  /** Holds a crash header (stronger evidence than frames alone). */
  header: boolean;
  /** Frames seen: a header or backtrace line after frames starts another crash text. */
  frames: boolean;
  /** The function of its first frame (null before it, or when not readable): a logged backtrace is told by it. */
  topFunction: string | null;
  /** The line just before its first evidence is a WARNING line. */
  afterWarning: boolean;
  closed: boolean;
  /** First input line of the crash text that was not kept (over the caps), and how many characters were not. */
  droppedFrom: number | null;
  droppedChars: number;
  /** Only a cut that dropped evidence is reported: the quiet lines after a crash are not missed. */
  droppedEvidence: boolean;
  lastLine: number;
  /** The last banner line before the crash, when far before it (outside the lines kept before it). */
  banner: string | null;
}

/** An input that is not text: a tar archive (its text members are read as text), or other bytes (what was seen). */
export interface NotText {
  kind: 'tar' | 'binary';
  seen: string;
  /** Which command reads it, when it is a kind another command reads (io/other-kinds.ts), else ''. */
  hint: string;
}

export interface PsodWindow {
  /** The lines to parse: the crash text, with the lines before it (and the host banner, when far before). */
  lines: string[];
  /**
   * Input line of each of `lines` (0 for a banner put before them), so a crash found inside them is named by
   * line; absent when unknown (a window built by hand).
   */
  lineNumbers?: number[];
  /** Input line where the analysed crash starts; null when the text holds none. */
  line: number | null;
  /** Set when part of the crash text was not kept: what, in plain words. */
  cut?: string;
  /** Set when the input does not look like text (input.ts, notTextReason). */
  notText?: NotText;
  /** Set when gzip input is damaged or cut short: the text before the damage is what was analysed. */
  damaged?: { code: 'GZIP_CORRUPT'; message: string; offset?: number };
  /** Where bytes that are not gzip start after the gzip data (compressed offset): ignored, as gzip ignores them. */
  trailing?: number;
  /** Other crash texts in the input, not analysed, and the first lines of some of them. */
  others: number;
  otherLines: number[];
  /** False when a crash text without a header follows the one analysed (which has one). */
  last: boolean;
  /** Backtraces only logged by non-fatal warnings (not crashes, not analysed), and the first lines of some. */
  logged?: number;
  loggedLines?: number[];
}

/**
 * Lines in, the crash to analyse out. Feed every line with `add` (or text with `write`), then `result()`.
 * @example const w = new CrashWindow(); w.write(vmkernelLog); w.result().line // where the last crash starts
 */
export class CrashWindow {
  private lineNo = 1;
  private readonly context = new LineRing();
  private banner: string | null = null;
  private current: Block | null = null;
  private best: Block | null = null;
  private others = 0;
  private readonly otherLines: number[] = [];
  private logged = 0;
  private readonly loggedLines: number[] = [];
  private bestIsLast = true;
  private readonly splitter = new LineSplitter((l, continued) => this.add(l, continued));

  /** Text, in any number of pieces. */
  write(text: string): void {
    this.splitter.write(text);
  }

  /** One line (or one piece of a long line, `continued` when more of it follows). */
  add(line: string, continued = false): void {
    const no = this.lineNo;
    if (!continued) this.lineNo++;
    const looked = line.length >= MIN_EVIDENCE;
    const header = looked && CRASH_HEADER.test(line);
    const backtrace = looked && !header && BACKTRACE_START.test(line);
    const frame = looked && FRAME_MARK.test(line);
    const b = this.current;
    if (!header && !backtrace && !frame) {
      if (looked && BANNER.test(line)) this.banner = line.slice(0, 300);
      if (b && !b.closed) {
        if (no - b.lastEvidence > BLOCK_GAP_LINES) b.closed = true;
        else this.keep(b, line, no, false);
      }
      this.context.push(line, no);
      return;
    }
    if (!b || b.closed || ((header || backtrace) && b.frames && !continuesFrames(line, frame))) this.begin(no);
    const c = this.current!;
    if (frame && !c.frames) c.topFunction = FRAME_FUNCTION.exec(line)?.[1]?.replace(/\\/g, '') ?? null;
    this.keep(c, line, no, true);
    c.header ||= header;
    c.frames ||= frame;
    c.lastEvidence = no;
    this.context.clear();
  }

  result(): PsodWindow {
    this.splitter.end();
    if (this.current) this.retire(this.current);
    this.current = null;
    const b = this.best;
    const logged = { logged: this.logged, loggedLines: [...this.loggedLines] };
    if (!b) {
      const { lines, numbers } = this.context.kept(this.banner);
      return { lines, lineNumbers: numbers, line: null, others: 0, otherLines: [], last: true, ...logged };
    }
    const banner = b.banner !== null && !b.lines.some((l) => BANNER.test(l)) ? b.banner : null;
    return {
      lines: banner === null ? b.lines : [banner, ...b.lines],
      lineNumbers: banner === null ? b.numbers : [0, ...b.numbers],
      line: b.line,
      others: this.others,
      otherLines: [...this.otherLines].sort((x, y) => x - y),
      last: this.bestIsLast,
      ...logged,
      ...(!b.droppedEvidence
        ? {}
        : { cut: `the crash text from line ${b.line} is longer than ${MAX_PSOD_LINES} lines / ${MAX_PSOD_CHARS} characters; the rest of it (${b.droppedChars} characters, ${b.droppedFrom === b.lastLine ? `in line ${b.lastLine}` : `lines ${b.droppedFrom}-${b.lastLine}`}) was not analysed` }),
    };
  }

  /** A new crash text at line `no`, with the lines since the previous evidence before it. */
  private begin(no: number): void {
    if (this.current) this.retire(this.current);
    const before = this.context.last();
    const { lines, numbers } = this.context.kept(null);
    this.current = {
      lines,
      numbers,
      chars: lines.reduce((n, l) => n + l.length, 0),
      line: no,
      lastEvidence: no,
      header: false,
      frames: false,
      topFunction: null,
      afterWarning: before !== undefined && WARNING_LINE.test(before),
      closed: false,
      droppedFrom: null,
      droppedChars: 0,
      droppedEvidence: false,
      lastLine: no,
      banner: this.banner,
    };
    // a banner names the crash after it, not a later one (another boot prints its own)
    this.banner = null;
  }

  private keep(b: Block, line: string, no: number, evidence: boolean): void {
    b.lastLine = no;
    if (b.droppedFrom === null && (b.lines.length >= MAX_PSOD_LINES || b.chars + line.length > MAX_PSOD_CHARS)) b.droppedFrom = no;
    if (b.droppedFrom !== null) {
      b.droppedChars += line.length;
      b.droppedEvidence ||= evidence;
      return;
    }
    b.lines.push(line);
    b.numbers.push(no);
    b.chars += line.length;
  }

  /**
   * A finished crash text: a logged backtrace is counted apart; a crash is the one to analyse if it has a header
   * (or the best has none), else one more other.
   */
  private retire(b: Block): void {
    if (isLoggedBacktrace({ header: b.header, topFunction: b.topFunction, afterWarning: b.afterWarning })) {
      this.logged++;
      if (this.loggedLines.length < OTHERS_NAMED) this.loggedLines.push(b.line);
      return;
    }
    const keep = this.best === null || b.header || !this.best.header;
    const other = keep ? this.best : b;
    if (keep) this.best = b;
    this.bestIsLast = keep;
    if (other === null) return;
    this.others++;
    if (this.otherLines.length < OTHERS_NAMED) this.otherLines.push(other.line);
  }
}

/**
 * A flattened line whose frames come before its header or backtrace line: it ends the crash text being read and
 * starts the next, so it stays in the first and the parser tells the two apart (parse.ts, startsAnotherCrash).
 */
function continuesFrames(line: string, frame: boolean): boolean {
  const first = frame ? FRAME_MARK.exec(line) : null;
  if (first === null) return false;
  const after = line.slice(first.index + first[0].length);
  return CRASH_HEADER.test(after) || BACKTRACE_START.test(after);
}

/**
 * The window of a text already in memory (see CrashWindow).
 * @example psodWindow(readFileSync('vmkernel.log', 'utf8')).line
 */
export function psodWindow(text: string): PsodWindow {
  const w = new CrashWindow();
  w.write(text);
  return w.result();
}
