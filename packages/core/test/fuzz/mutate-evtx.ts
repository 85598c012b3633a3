/**
 * Structure-aware mutations of .evtx files (libevtx layout, see packages/core/src/events/): the fields of
 * a chunk header, record sizes (and their trailing copy), BinXML token bytes, the string/template offset
 * tables and template instance offsets, string lengths and template data sizes. Half the time the CRC32s
 * (file header, chunk header, chunk records) are fixed up so the reader takes the damage at its word;
 * otherwise they are left stale.
 */
import { crc32 } from 'node:zlib';
import { BINARY, type Mutation, type Rng } from './mutate.js';

const FILE_HEADER = 4096;
const CHUNK = 0x10000;
const CHUNK_HEADER = 512;
const RECORD_MAGIC = 0x00002a2a;
/** Chunk header fields (offset, width): record numbers and ids, header size, last record / free space offsets, flags. */
const CHUNK_FIELDS: [number, 4 | 8][] = [[8, 8], [16, 8], [24, 8], [32, 8], [40, 4], [44, 4], [48, 4], [120, 4]];
const VALUES_32 = [0, 1, 4, 0x1c, 0x80, 0x1ff, 0x200, 0x201, 0xfffc, 0xffff, 0x10000, 0x10001, 0x7fffffff, 0xffffffff];

function chunks(d: Buffer): number[] {
  const at: number[] = [];
  for (let c = FILE_HEADER; c + CHUNK_HEADER <= d.length; c += CHUNK) if (d.toString('latin1', c, c + 7) === 'ElfChnk') at.push(c);
  return at;
}

function records(d: Buffer, chunk: number): number[] {
  const at: number[] = [];
  const end = Math.min(d.length - 8, chunk + CHUNK);
  for (let i = chunk + CHUNK_HEADER; i < end; ) {
    if (d.readUInt32LE(i) !== RECORD_MAGIC) {
      i += 8;
      continue;
    }
    at.push(i);
    const size = d.readUInt32LE(i + 4);
    i += size >= 28 && size < CHUNK ? size : 8;
  }
  return at;
}

/** Recompute the file header CRC and, for every chunk, the records CRC and the header CRC. */
export function fixCrcs(d: Buffer): Buffer {
  if (d.length >= 128 && d.toString('latin1', 0, 7) === 'ElfFile') d.writeUInt32LE(crc32(d.subarray(0, 120)), 124);
  for (const c of chunks(d)) {
    const free = d.readUInt32LE(c + 48);
    if (free >= CHUNK_HEADER && c + free <= d.length) d.writeUInt32LE(crc32(d.subarray(c + CHUNK_HEADER, c + free)), c + 52);
    d.writeUInt32LE(crc32(d.subarray(c + 128, c + CHUNK_HEADER), crc32(d.subarray(c, c + 120))), c + 124);
  }
  return d;
}

function value32(r: Rng, near: number): number {
  return r.int(3) === 0 ? (near + r.int(64) - 32) >>> 0 : r.pick(VALUES_32);
}

/** A structure-aware edit; falls back to a plain binary mutation when the input has no chunk left. */
function evtxEdit(edit: (b: Buffer, chunk: number, r: Rng) => void): Mutation {
  return (d, r) => {
    const cs = chunks(d);
    if (cs.length === 0) return r.pick(BINARY)(d, r);
    const b = Buffer.from(d);
    edit(b, r.pick(cs), r);
    return r.int(2) === 0 ? fixCrcs(b) : b;
  };
}

const chunkHeaderField = evtxEdit((b, c, r) => {
  const [off, width] = r.pick(CHUNK_FIELDS);
  if (width === 8) b.writeBigUInt64LE(r.pick([0n, 1n, 0xffffffffffffffffn, 0x8000000000000000n, b.readBigUInt64LE(c + off) + BigInt(r.int(5)) - 2n].map((v) => BigInt.asUintN(64, v))), c + off);
  else b.writeUInt32LE(value32(r, b.readUInt32LE(c + off)), c + off);
});

const recordSize = evtxEdit((b, c, r) => {
  const rs = records(b, c);
  if (rs.length === 0) return;
  const at = r.pick(rs);
  const size = b.readUInt32LE(at + 4);
  const v = value32(r, size);
  if (r.int(3) !== 0) b.writeUInt32LE(v, at + 4);
  // the trailing copy of the size, alone or together with the leading one
  if (r.int(2) === 0 && size >= 28 && at + size <= b.length) b.writeUInt32LE(v, at + size - 4);
});

/** BinXML token bytes: 0x00-0x0f and the "has more data/attributes" variants (0x40 | token). */
const binXmlToken = evtxEdit((b, c, r) => {
  const rs = records(b, c);
  if (rs.length === 0) return;
  const at = r.pick(rs);
  const size = b.readUInt32LE(at + 4);
  const end = Math.min(b.length, at + (size >= 28 && size < CHUNK ? size - 4 : 64));
  for (let n = 1 + r.int(4); n > 0; n--) {
    const i = at + 24 + r.int(Math.max(1, end - at - 24));
    if (i < b.length) b[i] = r.int(4) === 0 ? r.int(256) : r.int(0x10) | (r.int(2) << 6);
  }
});

/** The string (128-384) and template (384-512) offset tables, or the offset of a template instance (token 0x0c). */
const templateOffset = evtxEdit((b, c, r) => {
  if (r.int(2) === 0) {
    const slot = c + 128 + 4 * r.int(96);
    b.writeUInt32LE(value32(r, b.readUInt32LE(slot)), slot);
    return;
  }
  const rs = records(b, c);
  const instances: number[] = [];
  for (const at of rs) for (let i = b.indexOf(0x0c, at + 24); i >= 0 && i < Math.min(b.length - 10, at + 512); i = b.indexOf(0x0c, i + 1)) instances.push(i);
  if (instances.length === 0) return;
  const i = r.pick(instances);
  b.writeUInt32LE(value32(r, b.readUInt32LE(i + 6)), i + 6);
});

/** A string's character count (entry +6) or a template's data size (definition +20), found through the tables. */
const stringLength = evtxEdit((b, c, r) => {
  const table = r.int(2) === 0 ? 128 : 384;
  const slots = table === 128 ? 64 : 32;
  const offsets: number[] = [];
  for (let s = 0; s < slots; s++) {
    const o = b.readUInt32LE(c + table + 4 * s);
    if (o >= CHUNK_HEADER && o < CHUNK - 24 && c + o + 24 <= b.length) offsets.push(o);
  }
  if (offsets.length === 0) return;
  const o = c + r.pick(offsets);
  if (table === 128) b.writeUInt16LE(r.pick([0, 1, 0x7fff, 0xffff, b.readUInt16LE(o + 6) + 1, b.readUInt16LE(o + 6) * 2 + 1]) & 0xffff, o + 6);
  else b.writeUInt32LE(value32(r, b.readUInt32LE(o + 20)), o + 20);
});

/** A whole chunk duplicated, dropped or cut short (files grow and are carved chunk by chunk). */
const chunkSplice: Mutation = (d, r) => {
  const cs = chunks(d);
  if (cs.length === 0) return d;
  const c = r.pick(cs);
  const chunk = d.subarray(c, c + CHUNK);
  switch (r.int(3)) {
    case 0:
      return Buffer.concat([d.subarray(0, c + CHUNK), chunk, d.subarray(c + CHUNK)]);
    case 1:
      return Buffer.concat([d.subarray(0, c), d.subarray(c + CHUNK)]);
    default:
      return d.subarray(0, c + CHUNK_HEADER + r.int(CHUNK - CHUNK_HEADER));
  }
};

export const EVTX: Mutation[] = [chunkHeaderField, recordSize, recordSize, binXmlToken, binXmlToken, templateOffset, templateOffset, stringLength, stringLength, chunkSplice, ...BINARY];
