/**
 * BinXML (libevtx "Binary XML"): the token stream of an event record, parsed into a small tree.
 *
 * Names and template definitions live in the chunk and are referenced by chunk-relative offsets; both
 * are cached per chunk (a template is parsed once per chunk, then each record only reads its values).
 * Every read is bounds-checked: damage throws BinXmlError with the chunk offset where it was found.
 */
import { utf16 } from './values.js';
import { TemplateCache, type XTemplate } from './templates.js';

// Tokens (the 0x40 bit means "has more data": attributes follow / more attributes follow).
const TOK_EOF = 0x00;
const TOK_OPEN_START = 0x01;
const TOK_CLOSE_START = 0x02;
const TOK_CLOSE_EMPTY = 0x03;
const TOK_END_ELEMENT = 0x04;
const TOK_VALUE = 0x05;
const TOK_ATTRIBUTE = 0x06;
const TOK_CDATA = 0x07;
const TOK_CHARREF = 0x08;
const TOK_ENTITYREF = 0x09;
const TOK_PI_TARGET = 0x0a;
const TOK_PI_DATA = 0x0b;
const TOK_TEMPLATE_INSTANCE = 0x0c;
const TOK_NORMAL_SUB = 0x0d;
const TOK_OPTIONAL_SUB = 0x0e;
const TOK_FRAGMENT_HEADER = 0x0f;
const MORE_BIT = 0x40;
/** Names live after the 512-byte chunk header. */
const CHUNK_HEADER_BYTES = 512;
/** Offsets within one chunk are below this (for the fragment cache key). */
const CHUNK_BYTES = 0x10000;

/** Deepest element / fragment nesting accepted; real events nest < 10 deep, a hostile file could loop. */
export const MAX_DEPTH = 64;
/** Most substitution values one template instance may declare (each descriptor is 4 bytes of a 64 KiB chunk). */
const MAX_VALUES = 16384;

export const K_ELEMENT = 0;
export const K_TEXT = 1;
export const K_SUB = 2;
export const K_INSTANCE = 3;

export interface XElement {
  k: typeof K_ELEMENT;
  name: string;
  attrs: XAttr[];
  content: XContent[];
}
export interface XAttr {
  name: string;
  value: XContent[];
}
export interface XText {
  k: typeof K_TEXT;
  text: string;
}
export interface XSub {
  k: typeof K_SUB;
  index: number;
  optional: boolean;
}
/** A template instance: the (cached) template and this occurrence's substitution values. */
export interface XInstance {
  k: typeof K_INSTANCE;
  template: XTemplate;
  values: ValueTable;
}
export type XContent = XElement | XText | XSub | XInstance;

/** Where each substitution value of one template instance sits in the chunk. */
export interface ValueTable {
  offsets: number[];
  sizes: number[];
  types: number[];
}

export class BinXmlError extends Error {
  constructor(
    message: string,
    /** Offset in the chunk where the damage was found. */
    readonly chunkOffset: number,
    /** True when the rest of the chunk cannot be read either (the chunk's work budget is spent). */
    readonly wholeChunk = false,
  ) {
    super(message);
  }
}

/**
 * Most work one chunk may cost: BinXML elements and attributes parsed, nodes and attributes visited while
 * resolving records, data entries and array items, and one unit per CHARS_PER_WORK characters rendered. A
 * real chunk holds a few hundred records of a few dozen elements: at most 14 948 units over the 18 corpus
 * logs (5 099 when only elements were counted), so 200 000 leaves a wide margin. A hostile chunk can make a
 * thousand tiny records reuse one huge template, or one value expand thousands of times; the budget keeps
 * the time linear in the input.
 */
export const CHUNK_WORK_BUDGET = 200_000;
/**
 * Rendered characters per unit of work: the budget allows 1.6 M characters per chunk, 43 times the most a
 * corpus chunk renders (36 896) and 12 times a chunk of binary shown as hex (131 072).
 */
export const CHARS_PER_WORK = 8;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Parses BinXML inside one chunk (64 KiB buffer); holds that chunk's name and template caches. */
export class ChunkBinXml {
  private readonly names = new Map<number, string>();
  readonly templates = new TemplateCache();

  /** BinXml-typed values parsed so far, by position, end and depth: each is parsed once per chunk. */
  private readonly fragments = new Map<number, XContent[]>();

  /** Work done so far in this chunk (see CHUNK_WORK_BUDGET). */
  private work = 0;

  constructor(readonly buf: Buffer) {}

  /** Count `n` units of work; past the budget the chunk is abandoned. */
  spend(n: number, at: number): void {
    this.work += n;
    if (this.work > CHUNK_WORK_BUDGET) throw new BinXmlError(`chunk costs more than ${CHUNK_WORK_BUDGET} units of BinXML work (real ones at most 15 000): rest of the chunk skipped`, at, true);
  }

  /**
   * A BinXml-typed substitution value at [pos, end), parsed once per chunk: a template can refer to one
   * value thousands of times (a hostile one, from values that refer to each other, 2^15 times).
   */
  parseValue(pos: number, end: number, depth: number): XContent[] {
    const key = (pos * CHUNK_BYTES + end) * (MAX_DEPTH + 2) + Math.min(depth, MAX_DEPTH + 1);
    let nodes = this.fragments.get(key);
    if (!nodes) {
      nodes = this.parseFragment(pos, end, depth);
      this.fragments.set(key, nodes);
    }
    return nodes;
  }

  private need(pos: number, n: number, end: number, what: string): void {
    if (pos + n > end) throw new BinXmlError(`${what} runs past the end of its data`, pos);
  }

  /** A name structure at `off`: next offset (4), hash (2), character count (2), UTF-16 characters, NUL. */
  private nameAt(off: number): string {
    const cached = this.names.get(off);
    if (cached !== undefined) return cached;
    const b = this.buf;
    if (off + 8 > b.length) throw new BinXmlError('name offset outside the chunk', off);
    const count = b.readUInt16LE(off + 6);
    if (off + 8 + count * 2 > b.length) throw new BinXmlError('name runs past the end of the chunk', off);
    const name = b.toString('utf16le', off + 8, off + 8 + count * 2);
    this.names.set(off, name);
    return name;
  }

  /** Read a name reference at pos; returns [name, position after it (past an inline name)]. */
  private nameRef(pos: number, end: number): [string, number] {
    this.need(pos, 4, end, 'name reference');
    const off = this.buf.readUInt32LE(pos);
    pos += 4;
    const name = this.nameAt(off);
    if (off === pos) pos += 8 + name.length * 2 + 2; // defined inline, right here
    return [name, pos];
  }

  /**
   * Parse a fragment (the record's BinXML, a template body, or a BinXml value) from pos to end.
   * Returns the top-level nodes.
   */
  parseFragment(pos: number, end: number, depth = 0): XContent[] {
    if (depth > MAX_DEPTH) throw new BinXmlError('BinXML nested too deeply', pos);
    const b = this.buf;
    const nodes: XContent[] = [];
    while (pos < end) {
      const tok = b[pos]!;
      const base = tok & ~MORE_BIT;
      if (tok === TOK_EOF) break;
      if (tok === TOK_FRAGMENT_HEADER) {
        this.need(pos, 4, end, 'fragment header');
        pos += 4;
      } else if (base === TOK_OPEN_START) {
        const [el, next] = this.parseElement(pos, end, depth + 1);
        nodes.push(el);
        pos = next;
      } else if (tok === TOK_TEMPLATE_INSTANCE) {
        const [inst, next] = this.parseInstance(pos, end, depth + 1);
        nodes.push(inst);
        pos = next;
      } else {
        const next = this.parseContentToken(pos, end, nodes);
        if (next < 0) throw new BinXmlError(`unexpected BinXML token 0x${tok.toString(16).padStart(2, '0')}`, pos);
        pos = next;
      }
    }
    return nodes;
  }

  /**
   * Content tokens (text, substitutions, character/entity references, CDATA, processing instructions):
   * append to `out`, return the next position, or -1 when the token is not content.
   */
  private parseContentToken(pos: number, end: number, out: XContent[]): number {
    const b = this.buf;
    const base = b[pos]! & ~MORE_BIT;
    switch (base) {
      case TOK_VALUE: {
        this.need(pos, 4, end, 'value text');
        const type = b[pos + 1]!;
        if (type !== 0x01) throw new BinXmlError(`value text of type 0x${type.toString(16)} (only strings are defined)`, pos);
        const n = b.readUInt16LE(pos + 2) * 2;
        this.need(pos + 4, n, end, 'value text');
        out.push({ k: K_TEXT, text: b.toString('utf16le', pos + 4, pos + 4 + n) });
        return pos + 4 + n;
      }
      case TOK_NORMAL_SUB:
      case TOK_OPTIONAL_SUB:
        this.need(pos, 4, end, 'substitution');
        out.push({ k: K_SUB, index: b.readUInt16LE(pos + 1), optional: base === TOK_OPTIONAL_SUB });
        return pos + 4;
      case TOK_CHARREF:
        this.need(pos, 3, end, 'character reference');
        out.push({ k: K_TEXT, text: String.fromCharCode(b.readUInt16LE(pos + 1)) });
        return pos + 3;
      case TOK_ENTITYREF: {
        const [name, next] = this.nameRef(pos + 1, end);
        out.push({ k: K_TEXT, text: ENTITIES[name] ?? `&${name};` });
        return next;
      }
      case TOK_CDATA: {
        this.need(pos, 3, end, 'CDATA');
        const n = b.readUInt16LE(pos + 1) * 2;
        this.need(pos + 3, n, end, 'CDATA');
        out.push({ k: K_TEXT, text: utf16(b, pos + 3, pos + 3 + n) });
        return pos + 3 + n;
      }
      case TOK_PI_TARGET:
        return this.nameRef(pos + 1, end)[1];
      case TOK_PI_DATA: {
        this.need(pos, 3, end, 'processing instruction');
        return pos + 3 + b.readUInt16LE(pos + 1) * 2;
      }
      default:
        return -1;
    }
  }

  /**
   * OpenStartElement: token (1), dependency id (2), data size (4), name reference (4, inline name possible),
   * attribute list size (4, when the token has 0x40), attributes, then CloseEmpty or CloseStart ... EndElement.
   */
  private parseElement(pos: number, end: number, depth: number): [XElement, number] {
    if (depth > MAX_DEPTH) throw new BinXmlError('BinXML nested too deeply', pos);
    const b = this.buf;
    const tok = b[pos]!;
    this.need(pos, 11, end, 'element');
    // The 2-byte dependency id is missing in some forwarded (WEC) events: a name reference points back
    // into the chunk's records or right behind itself (inline), so use the layout whose reference does that.
    const withDep = b.readUInt32LE(pos + 7);
    const noDep = b.readUInt32LE(pos + 5);
    const plausible = (off: number, after: number) => off === after || (off >= CHUNK_HEADER_BYTES && off < pos);
    const nameAt = !plausible(withDep, pos + 11) && plausible(noDep, pos + 9) ? pos + 5 : pos + 7;
    let [name, p] = this.nameRef(nameAt, end);
    if (tok & MORE_BIT) {
      this.need(p, 4, end, 'attribute list');
      p += 4;
    }
    this.spend(1, pos);
    const el: XElement = { k: K_ELEMENT, name, attrs: [], content: [] };
    while (p < end && (b[p]! & ~MORE_BIT) === TOK_ATTRIBUTE) {
      this.spend(1, p); // 5 bytes each: a template of thousands is read once per use of it
      const [attrName, q] = this.nameRef(p + 1, end);
      const value: XContent[] = [];
      p = q;
      for (;;) {
        if (p >= end) throw new BinXmlError('attribute runs past the end of its data', p);
        const next = this.parseContentToken(p, end, value);
        if (next < 0) break;
        p = next;
      }
      el.attrs.push({ name: attrName, value });
    }
    if (p >= end) throw new BinXmlError(`element <${name}> runs past the end of its data`, p);
    const close = b[p]!;
    if (close === TOK_CLOSE_EMPTY) return [el, p + 1];
    if (close !== TOK_CLOSE_START) throw new BinXmlError(`element <${name}>: expected the end of its start tag, found token 0x${close.toString(16)}`, p);
    p++;
    for (;;) {
      if (p >= end) throw new BinXmlError(`element <${name}> is not closed`, p);
      const t = b[p]!;
      const base = t & ~MORE_BIT;
      if (t === TOK_END_ELEMENT) return [el, p + 1];
      if (base === TOK_OPEN_START) {
        const [child, next] = this.parseElement(p, end, depth + 1);
        el.content.push(child);
        p = next;
      } else if (t === TOK_TEMPLATE_INSTANCE) {
        const [inst, next] = this.parseInstance(p, end, depth + 1);
        el.content.push(inst);
        p = next;
      } else {
        const next = this.parseContentToken(p, end, el.content);
        if (next < 0) throw new BinXmlError(`element <${name}>: unexpected token 0x${t.toString(16).padStart(2, '0')}`, p);
        p = next;
      }
    }
  }

  /**
   * TemplateInstance: token (1), unknown (1), template id (4), definition offset (4); the definition
   * (next offset 4, GUID 16, data size 4, BinXML) follows inline when it is first used in the chunk. Then
   * the value count (4), one descriptor per value (size 2, type 1, unused 1) and the values back to back.
   */
  private parseInstance(pos: number, end: number, depth: number): [XInstance, number] {
    const b = this.buf;
    this.need(pos, 10, end, 'template instance');
    const defOffset = b.readUInt32LE(pos + 6);
    let p = pos + 10;
    let template = this.templates.get(defOffset);
    if (defOffset === p) {
      this.need(p, 24, end, 'template definition');
      const size = b.readUInt32LE(p + 20);
      this.need(p + 24, size, end, 'template definition');
      if (!template) template = this.templates.define(defOffset, this.parseFragment(p + 24, p + 24 + size, depth));
      p += 24 + size;
    } else if (!template) {
      if (defOffset + 24 > b.length) throw new BinXmlError('template definition offset outside the chunk', pos);
      const size = b.readUInt32LE(defOffset + 20);
      if (defOffset + 24 + size > b.length) throw new BinXmlError('template definition runs past the end of the chunk', defOffset);
      template = this.templates.define(defOffset, this.parseFragment(defOffset + 24, defOffset + 24 + size, depth));
    }
    this.need(p, 4, end, 'substitution value count');
    const count = b.readUInt32LE(p);
    p += 4;
    if (count > MAX_VALUES || p + count * 4 > end) throw new BinXmlError(`template instance declares ${count} values, more than its data holds`, p - 4);
    const values: ValueTable = { offsets: [], sizes: [], types: [] };
    let v = p + count * 4;
    for (let i = 0; i < count; i++) {
      const size = b[p + i * 4]! | (b[p + i * 4 + 1]! << 8);
      values.offsets.push(v);
      values.sizes.push(size);
      values.types.push(b[p + i * 4 + 2]!);
      v += size;
    }
    if (v > end) throw new BinXmlError('substitution values run past the end of the record', p);
    return [{ k: K_INSTANCE, template, values }, v];
  }
}
