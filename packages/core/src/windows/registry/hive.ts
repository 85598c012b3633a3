import { AnalyzeError, Warnings, type Warning } from '../../errors.js';
import { readBaseBlock, filetimeToIso, type BaseBlock } from './base-block.js';
import { CellSpace } from './cells.js';
import { KEY_COMP_NAME, NK_FIXED_SIZE, nkParser, VALUE_COMP_NAME, VK_FIXED_SIZE, vkParser, type NkRecord, type VkRecord } from './layout.js';
import { subkeyOffsets } from './lists.js';
import { readValueData } from './value-data.js';
import { decodeValue, valueTypeName, type DecodedValue } from './value-types.js';
import { OffsetSet } from './offset-set.js';

export interface OpenHiveOptions {
  /** The file name for errors and warnings. */
  file?: string;
  /** Turn the first warning into an AnalyzeError (the global --strict). */
  strict?: boolean;
}

/** One value of a key. `data` is the raw bytes; `value()` decodes them by type. */
export interface RegValue {
  /** '' is the key's default value ("@" in .reg files). */
  name: string;
  type: number;
  data: Buffer;
  /** File offset of the vk record. */
  fileOffset: number;
}

/** Which values `RegKey.values` reads: a caller that needs a few small values copies no others. */
export interface ReadValuesOptions {
  /** Only the values of these names (uppercase); the others' data is not read. */
  names?: ReadonlySet<string>;
  /** Data bytes read per value at most; longer data is cut there with a REGF_VALUE_CUT warning. */
  maxData?: number;
}

/**
 * The REG_* name of a value's type.
 * @example typeName({ type: 2 }) // 'REG_EXPAND_SZ'
 */
export function typeName(v: { type: number }): string {
  return valueTypeName(v.type);
}

/**
 * A value's data decoded by its type (strings, DWORD, QWORD, multi-string, binary).
 * @example valueOf({ type: 4, data: Buffer.from([1, 0, 0, 0]) })
 */
export function valueOf(v: { type: number; data: Buffer }): DecodedValue {
  return decodeValue(v.type, v.data);
}

/**
 * A key, read lazily: constructing one parses only its nk record; subkeys and values are read when
 * asked for, so looking up one path in a large hive touches only the cells on that path.
 * @example const key = hive.get('Microsoft\\Windows NT\\CurrentVersion\\ProfileList');
 *   for (const sub of key?.subkeys() ?? []) console.log(sub.name, sub.values().length);
 */
export class RegKey {
  constructor(
    private readonly hive: Hive,
    /** Cell offset of the nk record. */
    readonly offset: number,
    readonly name: string,
    private readonly nk: NkRecord,
  ) {}

  /** File offset of the nk cell. */
  get fileOffset(): number {
    return 4096 + this.offset;
  }
  get lastWritten(): string | null {
    return filetimeToIso(this.nk.lastWritten);
  }
  /** Cell offset of the parent key as this key records it. */
  get parentOffset(): number {
    return this.nk.parent;
  }
  get subkeyCount(): number {
    return this.nk.subkeyCount;
  }
  get valueCount(): number {
    return this.nk.valueCount;
  }

  /** The subkeys in the order the hive lists them (sorted by uppercase name in a healthy hive). */
  subkeys(): RegKey[] {
    return this.hive.readSubkeys(this.offset, this.nk).keys;
  }

  /**
   * The first `max` subkeys, how many entries the subkey list has in all and how many were left unread
   * past the first `max` keys: a caller that analyses a bounded number of keys reads no more than that.
   */
  subkeysUpTo(max: number): { keys: RegKey[]; named: number; cut: number } {
    return this.hive.readSubkeys(this.offset, this.nk, max);
  }

  /** Case-insensitive lookup, as Windows does. */
  subkey(name: string): RegKey | undefined {
    const want = name.toUpperCase();
    return this.subkeys().find((k) => k.name.toUpperCase() === want);
  }

  /** The values in list order; with `options`, only some of them, each cut to a length (see ReadValuesOptions). */
  values(options: ReadValuesOptions = {}): RegValue[] {
    return this.hive.readValues(this.offset, this.nk, options);
  }

  value(name: string): RegValue | undefined {
    const want = name.toUpperCase();
    return this.values().find((v) => v.name.toUpperCase() === want);
  }
}

/** A read-only view of a regf hive held in memory. See docs/profiles.md for what is checked.
 * @example const hive = Hive.open(readFileSync('NTUSER.DAT'), { file: 'NTUSER.DAT' });
 *   const root = hive.root();
 */
export class Hive {
  readonly baseBlock: BaseBlock;
  private readonly cells: CellSpace;
  private readonly sink: Warnings;
  private readonly rootKey: RegKey;
  private entriesRead = 0;

  private constructor(
    readonly data: Buffer,
    readonly file: string | undefined,
    strict: boolean,
  ) {
    this.sink = new Warnings(strict, file);
    this.baseBlock = readBaseBlock(data, file);
    const bb = this.baseBlock;
    if (!bb.checksumOk) this.warn('REGF_BAD_CHECKSUM', `base block checksum is 0x${bb.checksum.toString(16)} but the header computes to 0x${bb.computedChecksum.toString(16)}; the header may be damaged`, 508);
    if (bb.dirty) this.warn('REGF_DIRTY', `hive was not cleanly written (sequence numbers ${bb.primarySequence} and ${bb.secondarySequence} differ); changes still in its .LOG1/.LOG2 files are missing`, 4);
    this.cells = new CellSpace(data, bb.hiveBinsDataSize, this.warn);
    const root = this.readKey(bb.rootCellOffset, 36);
    if (!root) {
      throw new AnalyzeError('REGF_BAD_ROOT', `the root key (cell 0x${bb.rootCellOffset.toString(16)}) cannot be read; nothing in the hive is reachable`, { file, offset: 4096 + bb.rootCellOffset });
    }
    this.rootKey = root;
  }

  /** Parse a hive. Throws AnalyzeError (REGF_*) when nothing can be read; damage below the root becomes warnings. */
  static open(data: Buffer, options: OpenHiveOptions = {}): Hive {
    return new Hive(data, options.file, options.strict ?? false);
  }

  get warnings(): Warning[] {
    return this.sink.list;
  }

  /**
   * Value-list entries walked so far, repeats and values of other names included. Keys can share one value
   * list, so reading the values of many keys costs this, not the size of what they return: a caller that
   * reads many keys charges it to a budget (profiles: MAX_PROFILE_LIST_VALUE_ENTRIES).
   */
  get valueEntriesRead(): number {
    return this.entriesRead;
  }

  /** Recoverable damage: a coded warning with the file offset. In strict mode this throws. */
  readonly warn = (code: string, message: string, fileOffset: number): void => {
    this.sink.warn(code, message, fileOffset); // capped there (MAX_WARNINGS, then one WARNINGS_CAPPED)
  };

  root(): RegKey {
    return this.rootKey;
  }

  /** Look a key up by a backslash-separated path below the root (case-insensitive). */
  get(path: string): RegKey | undefined {
    return this.chain(path)?.at(-1);
  }

  /**
   * The keys from the root down to `path` (case-insensitive), or undefined when a step is missing. A subkey
   * list on the way that names the key itself or one above it is a loop: warned (REGF_KEY_LOOP) and skipped,
   * as walkKeys does, since the slot it took held a real key that is now lost.
   */
  chain(path: string): RegKey[] | undefined {
    const keys = [this.rootKey];
    let shown = '';
    for (const part of path.split('\\').filter((p) => p !== '')) {
      const want = part.toUpperCase();
      let next: RegKey | undefined;
      for (const child of this.loopFreeSubkeys(keys[keys.length - 1]!, keys, shown || '\\')) {
        if (!next && child.name.toUpperCase() === want) next = child;
      }
      if (!next) return undefined;
      keys.push(next);
      shown += `\\${next.name}`;
    }
    return keys;
  }

  /** The subkeys of `key` (the last of `chain`) without those that are `key` itself or above it, each warned. */
  loopFreeSubkeys(key: RegKey, chain: readonly RegKey[], shown: string, keys: RegKey[] = key.subkeys()): RegKey[] {
    return keys.filter((child) => {
      if (!chain.some((k) => k.offset === child.offset)) return true;
      this.warn('REGF_KEY_LOOP', `subkey list of ${shown} names key ${JSON.stringify(child.name)} (cell 0x${child.offset.toString(16)}) that was already reached; not followed again`, child.fileOffset);
      return false;
    });
  }

  /** The nk at cell `offset`, or undefined (with a warning) when it is not a readable key. `from` = file offset of the pointer. */
  readKey(offset: number, from: number): RegKey | undefined {
    const cell = this.cells.cell(offset, 'key', from);
    if (!cell) return undefined;
    if (cell.end - cell.start < NK_FIXED_SIZE) {
      this.warn('REGF_BAD_KEY', `key cell at 0x${offset.toString(16)} is too small for a key record`, cell.start);
      return undefined;
    }
    const nk = nkParser.parse(this.data.subarray(cell.start, cell.start + NK_FIXED_SIZE)) as NkRecord;
    if (nk.signature !== 'nk') {
      this.warn('REGF_BAD_KEY', `expected a key record ("nk") at 0x${offset.toString(16)}, found ${JSON.stringify(nk.signature)}`, cell.start);
      return undefined;
    }
    const nameStart = cell.start + NK_FIXED_SIZE;
    if (nameStart + nk.nameLength > cell.end) {
      this.warn('REGF_BAD_NAME', `key name claims ${nk.nameLength} bytes, past the end of its cell; key skipped`, cell.start + 72);
      return undefined;
    }
    const raw = this.data.subarray(nameStart, nameStart + nk.nameLength);
    const name = nk.flags & KEY_COMP_NAME ? raw.toString('latin1') : raw.subarray(0, raw.length - (raw.length % 2)).toString('utf16le');
    return new RegKey(this, offset, name, nk);
  }

  /** @internal used by RegKey */
  readSubkeys(offset: number, nk: NkRecord, max = Infinity): { keys: RegKey[]; named: number; cut: number } {
    if (nk.subkeyCount === 0 || nk.subkeyListOffset === 0xffffffff) return { keys: [], named: 0, cut: 0 };
    const from = 4096 + offset + 4 + 28;
    const { entries, named, cut } = subkeyOffsets(this.cells, nk.subkeyListOffset, from, this.warn, max);
    if (named !== nk.subkeyCount) {
      this.warn('REGF_SUBKEY_COUNT', `key at 0x${offset.toString(16)} claims ${nk.subkeyCount} subkeys; its list names ${named}`, 4096 + offset + 4 + 20);
    }
    const keys: RegKey[] = [];
    for (const e of entries) {
      const k = this.readKey(e.offset, e.at);
      if (k) keys.push(k);
    }
    return { keys, named, cut };
  }

  /** @internal used by RegKey */
  readValues(offset: number, nk: NkRecord, options: ReadValuesOptions = {}): RegValue[] {
    if (nk.valueCount === 0 || nk.valueListOffset === 0xffffffff) return [];
    const list = this.cells.cell(nk.valueListOffset, 'value list', 4096 + offset + 4 + 40);
    if (!list) return [];
    let count = nk.valueCount;
    const room = Math.floor((list.end - list.start) / 4);
    if (count > room) {
      this.warn('REGF_BAD_LIST', `key at 0x${offset.toString(16)} claims ${count} values; its value list holds ${room}`, 4096 + offset + 4 + 36);
      count = room;
    }
    this.entriesRead += count;
    // A value named twice (damage: Windows never lists one twice) is read once; 60,000 copies of one
    // value with 16,000 bytes of data otherwise cost 543 MB.
    const seen = new OffsetSet();
    let repeats = 0;
    let firstRepeat = 0;
    const out: RegValue[] = [];
    for (let i = 0; i < count; i++) {
      const at = list.start + i * 4;
      const vkOffset = this.data.readUInt32LE(at);
      if (seen.has(vkOffset)) {
        if (repeats++ === 0) firstRepeat = at;
        continue;
      }
      seen.add(vkOffset);
      const v = this.readValue(vkOffset, at, options);
      if (v) out.push(v);
    }
    if (repeats > 0) this.warn('REGF_DUPLICATE_VALUE', `value list of key at 0x${offset.toString(16)} names a value it already named, ${repeats} time${repeats === 1 ? '' : 's'}; each value read once`, firstRepeat);
    return out;
  }

  private readValue(offset: number, from: number, options: ReadValuesOptions): RegValue | undefined {
    const cell = this.cells.cell(offset, 'value', from);
    if (!cell) return undefined;
    if (cell.end - cell.start < VK_FIXED_SIZE) {
      this.warn('REGF_BAD_VALUE', `value cell at 0x${offset.toString(16)} is too small for a value record`, cell.start);
      return undefined;
    }
    const vk = vkParser.parse(this.data.subarray(cell.start, cell.start + VK_FIXED_SIZE)) as VkRecord;
    if (vk.signature !== 'vk') {
      this.warn('REGF_BAD_VALUE', `expected a value record ("vk") at 0x${offset.toString(16)}, found ${JSON.stringify(vk.signature)}`, cell.start);
      return undefined;
    }
    const nameStart = cell.start + VK_FIXED_SIZE;
    if (nameStart + vk.nameLength > cell.end) {
      this.warn('REGF_BAD_NAME', `value name claims ${vk.nameLength} bytes, past the end of its cell; value skipped`, cell.start + 2);
      return undefined;
    }
    const raw = this.data.subarray(nameStart, nameStart + vk.nameLength);
    const name = vk.flags & VALUE_COMP_NAME ? raw.toString('latin1') : raw.subarray(0, raw.length - (raw.length % 2)).toString('utf16le');
    if (options.names && !options.names.has(name.toUpperCase())) return undefined;
    const data = readValueData(this.cells, vk.dataSize, vk.dataOffset, cell.start + 4, this.warn, options.maxData);
    return { name, type: vk.type, data, fileOffset: cell.start - 4 };
  }
}
