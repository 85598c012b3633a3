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
import { createHash } from 'node:crypto';
import { INFLATE_SLICE, inflateSlices } from '../../io/gzip-members.js';
import type { BackupFile, BackupFileType } from './model.js';
import { nameWeight } from '../../io/name-weight.js';
import { MAX_OPTIONAL_TOTAL, Retention, type HeldKind } from './retain.js';
import { hasSecretContent } from '../secrets.js';
import { HeldBytes } from './held-bytes.js';

import { BlockFeeder, hasUstarMagic, TAR_BLOCK } from '../../io/tar-blocks.js';
export { MAX_TAR_ENTRIES, MAX_OPTIONAL_TOTAL } from './retain.js';

/**
 * One member as read: the fields of a BackupFile (model.ts; `path` normalised: no leading './' or '/', no
 * trailing '/', backslashes kept as they are; `data` when held, see HoldRule; `sha256` of the contents,
 * regular files, held or not), which open.ts turns the member into without a copy, and the reader's own.
 */
export interface TarMember extends BackupFile {
  /** Path as stored (after pax/GNU long-name processing), not yet normalised. */
  stored: string;
  /** tar's own type name ('File', 'SymbolicLink', 'CharacterDevice', ...). */
  tarType: string;
  /** Files not held: whether their first SECRET_HEAD bytes hold key or hash material (checked as they stream by, then dropped). */
  secretContent?: boolean;
  /** The archive stops (or is damaged) before this member's last byte: no data, no sha256. */
  cut?: true;
  /** Byte offset of the member's header in the (inflated) tar stream. */
  offset: number;
}

/**
 * How a member's bytes are treated while the archive streams by:
 * - 'required': the analysis reads it (a nested layer, esx.conf, /etc/hosts...): held in memory, and
 *   one over MAX_HELD_MEMBER stops the read with ESXI_MEMBER_TOO_LARGE;
 * - 'optional': held when small (for text diffs), else only sized and hashed;
 * - 'stream': only sized and hashed (and handed to a sink, when there is one).
 */
export type HoldRule = 'required' | 'optional' | 'stream';

/**
 * Largest member held in memory. Real configuration files are far smaller (esx.conf ~100 KB, a
 * ConfigStore database a few MB, a whole state.tgz a few MB), and holding is what costs memory.
 */
export const MAX_HELD_MEMBER = 16 * 1024 * 1024;
/** 'optional' members are held up to this size each (the text-diff limit), and together up to MAX_OPTIONAL_TOTAL. */
export const MAX_OPTIONAL_MEMBER = 1024 * 1024;
/** Content checked for secret material (private keys, password hashes): the start of each file. */
const SECRET_HEAD = 64 * 1024;

const EMPTY = Buffer.alloc(0);
const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** Receives one member's bytes as they stream by (extraction straight to disk). */
export interface MemberSink {
  write(chunk: Buffer): void;
  end(): void;
}

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
  if (hasUstarMagic(data)) return true;
  // v7 tar has no magic: check the header checksum (sum of the header with the checksum field as spaces)
  const stored = parseInt(Buffer.from(data.subarray(148, 156)).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : data[i]!;
  return sum === stored && data[0] !== 0;
}

/** Damage is located to the byte by re-inflating prefixes only while that stays cheap (output so far). */
const LOCATE_DAMAGE_MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * Inflate a gzip layer with the remaining budget, streaming the output to `onData` (never held whole).
 * `where` names the layer for messages, e.g. "state.tgz › local.tgz". Returns where trailing data after
 * the last gzip member starts (neither a member nor zero padding: ignored, as gzip does), if there is any.
 */
export function inflateTo(data: Uint8Array, budget: InflateBudget, where: string, file: string, origin: LayerOrigin, onData: (chunk: Buffer) => boolean): number | undefined {
  const left = Math.max(1, budget.max - budget.used);
  const r = inflateSlices(data, left, onData);
  budget.used += Math.min(r.produced, left);
  if (r.ok) return r.trailing;
  const { code, message: why } = r;
  if (code === 'LIMIT') {
    // the offset is where the layer that crossed the limit starts (its entry in the parent stream)
    throw new AnalyzeError('ESXI_INFLATE_LIMIT', `${layerPrefix(where)}inflates to more than the ${budget.max}-byte limit (decompression bomb?); raise it with --max-inflated if the backup is genuine${origin.note}`, { file, offset: origin.offset });
  }
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/.test(why)) {
    throw new AnalyzeError('ESXI_GZIP_TRUNCATED', `${layerPrefix(where)}gzip stream ends early after ${data.length} compressed bytes (truncated copy?)`, { file, offset: data.length, cause: r.error });
  }
  const offset = gzipDamageOffset(data, why, r.at, r.produced);
  const what = /incorrect (data|length) check/.test(why)
    ? `gzip checksum in the trailer does not match (${why}): some of the compressed bytes before it are damaged`
    : `gzip data is damaged (${why})`;
  const inner = where === '' ? '' : ' (offset in this inner gzip stream)';
  throw new AnalyzeError('ESXI_GZIP_CORRUPT', `${layerPrefix(where)}${what}${inner}`, { file, offset, cause: r.error });
}

/**
 * Where a damaged gzip stream goes bad. A checksum/length mismatch is found at the member's 8-byte trailer,
 * which `sliceStart` then is (the damage itself may be anywhere before it). Otherwise the slice that failed
 * is bisected: a prefix that ends before the damage inflates up to "unexpected end of file", one that
 * contains it fails with the data error. Each step re-inflates the prefix (output discarded), so only while the output is small.
 */
function gzipDamageOffset(data: Uint8Array, message: string, sliceStart: number, produced: number): number {
  if (/incorrect (data|length) check/.test(message)) return sliceStart; // the trailer's offset
  if (produced > LOCATE_DAMAGE_MAX_OUTPUT) return sliceStart;
  let good = sliceStart; // longest prefix known to end before the damage
  let bad = Math.min(data.length, sliceStart + INFLATE_SLICE); // shortest prefix known to contain it
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    const r = inflateSlices(data.subarray(0, mid), Number.MAX_SAFE_INTEGER, () => true);
    if (r.ok || r.code === 'Z_BUF_ERROR' || /unexpected end of file/.test(r.message)) good = mid;
    else bad = mid;
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

/**
 * A copy of `s` that stands alone: tar's header strings are slices of the whole 100-character field, which
 * a slice keeps alive (~120 bytes per member, 12 MB for 100,000 short names).
 */
function own(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
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

export interface ReadTarOptions {
  where: string;
  file: string;
  budget: InflateBudget;
  warnings: Warnings;
  origin?: LayerOrigin;
  /** Which members to hold in memory (default: none, every member is only sized and hashed). */
  hold?: (path: string) => HoldRule;
  /** What a 'required' member is to the budgets of retain.ts (default: 'file'). */
  heldKind?: (path: string) => HeldKind;
  /** Where a member's bytes go as they stream by (extraction); undefined for none. */
  sink?: (m: TarMember) => MemberSink | undefined;
  /** The running totals of the backup this layer is part of (default: this layer's own). */
  retention?: Retention;
  /** false: do not keep the member list (a second pass that only feeds `sink`). */
  list?: boolean;
}

/** The members read, and the damage that stopped the read (undefined when the archive is whole). */
export interface TarRead {
  members: TarMember[];
  error: AnalyzeError | undefined;
}

/**
 * Read every member of a tar (or tar.gz) buffer, streaming: the inflated stream is never held, and a
 * member's bytes are kept only when `hold` says so. `where` names the layer in messages. Damage is an
 * AnalyzeError with the byte offset in the tar stream, inflated when gzip (the message says which stream).
 */
export function readTar(input: Uint8Array, opts: ReadTarOptions): TarMember[] {
  const read = readTarPartial(input, opts);
  if (read.error !== undefined) throw read.error;
  return read.members;
}

/**
 * readTar that does not throw on damage: the members read before it (the one it cut marked `cut`) and the
 * error. A stream that stops early is damaged where it stops (its length), whether inside a header, a
 * member's data or the padding of the last block; a member whose bytes all came before the cut is whole.
 */
export function readTarPartial(input: Uint8Array, opts: ReadTarOptions): TarRead {
  const { where, file, budget } = opts;
  const hold = opts.hold ?? (() => 'stream');
  const retention = opts.retention ?? new Retention();
  const gzipped = isGzip(input);
  const members: TarMember[] = [];
  /** Held files by path: a later copy of the same path supersedes (and frees) the earlier one. */
  const held = new Map<string, { member: TarMember; optional: boolean; kind: HeldKind }>();
  const heldBytes = new HeldBytes();
  /** The file whose bytes are streaming, and how many of them are still to come. */
  let open: { member: TarMember; remaining: number } | undefined;
  let failure: AnalyzeError | undefined;
  const fail = (code: string, message: string, offset: number) => {
    failure ??= new AnalyzeError(code, `${layerPrefix(where)}${message} (offset in the ${gzipped ? 'inflated ' : ''}tar stream)`, { file, offset });
  };
  // with --strict a warning throws: inside the parser's callbacks that would surface as gzip damage
  const warn = (code: string, message: string, offset: number) => {
    try {
      opts.warnings.warn(code, message, offset);
    } catch (e) {
      if (!(e instanceof AnalyzeError)) throw e;
      failure ??= e;
    }
  };
  let feeder: BlockFeeder;
  /** ESXI_TAR_TIME is said once per stream. */
  let timeWarned = false;
  /** Set once the stream has ended: the parser's complaints are then about where it stops. */
  let streamEnd: number | undefined;
  /** The stream stops at `length`; `unread`: the bytes of a short last block not handed to the parser. */
  const cutShort = (length: number, unread: number) => {
    const m = open?.member;
    const present = open === undefined ? 0 : open.member.size - open.remaining + Math.min(unread, open.remaining);
    const inside = m === undefined
      ? length % TAR_BLOCK === 0 ? '' : ', in the middle of a 512-byte block'
      : `, inside member "${m.path}" (header at byte ${m.offset}, ${present} of its ${m.size} bytes present)`;
    fail('ESXI_TAR_INVALID', `the tar stream ends after ${length} bytes${inside}: the archive is cut short (truncated copy?)`, length);
  };
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const offset = feeder.position - TAR_BLOCK;
      const refused = retention.record(entry.path.length + (entry.linkpath?.length ?? 0), nameWeight(entry.path) + nameWeight(entry.linkpath));
      if (refused !== undefined) {
        fail(refused.code, refused.message, offset);
        entry.resume();
        return;
      }
      const type = fileType(entry.type);
      const stored = own(entry.path);
      // Every field a BackupFile has, so that the member keeps one shape when open.ts makes it the file.
      const member: TarMember = {
        stored,
        path: normalisePath(stored),
        type,
        tarType: entry.type,
        size: entry.size ?? 0,
        mode: entry.mode ?? 0,
        mtime: timeOf(entry.mtime),
        linkpath: entry.linkpath ? own(entry.linkpath) : entry.linkpath,
        data: undefined,
        sha256: undefined,
        secret: false,
        rawPath: undefined,
        offset,
      };
      if (member.mtime === undefined && entry.mtime !== undefined && !timeWarned) {
        timeWarned = true;
        warn('ESXI_TAR_TIME', `${layerPrefix(where)}member "${member.path}" has a modification time no date can hold (a base-256 field past the year 275,760): listed without one, and so is any other such member`, offset);
      }
      if (opts.list !== false) members.push(member);
      if (type !== 'file') {
        entry.resume();
        return;
      }
      const earlier = held.get(member.path);
      if (earlier !== undefined) {
        retention.release(earlier.member.data?.length ?? 0, earlier.optional, earlier.kind);
        earlier.member.data = undefined;
        held.delete(member.path);
      }
      const rule = hold(member.path);
      const kind: HeldKind = rule === 'required' ? (opts.heldKind?.(member.path) ?? 'file') : 'file';
      if (rule === 'required' && member.size > MAX_HELD_MEMBER) {
        fail('ESXI_MEMBER_TOO_LARGE', `member "${member.path}" is ${member.size} bytes, more than the ${MAX_HELD_MEMBER}-byte limit for a file the analysis reads into memory (real ones are a few MB at most: a decompression bomb?)`, offset);
        entry.resume();
        return;
      }
      if (member.size === 0) {
        // nothing to stream (a flood of empty members must stay cheap)
        member.data = rule === 'stream' ? undefined : EMPTY;
        member.secretContent = false;
        member.sha256 = EMPTY_SHA256;
        opts.sink?.(member)?.end();
        entry.resume();
        return;
      }
      let keep = false;
      if (rule === 'required') {
        const over = retention.takeRequired(member.size, member.path, kind);
        if (over !== undefined) {
          fail(over.code, over.message, offset);
          entry.resume();
          return;
        }
        keep = true;
      } else if (rule === 'optional' && member.size <= MAX_OPTIONAL_MEMBER) {
        keep = retention.takeOptional(member.size);
        if (!keep && retention.optionalRefused === 1) {
          warn('ESXI_HOLD_LIMIT', `${layerPrefix(where)}small files past the first ${MAX_OPTIONAL_TOTAL} bytes held are compared by hash only, from "${member.path}" on: a diff says they changed, not which lines`, offset);
        }
      }
      const hash = createHash('sha256');
      const sink = opts.sink?.(member);
      const chunks: Buffer[] = [];
      let chunkBytes = 0;
      const head: Buffer[] = [];
      let headLength = 0;
      const streaming = { member, remaining: member.size };
      open = streaming;
      entry.on('data', (c: Buffer) => {
        streaming.remaining -= c.length;
        hash.update(c);
        sink?.write(c);
        if (keep) {
          chunks.push(c);
          chunkBytes += c.length;
        }
        else if (headLength < SECRET_HEAD) {
          const part = c.subarray(0, SECRET_HEAD - headLength);
          head.push(Buffer.from(part));
          headLength += part.length;
        }
      });
      entry.on('end', () => {
        open = undefined;
        // always copies: a chunk may be a view of a much larger inflated buffer
        if (keep) {
          member.data = heldBytes.copy(chunks, chunkBytes);
          held.set(member.path, { member, optional: rule === 'optional', kind });
        } else {
          // checked now and dropped: a copy of every streamed file's start was ~250 MB for 3,800 files
          member.secretContent = hasSecretContent(Buffer.concat(head));
        }
        member.sha256 = hash.digest('hex');
        sink?.end();
      });
    },
    onwarn: (code: string, message: string | Error) => {
      const text = typeof message === 'string' ? message : message.message;
      if (streamEnd !== undefined) cutShort(streamEnd, 0);
      else if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ENTRY_INVALID' || code === 'TAR_ABORT') {
        fail('ESXI_TAR_INVALID', `not a valid tar archive: ${text} [${code}]`, Math.max(0, feeder.position - TAR_BLOCK));
      } else {
        warn('ESXI_TAR_WARNING', `${layerPrefix(where)}${text} [${code}]`, Math.max(0, feeder.position - TAR_BLOCK));
      }
    },
  });
  parser.on('error', (e: Error) => fail('ESXI_TAR_INVALID', `not a valid tar archive: ${e.message}`, feeder.position));
  // after the end-of-archive marker tar's Parser only appends what it is given to a buffer (quadratic on a
  // long tail of zeros): the rest of the stream is still inflated (budget, checksum) but not parsed
  let ended = false;
  parser.on('eof', () => (ended = true));
  let first = true;
  feeder = new BlockFeeder(
    (block) => {
      if (ended) return;
      if (first) {
        first = false;
        // tar's Parser inflates a gzip (or zstd) stream by itself, outside our budget: a stream that is
        // compressed again would bypass the cap (a few KB became 200 MiB under --max-inflated 2M). ESXi never does this.
        if (isGzip(block) || startsWith(block, ZSTD_MAGIC)) {
          failure ??= new AnalyzeError('ESXI_TAR_INVALID', `${layerPrefix(where)}the ${gzipped ? 'inflated ' : ''}stream is compressed again (gzip or zstd inside the archive), which is not how ESXi writes backups; refusing to unpack it`, { file, offset: 0 });
          return;
        }
      }
      parser.write(block);
    },
    () => failure !== undefined,
  );
  const source = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  /** Where data that is not gzip starts after the last gzip member. */
  let trailing: number | undefined;
  try {
    if (gzipped) trailing = inflateTo(input, budget, where, file, opts.origin ?? INPUT_ORIGIN, (chunk) => feeder.push(chunk));
    else feeder.push(source);
  } catch (e) {
    // damaged gzip: what was inflated before the damage has been read
    if (!(e instanceof AnalyzeError)) throw e;
    failure ??= e;
  }
  if (failure === undefined) finish();
  if (trailing !== undefined) {
    // after the tar's own complaints: under --strict this is the error only when the tar was whole
    const inner = where === '' ? '' : ' (offset in this inner gzip stream)';
    warn('ESXI_GZIP_TRAILING_DATA', `${layerPrefix(where)}${input.length - trailing} byte(s) after the end of the gzip data are not gzip (appended to the file?): ignored, as gzip does${inner}`, trailing);
  }
  if (open !== undefined) open.member.cut = true;
  // The parser's callbacks hold this map until zlib lets go of them (at the next turn of the event loop):
  // emptied now, the first backup's ~100 bytes per member are not still held while a diff reads the second.
  held.clear();
  return { members, error: failure };

  function finish(): void {
    const length = feeder.position + feeder.tail;
    if (ended) {
      feeder.flush();
      if (length % TAR_BLOCK !== 0) {
        warn('ESXI_TAR_TRAILING', `${layerPrefix(where)}tar stream is ${length} bytes, not a whole number of 512-byte blocks`, length - (length % TAR_BLOCK));
      }
      parser.end();
      return;
    }
    const short = feeder.tail > 0;
    // the last member is whole when the short tail holds the rest of its bytes (only its padding is missing)
    if (short && open !== undefined && open.remaining <= feeder.tail) feeder.flushPadded();
    streamEnd = length;
    if (short) cutShort(length, feeder.tail);
    // whole blocks: the parser says whether it stopped inside a member or a header (onwarn)
    else parser.end();
  }
}

/**
 * A member's time as a number (a Date per member was ~100 bytes each: 10 MB for 100,000 members), or
 * undefined when the header's time is past what a Date holds (tar's Date is then invalid).
 */
function timeOf(d: Date | undefined): number | undefined {
  const t = d?.getTime();
  return t === undefined || Number.isNaN(t) ? undefined : t;
}
