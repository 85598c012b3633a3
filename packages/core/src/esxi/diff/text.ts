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
 * `<a><b id="1"><c>x</c></b></a>` → `a/b[id=1]/c` = "x". Attributes become `@name` leaves. Repeated
 * siblings without an id are numbered. Returns undefined when the text is not well-formed enough.
 */
export function flattenXml(text: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  const stack: Array<{ name: string; path: string; text: string; counts: Map<string, number> }> = [{ name: '', path: '', text: '', counts: new Map() }];
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
      if (t !== '' || !hasChildren(out, top.path)) out.set(top.path, t);
      stack.pop();
      continue;
    }
    const attrs = [...(m[4] ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((a) => [a[1] ?? '', decode(a[2] ?? a[3] ?? '')] as const);
    const id = attrs.find(([k]) => k === 'id' || k === 'name' || k === 'key');
    const n = (top.counts.get(name) ?? 0) + 1;
    top.counts.set(name, n);
    const seg = id ? `${name}[${id[0]}=${id[1]}]` : n > 1 ? `${name}[${n}]` : name;
    const path = `${top.path}/${seg}`;
    for (const [k, v] of attrs) if (!(id && k === id[0])) out.set(`${path}/@${k}`, v);
    if (m[5] === '/') {
      if (!hasChildren(out, path)) out.set(path, '');
      continue;
    }
    if (stack.length > MAX_XML_DEPTH) return undefined;
    stack.push({ name, path, text: '', counts: new Map() });
  }
  return stack.length === 1 ? out : undefined;
}

function hasChildren(out: Map<string, string>, path: string): boolean {
  for (const k of out.keys()) if (k.startsWith(`${path}/`)) return true;
  return false;
}

function decode(s: string): string {
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
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(key);
    const y = b.get(key);
    if (x === y) continue;
    // an empty element that gained (or lost) children is reported through those children
    if ((x === '' && y === undefined && hasChildren(b, key)) || (y === '' && x === undefined && hasChildren(a, key))) continue;
    const kind = x === undefined ? 'added' : y === undefined ? 'removed' : 'modified';
    const leaf = (key.split('/').pop() ?? '').replace(/^@/, '').replace(/\[.*$/, '');
    const secret = isSecretChange(leaf, x, y);
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
