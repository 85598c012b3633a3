/**
 * Streaming EVTX reader: the 4 KiB file header, then one 64 KiB chunk at a time. Memory holds one chunk
 * (and its template cache) whatever the size of the log; records come out in file order.
 */
import { otherKindHint } from '../io/other-kinds.js';
import { closeSync, readSync } from 'node:fs';
import { AnalyzeError, Warnings } from '../errors.js';
import { gzipInputMessage, isGzip, openFile } from '../io/files.js';
import { CHUNK_SIZE, readChunk, type ChunkOptions } from './chunk.js';
import { FILE_HEADER_SIZE, isEvtxHeader, parseFileHeader } from './header.js';
import type { EvtxFileHeader, EvtxRecord, EvtxStats } from './types.js';

export interface ReadOptions {
  warnings?: Warnings;
  /**
   * Awaited after each piece read (1 MiB of a file, a chunk of a stream): where a caller that writes the
   * records somewhere slower (a pipe) waits for it, instead of queueing them all in memory.
   */
  pace?: () => Promise<void>;
}

export interface EvtxReadResult {
  header: EvtxFileHeader;
  stats: EvtxStats;
}

/**
 * Push-style parser: feed it bytes in any slices; it calls onRecord for every record, chunk by chunk.
 * @example
 *   const p = new EvtxParser((r) => ids.push(r.eventId));
 *   for await (const piece of socket) p.feed(piece);
 *   const { stats } = p.end();
 */
export class EvtxParser {
  private readonly block = Buffer.alloc(CHUNK_SIZE);
  private fill = 0;
  private header: EvtxFileHeader | null = null;
  /** File offset of the block being filled. */
  private blockOffset = 0;
  readonly stats: EvtxStats = { bytes: 0, chunks: 0, chunksSkipped: 0, chunksEmpty: 0, records: 0, recordsDamaged: 0 };
  readonly warnings: Warnings;

  constructor(
    private readonly onRecord: (r: EvtxRecord) => void,
    opts: ReadOptions = {},
  ) {
    this.warnings = opts.warnings ?? new Warnings();
  }

  feed(data: Uint8Array): void {
    let p = 0;
    this.stats.bytes += data.length;
    while (p < data.length) {
      // A whole chunk in the input: read it where it is, without copying.
      if (this.header && this.fill === 0 && data.length - p >= CHUNK_SIZE) {
        const chunk = data.subarray(p, p + CHUNK_SIZE);
        readChunk(Buffer.from(chunk.buffer, chunk.byteOffset, CHUNK_SIZE), this.blockOffset, this.chunkOptions(), this.stats);
        this.blockOffset += CHUNK_SIZE;
        p += CHUNK_SIZE;
        continue;
      }
      const want = (this.header ? CHUNK_SIZE : FILE_HEADER_SIZE) - this.fill;
      const n = Math.min(want, data.length - p);
      this.block.set(data.subarray(p, p + n), this.fill);
      this.fill += n;
      p += n;
      if (this.fill === (this.header ? CHUNK_SIZE : FILE_HEADER_SIZE)) this.flushBlock();
    }
  }

  private flushBlock(): void {
    if (!this.header) {
      this.header = this.readHeader(this.block.subarray(0, FILE_HEADER_SIZE));
    } else {
      readChunk(this.block, this.blockOffset, this.chunkOptions(), this.stats);
    }
    this.blockOffset += this.fill;
    this.fill = 0;
  }

  private chunkOptions(): ChunkOptions {
    return { warnings: this.warnings, checkCrc: !this.header!.noCrc, onRecord: this.onRecord };
  }

  private readHeader(b: Buffer): EvtxFileHeader {
    if (!isEvtxHeader(b)) throw notEvtx(b, this.warnings.file);
    const h = parseFileHeader(b)!;
    if (!h.noCrc && !h.crcOk) this.warnings.warn('EVTX_HEADER_CRC', 'file header CRC32 mismatch; chunks are read anyway', 124);
    if (h.majorVersion !== 3) this.warnings.warn('EVTX_VERSION', `file format version ${h.majorVersion}.${h.minorVersion} (3.x expected); read as 3.x`, 36);
    // The dirty flag is normal for a live log (and for any copy of one): reported in stats, not warned about.
    return h;
  }

  /** Finish: report a truncated file (a partial chunk, or fewer chunks than the header announces) and return what was read. */
  end(): EvtxReadResult {
    if (!this.header) {
      if (this.fill >= 8 && !isEvtxHeader(this.block)) throw notEvtx(this.block, this.warnings.file);
      throw new AnalyzeError('EVTX_TRUNCATED', `file ends after ${this.fill} bytes, inside the 4096-byte file header`, { file: this.warnings.file, offset: this.fill });
    }
    const announced = this.missingChunks();
    if (this.fill > 0) {
      this.stats.chunksSkipped++;
      this.warnings.warn('EVTX_TRUNCATED', `file ends ${this.fill} bytes into a 64 KiB chunk (truncated log${announced ? `: ${announced}` : ''}); that partial chunk is not read`, this.blockOffset);
      this.fill = 0;
    } else if (announced) {
      this.warnings.warn('EVTX_TRUNCATED', `file ends after a whole chunk, before the chunks its header announces (truncated log: ${announced})`, this.blockOffset);
    }
    return { header: this.header, stats: this.stats };
  }

  /**
   * "header announces N chunks, M whole ones present" when the file holds fewer whole chunks than its header
   * counts, else null. A header count below the chunks present is normal (a live log updates it late), and a
   * header whose CRC32 fails is not believed.
   */
  private missingChunks(): string | null {
    const h = this.header!;
    const whole = (this.blockOffset - FILE_HEADER_SIZE) / CHUNK_SIZE;
    if ((!h.crcOk && !h.noCrc) || h.chunkCount <= whole) return null;
    return `header announces ${h.chunkCount} chunks, ${whole} whole one${whole === 1 ? '' : 's'} present`;
  }
}

/** Bytes read from disk at a time. */
const READ_SIZE = 1 << 20;

/** The bytes of a file, READ_SIZE at a time, in one reused buffer. */
function* fileChunks(path: string): Generator<Buffer> {
  const fd = openFile(path);
  try {
    const buf = Buffer.allocUnsafe(READ_SIZE);
    for (;;) {
      const n = readSync(fd, buf, 0, READ_SIZE, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Read an .evtx file, calling onRecord for each record in file order.
 * @example readEvtxFile('System.evtx', (r) => r.eventId === 41 && console.log(r.time)).stats.records
 */
export function readEvtxFile(path: string, onRecord: (r: EvtxRecord) => void, opts: ReadOptions = {}): EvtxReadResult {
  const parser = new EvtxParser(onRecord, opts);
  for (const piece of fileChunks(path)) parser.feed(piece);
  return parser.end();
}

/**
 * readEvtxFile that awaits `opts.pace` after each MiB (records printed to a pipe as they are read).
 * @example await readEvtxFilePaced('System.evtx', print, { pace: () => drained() });
 */
export async function readEvtxFilePaced(path: string, onRecord: (r: EvtxRecord) => void, opts: ReadOptions = {}): Promise<EvtxReadResult> {
  const parser = new EvtxParser(onRecord, opts);
  for (const piece of fileChunks(path)) {
    parser.feed(piece);
    if (opts.pace) await opts.pace();
  }
  return parser.end();
}

/**
 * Read an .evtx from a stream (stdin), chunk by chunk as the bytes arrive.
 * @example await readEvtxStream(process.stdin, (r) => console.log(r.recordId, r.provider));
 */
export async function readEvtxStream(stream: AsyncIterable<Uint8Array>, onRecord: (r: EvtxRecord) => void, opts: ReadOptions = {}): Promise<EvtxReadResult> {
  const parser = new EvtxParser(onRecord, opts);
  for await (const data of stream) {
    parser.feed(data);
    if (opts.pace) await opts.pace();
  }
  return parser.end();
}

/** EVTX_NOT_EVTX, saying so when the file is a gzip-compressed log (logs are often collected that way). */
function notEvtx(head: Uint8Array, file: string | undefined): AnalyzeError {
  const what = isGzip(head) ? gzipInputMessage('.evtx') : `not a Windows event log (.evtx): no ElfFile signature${otherKindHint(head, 'events')}`;
  return new AnalyzeError('EVTX_NOT_EVTX', what, { file, offset: 0 });
}
