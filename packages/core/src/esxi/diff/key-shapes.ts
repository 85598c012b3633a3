/**
 * The shapes of esx.conf keys the diff gives a meaning to (uplink set members and teaming order, `{name}`
 * groups), found by string search in one pass. They were regexes such as `/^(.*\/uplinks)\/child\[[^\]]+\]\/pnic$/`,
 * which backtrack quadratically on a long key built of the pattern's pieces: a 2 KB backup whose esx.conf
 * held one 1 MB key of `/uplinks/child[` repeats kept `esxi diff` busy for minutes. Each function returns
 * exactly what its regex did (a test compares them on crafted and random keys).
 */

/** Characters a regex `.` does not match: a `^(.*…)` group cannot hold them. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/**
 * Where the last `needle` starts in `key` = `…needle X tail`, X at least `minX` characters long and free of
 * `close`, with no line break before `ownerEnd` characters into the needle (-1: none; `ownerEnd` undefined: no
 * such condition). The regexes' greedy `.*` picks that occurrence, and when its X holds `close`, so does every
 * earlier one's (it contains it), so one search decides.
 */
function lastGroup(key: string, needle: string, close: string, tail: string, minX: number, ownerEnd?: number): number {
  if (!key.endsWith(tail)) return -1;
  let from = key.length - tail.length - needle.length - minX;
  if (ownerEnd !== undefined) {
    const lineBreak = key.search(LINE_BREAK);
    if (lineBreak >= 0) from = Math.min(from, lineBreak - ownerEnd);
  }
  if (from < 0) return -1;
  const at = key.lastIndexOf(needle, from);
  if (at < 0) return -1;
  const x = key.indexOf(close, at + needle.length);
  return x < 0 || x >= key.length - tail.length ? at : -1;
}

const OWNER = '/uplinks';

/** `…/uplinks/child[N]/pnic`: the owner (through `/uplinks`) and N, as `/^(.*\/uplinks)\/child\[([^\]]+)\]\/pnic$/`. */
export function uplinkMember(key: string): [owner: string, index: string] | undefined {
  const needle = `${OWNER}/child[`;
  const at = lastGroup(key, needle, ']', ']/pnic', 1, OWNER.length);
  return at < 0 ? undefined : [key.slice(0, at + OWNER.length), key.slice(at + needle.length, key.length - 6)];
}

/** `…/uplinks[N]/pnic` (teaming order): the owner and N, as `/^(.*\/uplinks)\[([^\]]+)\]\/pnic$/`. */
export function uplinkOrder(key: string): [owner: string, index: string] | undefined {
  const needle = `${OWNER}[`;
  const at = lastGroup(key, needle, ']', ']/pnic', 1, OWNER.length);
  return at < 0 ? undefined : [key.slice(0, at + OWNER.length), key.slice(at + needle.length, key.length - 6)];
}

/** `…/uplinks{name}` (a set member): the owner and the name, as `/^(.*\/uplinks)\{([^}]*)\}$/`. */
export function uplinkSetMember(key: string): [owner: string, name: string] | undefined {
  const needle = `${OWNER}{`;
  const at = lastGroup(key, needle, '}', '}', 0, OWNER.length);
  return at < 0 ? undefined : [key.slice(0, at + OWNER.length), key.slice(at + needle.length, key.length - 1)];
}

/** Does the key end in a `{name}` group? As `/\{[^}]*\}$/.test(key)`. */
export function endsWithGroup(key: string): boolean {
  return lastGroup(key, '{', '}', '}', 0) >= 0;
}

/** Does the key name a vSwitch (`…vswitch/child{name}`)? As `/vswitch\/child\{[^}]*\}$/.test(key)`. */
export function isVswitchChild(key: string): boolean {
  return lastGroup(key, 'vswitch/child{', '}', '}', 0) >= 0;
}

/** Every `{name}` group replaced by `[…]`, as `key.replace(/\{[^}]*\}/g, '[…]')`. */
export function groupsElided(key: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = key.indexOf('{', from);
    if (open < 0) break;
    const close = key.indexOf('}', open + 1);
    if (close < 0) break; // no later '{' has a '}' after it either
    out += `${key.slice(from, open)}[…]`;
    from = close + 1;
  }
  return out + key.slice(from);
}
