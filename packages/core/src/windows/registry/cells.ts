import { BASE_BLOCK_SIZE, HBIN_ALIGN, HBIN_HEADER_SIZE, hbinParser, NO_OFFSET, type HbinRecord } from './layout.js';

/** Where a cell's body lies in the file: [start, end) in file offsets, after the 4-byte size field. */
export interface CellSpan {
  /** The cell offset as stored in the hive (relative to the hive-bins data). */
  offset: number;
  start: number;
  end: number;
}

/** How a hive reports a recoverable problem (code, message, file offset of the damage). */
export type Warn = (code: string, message: string, fileOffset: number) => void;

/**
 * The hive-bins area: a map of the hbins found (checked once, at open; only their 32-byte headers are
 * read) and bounds-checked access to cells. Every cell offset read from the file goes through `cell()`,
 * which checks it lies inside one hbin, that the cell is allocated and that it ends inside that hbin.
 */
export class CellSpace {
  /** Start and end (file offsets) of each good hbin, ascending. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** File offset where readable hive-bins data stops. */
  readonly dataEnd: number;

  constructor(
    readonly data: Buffer,
    declaredDataSize: number,
    private readonly warn: Warn,
  ) {
    const declaredEnd = BASE_BLOCK_SIZE + declaredDataSize;
    let end = declaredEnd;
    if (declaredDataSize === 0 || declaredDataSize % HBIN_ALIGN !== 0) {
      warn('REGF_BAD_DATA_SIZE', `the base block declares ${declaredDataSize} bytes of hive bins (not a positive multiple of ${HBIN_ALIGN}); using the file size`, 40);
      end = data.length;
    } else if (declaredEnd > data.length) {
      warn('REGF_TRUNCATED', `the file ends ${declaredEnd - data.length} bytes before the hive bins the base block declares; keys stored there are missing`, data.length);
      end = data.length;
    }
    // A damaged bin (zeroed or overwritten) is skipped: the scan resumes at the next 4 KiB boundary
    // holding an "hbin" header whose offset field names its own position, so the bins after the
    // damage stay readable and only cells inside the gap are lost.
    let pos = BASE_BLOCK_SIZE;
    let gapStart = -1;
    const closeGap = (at: number): void => {
      if (gapStart < 0) return;
      warn('REGF_BAD_HBIN', `${at - gapStart} bytes of damaged hive bins (no valid "hbin" header) skipped; keys and values stored there are lost`, gapStart);
      gapStart = -1;
    };
    while (pos + HBIN_HEADER_SIZE <= end) {
      const h = hbinParser.parse(data.subarray(pos, pos + 12)) as HbinRecord;
      const good = h.signature === 'hbin' && h.size >= HBIN_ALIGN && h.size % HBIN_ALIGN === 0 && (gapStart < 0 || h.offset === pos - BASE_BLOCK_SIZE);
      if (!good) {
        if (gapStart < 0) gapStart = pos;
        pos += HBIN_ALIGN;
        continue;
      }
      closeGap(pos);
      let binEnd = pos + h.size;
      if (binEnd > end) {
        warn('REGF_TRUNCATED', `hive bin runs ${binEnd - end} bytes past the end of the hive data`, end);
        binEnd = end;
      }
      this.starts.push(pos);
      this.ends.push(binEnd);
      pos = binEnd;
    }
    closeGap(Math.min(pos, end));
    this.dataEnd = this.ends.length === 0 ? BASE_BLOCK_SIZE : this.ends[this.ends.length - 1]!;
  }

  get hbinCount(): number {
    return this.starts.length;
  }

  /** The hbin [start, end) holding file offset `abs`, or undefined. */
  private binOf(abs: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (abs < this.starts[mid]!) hi = mid - 1;
      else if (abs >= this.ends[mid]!) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /**
   * The allocated cell at `offset`, or undefined (after a warning naming `what` and `from`, the file
   * offset of the field that pointed here) when the offset or the cell is not valid.
   */
  cell(offset: number, what: string, from: number): CellSpan | undefined {
    if (offset === NO_OFFSET) return undefined;
    const abs = BASE_BLOCK_SIZE + offset;
    if (offset % 4 !== 0 || abs >= this.dataEnd) {
      this.warn('REGF_BAD_OFFSET', `${what} offset 0x${offset.toString(16)} points ${abs >= this.dataEnd ? 'past the end of the hive data' : 'at a misaligned address'}`, from);
      return undefined;
    }
    const bin = this.binOf(abs);
    if (bin < 0 || abs < this.starts[bin]! + HBIN_HEADER_SIZE || abs + 4 > this.ends[bin]!) {
      this.warn('REGF_BAD_OFFSET', `${what} offset 0x${offset.toString(16)} does not point at a cell inside a hive bin`, from);
      return undefined;
    }
    const size = this.data.readInt32LE(abs);
    if (size >= 0) {
      this.warn('REGF_FREE_CELL', `${what} offset 0x${offset.toString(16)} points at a free (unallocated) cell`, abs);
      return undefined;
    }
    const length = -size;
    if (length < 8 || abs + length > this.ends[bin]!) {
      this.warn('REGF_BAD_CELL', `${what} cell at 0x${offset.toString(16)} claims ${length} bytes, which do not fit in its hive bin`, abs);
      return undefined;
    }
    return { offset, start: abs + 4, end: abs + length };
  }
}
