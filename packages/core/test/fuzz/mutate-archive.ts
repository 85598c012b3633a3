/**
 * Structure-aware mutations of the archives a dump fleet is read from (APPNOTE 6.3 zip, ustar in gzip):
 * central directory fields (method, CRC, sizes, name/extra/comment lengths, local header offset), local
 * header sizes, the end record (entry counts, directory size and offset), member names (traversal,
 * absolute, NUL, very long), compression methods, and nested gzip layers around a tar.
 */
import { gzipSync } from 'node:zlib';
import { BINARY, regzip, type Mutation, type Rng } from './mutate.js';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const VALUES_32 = [0, 1, 0x7f, 0xffff, 0x10000, 0x7fffffff, 0xfffffffe, 0xffffffff];

function signatures(d: Buffer, sig: number): number[] {
  const at: number[] = [];
  for (let i = d.indexOf(0x50); i >= 0 && i + 4 <= d.length; i = d.indexOf(0x50, i + 1)) if (d.readUInt32LE(i) === sig) at.push(i);
  return at;
}

/** Fields (offset, width) of each zip structure. */
const FIELDS: Record<number, [number, 2 | 4][]> = {
  [CENTRAL]: [[10, 2], [16, 4], [20, 4], [24, 4], [28, 2], [30, 2], [32, 2], [42, 4]],
  [LOCAL]: [[8, 2], [14, 4], [18, 4], [22, 4], [26, 2], [28, 2]],
  [END]: [[8, 2], [10, 2], [12, 4], [16, 4], [20, 2]],
};

const zipField: Mutation = (d, r) => {
  const sig = r.pick([CENTRAL, CENTRAL, LOCAL, END]);
  const at = signatures(d, sig);
  if (at.length === 0) return r.pick(BINARY)(d, r);
  const b = Buffer.from(d);
  const base = r.pick(at);
  const [off, width] = r.pick(FIELDS[sig]!);
  if (base + off + width > b.length) return b;
  if (width === 2) {
    const old = b.readUInt16LE(base + off);
    b.writeUInt16LE(r.pick([0, 1, 8, 12, 14, 99, 0xffff, old + 1, Math.max(0, old - 1), old * 2]) & 0xffff, base + off);
  } else {
    const old = b.readUInt32LE(base + off);
    b.writeUInt32LE(r.int(3) === 0 ? (old + r.int(64) - 32) >>> 0 : r.pick([...VALUES_32, d.length, old * 2]) >>> 0, base + off);
  }
  return b;
};

/** A member's compression method in both headers: stored, deflate, bzip2, LZMA, AES, unknown. */
const zipMethod: Mutation = (d, r) => {
  const b = Buffer.from(d);
  const m = r.pick([0, 8, 9, 12, 14, 99, 0xffff]);
  for (const c of signatures(b, CENTRAL)) if (r.int(2) === 0 && c + 12 <= b.length) b.writeUInt16LE(m, c + 10);
  for (const l of signatures(b, LOCAL)) if (r.int(2) === 0 && l + 10 <= b.length) b.writeUInt16LE(m, l + 8);
  return b;
};

/** A member name rewritten in place (same length, so the headers stay consistent) or grown. */
const zipName: Mutation = (d, r) => {
  const heads = [...signatures(d, CENTRAL).map((c) => [c, 46, 28] as const), ...signatures(d, LOCAL).map((l) => [l, 30, 26] as const)];
  if (heads.length === 0) return r.pick(BINARY)(d, r);
  const [base, nameAt, lenAt] = r.pick(heads);
  if (base + nameAt > d.length) return d;
  const len = d.readUInt16LE(base + lenAt);
  const name = r.pick(['../../evil.dmp', '/etc/x.dmp', 'C:\\x.dmp', 'a\0b.dmp', 'dir/', 'x'.repeat(300) + '.dmp', 'nested.zip', 'in.tgz', 'ÿþ.dmp', '']);
  const bytes = Buffer.from(name, 'latin1');
  if (r.int(2) === 0) {
    const b = Buffer.from(d);
    Buffer.concat([bytes, Buffer.alloc(len)]).copy(b, base + nameAt, 0, Math.min(len, b.length - base - nameAt));
    return b;
  }
  const b = Buffer.concat([d.subarray(0, base + nameAt), bytes, d.subarray(base + nameAt + len)]);
  b.writeUInt16LE(bytes.length, base + lenAt);
  return b;
};

/** One more gzip layer around the whole input (a .tgz inside a .gz). */
const gzipAgain: Mutation = (d) => gzipSync(d, { level: 1 });

export const ZIP: Mutation[] = [zipField, zipField, zipField, zipMethod, zipName, ...BINARY];
export const TGZ: Mutation[] = [regzip(BINARY), regzip(BINARY), gzipAgain, ...BINARY];
export const ARCHIVE: Mutation[] = [...ZIP, ...TGZ];
