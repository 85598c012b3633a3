/**
 * Archives of dumps (.zip, .tgz, .tar), read in place: members are inflated into memory one at a time and
 * never written to disk. Recognised by content. The caps are esxi's (the same entry count and inflate
 * budget per archive), plus one per member so a single huge member cannot take the memory.
 *
 * zip: yauzl (central directory with random access, inflate by Node's zlib, entry sizes checked against
 * the directory as it inflates); tar/tgz: the `tar` package's streaming Parser behind Node's gunzip.
 */
import { detectDumpFormat } from '../native/detect.js';
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import yauzl from 'yauzl';
import { AnalyzeError, cutForMessage } from '../../errors.js';
import { detectArchive, type ArchiveKind } from './archive-kind.js';

export { detectArchive, type ArchiveKind };
import { DEFAULT_MAX_INFLATED } from '../../esxi/backup/model.js';
import { MAX_TAR_ENTRIES } from '../../esxi/backup/tarball.js';
import { BlockFeeder, TAR_BLOCK } from '../../io/tar-blocks.js';


/** Members read from one archive at most (esxi's cap: a real Minidump tree has hundreds, not 100,000). */
export const MAX_ARCHIVE_ENTRIES = MAX_TAR_ENTRIES;
/** Bytes inflated from one archive at most, over all members (esxi's cap). */
export const MAX_ARCHIVE_INFLATED = DEFAULT_MAX_INFLATED;
/**
 * Largest member analysed in memory. Small and user-mode minidumps are KB to a few MB; a full-memory dump
 * inside a zip is hundreds of MB to GBs and is reported as too large (extract it and analyse the file, which
 * is read positionally). A hostile archive of large members holds one being inflated (its chunks, then their
 * concatenation), one held ready and one in a worker, beside ~85 MB of the main thread and the workers, and
 * the native reader takes ~3 times a dump's size to read it: four members of 64 MiB peaked at 375 MB, of
 * 32 MiB at 253 MB (filled into one buffer each, not chunks and a copy); 24 MiB stays under the 256 MB budget.
 */
export const MAX_MEMBER_BYTES = 24 * 1024 * 1024;

/** One member, as the fleet sees it: its bytes, or why it was not read. */
export type ArchiveItem =
  | { kind: 'member'; member: string; bytes: Uint8Array }
  | { kind: 'error'; member: string | null; error: AnalyzeError }
  | { kind: 'skipped'; member: string };

/** A function deciding from a member's first bytes whether to read it whole (dumps) or skip it. */
export type Sniffer = (head: Uint8Array) => boolean;

/**
 * Why a member name is unsafe (it would escape a folder it was extracted to), or null. We never extract,
 * but such a name is a sign of a crafted archive and would mislead in the table, so the member is not read.
 * @example unsafeMemberName('../etc/passwd') // 'a ".." component'; unsafeMemberName('dumps/a.dmp') // null
 */
export function unsafeMemberName(name: string): string | null {
  if (name.length > MAX_MEMBER_NAME_CHARS) return `a name of ${name.length} characters (at most ${MAX_MEMBER_NAME_CHARS} are read)`;
  const n = name.replace(/\\/g, '/');
  if (n.startsWith('/') || /^[a-zA-Z]:/.test(n)) return 'an absolute path';
  if (n.split('/').includes('..')) return 'a ".." component';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000]/.test(n)) return 'a NUL character';
  return null;
}

/**
 * Longest member name read. Real ones are a few dozen characters (Windows paths stop at 32,767); a name is
 * copied into the row, the member and folder fields and the group examples, so 250 members named by 1 MB
 * pax headers (283 KB of archive) peaked at 1.75 GB and printed 254 MB.
 */
export const MAX_MEMBER_NAME_CHARS = 4096;

/** A member name as rows and messages carry it: a name past MAX_MEMBER_NAME_CHARS is cut, saying so. */
export function shownMemberName(name: string): string {
  return name.length > MAX_MEMBER_NAME_CHARS ? cutForMessage(name, 200) : name;
}

/** Per-archive caps (defaults: esxi's). */
export interface ArchiveLimits {
  maxInflated?: number;
  maxEntries?: number;
}

/** Read every member of an archive; `sniff` decides after the first bytes whether the rest is needed. */
export function readArchive(path: string, kind: ArchiveKind, display: string, sniff: Sniffer, sniffBytes: number, limits: ArchiveLimits = {}): AsyncGenerator<ArchiveItem> {
  const budget = new Budget(display, limits.maxInflated ?? MAX_ARCHIVE_INFLATED, limits.maxEntries ?? MAX_ARCHIVE_ENTRIES);
  return kind === 'zip' ? zipMembers(path, display, sniff, sniffBytes, budget) : tarMembers(path, kind === 'tgz', display, sniff, sniffBytes, budget);
}

function unsafeMember(member: string, unsafe: string, display: string, offset?: number, note = ''): AnalyzeError {
  return new AnalyzeError('DUMP_FLEET_UNSAFE_MEMBER', `member name ${JSON.stringify(shownMemberName(member))} contains ${unsafe}; not read${note}`, { file: display, offset });
}

class Budget {
  used = 0;
  entries = 0;
  constructor(
    readonly display: string,
    readonly max: number,
    readonly maxEntries: number,
  ) {}
  /** Count `n` inflated bytes; throws once the archive's budget is spent. */
  add(n: number): void {
    this.used += n;
    if (this.used > this.max) {
      throw new AnalyzeError('DUMP_FLEET_INFLATE_CAP', `more than ${this.max} bytes inflated from the archive (a decompression bomb?); the rest is not read`, { file: this.display });
    }
  }
}

/** `size`: what the headers declare, or (declared false) what was inflated before stopping. */
function tooLarge(member: string, size: number, display: string, declared = true, offset?: number, note = ''): AnalyzeError {
  const what = declared ? `is declared as ${size} bytes` : `inflates to more than ${MAX_MEMBER_BYTES} bytes`;
  return new AnalyzeError('DUMP_FLEET_MEMBER_TOO_LARGE', `member ${member} ${what}, more than the ${MAX_MEMBER_BYTES} analysed in memory (a decompression bomb, or a full-memory dump: extract it and analyse the file)${note}`, { file: display, offset });
}

function tooMany(budget: Budget, offset?: number, note = ''): AnalyzeError {
  return new AnalyzeError('DUMP_FLEET_TOO_MANY_ENTRIES', `more than ${budget.maxEntries} members; the rest is not read${note}`, { file: budget.display, offset });
}

/**
 * Collect a member's stream: the first `sniffBytes`, then (if `sniff` says so) the rest up to the member
 * cap. Returns null when the member is skipped.
 */
async function collect(stream: Readable, member: string, display: string, budget: Budget, sniff: Sniffer, sniffBytes: number, declared: number): Promise<Uint8Array | null> {
  // One buffer of the declared size, filled as the bytes come (chunks and then their concatenation held a
  // member twice); yauzl checks the declared size (validateEntrySizes), so no more can arrive.
  const all = Buffer.allocUnsafeSlow(declared);
  let size = 0;
  let decided = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      budget.add(chunk.length);
      if (size + chunk.length > declared) throw tooLarge(member, size + chunk.length, display, false);
      size += chunk.copy(all, size);
      if (!decided && size >= sniffBytes) {
        decided = true;
        if (!sniff(all.subarray(0, sniffBytes))) return null;
      }
    }
  } finally {
    stream.destroy();
  }
  const bytes = all.subarray(0, size);
  if (!decided && !sniff(bytes)) return null;
  return bytes;
}

async function* zipMembers(path: string, display: string, sniff: Sniffer, sniffBytes: number, budget: Budget): AsyncGenerator<ArchiveItem> {
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings off: yauzl would end the whole archive at the first unsafe name; we report that member only.
    zip = await yauzl.openPromise(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true });
  } catch (e) {
    // the directory's end record is read from the end of the file: that is where the archive is damaged
    yield { kind: 'error', member: null, error: zipError(e, display, undefined, fileSize(path)) };
    return;
  }
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = entry.fileName as unknown as Buffer;
      const member = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
      const at = entry.relativeOffsetOfLocalHeader; // where the member's errors point
      // Folders count too: a zip of 1,000,000 folder entries ran 62 s past the member cap.
      if (++budget.entries > budget.maxEntries) {
        yield { kind: 'error', member: null, error: tooMany(budget, at) };
        break;
      }
      if (member.endsWith('/')) continue; // a folder
      const unsafe = unsafeMemberName(member);
      if (unsafe !== null) {
        yield { kind: 'error', member: shownMemberName(member), error: unsafeMember(member, unsafe, display, at) };
        continue;
      }
      if (entry.isEncrypted()) {
        yield { kind: 'error', member, error: new AnalyzeError('DUMP_FLEET_ENCRYPTED_MEMBER', `member ${member} is encrypted; not read`, { file: display, offset: at }) };
        continue;
      }
      if (entry.uncompressedSize > MAX_MEMBER_BYTES) {
        yield { kind: 'error', member, error: tooLarge(member, entry.uncompressedSize, display, true, at) };
        continue;
      }
      let bytes: Uint8Array | null;
      try {
        bytes = await collect(await zip.openReadStreamPromise(entry), member, display, budget, sniff, sniffBytes, entry.uncompressedSize);
      } catch (e) {
        const error = zipError(e, display, member, at);
        yield { kind: 'error', member, error };
        if (error.code === 'DUMP_FLEET_INFLATE_CAP') break;
        continue;
      }
      yield bytes === null ? { kind: 'skipped', member } : { kind: 'member', member, bytes };
    }
  } catch (e) {
    // a damaged central directory entry: yauzl's cursor is at it (yauzl is pinned; a test checks the offset)
    yield { kind: 'error', member: null, error: zipError(e, display, undefined, directoryCursor(zip)) };
  } finally {
    zip.close();
  }
}

/** The size of the file at `path`, or undefined when it cannot be read. */
function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/** Where yauzl reads the next central directory entry (undefined if a later yauzl renames it). */
function directoryCursor(zip: yauzl.ZipFile): number | undefined {
  const cursor = (zip as unknown as { readEntryCursor?: unknown }).readEntryCursor;
  return typeof cursor === 'number' ? cursor : undefined;
}

function zipError(e: unknown, display: string, member?: string, offset?: number): AnalyzeError {
  if (e instanceof AnalyzeError) return e;
  const text = e instanceof Error ? e.message : String(e);
  // yauzl checks the inflated bytes against the size the directory declares, as they come.
  if (/too many bytes in the stream/.test(text)) {
    return new AnalyzeError('DUMP_FLEET_SIZE_MISMATCH', `member ${member ?? ''} inflates to more bytes than its headers declare (a decompression bomb?): ${text}; not read`, { file: display, offset, cause: e });
  }
  return new AnalyzeError('DUMP_FLEET_ARCHIVE_INVALID', `${member === undefined ? '' : `member ${member}: `}not a readable zip: ${text}`, { file: display, offset, cause: e });
}

/**
 * tar and tgz, streamed: the file is read in 64 KB chunks, inflated, and parsed; at most one member's bytes
 * are held at a time (reading pauses while the consumer works through the queue).
 */
async function* tarMembers(path: string, gzip: boolean, display: string, sniff: Sniffer, sniffBytes: number, budget: Budget): AsyncGenerator<ArchiveItem> {
  const queue: ArchiveItem[] = [];
  let finished = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const file = createReadStream(path, { highWaterMark: 64 * 1024 });
  const fail = (error: AnalyzeError) => {
    if (finished) return;
    queue.push({ kind: 'error', member: null, error });
    finished = true;
    file.destroy();
    notify();
  };

  // Offsets of a .tgz are in the inflated tar stream (the parser is fed whole blocks: feeder.position is exact).
  const inStream = gzip ? ' (offset in the inflated tar stream)' : '';
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const member = entry.path;
      const at = feeder.position - TAR_BLOCK; // its header
      // Links and folders count too (600,000 hard links were read up to the inflate cap).
      if (++budget.entries > budget.maxEntries) {
        entry.resume();
        fail(tooMany(budget, at, inStream));
        return;
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        entry.resume();
        // Links and special files are names that are not dumps: counted as skipped, as on disk. Folders are not files.
        if (entry.type !== 'Directory' && entry.type !== 'GNUDumpDir') {
          queue.push({ kind: 'skipped', member: shownMemberName(member) });
          notify();
        }
        return;
      }
      const unsafe = unsafeMemberName(member);
      const size = entry.size ?? 0;
      if (unsafe !== null || size > MAX_MEMBER_BYTES) {
        entry.resume();
        queue.push({ kind: 'error', member: shownMemberName(member), error: unsafe !== null ? unsafeMember(member, unsafe, display, at, inStream) : tooLarge(member, size, display, true, at, inStream) });
        notify();
        return;
      }
      // Copied as it comes into one buffer of the declared size (held as chunks and then concatenated,
      // a member was there twice); pages not written are never resident.
      const all = Buffer.allocUnsafeSlow(size);
      let got = 0;
      let skip = false;
      entry.on('data', (c: Buffer) => {
        if (skip) return;
        got += c.copy(all, got);
        if (got >= sniffBytes && got - c.length < sniffBytes && !sniff(all.subarray(0, sniffBytes))) skip = true;
      });
      entry.on('end', () => {
        if (!skip) {
          const bytes = all.subarray(0, got);
          if (got < sniffBytes && !sniff(bytes)) skip = true;
          else queue.push({ kind: 'member', member, bytes });
        }
        if (skip) queue.push({ kind: 'skipped', member });
        notify();
      });
    },
    onwarn: (code: string, message: string | Error) => {
      if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ENTRY_INVALID' || code === 'TAR_ABORT') {
        fail(new AnalyzeError('DUMP_FLEET_ARCHIVE_INVALID', `not a valid tar archive: ${typeof message === 'string' ? message : message.message} [${code}]${inStream}`, { file: display, offset: Math.max(0, feeder.position - TAR_BLOCK) }));
      }
    },
  });
  parser.on('error', (e: Error) => fail(new AnalyzeError('DUMP_FLEET_ARCHIVE_INVALID', `not a valid tar archive: ${e.message}${inStream}`, { file: display, offset: feeder.position })));
  const feeder = new BlockFeeder((block) => parser.write(block), () => finished);

  const source: Readable = gzip ? file.pipe(createGunzip()) : file;
  file.on('error', (e) => fail(new AnalyzeError('FILE_UNREADABLE', e.message, { file: display, cause: e })));
  // zlib says what is wrong, not where: the damage is within the compressed bytes read so far
  let compressedRead = 0;
  if (gzip) file.on('data', (c: Buffer | string) => (compressedRead += c.length));
  if (gzip) source.on('error', (e) => fail(new AnalyzeError('DUMP_FLEET_ARCHIVE_INVALID', `not a valid gzip stream: ${e.message} (damaged at or before this offset of the compressed file)`, { file: display, offset: compressedRead, cause: e })));
  // After the end-of-archive marker tar's Parser only appends what it is given to one buffer, copying it
  // whole each time (1 GiB of zeros ran for minutes): the rest of the stream is not read.
  parser.on('eof', () => {
    if (finished) return;
    finished = true;
    file.destroy();
    notify();
  });
  let first = true;
  source.on('data', (c: Buffer) => {
    if (finished) return;
    try {
      budget.add(c.length);
    } catch (e) {
      fail(e as AnalyzeError);
      return;
    }
    if (first) {
      first = false;
      // tar's Parser would inflate a gzip stream inside the archive by itself, outside the budget
      if (c.length >= 2 && c[0] === 0x1f && c[1] === 0x8b) {
        fail(new AnalyzeError('DUMP_FLEET_ARCHIVE_INVALID', `the archive is compressed twice (gzip inside gzip); not read${inStream}`, { file: display, offset: 0 }));
        return;
      }
      // memory.dmp.gz: one gzip-compressed dump, not a .tgz (tar would call it "invalid base256 encoding").
      if (gzip && detectDumpFormat(c) !== null) {
        fail(new AnalyzeError('DUMP_NOT_A_DUMP', 'this file is a gzip-compressed dump, not a .tgz archive; decompress it first', { file: display, offset: 0 }));
        return;
      }
    }
    feeder.push(c);
    // Hold one member ready at most: the consumer sends it to a worker before asking for the next. (Pausing
    // the stream we read from: with gzip, the file stream is paused in turn by the pipe's backpressure.)
    if (queue.length >= 1) source.pause();
  });
  source.on('end', () => {
    if (finished) return;
    feeder.flush();
    parser.end();
    finished = true;
    notify();
  });

  try {
    for (;;) {
      const item = queue.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (finished) return;
      source.resume();
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    finished = true;
    file.destroy();
  }
}
