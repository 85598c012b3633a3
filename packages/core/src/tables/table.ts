/**
 * A packed code table (see scripts/gen-tables.mjs): three strings decoded on first use into a sorted
 * Uint32Array of codes plus parallel name/message arrays, then looked up by binary search.
 * Decoding is lazy so importing the tables costs only parsing the string literals.
 */

export interface PackedTable {
  readonly count: number;
  /** Sorted codes, delta-encoded in base 36, comma-separated. */
  readonly values: string;
  /** One entry per code, '\n'-separated; an entry is `PRIMARY|ALIAS|...`. */
  readonly names: string;
  /** One entry per code, '\n'-separated, empty when no source gives a message. */
  readonly messages: string;
  /** Optional per-code extra field (bugcheck: learn.microsoft.com page slug). */
  readonly extra?: string;
}

export interface TableEntry {
  /** The code, unsigned 32-bit. */
  readonly value: number;
  /** The primary name (the first source's, range markers last). */
  readonly name: string;
  /** Other names the sources give the same value. */
  readonly aliases: readonly string[];
  /** The documented message, when a source has one. */
  readonly message: string | undefined;
  readonly extra: string | undefined;
}

/**
 * One generated code table (value -> name, aliases, message), unpacked on first use.
 * @example tables.win32.name(5) // 'ERROR_ACCESS_DENIED'
 */
export class CodeTable {
  private decoded: { values: Uint32Array; names: string[]; messages: string[]; extra: string[] | undefined } | undefined;

  constructor(private readonly packed: PackedTable) {}

  private data(): NonNullable<CodeTable['decoded']> {
    if (this.decoded) return this.decoded;
    const p = this.packed;
    const parts = p.values.split(',');
    const values = new Uint32Array(parts.length);
    let acc = 0;
    for (let i = 0; i < parts.length; i++) {
      acc += Number.parseInt(parts[i] ?? '0', 36);
      values[i] = acc;
    }
    const names = p.names.split('\n');
    const messages = p.messages.split('\n');
    const extra = p.extra === undefined ? undefined : p.extra.split('\n');
    if (names.length !== values.length || messages.length !== values.length || values.length !== p.count)
      throw new Error('code table is inconsistent: regenerate it with scripts/gen-tables.mjs');
    this.decoded = { values, names, messages, extra };
    return this.decoded;
  }

  get size(): number {
    return this.packed.count;
  }

  private indexOf(code: number): number {
    const v = code >>> 0;
    const { values } = this.data();
    let lo = 0;
    let hi = values.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = values[mid] ?? 0;
      if (x === v) return mid;
      if (x < v) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private entryAt(i: number): TableEntry {
    const d = this.data();
    const [name = '', ...aliases] = (d.names[i] ?? '').split('|');
    const message = d.messages[i];
    const extra = d.extra?.[i];
    return { value: d.values[i] ?? 0, name, aliases, message: message || undefined, extra: extra || undefined };
  }

  /** The entry for `code` (read as unsigned 32-bit), or undefined. */
  get(code: number): TableEntry | undefined {
    if (!Number.isInteger(code)) return undefined;
    const i = this.indexOf(code);
    return i < 0 ? undefined : this.entryAt(i);
  }

  name(code: number): string | undefined {
    return this.get(code)?.name;
  }

  /** Every entry, ascending by code. */
  *entries(): IterableIterator<TableEntry> {
    const n = this.data().values.length;
    for (let i = 0; i < n; i++) yield this.entryAt(i);
  }
}
