/**
 * A set of cell offsets read from the file. Not a Set<number>: V8 hashes integer keys (and strings that read
 * as integers) without a seed, so a list naming thousands of offsets chosen to collide walks one chain on
 * every lookup (quadratic). A key with a non-digit first character is hashed with the process's seed.
 */
export class OffsetSet {
  private readonly keys = new Set<string>();

  /** A set holding `offset`. */
  static of(offset: number): OffsetSet {
    const s = new OffsetSet();
    s.add(offset);
    return s;
  }

  /** True when `offset` was not in the set (it is now). */
  add(offset: number): boolean {
    const key = `@${offset}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }

  has(offset: number): boolean {
    return this.keys.has(`@${offset}`);
  }
}
