import { crc32 } from 'node:zlib';
import type { EvtxFileHeader } from './types.js';

/** The file header block: 4096 bytes, of which the first 128 hold fields (libevtx "file header"). */
export const FILE_HEADER_SIZE = 4096;
/** Bytes covered by the file header CRC32 (stored at offset 124). */
const HEADER_CRC_SPAN = 120;
const FILE_MAGIC = 'ElfFile\0';

export const FLAG_DIRTY = 0x1;
export const FLAG_FULL = 0x2;
export const FLAG_NO_CRC = 0x4;

/**
 * True when the bytes start with the `ElfFile\0` signature.
 * @example isEvtxHeader(readHead('System.evtx', 8)) // true
 */
export function isEvtxHeader(b: Uint8Array): boolean {
  return b.length >= 8 && Buffer.from(b.buffer, b.byteOffset, 8).toString('latin1') === FILE_MAGIC;
}

/**
 * Parse the 128 meaningful bytes of the file header. Returns null when the signature is missing
 * (not an EVTX file); field sanity is left to the caller, which warns.
 * @example parseFileHeader(readHead('System.evtx', 4096))?.dirty // true for a log still open
 */
export function parseFileHeader(b: Buffer): EvtxFileHeader | null {
  if (b.length < 128 || !isEvtxHeader(b)) return null;
  const flags = b.readUInt32LE(120);
  return {
    firstChunk: Number(b.readBigUInt64LE(8)),
    lastChunk: Number(b.readBigUInt64LE(16)),
    nextRecordId: Number(b.readBigUInt64LE(24)),
    minorVersion: b.readUInt16LE(36),
    majorVersion: b.readUInt16LE(38),
    chunkCount: b.readUInt16LE(42),
    flags,
    dirty: (flags & FLAG_DIRTY) !== 0,
    full: (flags & FLAG_FULL) !== 0,
    noCrc: (flags & FLAG_NO_CRC) !== 0,
    crcOk: crc32(b.subarray(0, HEADER_CRC_SPAN)) === b.readUInt32LE(124),
  };
}
