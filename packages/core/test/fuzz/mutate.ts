/**
 * A seeded, reproducible mutator (issue 20): the same seed gives the same cases on every machine.
 * Binary edits (bit flips, interesting values at header offsets, truncation, chunk duplication, edits of
 * the little-endian words that look like lengths/counts/offsets, byte inserts and deletes), text edits
 * (line-level edits, line endings, control characters, UTF-16/Latin-1 re-encodings), and for gzipped
 * inputs the same edits applied to the inflated payload and gzipped again, nested layers included.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** xorshift32: small, fast, and the same everywhere. */
export class Rng {
  private x: number;
  constructor(seed: number) {
    this.x = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x >>> 0;
    return this.x;
  }
  /** 0 <= n < max */
  int(max: number): number {
    return max <= 0 ? 0 : this.next() % max;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** Values that break parsers: zero, one, sign bits, all ones, powers of two around the buffer's size. */
const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
/** Where headers keep their fields. */
const HEADER_SPAN = 512;
/** Largest inflated payload re-mutated (bigger ones are mutated as compressed bytes only). */
const MAX_INNER = 16 * 1024 * 1024;

export type Mutation = (data: Buffer, rng: Rng) => Buffer;

const bitFlip: Mutation = (d, r) => {
  if (d.length === 0) return d;
  const b = Buffer.from(d);
  for (let i = 1 + r.int(8); i > 0; i--) {
    const at = r.int(3) === 0 ? r.int(Math.min(b.length, HEADER_SPAN)) : r.int(b.length);
    b[at]! ^= 1 << r.int(8);
  }
  return b;
};

const interesting: Mutation = (d, r) => {
  if (d.length < 4) return d;
  const b = Buffer.from(d);
  const at = (r.int(2) === 0 ? r.int(Math.min(b.length, HEADER_SPAN) - 3) : r.int(b.length - 3)) & ~(r.int(2) === 0 ? 3 : 0);
  const v = r.int(4) === 0 ? (b.length + r.int(16) - 8) >>> 0 : r.pick(INTERESTING_32);
  if (r.int(2) === 0) b.writeUInt32LE(v >>> 0, at);
  else b.writeUInt32BE(v >>> 0, at);
  return b;
};

const truncate: Mutation = (d, r) => d.subarray(0, r.int(d.length + 1));

const duplicateChunk: Mutation = (d, r) => {
  if (d.length === 0) return d;
  const start = r.int(d.length);
  const len = 1 + r.int(Math.min(4096, d.length - start));
  const at = r.int(d.length + 1);
  const copies = 1 + r.int(r.int(8) === 0 ? 64 : 3);
  const chunk = d.subarray(start, start + len);
  return Buffer.concat([d.subarray(0, at), ...Array.from({ length: copies }, () => chunk), d.subarray(at)]);
};

/** Structure-aware: a little-endian word that looks like a length, count or offset into this buffer is changed. */
const lengthEdit: Mutation = (d, r) => {
  if (d.length < 8) return d;
  const candidates: number[] = [];
  const end = Math.min(d.length - 4, 64 * 1024);
  for (let i = 0; i <= end; i += 4) {
    const v = d.readUInt32LE(i);
    if (v > 0 && v <= d.length) candidates.push(i);
  }
  if (candidates.length === 0) return interesting(d, r);
  const b = Buffer.from(d);
  const at = r.pick(candidates);
  const v = b.readUInt32LE(at);
  const options = [0, v - 1, v + 1, v * 2, d.length, d.length + 1, 0xffffffff, 0x80000000, v + 4096];
  b.writeUInt32LE(r.pick(options) >>> 0, at);
  return b;
};

/** Octal size fields of tar headers (offset 124, 12 bytes): the tar equivalent of a length edit. */
const tarSizeEdit: Mutation = (d, r) => {
  const headers: number[] = [];
  for (let i = 0; i + 512 <= d.length && headers.length < 256; i += 512) if (d.toString('latin1', i + 257, i + 262) === 'ustar') headers.push(i);
  if (headers.length === 0) return lengthEdit(d, r);
  const b = Buffer.from(d);
  const h = r.pick(headers);
  const sizes = ['0', '1', '777', '77777777777', '1000', '7777777', (b.length + 512).toString(8)];
  b.write(`${r.pick(sizes).padStart(11, '0').slice(-11)}\0`, h + 124, 'latin1');
  if (r.int(2) === 0) {
    // fix the checksum so the header is taken at its word
    b.fill(0x20, h + 148, h + 156);
    let sum = 0;
    for (let i = h; i < h + 512; i++) sum += b[i]!;
    b.write(`${sum.toString(8).padStart(6, '0')}\0 `, h + 148, 'latin1');
  }
  return b;
};

const insertBytes: Mutation = (d, r) => {
  const at = r.int(d.length + 1);
  const n = 1 + r.int(r.int(8) === 0 ? 4096 : 16);
  const fill = Buffer.alloc(n, r.pick([0, 0xff, 0x41, 0x0a, r.int(256)]));
  return Buffer.concat([d.subarray(0, at), fill, d.subarray(at)]);
};

const deleteBytes: Mutation = (d, r) => {
  if (d.length === 0) return d;
  const at = r.int(d.length);
  return Buffer.concat([d.subarray(0, at), d.subarray(at + 1 + r.int(Math.min(512, d.length - at)))]);
};

export const BINARY: Mutation[] = [bitFlip, interesting, truncate, duplicateChunk, lengthEdit, tarSizeEdit, insertBytes, deleteBytes];

// ---- text ------------------------------------------------------------------------------------------

function lines(d: Buffer): string[] {
  return d.toString('latin1').split('\n');
}
const join = (l: string[]) => Buffer.from(l.join('\n'), 'latin1');
/**
 * Longest text a line edit makes. Edits compound over a case's mutations: a long line repeated 2,000
 * times again and again overran V8's largest string ("Invalid string length", seed 602076) before any
 * reader ran. The harness cuts inputs to MAX_CASE_INPUT anyway.
 */
const MAX_TEXT = 48 * 1024 * 1024;
/** `n` copies of a `len`-character line at most, so that `total` characters stay within MAX_TEXT. */
const copies = (n: number, len: number, total: number): number => Math.max(0, Math.min(n, Math.floor((MAX_TEXT - total) / Math.max(1, len + 1))));

const lineEdit: Mutation = (d, r) => {
  const l = lines(d);
  const i = r.int(l.length);
  const len = (l[i] ?? '').length;
  switch (r.int(6)) {
    case 0:
      l.splice(i, 1);
      break;
    case 1:
      l.splice(i, 0, ...Array.from({ length: copies(1 + r.int(r.int(8) === 0 ? 5000 : 4), len, d.length) }, () => l[i] ?? ''));
      break;
    case 2: {
      const j = r.int(l.length);
      [l[i], l[j]] = [l[j] ?? '', l[i] ?? ''];
      break;
    }
    case 3:
      l[i] = (l[i] ?? '').repeat(1 + copies(r.int(r.int(8) === 0 ? 2000 : 8), len, d.length));
      break;
    case 4:
      l[i] = `${l[i] ?? ''}${r.pick(['\r', '\t', '\u001b[31m', '\0', ' '.repeat(5000), '0x'.repeat(3000), '[0x41'.repeat(500), '#'.repeat(100)])}`;
      break;
    default:
      l.splice(i, 0, r.pick(['', '@BlueScreen: #PF Exception 14 in world 1:x IP 0x0 addr 0x0', '0x0:[0x0]f@m#v+0x0', 'nameserver 1.2.3.4', '[HKEY_LOCAL_MACHINE\\X]', '"v"=dword:ffffffff']));
  }
  return join(l);
};

const lineEndings: Mutation = (d) => Buffer.from(d.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
const bareNewlines: Mutation = (d, r) => Buffer.concat([d, Buffer.alloc(1 + r.int(1 << 16), 0x0a)]);

/** The text re-encoded: UTF-16LE/BE with or without a byte-order mark, or Latin-1 bytes as they are. */
const reencode: Mutation = (d, r) => {
  const text = d.toString('utf8');
  const le = Buffer.from(text, 'utf16le');
  switch (r.int(4)) {
    case 0:
      return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
    case 1:
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
    case 2:
      return Buffer.from(le.length % 2 === 0 ? Buffer.from(le).swap16() : le);
    default:
      return Buffer.from(text, 'latin1');
  }
};

export const TEXT: Mutation[] = [lineEdit, lineEdit, lineEdit, lineEndings, bareNewlines, reencode, bitFlip, truncate, duplicateChunk];

// ---- gzip ------------------------------------------------------------------------------------------

function isGzip(d: Uint8Array): boolean {
  return d.length >= 2 && d[0] === 0x1f && d[1] === 0x8b;
}

/** Mutate inside the gzip layer(s): inflate, mutate (maybe a nested .tgz member again), re-gzip. */
export function regzip(inner: Mutation[]): Mutation {
  const mutateLayer = (d: Buffer, r: Rng, depth: number): Buffer => {
    if (!isGzip(d)) return r.pick(inner)(d, r);
    let plain: Buffer;
    try {
      plain = gunzipSync(d, { maxOutputLength: MAX_INNER });
    } catch {
      return r.pick(inner)(d, r);
    }
    // a nested gzip member (local.tgz inside state.tgz): mutate it in place, or this layer's bytes
    const nestedAt = depth < 3 && r.int(2) === 0 ? findNestedGzip(plain) : undefined;
    if (nestedAt !== undefined) {
      const { start, size } = nestedAt;
      const changed = mutateLayer(plain.subarray(start, start + size), r, depth + 1);
      const out = Buffer.from(plain);
      const keep = Buffer.concat([changed.subarray(0, size), Buffer.alloc(Math.max(0, size - changed.length))]);
      keep.copy(out, start);
      return gzipSync(out, { level: 1 });
    }
    return gzipSync(r.pick(inner)(plain, r), { level: 1 });
  };
  return (d, r) => mutateLayer(d, r, 0);
}

function findNestedGzip(tar: Buffer): { start: number; size: number } | undefined {
  for (let h = 0; h + 1024 <= tar.length; h += 512) {
    if (tar.toString('latin1', h + 257, h + 262) !== 'ustar') continue;
    const size = parseInt(tar.toString('latin1', h + 124, h + 135), 8);
    if (Number.isFinite(size) && size > 18 && isGzip(tar.subarray(h + 512, h + 514))) return { start: h + 512, size: Math.min(size, tar.length - h - 512) };
  }
  return undefined;
}

/** A bomb within the caps: a member of zeros, gzipped, added to a (gzipped) tar. */
export function bombWithinCap(bytes: number): Mutation {
  return (d, r) => {
    const plain = isGzip(d) ? safeGunzip(d) : d;
    if (plain === undefined) return d;
    const h = Buffer.alloc(512);
    h.write(r.pick(['etc/big.bin', 'etc/hosts', 'etc/vmware/esx.conf']), 0, 'latin1');
    h.write('0000644\0', 100, 'latin1');
    h.write(`${(bytes >>> 0).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('0', 156, 'latin1');
    h.write('ustar\0' + '00', 257, 'latin1');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const c of h) sum += c;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const endOfEntries = Math.max(0, plain.length - 1024);
    return gzipSync(Buffer.concat([plain.subarray(0, endOfEntries), h, Buffer.alloc(bytes + ((512 - (bytes % 512)) % 512)), Buffer.alloc(1024)]), { level: 1 });
  };
}

function safeGunzip(d: Buffer): Buffer | undefined {
  try {
    return gunzipSync(d, { maxOutputLength: MAX_INNER });
  } catch {
    return undefined;
  }
}

/** One case: 1-3 mutations picked from `pool`, applied in turn. */
export function mutate(seed: Buffer, pool: Mutation[], rng: Rng): Buffer {
  let d = seed;
  for (let n = 1 + rng.int(3); n > 0; n--) d = rng.pick(pool)(d, rng);
  return d;
}
