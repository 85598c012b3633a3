import type { Hive, RegKey } from './hive.js';
import { MAX_KEY_DEPTH } from './layout.js';
import { OffsetSet } from './offset-set.js';

export interface WalkEntry {
  key: RegKey;
  /** Path from the root, `\` for the root itself, `\A\B` below it (the form hivexregedit prints). */
  path: string;
  depth: number;
}

/**
 * Depth-first walk of every key reachable from `from` (default: the root), parents before children,
 * children in list order. Each nk cell is visited once (a subkey list that loops back, or names a key
 * already seen, is reported and not followed again) and the walk stops descending at MAX_KEY_DEPTH,
 * so a hostile hive cannot make it loop or explode. Paths follow the subkey lists; a key whose parent
 * field disagrees is reported (REGF_BAD_PARENT) but kept where the list puts it.
 * @example for (const { key, path, depth } of walkKeys(hive)) console.log(depth, path, key.name);
 */
export function* walkKeys(hive: Hive, from: RegKey = hive.root(), fromPath = '\\'): Generator<WalkEntry> {
  const visited = OffsetSet.of(from.offset);
  const stack: WalkEntry[] = [{ key: from, path: fromPath, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    yield entry;
    if (entry.key.subkeyCount === 0) continue;
    if (entry.depth >= MAX_KEY_DEPTH) {
      hive.warn('REGF_TOO_DEEP', `keys nest more than ${MAX_KEY_DEPTH} levels below ${entry.path}; deeper keys not read`, entry.key.fileOffset);
      continue;
    }
    const children = entry.key.subkeys();
    const next: WalkEntry[] = [];
    for (const child of children) {
      if (visited.has(child.offset)) {
        hive.warn('REGF_KEY_LOOP', `subkey list of ${entry.path} names key ${JSON.stringify(child.name)} (cell 0x${child.offset.toString(16)}) that was already reached; not followed again`, child.fileOffset);
        continue;
      }
      visited.add(child.offset);
      if (child.parentOffset !== entry.key.offset) {
        hive.warn('REGF_BAD_PARENT', `key ${JSON.stringify(child.name)} is listed under ${entry.path} but records cell 0x${child.parentOffset.toString(16)} as its parent`, child.fileOffset + 4 + 16);
      }
      const sep = entry.path === '\\' ? '' : '\\';
      next.push({ key: child, path: `${entry.path}${sep}${child.name}`, depth: entry.depth + 1 });
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
}
