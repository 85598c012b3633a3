/**
 * The fixed records of the regf format, as binary-parser parsers, plus the format's constants.
 * Layout: msuhanov/regf "Windows registry file format specification" and libyal/libregf (see
 * docs/profiles.md). All integers are little-endian. "Cell offsets" are relative to the start of the
 * hive-bins data, i.e. file offset = BASE_BLOCK_SIZE + cell offset.
 *
 * binary-parser is used for the records whose layout is fixed (base block, hbin header, nk and vk
 * headers). Variable parts (names, subkey lists, value lists, data, big-data segments) are read with
 * plain Buffer reads after a bounds check, because each of their lengths and counts must be checked
 * against the enclosing cell before anything is read, which a declarative parser would do too late.
 */
// The package's ESM entry ships no type declarations; its CommonJS build does (same code).
import { Parser } from 'binary-parser/dist/binary_parser.js';

/** The base block ("header") is the first 4096 bytes; hive bins start right after it. */
export const BASE_BLOCK_SIZE = 4096;
/** hbin sizes are multiples of this. */
export const HBIN_ALIGN = 4096;
export const HBIN_HEADER_SIZE = 32;
/** "No cell" in offset fields. */
export const NO_OFFSET = 0xffffffff;
/** Size of the fixed part of an nk record (name follows). */
export const NK_FIXED_SIZE = 76;
/** Size of the fixed part of a vk record (name follows). */
export const VK_FIXED_SIZE = 20;
/** A big-data (db) segment holds at most this many bytes of value data (all but the last hold exactly this). */
export const BIG_DATA_SEGMENT = 16344;
/** Windows limits registry trees to 512 levels (Microsoft "Registry Element Size Limits"); deeper is corruption or a loop. */
export const MAX_KEY_DEPTH = 512;
/** Bit 31 of a vk data size: the data (at most 4 bytes) sits in the data-offset field itself. */
export const VK_DATA_INLINE = 0x80000000;

/** nk flags. */
export const KEY_HIVE_ENTRY = 0x0004;
/** Key name stored as Latin-1 ("compressed") rather than UTF-16LE. */
export const KEY_COMP_NAME = 0x0020;
/** vk flags: value name stored as Latin-1. */
export const VALUE_COMP_NAME = 0x0001;

export interface BaseBlockRecord {
  signature: string;
  primarySequence: number;
  secondarySequence: number;
  lastWritten: bigint;
  major: number;
  minor: number;
  fileType: number;
  fileFormat: number;
  rootCellOffset: number;
  hiveBinsDataSize: number;
  clusteringFactor: number;
  fileName: Buffer;
  checksum: number;
}

export const baseBlockParser = new Parser()
  .endianness('little')
  .string('signature', { length: 4, encoding: 'latin1' })
  .uint32('primarySequence')
  .uint32('secondarySequence')
  .uint64('lastWritten')
  .uint32('major')
  .uint32('minor')
  .uint32('fileType')
  .uint32('fileFormat')
  .uint32('rootCellOffset')
  .uint32('hiveBinsDataSize')
  .uint32('clusteringFactor')
  .buffer('fileName', { length: 64 })
  .seek(508 - 112)
  .uint32('checksum');

export interface HbinRecord {
  signature: string;
  offset: number;
  size: number;
}

export const hbinParser = new Parser().endianness('little').string('signature', { length: 4, encoding: 'latin1' }).uint32('offset').uint32('size');

export interface NkRecord {
  signature: string;
  flags: number;
  lastWritten: bigint;
  parent: number;
  subkeyCount: number;
  volatileSubkeyCount: number;
  subkeyListOffset: number;
  volatileSubkeyListOffset: number;
  valueCount: number;
  valueListOffset: number;
  securityOffset: number;
  classOffset: number;
  nameLength: number;
  classLength: number;
}

/** nk: offsets are from the start of the cell body (after the 4-byte cell size). */
export const nkParser = new Parser()
  .endianness('little')
  .string('signature', { length: 2, encoding: 'latin1' })
  .uint16('flags')
  .uint64('lastWritten')
  .seek(4) // access bits
  .uint32('parent')
  .uint32('subkeyCount')
  .uint32('volatileSubkeyCount')
  .uint32('subkeyListOffset')
  .uint32('volatileSubkeyListOffset')
  .uint32('valueCount')
  .uint32('valueListOffset')
  .uint32('securityOffset')
  .uint32('classOffset')
  .seek(20) // largest subkey name/class, value name/data lengths, work var
  .uint16('nameLength')
  .uint16('classLength');

export interface VkRecord {
  signature: string;
  nameLength: number;
  dataSize: number;
  dataOffset: number;
  type: number;
  flags: number;
}

export const vkParser = new Parser()
  .endianness('little')
  .string('signature', { length: 2, encoding: 'latin1' })
  .uint16('nameLength')
  .uint32('dataSize')
  .uint32('dataOffset')
  .uint32('type')
  .uint16('flags')
  .seek(2);
