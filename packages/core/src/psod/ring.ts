/** The last lines seen, bounded in count and characters: what stands just before a crash header. */

/** Lines kept before a crash text (the banner, log prefix and CPU list precede the header). */
export const LINES_BEFORE_CRASH = 2000;
/** Characters kept before a crash text (256 Ki): bounds those lines when they are long pieces. */
export const CHARS_BEFORE_CRASH = 256 * 1024;

/**
 * A queue that drops its oldest lines past LINES_BEFORE_CRASH / CHARS_BEFORE_CRASH (the newest line is
 * always kept). Amortised O(1) a line.
 * @example const r = new LineRing(); r.push('a', 1); r.kept(null) // { lines: ['a'], numbers: [1] }
 */
export class LineRing {
  private items: string[] = [];
  /** Input line of each item: a warning names where a crash inside the kept text starts. */
  private numbers: number[] = [];
  private head = 0;
  private chars = 0;

  push(line: string, no: number): void {
    this.items.push(line);
    this.numbers.push(no);
    this.chars += line.length;
    while (this.items.length - this.head > 1 && (this.items.length - this.head > LINES_BEFORE_CRASH || this.chars > CHARS_BEFORE_CRASH)) {
      this.chars -= this.items[this.head]!.length;
      this.items[this.head++] = ''; // let the dropped line go now
    }
    // drop the consumed front now and then, not on every line
    if (this.head > LINES_BEFORE_CRASH) {
      this.items = this.items.slice(this.head);
      this.numbers = this.numbers.slice(this.head);
      this.head = 0;
    }
  }

  /** The newest line kept, or undefined when none is (the line just before a crash text starts). */
  last(): string | undefined {
    return this.items.length > this.head ? this.items[this.items.length - 1] : undefined;
  }

  clear(): void {
    if (this.items.length === 0) return;
    this.items = [];
    this.numbers = [];
    this.head = 0;
    this.chars = 0;
  }

  /**
   * The lines kept, oldest first, after `banner` when it is given and not among them; with the input line
   * of each (0 for that banner: it stands far before them).
   */
  kept(banner: string | null): { lines: string[]; numbers: number[] } {
    const lines = this.items.slice(this.head);
    const numbers = this.numbers.slice(this.head);
    return banner !== null && !lines.includes(banner) ? { lines: [banner, ...lines], numbers: [0, ...numbers] } : { lines, numbers };
  }
}
