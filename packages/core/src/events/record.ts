/**
 * Event record (libevtx "event record"): signature `**\0\0` (4), size (4), record number (8), written
 * time (8), BinXML, size copy (4). The BinXML tree is walked once to pull out the System fields and the
 * EventData / UserData values, rendered as libevtx renders them.
 */
import { BinXmlError, CHARS_PER_WORK, ChunkBinXml, K_ELEMENT, K_INSTANCE, K_SUB, K_TEXT, MAX_DEPTH, type ValueTable, type XContent, type XElement } from './binxml.js';
import { filetimeToIso7, isoTextToIso7 } from './filetime.js';
import type { EvtxRecord } from './types.js';
import { renderArray, renderScalar, T_ARRAY, T_BINXML, T_FILETIME, T_NULL } from './values.js';

const WHITESPACE = /^\s*$/;

export const RECORD_MAGIC = 0x00002a2a;
/** Header (24) + size copy (4): a record can be no smaller. */
export const RECORD_MIN_SIZE = 28;

/**
 * Most characters one record may render (values, attribute texts and data keys). The largest corpus record
 * renders 3 552; a whole 64 KiB record of binary renders 131 072 as hex. A hostile template can refer to one
 * value thousands of times (490 M characters from 64 KiB); past the limit values are cut, marked.
 */
export const MAX_RECORD_CHARS = 1 << 18;
/** Ends a value cut at MAX_RECORD_CHARS. */
export const TRUNCATED_MARK = '[...]';

/** One resolved element: the template element and the values its substitutions refer to. */
interface Scoped {
  el: XElement;
  vt: ValueTable | null;
}

/**
 * Resolves substitutions against value tables; BinXml-typed values are parsed as nested fragments. One per
 * record: it holds the record's character budget (MAX_RECORD_CHARS).
 */
class Resolver {
  /** Characters the record may still render: 0 once a value was cut, below 0 once a key went past it. */
  private left = MAX_RECORD_CHARS;
  /** Set when something was cut or left out at the limit. */
  cut = false;

  constructor(private readonly bx: ChunkBinXml) {}

  /** True (and the record marked cut) when the record has rendered all it may: values are left out. */
  private full(): boolean {
    if (this.left > 0) return false;
    this.cut = true;
    return true;
  }

  /** Charge `s` to the record's budget (and the chunk's work); cut it, marked, where the budget ends. */
  private fit(s: string): string {
    if (s.length === 0 || this.full()) return '';
    this.bx.spend(Math.ceil(Math.min(s.length, this.left) / CHARS_PER_WORK), 0);
    if (s.length <= this.left) {
      this.left -= s.length;
      return s;
    }
    const kept = s.slice(0, this.left) + TRUNCATED_MARK;
    this.left = 0;
    this.cut = true;
    return kept;
  }

  /** Charge a data key; false (the entry left out) when the record has no room left. */
  key(k: string): boolean {
    if (this.left < 0) {
      this.cut = true;
      return false;
    }
    this.left -= k.length; // at 0 (a value was just cut) the key still goes in, once: then below 0
    this.bx.spend(1 + Math.ceil(k.length / CHARS_PER_WORK), 0);
    return true;
  }

  /** Elements among `content`, looking through template instances and BinXml values. */
  elements(content: XContent[], vt: ValueTable | null, out: Scoped[] = [], depth = 0): Scoped[] {
    if (depth > 16) throw new BinXmlError('BinXML values nested too deeply', 0);
    this.bx.spend(content.length, 0);
    for (const c of content) {
      if (c.k === K_ELEMENT) out.push({ el: c, vt });
      else if (c.k === K_INSTANCE) this.elements(c.template.nodes, c.values, out, depth + 1);
      else if (c.k === K_SUB && vt && (vt.types[c.index] ?? T_NULL) === T_BINXML) {
        const o = vt.offsets[c.index]!;
        this.elements(this.bx.parseValue(o, o + vt.sizes[c.index]!, depth + 1), vt, out, depth + 1);
      }
    }
    return out;
  }

  private isNull(vt: ValueTable | null, i: number): boolean {
    return !vt || i >= vt.types.length || vt.types[i] === T_NULL || vt.sizes[i] === 0;
  }

  /** True when the content is only an optional substitution without a value (libevtx leaves such nodes out). */
  omitted(content: XContent[], vt: ValueTable | null): boolean {
    if (content.length !== 1) return false;
    const c = content[0]!;
    return c.k === K_SUB && c.optional && this.isNull(vt, c.index);
  }

  /** Items of an array-typed substitution that is the whole content, else null. */
  arrayItems(content: XContent[], vt: ValueTable | null): string[] | null {
    if (content.length !== 1 || !vt) return null;
    const c = content[0]!;
    if (c.k !== K_SUB || c.index >= vt.types.length) return null;
    const type = vt.types[c.index]!;
    if (!(type & T_ARRAY)) return null;
    if (this.full()) return [];
    const items = renderArray(this.bx.buf, vt.offsets[c.index]!, vt.sizes[c.index]!, type) ?? [];
    this.bx.spend(items.length, 0); // one Data per item: up to 64 K items, and the array can be referred to again
    return items.map((v) => this.fit(v));
  }

  value(vt: ValueTable | null, i: number): string {
    if (this.isNull(vt, i)) return '';
    const type = vt!.types[i]!;
    const o = vt!.offsets[i]!;
    const size = vt!.sizes[i]!;
    if (type === T_BINXML) return '';
    if (type & T_ARRAY) return (renderArray(this.bx.buf, o, size, type) ?? []).join('');
    return renderScalar(this.bx.buf, o, size, type) ?? '';
  }

  /** Text of an element or attribute: its text and substitution values, child elements left out. */
  text(content: XContent[], vt: ValueTable | null): string {
    if (this.full()) return '';
    if (content.length === 1) {
      const c = content[0]!;
      if (c.k === K_TEXT) return this.fit(c.text);
      if (c.k === K_SUB) return this.fit(this.value(vt, c.index));
    }
    this.bx.spend(content.length, 0);
    let s = '';
    for (const c of content) {
      if (this.full()) break;
      // Whitespace-only text is template formatting (a pretty-printed manifest); libevtx leaves it out.
      if (c.k === K_TEXT) s += WHITESPACE.test(c.text) ? '' : this.fit(c.text);
      else if (c.k === K_SUB) s += this.fit(this.value(vt, c.index));
    }
    return s;
  }

  attr(s: Scoped, name: string): string | null {
    this.bx.spend(s.el.attrs.length, 0); // a template can give one element thousands of attributes
    for (const a of s.el.attrs) if (a.name === name) return this.omitted(a.value, s.vt) ? null : this.text(a.value, s.vt);
    return null;
  }

  /** The raw FILETIME of an attribute that is one FILETIME substitution, else null. */
  filetimeAttr(s: Scoped, name: string): [number, number] | null {
    this.bx.spend(s.el.attrs.length, 0);
    for (const a of s.el.attrs) {
      if (a.name !== name || a.value.length !== 1 || !s.vt) continue;
      const c = a.value[0]!;
      if (c.k !== K_SUB || s.vt.types[c.index] !== T_FILETIME || s.vt.sizes[c.index]! < 8) return null;
      const o = s.vt.offsets[c.index]!;
      return [this.bx.buf.readUInt32LE(o), this.bx.buf.readUInt32LE(o + 4)];
    }
    return null;
  }
}

function intOrNull(s: string | null): number | null {
  if (s === null || s === '') return null;
  const n = /^0x/i.test(s) ? Number.parseInt(s, 16) : Number(s);
  return Number.isFinite(n) ? n : null;
}

/** A record's data: keys charged to the record's budget, repeats renamed `key~2`, `key~3`... */
class RecordData {
  readonly data: Record<string, string> = {};
  /** The next suffix to try per repeated key: a 30 000-item array is 30 000 repeats of one name. */
  private readonly nextSuffix = new Map<string, number>();

  constructor(private readonly r: Resolver) {}

  /** Add `key`, renamed `key~N` (the first N from 2 not taken) when it is already there. */
  put(key: string, value: string): void {
    if (!(key in this.data)) return this.set(key, value);
    let n = this.nextSuffix.get(key) ?? 2;
    while (`${key}~${n}` in this.data) n++; // a suffix can be taken by a name that holds `~`
    this.nextSuffix.set(key, n + 1);
    this.set(`${key}~${n}`, value);
  }

  /** Set `key` (replacing an earlier value), unless the record has no room left. */
  set(key: string, value: string): void {
    if (this.r.key(key)) this.data[key] = value;
  }
}

/**
 * Decode the record at chunk offset `o` (its header already validated by the chunk reader).
 * Throws BinXmlError on damaged BinXML.
 */
export function decodeRecord(bx: ChunkBinXml, o: number, size: number, fileOffset: number, onCut?: () => void): EvtxRecord {
  const b = bx.buf;
  const headerNumber = Number(b.readBigUInt64LE(o + 8));
  const r = new Resolver(bx);
  const data = new RecordData(r);
  const top = r.elements(bx.parseFragment(o + 24, o + size - 4), null);
  const rec: EvtxRecord = {
    recordId: headerNumber,
    headerNumber,
    offset: fileOffset,
    eventId: null,
    qualifiers: null,
    level: null,
    time: null,
    timeMs: null,
    provider: null,
    eventSourceName: null,
    channel: null,
    computer: null,
    userId: null,
    data: data.data,
    userData: null,
  };
  const event = top[0];
  if (!event) throw new BinXmlError('record holds no XML element', o + 24);
  for (const section of r.elements(event.el.content, event.vt)) {
    const name = section.el.name;
    if (name === 'System') readSystem(r, section, rec);
    else if (name === 'EventData') readEventData(r, section, data);
    else if (name === 'UserData') {
      const root = r.elements(section.el.content, section.vt)[0];
      if (root) {
        rec.userData = root.el.name;
        for (const [k, v] of leafItems(r, root, '')) data.put(k, v);
      }
    } else for (const [k, v] of leafItems(r, section, name)) data.set(k, v);
  }
  if (r.cut) onCut?.();
  return rec;
}

function readSystem(r: Resolver, system: Scoped, rec: EvtxRecord): void {
  for (const f of r.elements(system.el.content, system.vt)) {
    if (r.omitted(f.el.content, f.vt) && f.el.attrs.length === 0) continue;
    switch (f.el.name) {
      case 'Provider':
        rec.provider = r.attr(f, 'Name');
        rec.eventSourceName = r.attr(f, 'EventSourceName');
        break;
      case 'EventID':
        rec.eventId = intOrNull(r.text(f.el.content, f.vt));
        rec.qualifiers = intOrNull(r.attr(f, 'Qualifiers'));
        break;
      case 'Level':
        rec.level = intOrNull(r.text(f.el.content, f.vt));
        break;
      case 'TimeCreated': {
        const ft = r.filetimeAttr(f, 'SystemTime');
        const text = ft ? null : r.attr(f, 'SystemTime');
        const t = ft ? filetimeToIso7(ft[0], ft[1]) : text ? isoTextToIso7(text) : null;
        if (t) {
          rec.time = t.iso;
          rec.timeMs = t.ms;
        }
        break;
      }
      case 'EventRecordID': {
        const id = intOrNull(r.text(f.el.content, f.vt));
        if (id !== null) rec.recordId = id;
        break;
      }
      case 'Channel':
        rec.channel = r.text(f.el.content, f.vt);
        break;
      case 'Computer':
        rec.computer = r.text(f.el.content, f.vt);
        break;
      case 'Security':
        rec.userId = r.attr(f, 'UserID');
        break;
    }
  }
}

/** EventData: `Data` by Name (or `#position` among the Data elements), other elements by their name. */
function readEventData(r: Resolver, section: Scoped, data: RecordData): void {
  let position = 0;
  for (const d of r.elements(section.el.content, section.vt)) {
    if (r.omitted(d.el.content, d.vt)) continue;
    if (d.el.name !== 'Data') {
      data.put(d.el.name, r.text(d.el.content, d.vt));
      continue;
    }
    const name = r.attr(d, 'Name');
    // A string array in one Data element is shown as one Data per item (Event Viewer, libevtx).
    const items = r.arrayItems(d.el.content, d.vt);
    for (const v of items ?? [r.text(d.el.content, d.vt)]) {
      position++;
      data.put(name || `#${position}`, v);
    }
  }
}

/**
 * Leaf elements below `s` by path (`a/b`), like the ground truth's flattening of UserData, appended to `out`
 * (no spread: one array can give 180 000 items). The walk goes as deep as the elements nest, which parsing
 * alone does not bound: a cached template is not parsed again where it is used (a chain of them nests
 * ~5 000 deep in one chunk) and a BinXml value can hold itself; past MAX_DEPTH the record is damaged.
 */
function leafItems(r: Resolver, s: Scoped, prefix: string, out: Array<[string, string]> = [], depth = 0): Array<[string, string]> {
  if (depth > MAX_DEPTH) throw new BinXmlError(`elements nested more than ${MAX_DEPTH} deep`, 0);
  const kids = r.elements(s.el.content, s.vt);
  if (kids.length === 0) {
    out.push([prefix || s.el.name, r.text(s.el.content, s.vt)]);
    return out;
  }
  for (const k of kids) {
    const p = prefix ? `${prefix}/${k.el.name}` : k.el.name;
    if (r.elements(k.el.content, k.vt).length) leafItems(r, k, p, out, depth + 1);
    else if (r.omitted(k.el.content, k.vt)) continue;
    else for (const v of r.arrayItems(k.el.content, k.vt) ?? [r.text(k.el.content, k.vt)]) out.push([p, v]); // an array: one element per item
  }
  return out;
}
