/**
 * Read a (gzipped) tar archive held in memory with the `tar` package's Parser: no temporary files.
 *
 * The Parser is fed one 512-byte block per write so that the byte offset of every header and of
 * every damage is known (tar processes each write synchronously). Its recoverable warnings for a
 * broken archive (TAR_BAD_ARCHIVE, TAR_ENTRY_INVALID) are errors here; others become our warnings.
 */
import { Parser, type ReadEntry } from 'tar';
import { AnalyzeError, type Warnings } from '../../errors.js';
import { isGzip } from '../../io/files.js';
import { gunzipSync } from 'node:zlib';
import type { BackupFileType } from './model.js';

const TAR_BLOCK = 512;
/** ustar magic offset in a tar header. */
const USTAR_MAGIC_OFFSET = 257;
/**
 * Most members we accept in one archive. A real local.tgz holds 25-40 files and OVH-style whole-/etc
 * repacks a few hundred; 100,000 headers is only reachable on purpose (a flood of empty entries).
 */
export const MAX_TAR_ENTRIES = 100_000;

export interface TarMember {
  /** Path as stored (after pax/GNU long-name processing), not yet normalised. */
  rawPath: string;
  /** Normalised: no leading './' or '/', no trailing '/', backslashes kept as they are. */
  path: string;
  type: BackupFileType;
  /** tar's own type name ('File', 'SymbolicLink', 'CharacterDevice', ...). */
  tarType: string;
  size: number;
  mode: number;
  mtime: Date | undefined;
  linkpath: string | undefined;
  data: Buffer | undefined;
  /** Byte offset of the member's header in the (inflated) tar stream. */
  offset: number;
}

/** Smallest gzip stream: 10-byte header + empty deflate block + 8-byte trailer. */
const GZIP_MIN = 18;
/**
 * How much we inflate to confirm a gzip trailer that declares more than the limit. Genuine ESXi
 * backups inflate to < 1 MB (real 7.0.2: 694 KB), so 64 MiB of output from one member is a bomb.
 */
export const PROBE_BYTES = 64 * 1024 * 1024;

/** Shared inflate budget across nested layers (a bomb may be spread over several). */
export interface InflateBudget {
  max: number;
  used: number;
}

/**
 * Where a layer starts: 0 for the input file itself, else the offset of its entry in the parent's
 * inflated tar stream (or 0 of a decrypted payload); `note` says which stream, '' for the input file.
 */
export interface LayerOrigin {
  offset: number;
  note: string;
}

/** The input file itself. */
export const INPUT_ORIGIN: LayerOrigin = { offset: 0, note: '' };

/** "state.tgz › local.tgz: " for a nested layer; nothing for the input file itself (its name is already in the message). */
export function layerPrefix(where: string): string {
  return where === '' ? '' : `${where}: `;
}

/** The name of a layer inside `where`, e.g. nested('state.tgz') + 'local.tgz'. */
export function nested(where: string): string {
  return where === '' ? '' : `${where} › `;
}

export function looksLikeTar(data: Uint8Array): boolean {
  if (data.length < TAR_BLOCK) return false;
  const magic = Buffer.from(data.subarray(USTAR_MAGIC_OFFSET, USTAR_MAGIC_OFFSET + 5)).toString('latin1');
  if (magic === 'ustar') return true;
  // v7 tar has no magic: check the header checksum (sum of the header with the checksum field as spaces)
  const stored = parseInt(Buffer.from(data.subarray(148, 156)).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : data[i]!;
  return sum === stored && data[0] !== 0;
}

/**
 * Inflate a gzip member with the remaining budget. `where` names the layer for messages,
 * e.g. "state.tgz › local.tgz".
 */
export function inflate(data: Uint8Array, budget: InflateBudget, where: string, file: string, origin: LayerOrigin = INPUT_ORIGIN): Buffer {
  const left = budget.max - budget.used;
  // the offset is where the layer that crossed the limit starts (its entry in the parent stream)
  const overLimit = (e?: unknown) =>
    new AnalyzeError('ESXI_INFLATE_LIMIT', `${layerPrefix(where)}inflates to more than the ${budget.max}-byte limit (decompression bomb?); raise it with --max-inflated if the backup is genuine${origin.note}`, { file, offset: origin.offset, cause: e });
  // The gzip trailer's ISIZE (size mod 2^32) is a lower bound of the real size. When it is over the
  // limit, confirm cheaply by inflating only PROBE_BYTES: a bomb fills them; a truncated file (whose
  // last 4 bytes are not a trailer) ends or fails first and is reported as truncated below.
  const declared = data.length >= GZIP_MIN ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).readUInt32LE(data.length - 4) : 0;
  if (declared > left && left > PROBE_BYTES) {
    try {
      gunzipSync(data, { maxOutputLength: PROBE_BYTES });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw overLimit(e);
    }
  }
  let out: Buffer;
  try {
    out = gunzipSync(data, { maxOutputLength: Math.max(1, left) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw overLimit(e);
    if (code === 'Z_BUF_ERROR') {
      throw new AnalyzeError('ESXI_GZIP_TRUNCATED', `${layerPrefix(where)}gzip stream ends early after ${data.length} compressed bytes (truncated copy?)`, { file, offset: data.length, cause: e });
    }
    const why = (e as Error).message;
    const offset = gzipDamageOffset(data, why, left);
    const what = /incorrect (data|length) check/.test(why)
      ? `gzip checksum in the trailer does not match (${why}): some of the compressed bytes before it are damaged`
      : `gzip data is damaged (${why})`;
    const inner = where === '' || offset === undefined ? '' : ' (offset in this inner gzip stream)';
    throw new AnalyzeError('ESXI_GZIP_CORRUPT', `${layerPrefix(where)}${what}${inner}`, { file, offset, cause: e });
  }
  budget.used += out.length;
  return out;
}

/** Largest gzip stream whose damage we locate by bisection (≈ 22 partial inflates); real backups are < 1 MB. */
const LOCATE_DAMAGE_MAX = 4 * 1024 * 1024;

/**
 * Where a damaged gzip stream goes bad. A checksum/length mismatch is found at the 8-byte trailer (the
 * damage itself may be anywhere before it). Otherwise bisect: a prefix that ends before the damage
 * inflates up to "unexpected end of file", one that contains it fails with the data error.
 */
function gzipDamageOffset(data: Uint8Array, message: string, maxOutput: number): number | undefined {
  if (/incorrect (data|length) check/.test(message)) return Math.max(0, data.length - 8);
  if (data.length > LOCATE_DAMAGE_MAX) return undefined;
  let good = 0; // longest prefix known to end before the damage
  let bad = data.length; // shortest prefix known to contain it
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    try {
      gunzipSync(data.subarray(0, mid), { maxOutputLength: Math.max(1, maxOutput) });
      good = mid; // should not happen for a prefix; treat as "before the damage"
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') good = mid;
      else bad = mid;
    }
  }
  return bad - 1;
}

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

function startsWith(data: Uint8Array, magic: number[]): boolean {
  return data.length >= magic.length && magic.every((b, i) => data[i] === b);
}

function fileType(tarType: string): BackupFileType {
  switch (tarType) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      return 'file';
    case 'Directory':
      return 'directory';
    case 'SymbolicLink':
      return 'symlink';
    case 'Link':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** Strip './' and '/' prefixes and trailing slashes: 'etc/vmware/esx.conf'. */
export function normalisePath(p: string): string {
  let s = p;
  for (;;) {
    if (s.startsWith('./')) s = s.slice(2);
    else if (s.startsWith('/')) s = s.slice(1);
    else break;
  }
  while (s.endsWith('/')) s = s.slice(0, -1);
  return s === '.' ? '' : s;
}

/**
 * Read every member of a tar (or tar.gz) buffer. `where` names the layer in messages. Damage is an
 * AnalyzeError with the byte offset in the inflated tar stream (the message says which stream).
 */
export function readTar(input: Uint8Array, opts: { where: string; file: string; budget: InflateBudget; warnings: Warnings; origin?: LayerOrigin }): TarMember[] {
  const { where, file, budget, warnings } = opts;
  const tar = isGzip(input) ? inflate(input, budget, where, file, opts.origin) : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  // tar's Parser inflates a gzip (or zstd) stream by itself, outside our budget: a stream that is compressed
  // again would bypass the cap (a few KB became 200 MiB under --max-inflated 2M). ESXi never does this.
  if (isGzip(tar) || startsWith(tar, ZSTD_MAGIC)) {
    throw new AnalyzeError('ESXI_TAR_INVALID', `${layerPrefix(where)}the ${isGzip(input) ? 'inflated ' : ''}stream is compressed again (gzip or zstd inside the archive), which is not how ESXi writes backups; refusing to unpack it`, { file, offset: 0 });
  }
  const members: TarMember[] = [];
  let position = 0;
  let failure: AnalyzeError | undefined;
  const fail = (code: string, message: string, offset: number) => {
    failure ??= new AnalyzeError(code, `${layerPrefix(where)}${message} (offset in the inflated tar stream)`, { file, offset });
  };
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const offset = position - TAR_BLOCK;
      if (members.length >= MAX_TAR_ENTRIES) {
        fail('ESXI_TOO_MANY_ENTRIES', `more than ${MAX_TAR_ENTRIES} members`, offset);
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      const type = fileType(entry.type);
      const member: TarMember = {
        rawPath: entry.path,
        path: normalisePath(entry.path),
        type,
        tarType: entry.type,
        size: entry.size ?? 0,
        mode: entry.mode ?? 0,
        mtime: entry.mtime,
        linkpath: entry.linkpath,
        data: undefined,
        offset,
      };
      members.push(member);
      if (type === 'file') {
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => (member.data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      } else {
        entry.resume();
      }
    },
    onwarn: (code: string, message: string | Error) => {
      const text = typeof message === 'string' ? message : message.message;
      if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ENTRY_INVALID' || code === 'TAR_ABORT') {
        fail('ESXI_TAR_INVALID', `not a valid tar archive: ${text} [${code}]`, Math.max(0, position - TAR_BLOCK));
      } else {
        warnings.warn('ESXI_TAR_WARNING', `${layerPrefix(where)}${text} [${code}]`, Math.max(0, position - TAR_BLOCK));
      }
    },
  });
  parser.on('error', (e: Error) => fail('ESXI_TAR_INVALID', `not a valid tar archive: ${e.message}`, position));
  for (position = 0; position < tar.length && failure === undefined; ) {
    const next = Math.min(tar.length, position + TAR_BLOCK);
    const chunk = tar.subarray(position, next);
    position = next;
    parser.write(chunk);
  }
  if (failure === undefined) parser.end();
  if (failure !== undefined) throw failure;
  if (tar.length % TAR_BLOCK !== 0) {
    warnings.warn('ESXI_TAR_TRAILING', `${layerPrefix(where)}tar stream is ${tar.length} bytes, not a whole number of 512-byte blocks`, tar.length - (tar.length % TAR_BLOCK));
  }
  return members;
}
