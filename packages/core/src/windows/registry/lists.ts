import type { CellSpace, Warn } from './cells.js';
import { OffsetSet } from './offset-set.js';

/**
 * The nk offsets a subkey list names. Handles li (offsets), lf/lh (offset + hint/hash; the hint is not
 * trusted, names are read from the nk) and ri (a list of li/lf/lh lists, never nested). Each list's
 * element count is checked against its cell before any element is read, and an ri naming the same
 * sublist twice reads it once, so the work is bounded by the file size whatever the counts claim.
 * A key named again (the same nk offset twice: damage, Windows never lists a key twice) is kept once,
 * with one REGF_DUPLICATE_SUBKEY warning at the first repeat: a list of 60,000 copies of one key
 * otherwise costs 60,000 key reads, each reading all its values again (over 25 s for 487 KB).
 */
export interface ListEntry {
  /** The nk cell offset the entry names. */
  offset: number;
  /** File offset of the entry itself (for warnings). */
  at: number;
}

/** The distinct keys a list names (at most `max` of them) and how many entries it has in all. */
export interface SubkeyOffsets {
  entries: ListEntry[];
  /** Entries of the list, repeats and those past `max` included. */
  named: number;
  /** Entries not collected because `max` keys were: 0 when the whole list was read. */
  cut: number;
}

/** @param max distinct keys collected at most; entries past them are only counted (a caller that analyses a bounded number of keys reads no more). */
export function subkeyOffsets(cells: CellSpace, listOffset: number, from: number, warn: Warn, max = Infinity): SubkeyOffsets {
  const out: ListEntry[] = [];
  const top = cells.cell(listOffset, 'subkey list', from);
  if (!top) return { entries: out, named: 0, cut: 0 };
  let named = 0;
  let cut = 0;
  const seenKeys = new OffsetSet();
  let keyRepeats = 0;
  let firstKeyRepeat = 0;
  const seenSublists = new OffsetSet();
  let repeats = 0;
  let firstRepeat = 0;
  const readList = (span: { offset: number; start: number; end: number }, insideRi: boolean): void => {
    const data = cells.data;
    if (span.end - span.start < 4) {
      warn('REGF_BAD_LIST', 'subkey list cell is too small for its header', span.start);
      return;
    }
    const sig = data.subarray(span.start, span.start + 2).toString('latin1');
    let count = data.readUInt16LE(span.start + 2);
    const entrySize = sig === 'lf' || sig === 'lh' ? 8 : sig === 'li' || sig === 'ri' ? 4 : 0;
    if (entrySize === 0) {
      warn('REGF_BAD_LIST', `subkey list has an unknown signature ${JSON.stringify(sig)}`, span.start);
      return;
    }
    const room = Math.floor((span.end - span.start - 4) / entrySize);
    if (count > room) {
      warn('REGF_BAD_LIST', `subkey list claims ${count} entries but its cell holds ${room}`, span.start + 2);
      count = room;
    }
    for (let i = 0; i < count; i++) {
      const at = span.start + 4 + i * entrySize;
      const off = data.readUInt32LE(at);
      if (sig !== 'ri') {
        named++;
        if (out.length >= max) {
          cut++;
          continue;
        }
        if (seenKeys.has(off)) {
          if (keyRepeats++ === 0) firstKeyRepeat = at;
          continue;
        }
        seenKeys.add(off);
        out.push({ offset: off, at });
        continue;
      }
      if (insideRi) {
        warn('REGF_BAD_LIST', 'index root (ri) nested inside another index root; skipped', at);
        return;
      }
      if (seenSublists.has(off)) {
        if (repeats++ === 0) firstRepeat = at;
        continue;
      }
      seenSublists.add(off);
      const sub = cells.cell(off, 'subkey sublist', at);
      if (!sub) continue;
      const subSig = data.subarray(sub.start, sub.start + 2).toString('latin1');
      if (subSig === 'ri') {
        warn('REGF_BAD_LIST', 'index root (ri) nested inside another index root; skipped', at);
        continue;
      }
      readList(sub, true);
    }
  };
  readList(top, false);
  if (repeats > 0) warn('REGF_LIST_LOOP', `index root names the same sublist again ${repeats} time${repeats === 1 ? '' : 's'}; each sublist read once`, firstRepeat);
  if (keyRepeats > 0) warn('REGF_DUPLICATE_SUBKEY', `subkey list names a key it already named, ${keyRepeats} time${keyRepeats === 1 ? '' : 's'}; each key read once`, firstKeyRepeat);
  return { entries: out, named, cut };
}
