/**
 * Chunk (libevtx "chunk"): 64 KiB holding a 512-byte header (signature `ElfChnk\0`, record number and id
 * ranges, offsets, CRC32s, the string and template offset tables) and event records back to back.
 *
 * Damage is a warning with the file offset: a bad signature skips the chunk; a CRC mismatch is reported
 * and the chunk is read anyway (each record is still checked on its own); a record that cannot be read is
 * skipped and reading resumes at the next record signature. (analyzeEvents makes the first damage that lost
 * records the log's error: damage.ts.)
 */
import { crc32 } from 'node:zlib';
import type { Warnings } from '../errors.js';
import { BinXmlError, ChunkBinXml } from './binxml.js';
import { decodeRecord, MAX_RECORD_CHARS, RECORD_MAGIC, RECORD_MIN_SIZE, TRUNCATED_MARK } from './record.js';
import type { EvtxRecord, EvtxStats } from './types.js';

export const CHUNK_SIZE = 0x10000;
export const CHUNK_HEADER_SIZE = 512;
/** The chunk header CRC covers bytes 0-120 and 128-512 (120-128 hold the flags and the CRC itself). */
const HEADER_CRC_PART1 = 120;
const HEADER_CRC_PART2 = 128;

/** `ElfChnk\0` as two little-endian words. */
const CHUNK_MAGIC_LO = 0x43666c45; // "ElfC"
const CHUNK_MAGIC_HI = 0x006b6e68; // "hnk\0"

export interface ChunkOptions {
  warnings: Warnings;
  /** False when the file header says the writer keeps no CRC32s (flag 0x4). */
  checkCrc: boolean;
  onRecord: (r: EvtxRecord) => void;
}

function allZero(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 0) return false;
  return true;
}

/** Next offset at or after `from` holding a record signature, or -1. */
function nextRecordSignature(b: Buffer, from: number, end: number): number {
  for (let i = b.indexOf(0x2a, from); i >= 0 && i + 4 <= end; i = b.indexOf(0x2a, i + 1)) {
    if (b.readUInt32LE(i) === RECORD_MAGIC) return i;
  }
  return -1;
}

/** The record at chunk offset `o` renders more than MAX_RECORD_CHARS: say so (it is still passed on). */
function warnCut(w: Warnings, b: Buffer, o: number, fileOffset: number): void {
  const n = Number(b.readBigUInt64LE(o + 8));
  w.warn('EVTX_RECORD_TEXT_LIMIT', `event record ${n} renders more than ${MAX_RECORD_CHARS} characters (real ones a few thousand): values cut there, marked ${TRUNCATED_MARK}, the rest left out`, fileOffset + o);
}

/** Read one 64 KiB chunk at `fileOffset`, passing each record to `onRecord`. */
export function readChunk(b: Buffer, fileOffset: number, opts: ChunkOptions, stats: EvtxStats): void {
  const w = opts.warnings;
  if (b.readUInt32LE(0) !== CHUNK_MAGIC_LO || b.readUInt32LE(4) !== CHUNK_MAGIC_HI) {
    if (allZero(b, 0, CHUNK_SIZE)) {
      stats.chunksEmpty++;
      return;
    }
    stats.chunksSkipped++;
    w.warn('EVTX_CHUNK_SIGNATURE', `chunk ${(fileOffset - 4096) / CHUNK_SIZE} has no ElfChnk signature; skipped`, fileOffset);
    return;
  }
  stats.chunks++;
  if (opts.checkCrc) {
    const headerCrc = crc32(b.subarray(HEADER_CRC_PART2, CHUNK_HEADER_SIZE), crc32(b.subarray(0, HEADER_CRC_PART1)));
    if (headerCrc !== b.readUInt32LE(124)) w.warn('EVTX_CHUNK_HEADER_CRC', `chunk header CRC32 mismatch; chunk read anyway`, fileOffset);
  }
  let end = b.readUInt32LE(48); // free space offset: where the records end
  if (end < CHUNK_HEADER_SIZE || end > CHUNK_SIZE) {
    w.warn('EVTX_CHUNK_FREE_OFFSET', `chunk free-space offset ${end} is outside the chunk; records read up to its end`, fileOffset + 48);
    end = CHUNK_SIZE;
  } else if (opts.checkCrc && crc32(b.subarray(CHUNK_HEADER_SIZE, end)) !== b.readUInt32LE(52)) {
    w.warn('EVTX_CHUNK_DATA_CRC', `chunk records CRC32 mismatch; records read anyway, each checked on its own`, fileOffset);
  }
  const bx = new ChunkBinXml(b);
  let o = CHUNK_HEADER_SIZE;
  while (o + RECORD_MIN_SIZE <= end) {
    const size = b.readUInt32LE(o + 4);
    const ok = b.readUInt32LE(o) === RECORD_MAGIC && size >= RECORD_MIN_SIZE && o + size <= CHUNK_SIZE && b.readUInt32LE(o + size - 4) === size;
    if (!ok) {
      if (allZero(b, o, end)) break;
      stats.recordsDamaged++;
      const next = nextRecordSignature(b, o + 4, end);
      w.warn('EVTX_RECORD_HEADER', `bad event record header (signature or size); ${next < 0 ? 'rest of the chunk skipped' : `skipped ${next - o} bytes to the next record`}`, fileOffset + o);
      if (next < 0) break;
      o = next;
      continue;
    }
    try {
      opts.onRecord(decodeRecord(bx, o, size, fileOffset + o, () => warnCut(w, b, o, fileOffset)));
      stats.records++;
    } catch (e) {
      if (!(e instanceof BinXmlError)) throw e;
      stats.recordsDamaged++;
      if (e.wholeChunk) {
        w.warn('EVTX_CHUNK_WORK', e.message, fileOffset + o);
        return;
      }
      w.warn('EVTX_RECORD_BINXML', `event record ${Number(b.readBigUInt64LE(o + 8))}: ${e.message}; record skipped`, fileOffset + (e.chunkOffset || o));
    }
    o += size;
  }
}
