/**
 * A minidump cut short inside its memory data. Most of a minidump's bytes are memory: the ranges of the
 * MemoryList (stacks, bytes around pointers) and, in a full-memory dump, the Memory64List, written after
 * the streams. A copy cut there keeps every stream the directory lists, so the directory check
 * (minidump-streams.ts warnIfCut) passes and the dump read as intact. Here every extent the streams announce
 * (memory ranges, each thread's stack and context, the exception context) is compared with the file size,
 * and the cut said once per dump, with the same code and at the same offset as the directory check.
 */
import { AnalyzeError, type Warnings } from '../../errors.js';
import { STREAM, listLayout, type Directory, type ExceptionStream, type Thread } from './minidump-streams.js';
import { isFatalDumpError, type Reader } from './source.js';

/** MINIDUMP_MEMORY_DESCRIPTOR: u64 StartOfMemoryRange, u32 DataSize, u32 Rva. */
const MEMORY_DESCRIPTOR_SIZE = 16;
/** MINIDUMP_MEMORY64_LIST: u64 NumberOfMemoryRanges, u64 BaseRva, then the descriptors. */
const MEMORY64_HEADER_SIZE = 16;
/** MINIDUMP_MEMORY_DESCRIPTOR64: u64 StartOfMemoryRange, u64 DataSize (the data is contiguous from BaseRva). */
const MEMORY64_DESCRIPTOR_SIZE = 16;

/** What runs past the end of the file, by kind, and the farthest byte announced. */
class CutExtents {
  readonly kinds = new Set<string>();
  end = 0n;
  constructor(private readonly fileSize: number) {}

  note(kind: string, rva: bigint, size: bigint): void {
    if (size === 0n || rva + size <= BigInt(this.fileSize)) return;
    this.kinds.add(kind);
    if (rva + size > this.end) this.end = rva + size;
  }
}

/**
 * Warn DUMP_TRUNCATED (once) when the memory data the dump lists runs past the end of the file. Silent
 * when the directory check already said the dump was cut (one warning per dump, not one per range).
 * The work is bounded by the lists as already capped: the ThreadList and MemoryList by MAX_LIST_ENTRIES
 * (listLayout), the Memory64List by its stream's bytes (a count must fit in them; a read is at most
 * MAX_SINGLE_READ).
 * @example warnIfMemoryCut(r, dir, threads, exc, warnings); // after readThreads, before the stacks are read
 */
export function warnIfMemoryCut(r: Reader, dir: Directory, threads: readonly Thread[], exc: ExceptionStream | null, warnings: Warnings): void {
  if (dir.cut) return;
  const cut = new CutExtents(r.size);
  noteMemoryList(r, dir, cut, warnings);
  noteMemory64List(r, dir, cut, warnings);
  for (const t of threads) {
    cut.note('thread stacks', BigInt(t.stackRva), BigInt(t.stackSize));
    cut.note('thread contexts', BigInt(t.context.rva), BigInt(t.context.size));
  }
  if (exc) cut.note('the exception context', BigInt(exc.context.rva), BigInt(exc.context.size));
  if (cut.kinds.size === 0) return;
  warnings.warn('DUMP_TRUNCATED', `the file ends at byte ${r.size}, but the memory data the dump lists runs past the end (${joinKinds([...cut.kinds])}, up to byte ${cut.end}): the dump was cut short`, r.size);
}

function noteMemoryList(r: Reader, dir: Directory, cut: CutExtents, warnings: Warnings): void {
  const list = listBytes(r, dir, STREAM.MEMORY_LIST, 'MemoryList', warnings);
  if (!list) return;
  const layout = checked(warnings, 'MemoryList', () => listLayout(r, list.buf, MEMORY_DESCRIPTOR_SIZE, 'MemoryList', list.at));
  if (!layout) return;
  for (let i = 0; i < layout.count; i++) {
    const e = layout.first + i * MEMORY_DESCRIPTOR_SIZE;
    cut.note('memory ranges', BigInt(list.buf.readUInt32LE(e + 12)), BigInt(list.buf.readUInt32LE(e + 8)));
  }
}

function noteMemory64List(r: Reader, dir: Directory, cut: CutExtents, warnings: Warnings): void {
  const list = listBytes(r, dir, STREAM.MEMORY64_LIST, 'Memory64List', warnings);
  if (!list) return;
  const { buf, at } = list;
  if (buf.length < MEMORY64_HEADER_SIZE) {
    warnings.warn('DUMP_BAD_STREAM', `Memory64List stream is ${buf.length} bytes, too short for its header: the Memory64List ranges are not checked`, at);
    return;
  }
  const count = buf.readBigUInt64LE(0);
  // Checked against the bytes present before any loop: a hostile count costs nothing.
  if (count > BigInt(Math.floor((buf.length - MEMORY64_HEADER_SIZE) / MEMORY64_DESCRIPTOR_SIZE))) {
    warnings.warn('DUMP_BAD_COUNT', `Memory64List claims ${count} ranges but the stream holds ${buf.length} bytes: the Memory64List ranges are not checked`, at);
    return;
  }
  // The ranges' data follow one another from BaseRva: the last one ends at BaseRva + the sum of the sizes.
  let total = 0n;
  for (let i = 0; i < Number(count); i++) total += buf.readBigUInt64LE(MEMORY64_HEADER_SIZE + i * MEMORY64_DESCRIPTOR_SIZE + 8);
  cut.note('memory ranges', buf.readBigUInt64LE(8), total);
}

/** A memory list's stream bytes, or null when it is absent (or too large to be real, with a warning). */
function listBytes(r: Reader, dir: Directory, type: number, what: string, warnings: Warnings): { buf: Buffer; at: number } | null {
  const s = dir.streams.get(type);
  if (!s) return null;
  const buf = checked(warnings, what, () => r.bytes(s.rva, s.size, `${what} stream`));
  return buf ? { buf, at: s.at } : null;
}

/** Run a read of a memory list; its damage is a warning (the verdict never needs these lists), not an error. */
function checked<T>(warnings: Warnings, what: string, read: () => T): T | null {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof AnalyzeError) || isFatalDumpError(e)) throw e;
    warnings.warn(e.code, `${e.message}: the ${what} ranges are not checked`, e.offset);
    return null;
  }
}

/** `a`, `a and b`, `a, b and c`. */
function joinKinds(kinds: string[]): string {
  return kinds.length < 2 ? kinds.join('') : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}`;
}
