/**
 * Bounds-checked positional reads of a dump.
 *
 * Every read names what it is reading; a read that would run past the end of the file (or past a
 * sanity cap) throws AnalyzeError with the byte offset where the missing data should have been.
 * Files are read positionally (readSync at an offset), never through: a multi-GB MEMORY.DMP costs
 * only the pages a verdict needs. Small files are read whole once, which is faster than many syscalls.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { AnalyzeError } from '../../errors.js';
import { openFile } from '../../io/files.js';

/** Files up to this size are read into memory whole (the 1.4 MB small dump costs one read). */
export const WHOLE_FILE_LIMIT = 32 * 1024 * 1024;
/** No single structure we read is larger than this; a bigger length is damage, not data. */
export const MAX_SINGLE_READ = 64 * 1024 * 1024;
/**
 * All names decoded from one dump together (module paths, thread names, PDB names, driver names), in bytes.
 * Real dumps hold well under 2 MB of them; without a total, 100,000 entries pointing at one 64 KB string (a
 * 10 MB file) decode to 6 GB of text and abort Node. At 16 MB, names of control characters or lone surrogates
 * (6 bytes each in JSON, and a module's name printed twice, as name and path) made `dump --json` a 96 MB
 * document peaking at 520 MB; at 3 MiB the worst measured (16,000 modules named by 95 lone surrogates) is 22 MB of JSON, peaking at 210 MB.
 */
export const MAX_NAME_BYTES_TOTAL = 3 * 1024 * 1024;
/** The code of that error: fatal for the whole dump, never downgraded to a per-entry warning. */
export const NAMES_TOO_LARGE = 'DUMP_NAMES_TOO_LARGE';

/** True for the errors a per-entry fallback must let through (the dump as a whole is not believable). */
export function isFatalDumpError(e: unknown): boolean {
  return e instanceof AnalyzeError && e.code === NAMES_TOO_LARGE;
}

export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset`; the caller has already checked the range. */
  read(offset: number, length: number): Buffer;
  close(): void;
}

/**
 * A dump already in memory as a ByteSource for the native reader.
 * @example analyzeMinidump(new Reader(new BufferSource(data), 'a.dmp'), 'a.dmp', new Warnings())
 */
export class BufferSource implements ByteSource {
  readonly size: number;
  constructor(private readonly data: Buffer) {
    this.size = data.length;
  }
  read(offset: number, length: number): Buffer {
    return this.data.subarray(offset, offset + length);
  }
  close(): void {}
}

export class FileSource implements ByteSource {
  readonly size: number;
  private readonly fd: number;
  constructor(path: string) {
    this.fd = openFile(path);
    this.size = fstatSync(this.fd).size;
  }
  read(offset: number, length: number): Buffer {
    // Not zero-filled: every byte is overwritten below, or the read fails (zeroing cost ~10 % of a fleet run).
    return this.readInto(Buffer.allocUnsafe(length), offset);
  }
  /** Fill `buf` with the bytes at `offset`. */
  readInto(buf: Buffer, offset: number): Buffer {
    const length = buf.length;
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buf, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    if (got < length) throw new AnalyzeError('DUMP_TRUNCATED', `the file shrank while being read`, { offset: offset + got });
    return buf;
  }
  close(): void {
    closeSync(this.fd);
  }
}

/**
 * One buffer for the reads of many files analysed one after another (a fleet worker). A fresh buffer per
 * file cost the kernel a page fault and a page of zeroes for every 4 KB read, and the collector a large
 * external allocation per dump: on 10,000 dumps (1.7 GB) that was a third of a core beside the worker.
 * The bytes of the previous file are overwritten, so it only serves readers whose reports hold no Buffer.
 */
export class ReadScratch {
  private buf = Buffer.allocUnsafe(0);
  /** A buffer of exactly `size` bytes, reusing (and overwriting) the previous one when it is big enough. */
  take(size: number): Buffer {
    if (this.buf.length < size) this.buf = Buffer.allocUnsafe(Math.min(WHOLE_FILE_LIMIT, Math.max(size, 2 * this.buf.length, 1024 * 1024)));
    return this.buf.subarray(0, size);
  }
}

/**
 * Bytes loaded at a time by a SparseFileSource. A dump's reader touches a few places (header, directory,
 * module list and names, the crashing thread's stack): on the corpus, 16 KB blocks cover a third of the
 * bytes in about 3 reads per file; 8 KB blocks save little more for twice the reads.
 */
export const SPARSE_BLOCK = 16 * 1024;

/**
 * A small file read on demand, block by block, into a ReadScratch buffer laid out like the file: what the
 * reader asks for is loaded once and then served from memory, the rest never read. Reading whole files was
 * the biggest single cost of a fleet run (1.7 GB copied for 10,000 dumps), and it scales worst across
 * threads (memory bandwidth). Buffers returned stay valid until the next file, as with a whole-file read.
 */
export class SparseFileSource implements ByteSource {
  readonly size: number;
  private readonly fd: number;
  private readonly data: Buffer;
  /** One flag per SPARSE_BLOCK: loaded. */
  private readonly loaded: Uint8Array;

  constructor(path: string, scratch: ReadScratch) {
    this.fd = openFile(path);
    try {
      this.size = fstatSync(this.fd).size;
      this.data = scratch.take(Math.min(this.size, WHOLE_FILE_LIMIT));
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
    this.loaded = new Uint8Array(Math.ceil(this.size / SPARSE_BLOCK));
  }

  read(offset: number, length: number): Buffer {
    if (length > 0) this.load(Math.floor(offset / SPARSE_BLOCK), Math.floor((offset + length - 1) / SPARSE_BLOCK));
    return this.data.subarray(offset, offset + length);
  }

  /** Load blocks first..last, each run of missing ones in one read. */
  private load(first: number, last: number): void {
    const loaded = this.loaded;
    for (let b = first; b <= last; b++) {
      if (loaded[b] === 1) continue;
      let end = b;
      while (end < last && loaded[end + 1] === 0) end++;
      const from = b * SPARSE_BLOCK;
      const to = Math.min(this.size, (end + 1) * SPARSE_BLOCK);
      let got = 0;
      while (got < to - from) {
        const n = readSync(this.fd, this.data, from + got, to - from - got, from + got);
        if (n === 0) throw new AnalyzeError('DUMP_TRUNCATED', `the file shrank while being read`, { offset: from + got });
        got += n;
      }
      loaded.fill(1, b, end + 1);
      b = end;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Open a file as a ByteSource: positional reads when large; when small, whole in memory, or read on demand
 * into `scratch` when given (a fleet worker, many files in turn).
 */
export function openSource(path: string, scratch?: ReadScratch): ByteSource {
  if (scratch !== undefined) {
    const sparse = new SparseFileSource(path, scratch);
    if (sparse.size <= WHOLE_FILE_LIMIT) return sparse;
    sparse.close();
  }
  const src = new FileSource(path);
  if (src.size > WHOLE_FILE_LIMIT) return src;
  try {
    return new BufferSource(src.read(0, src.size));
  } finally {
    src.close();
  }
}

/** Typed little-endian reads over a ByteSource, each checked against the file size. */
export class Reader {
  private nameBytes = 0;
  constructor(
    readonly src: ByteSource,
    readonly file?: string,
  ) {}

  get size(): number {
    return this.src.size;
  }

  /** True when [offset, offset+length) lies inside the file. */
  has(offset: number, length: number): boolean {
    return Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= this.src.size;
  }

  /** Count `bytes` of names about to be decoded at `at` against MAX_NAME_BYTES_TOTAL. */
  chargeNames(bytes: number, what: string, at: number): void {
    this.nameBytes += bytes;
    if (this.nameBytes > MAX_NAME_BYTES_TOTAL) {
      this.fail(NAMES_TOO_LARGE, `${what}: the names in this dump add up to more than ${MAX_NAME_BYTES_TOTAL} bytes (entries pointing at the same long string again and again), which no real dump holds`, at);
    }
  }

  fail(code: string, message: string, offset: number): never {
    throw new AnalyzeError(code, message, { file: this.file, offset });
  }

  bytes(offset: number, length: number, what: string): Buffer {
    if (length > MAX_SINGLE_READ) this.fail('DUMP_BAD_LENGTH', `${what} claims ${length} bytes, more than any real dump structure`, offset);
    if (!this.has(offset, length)) {
      this.fail('DUMP_TRUNCATED', `${what}: ${length} bytes at byte ${offset} run past the end of the file (${this.src.size} bytes)`, Math.min(Math.max(offset, 0), this.src.size));
    }
    return this.src.read(offset, length);
  }

  u8(offset: number, what: string): number {
    return this.bytes(offset, 1, what).readUInt8(0);
  }
  u16(offset: number, what: string): number {
    return this.bytes(offset, 2, what).readUInt16LE(0);
  }
  u32(offset: number, what: string): number {
    return this.bytes(offset, 4, what).readUInt32LE(0);
  }
  u64(offset: number, what: string): bigint {
    return this.bytes(offset, 8, what).readBigUInt64LE(0);
  }
}

/** A bigint file offset/length as a safe number, or a clear error. */
export function safeNumber(r: Reader, v: bigint, what: string, at: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) r.fail('DUMP_BAD_OFFSET', `${what} (${v}) is beyond any file size`, at);
  return Number(v);
}
