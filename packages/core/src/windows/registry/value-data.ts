import type { CellSpace, Warn } from './cells.js';
import { BIG_DATA_SEGMENT, VK_DATA_INLINE } from './layout.js';
import { OffsetSet } from './offset-set.js';

/**
 * A value's data bytes. Inline data (<= 4 bytes) sits in the vk's offset field; data over 16344 bytes
 * in a `db` cell is split in segments; otherwise it is one cell. The claimed size is checked against
 * the cell (or the segments) before any copy, so a huge claimed size costs nothing: the data is cut
 * to what the file holds, with a warning.
 *
 * @param sizeAt file offset of the vk's data-size field (for warnings)
 * @param maxData bytes read at most; longer data is cut there with a REGF_VALUE_CUT warning
 */
export function readValueData(cells: CellSpace, rawSize: number, dataOffset: number, sizeAt: number, warn: Warn, maxData = Infinity): Buffer {
  const data = cells.data;
  const inline = (rawSize & VK_DATA_INLINE) !== 0;
  let length = rawSize & 0x7fffffff;
  if (inline) {
    if (length > 4) {
      warn('REGF_BAD_VALUE_SIZE', `inline value data claims ${length} bytes (at most 4 fit); using 4`, sizeAt);
      length = 4;
    }
    return Buffer.from(data.subarray(sizeAt + 4, sizeAt + 4 + length));
  }
  if (length === 0) return Buffer.alloc(0);
  const cell = cells.cell(dataOffset, 'value data', sizeAt + 4);
  if (!cell) return Buffer.alloc(0);
  const body = cell.end - cell.start;
  if (length > BIG_DATA_SEGMENT && body >= 8 && data.subarray(cell.start, cell.start + 2).toString('latin1') === 'db') {
    return readBigData(cells, cell.start, length, sizeAt, warn, maxData);
  }
  if (length > body) {
    warn('REGF_VALUE_TRUNCATED', `value data claims ${length} bytes but its cell holds ${body}; cut to the cell`, sizeAt);
    length = body;
  }
  length = cutTo(length, maxData, sizeAt, warn);
  return Buffer.from(data.subarray(cell.start, cell.start + length));
}

/** `length`, or `maxData` with a warning when it is longer. */
function cutTo(length: number, maxData: number, sizeAt: number, warn: Warn): number {
  if (length <= maxData) return length;
  warn('REGF_VALUE_CUT', `value data of ${length} bytes is longer than the ${maxData} read; cut there`, sizeAt);
  return maxData;
}

/**
 * Big data: a `db` record and a list of segments. A segment named twice (damage: each holds its own part
 * of the value) ends the value there with REGF_DUPLICATE_SEGMENT, so a value holds at most what the
 * file holds: a list naming one 16,344-byte segment 65,535 times otherwise made 1 GB from a 280 KB file.
 */
function readBigData(cells: CellSpace, dbStart: number, length: number, sizeAt: number, warn: Warn, maxData: number): Buffer {
  const data = cells.data;
  const segments = data.readUInt16LE(dbStart + 2);
  const listOffset = data.readUInt32LE(dbStart + 4);
  if (length > segments * BIG_DATA_SEGMENT) {
    warn('REGF_VALUE_TRUNCATED', `big-data value claims ${length} bytes but has ${segments} segments of at most ${BIG_DATA_SEGMENT}`, sizeAt);
    length = segments * BIG_DATA_SEGMENT;
  }
  const list = cells.cell(listOffset, 'big-data segment list', dbStart + 4);
  if (!list) return Buffer.alloc(0);
  let count = segments;
  const room = Math.floor((list.end - list.start) / 4);
  if (count > room) {
    warn('REGF_BAD_LIST', `big-data segment list claims ${count} segments but its cell holds ${room}`, list.start);
    count = room;
  }
  const wanted = length;
  length = cutTo(length, maxData, sizeAt, warn);
  // Collect the segment spans first: the copy is allocated from what the segments hold, never from the claimed size.
  const parts: Buffer[] = [];
  const seen = new OffsetSet();
  let got = 0;
  for (let i = 0; i < count && got < length; i++) {
    const at = list.start + i * 4;
    const segOffset = data.readUInt32LE(at);
    if (seen.has(segOffset)) {
      warn('REGF_DUPLICATE_SEGMENT', `big-data segment list names segment 0x${segOffset.toString(16)} again; the value ends there`, at);
      break;
    }
    seen.add(segOffset);
    const seg = cells.cell(segOffset, 'big-data segment', at);
    if (!seg) break;
    const take = Math.min(length - got, BIG_DATA_SEGMENT, seg.end - seg.start);
    parts.push(data.subarray(seg.start, seg.start + take));
    got += take;
  }
  if (got < length) warn('REGF_VALUE_TRUNCATED', `big-data value claims ${wanted} bytes; ${got} could be read`, sizeAt);
  return Buffer.concat(parts, got);
}
