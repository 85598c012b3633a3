/**
 * `JSON.stringify(value, null, 2)` handed out in pieces, so that a large report (--json of a backup with
 * 100,000 members: 23-55 MB of text) is never one string. Built whole, V8 holds the text about twice
 * while it grows and flattens it, then the write encodes it again: measured ~+110 MB on a 55 MB report.
 *
 * The first levels of objects and arrays are walked here; anything deeper is one `JSON.stringify` call,
 * re-indented (a JSON text has no raw newline inside a string, so every newline starts a line). The
 * result is byte for byte what `JSON.stringify(value, null, 2)` gives (tested), including its rules:
 * `toJSON`, undefined and functions left out of objects and `null` in arrays.
 */

/** Levels of containers walked one entry at a time; below them an entry is stringified whole. */
const WALKED_LEVELS = 3;

/** Characters gathered before a piece is handed out (small writes cost a call each). */
export const JSON_PIECE = 64 * 1024;

const omitted = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** What JSON.stringify serialises in place of `v` (its toJSON, with the key it is under). */
function serialised(v: unknown, key: string): unknown {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return (v as { toJSON(k: string): unknown }).toJSON(key);
  }
  return v;
}

/**
 * The pieces of `JSON.stringify(value, null, 2)`, each about JSON_PIECE characters (the last may be shorter);
 * `indent` is the indentation of the line the value starts on (for an element of an array written apart).
 */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  let buffer = '';
  for (const part of walk(serialised(value, ''), indent, WALKED_LEVELS)) {
    buffer += part;
    if (buffer.length >= JSON_PIECE) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer.length > 0) yield buffer;
}

/** The parts of one value already passed through `serialised`, its first line at `indent`. */
function* walk(v: unknown, indent: string, levels: number): Generator<string> {
  if (levels === 0 || v === null || typeof v !== 'object') {
    const text = JSON.stringify(v, null, 2);
    // undefined at the top (JSON.stringify gives undefined): nothing; never reached below (callers skip it)
    if (text === undefined) return;
    yield indent === '' ? text : text.replaceAll('\n', `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return yield '[]';
    yield '[';
    for (let i = 0; i < v.length; i++) {
      const item = serialised(v[i], String(i));
      yield i === 0 ? `\n${inner}` : `,\n${inner}`;
      if (omitted(item)) yield 'null';
      else yield* walk(item, inner, levels - 1);
    }
    yield `\n${indent}]`;
    return;
  }
  let first = true;
  for (const key of Object.keys(v)) {
    const item = serialised((v as Record<string, unknown>)[key], key);
    if (omitted(item)) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* walk(item, inner, levels - 1);
  }
  yield first ? '{}' : `\n${indent}}`;
}
