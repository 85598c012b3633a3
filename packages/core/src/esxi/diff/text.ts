/**
 * Generic comparisons for files without a dedicated parser: XML configs by element (hostd's XML files are
 * small `<ConfigRoot>` trees of text leaves), anything else by line.
 */
import { isSecretChange, withValues } from '../secrets.js';
import type { Change, ChangeArea } from './model.js';

/** Largest file flattened or line-compared; bigger ones are compared by size and hash only. */
export const MAX_TEXT_COMPARE = 1024 * 1024;
/** Deepest XML nesting followed (real hostd files are < 10 deep); deeper input is compared by line. */
const MAX_XML_DEPTH = 64;
/**
 * Longest element path (`/ConfigRoot/…/@name`) flattened: real ones are under 100 characters. Every key repeats
 * its parent's path, and V8 hashes a string longer than 16,383 characters by its length alone, so 2,000
 * children of one element with a 100,000-character name made 2,000 colliding keys of 100 KB (27 s, 750 MB for a
 * 208 KB file). A longer path: the file is compared by line.
 */
export const MAX_XML_PATH = 4096;
/**
 * Most characters of all paths of one file together (keys and parent paths): real files' paths add up to less
 * than their own size (the largest compared is MAX_TEXT_COMPARE), so 16 times that is never reached by one; past
 * it (many children of elements with long paths) the file is compared by line.
 */
export const MAX_XML_PATH_CHARS = 16 * MAX_TEXT_COMPARE;

/**
 * `<a><b id="1"><c>x</c></b></a>` → `a/b[id=1]/c` = "x". Attributes become `@name` leaves. Repeated
 * siblings without an id are numbered. Returns undefined when the text is not well-formed enough, or its
 * paths are longer than real ones (MAX_XML_PATH, MAX_XML_PATH_CHARS).
 */
export function flattenXml(text: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let pathChars = 0;
  // paths known to have leaves below them, kept as elements close: no scan of all leaves per element (quadratic)
  const parents = new Set<string>();
  // Children are numbered by name; most elements have children of one name only, counted without a Map
  // (a Map per element was a fifth of flattening 100,000 elements).
  const stack: Array<{ name: string; path: string; text: string; first: string | undefined; firstCount: number; counts: Map<string, number> | undefined; hasChild: boolean }> = [
    { name: '', path: '', text: '', first: undefined, firstCount: 0, counts: undefined, hasChild: false },
  ];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const top = stack[stack.length - 1]!;
    // groups: 1 CDATA, 2 '/', 3 name, 4 attributes, 5 '/' of <x/>, 6 text, 7 a stray '<'
    if (m[7] !== undefined) return undefined;
    if (m[6] !== undefined) {
      top.text += m[6];
      continue;
    }
    if (m[1] !== undefined) {
      top.text += m[1];
      continue;
    }
    const name = m[3];
    if (name === undefined) continue; // comment / declaration
    if (m[2] === '/') {
      if (stack.length < 2 || top.name !== name) return undefined;
      const t = decode(top.text.trim());
      const hasChildren = top.hasChild || parents.has(top.path);
      if (hasChildren) parents.add(top.path);
      if (t !== '' || !hasChildren) out.set(top.path, t);
      stack.pop();
      stack[stack.length - 1]!.hasChild = true;
      continue;
    }
    if (name.length > MAX_XML_PATH) return undefined;
    const attrs: Array<readonly [string, string]> = [];
    if (m[4] !== undefined && m[4] !== '') {
      ATTRIBUTE.lastIndex = 0;
      for (let a = ATTRIBUTE.exec(m[4]); a !== null; a = ATTRIBUTE.exec(m[4])) attrs.push([a[1] ?? '', decode(a[2] ?? a[3] ?? '')]);
    }
    const id = attrs.find(([k]) => k === 'id' || k === 'name' || k === 'key');
    let n: number;
    if (top.first === undefined || top.first === name) {
      top.first = name;
      n = ++top.firstCount;
    } else {
      top.counts ??= new Map();
      n = (top.counts.get(name) ?? 0) + 1;
      top.counts.set(name, n);
    }
    const seg = id ? `${name}[${id[0]}=${id[1]}]` : n > 1 ? `${name}[${n}]` : name;
    const path = `${top.path}/${seg}`;
    // checked before the path is used as a key (hashing a key reads all of it)
    if (path.length > MAX_XML_PATH) return undefined;
    pathChars += path.length;
    let attributeLeaves = false;
    for (const [k, v] of attrs) {
      if (id && k === id[0]) continue;
      const key = `${path}/@${k}`;
      pathChars += key.length;
      if (key.length > MAX_XML_PATH || pathChars > MAX_XML_PATH_CHARS) return undefined;
      out.set(key, v);
      attributeLeaves = true;
    }
    if (pathChars > MAX_XML_PATH_CHARS) return undefined;
    if (m[5] === '/') {
      if (attributeLeaves) parents.add(path);
      if (!parents.has(path)) out.set(path, '');
      top.hasChild = true;
      continue;
    }
    if (stack.length > MAX_XML_DEPTH) return undefined;
    stack.push({ name, path, text: '', first: undefined, firstCount: 0, counts: undefined, hasChild: attributeLeaves });
  }
  if (stack.length !== 1) return undefined;
  PARENTS.set(out, parents);
  return out;
}

const ATTRIBUTE = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The parent paths flattenXml found, for diffXml (an empty element that gained children is reported through them). */
const PARENTS = new WeakMap<Map<string, string>, Set<string>>();

/** Every path of `leaves` that has a leaf below it. */
function parentsOf(leaves: Map<string, string>): Set<string> {
  const parents = new Set<string>();
  for (const key of leaves.keys()) {
    for (let i = key.lastIndexOf('/'); i > 0 && !parents.has(key.slice(0, i)); i = key.lastIndexOf('/', i - 1)) parents.add(key.slice(0, i));
  }
  return parents;
}

function decode(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/**
 * Element by element. A leaf named like a secret (`<password>`, `<communities>`, `@privateKey`…) or
 * holding hash/key material is reported as changed only, without values, unless showSecrets.
 */
export function diffXml(path: string, area: ChangeArea, before: string, after: string, showSecrets = false): Change[] | undefined {
  const a = flattenXml(before);
  const b = flattenXml(after);
  if (!a || !b) return undefined;
  const out: Change[] = [];
  const parentsA = PARENTS.get(a) ?? parentsOf(a);
  const parentsB = PARENTS.get(b) ?? parentsOf(b);
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(key);
    const y = b.get(key);
    if (x === y) continue;
    // an empty element that gained (or lost) children is reported through those children
    if ((x === '' && y === undefined && parentsB.has(key)) || (y === '' && x === undefined && parentsA.has(key))) continue;
    const kind = x === undefined ? 'added' : y === undefined ? 'removed' : 'modified';
    const secret = xmlLeafNames(key).some((name) => isSecretChange(name, x, y));
    const label =
      secret && !showSecrets
        ? `${path} ${key} ${kind === 'modified' ? 'changed' : kind}`
        : kind === 'modified'
          ? `${path} ${key}: ${x || '""'} → ${y || '""'}`
          : kind === 'added'
            ? `${path} ${key} added${y ? `: ${y}` : ''}`
            : `${path} ${key} removed${x ? ` (was ${x})` : ''}`;
    const c = withValues({ area, path, key, change: kind, label }, secret, x, y, showSecrets);
    out.push(c);
  }
  return out;
}

/**
 * The names that say what an XML leaf holds: its attribute, its element, and the element's id, since
 * name/value pairs (`<option name="ProxyPassword" value="…"/>`) name the secret in the id.
 * @example xmlLeafNames('/c/option[name=ProxyPassword]/@value') // ['value', 'option', 'ProxyPassword']
 */
export function xmlLeafNames(key: string): string[] {
  const segments = key.split('/');
  const names: string[] = [];
  let element = segments.pop() ?? '';
  if (element.startsWith('@')) {
    names.push(element.slice(1));
    element = segments.pop() ?? '';
  }
  const m = /^([^[]*)(?:\[[^=\]]*=(.*)\])?/.exec(element)!;
  names.push(m[1] ?? '');
  if (m[2] !== undefined) names.push(m[2]);
  return names;
}

/** Lines only in one side (multiset difference): config files here are order-insensitive lists. */
export function diffLines(path: string, area: ChangeArea, before: string, after: string): Change[] {
  const count = (t: string) => {
    const m = new Map<string, number>();
    for (const l of t.split('\n').map((x) => x.replace(/\r$/, '').trimEnd())) if (l !== '') m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const a = count(before);
  const b = count(after);
  const out: Change[] = [];
  for (const [line, n] of a) for (let i = (b.get(line) ?? 0); i < n; i++) out.push({ area, path, key: line, change: 'removed', label: `${path}: line removed: ${line}`, before: line });
  for (const [line, n] of b) for (let i = (a.get(line) ?? 0); i < n; i++) out.push({ area, path, key: line, change: 'added', label: `${path}: line added: ${line}`, after: line });
  return out;
}

/** chkconfig.db: `/etc/init.d/<service>\ton|off` per service. */
export function diffChkconfig(path: string, before: string, after: string): Change[] {
  const parse = (t: string) => {
    const m = new Map<string, string>();
    for (const l of t.split('\n')) {
      const p = /^\/etc\/init\.d\/(\S+)\s+(\S+)/.exec(l.trim());
      if (p) m.set(p[1] ?? '', p[2] ?? '');
    }
    return m;
  };
  const a = parse(before);
  const b = parse(after);
  const out: Change[] = [];
  for (const s of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(s);
    const y = b.get(s);
    if (x === y) continue;
    const kind = x === undefined ? 'added' : y === undefined ? 'removed' : 'modified';
    const c: Change = { area: 'services', path, key: s, change: kind, label: `service ${s}: ${x ?? '(image default)'} → ${y ?? '(image default)'}` };
    if (x !== undefined) c.before = x;
    if (y !== undefined) c.after = y;
    out.push(c);
  }
  return out;
}
