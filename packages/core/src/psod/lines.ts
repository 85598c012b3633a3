/**
 * Text arriving in pieces -> lines, one at a time: the whole text is never split into an array (62 MB of
 * short lines took gigabytes that way), and a line is never longer than MAX_LINE_CHARS.
 */

/**
 * Longest line handed on whole. A real screen line is < 300 characters and a flattened one-line paste of a
 * whole screen < 20 kB; a longer line is handed on in pieces, cut at a record start where there is one,
 * so that a 60 MB line is never held (or matched) whole.
 */
export const MAX_LINE_CHARS = 64 * 1024;
/** How far back from MAX_LINE_CHARS a piece's end is looked for at a record start or a space. */
const CUT_SEARCH = 4096;
/** A space followed by the start of a record (frame, header, log prefix): where a flattened line may be cut. */
const RECORD_BOUNDARY =
  /\s(?=(?:0x[0-9a-fA-F#?xXlIoO]{1,32}:)?\\?\[0x|@?BlueScreen:|#[A-Z]{2}\s*Exception|Backtrace for current CPU|Code start|(?:\d{4}-\d\d-\d\dT[\d:.]{1,20}Z\s?)?cpu[\d#]{1,8}:[\d#]{1,12}\))/g;

/** Receives each line; `continued` when it is a piece of a longer line whose next piece follows. */
export type LineSink = (line: string, continued: boolean) => void;

/**
 * Splits text written piece by piece at `\n`, `\r\n` and a lone `\r` (a line ending may fall between two
 * pieces). Linear in the text; holds at most one partial line of MAX_LINE_CHARS.
 * @example const s = new LineSplitter((l) => lines.push(l)); s.write('a\r'); s.write('\nb'); s.end(); // a, b
 */
export class LineSplitter {
  private carry = '';
  private afterCr = false;

  constructor(private readonly sink: LineSink) {}

  write(text: string): void {
    let at = this.afterCr && text.charCodeAt(0) === 10 ? 1 : 0;
    this.afterCr = false;
    // indexOf, not a regex: 62 MB of bare newlines are 62 million lines
    let nl = text.indexOf('\n', at);
    let cr = text.indexOf('\r', at);
    while (nl >= 0 || cr >= 0) {
      const end = cr < 0 || (nl >= 0 && nl < cr) ? nl : cr;
      const line = this.carry === '' ? text.slice(at, end) : this.carry + text.slice(at, end);
      this.carry = '';
      this.emit(line, true);
      at = end + 1;
      if (end === cr) {
        if (text.charCodeAt(at) === 10) at++;
        else if (at === text.length) this.afterCr = true; // its \n may open the next piece
        cr = text.indexOf('\r', at);
      }
      if (nl >= 0 && nl < at) nl = text.indexOf('\n', at);
    }
    if (at < text.length) this.carry += text.slice(at);
    if (this.carry.length > MAX_LINE_CHARS) this.carry = this.emit(this.carry, false);
  }

  /** The last line, when the text does not end with a line break. */
  end(): void {
    if (this.carry !== '') this.emit(this.carry, true);
    this.carry = '';
  }

  /** Hands on `line` in pieces; unless `whole`, the last piece (its line still growing) is returned instead. */
  private emit(line: string, whole: boolean): string {
    let rest = line;
    while (rest.length > MAX_LINE_CHARS) {
      const cut = cutPoint(rest, MAX_LINE_CHARS);
      this.sink(rest.slice(0, cut), true);
      rest = rest.slice(cut);
    }
    if (!whole) return rest;
    this.sink(rest, false);
    return '';
  }
}

/**
 * Where to end a piece of at most `limit` characters of `s`: after the last space before a record start
 * in the last CUT_SEARCH characters, else after the last space there, else at `limit` (never inside a
 * surrogate pair).
 */
export function cutPoint(s: string, limit: number): number {
  const from = Math.max(1, limit - CUT_SEARCH);
  // a little past the limit, so a record start just after the last space is seen
  const near = s.slice(from, limit + 64);
  let cut = -1;
  RECORD_BOUNDARY.lastIndex = 0;
  for (let m = RECORD_BOUNDARY.exec(near); m && m.index < limit - from; m = RECORD_BOUNDARY.exec(near)) cut = m.index + 1;
  if (cut < 0) cut = Math.max(near.lastIndexOf(' ', limit - from - 1), near.lastIndexOf('\t', limit - from - 1)) + 1;
  if (cut > 0) return from + cut;
  const high = s.charCodeAt(limit - 1);
  return high >= 0xd800 && high <= 0xdbff ? limit - 1 : limit;
}
