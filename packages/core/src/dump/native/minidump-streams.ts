/**
 * MDMP stream readers (docs/formats/windows-dumps.md §2; Microsoft minidumpapiset.h, rust-minidump format.rs,
 * breakpad minidump_format.h). All MS structs are pack(4): u64 fields are not 8-aligned, which
 * binary-parser handles naturally (it reads sequentially, no alignment).
 *
 * binary-parser is used for the fixed records (header, directory entry, module, system info, exception);
 * the variable-length pieces (strings, CodeView records, list headers with a declared entry size) are read
 * with plain Buffer offsets, because their sizes come from the file and must be checked before any parse.
 */
import { Parser } from './binary-parser.js';
import { AnalyzeError, type Warnings } from '../../errors.js';
import { isFatalDumpError, type Reader } from './source.js';
import { baseName, type ModuleRange } from './modules.js';

export const STREAM = {
  THREAD_LIST: 3,
  MODULE_LIST: 4,
  MEMORY_LIST: 5,
  EXCEPTION: 6,
  SYSTEM_INFO: 7,
  MEMORY64_LIST: 9,
  UNLOADED_MODULE_LIST: 14,
  MISC_INFO: 15,
  THREAD_NAMES: 24,
} as const;

/** A real minidump has tens of streams; the directory is rejected past this. */
export const MAX_STREAMS = 4096;
/** Module and thread lists: 354 modules is the largest corpus list; a million is damage. */
export const MAX_LIST_ENTRIES = 100_000;
/**
 * Modules and unloaded modules read, lower than MAX_LIST_ENTRIES because each is listed in the report (~700
 * bytes of JSON: 100,000 of them peaked `dump --json` at ~290 MB). A real process loads a few hundred to a
 * few thousand modules; Windows keeps the last 64 unloaded ones (RtlGetUnloadedEventTrace).
 */
export const MAX_MODULES = 16_384;
export const MAX_UNLOADED_MODULES = 1024;
/** MINIDUMP_STRING length cap (bytes): paths and thread names are short. */
export const MAX_STRING_BYTES = 64 * 1024;
/** CodeView records: a header plus a PDB path. */
export const MAX_CODEVIEW_BYTES = 4096;

export interface Directory {
  version: number;
  timeDateStamp: number;
  flags: bigint;
  /** First entry of each stream type: {size, rva}. */
  streams: Map<number, { size: number; rva: number; at: number }>;
  /** The directory places streams past the end of the file (DUMP_TRUNCATED already said so). */
  cut: boolean;
}

const header = new Parser().endianness('little').uint32('signature').uint32('version').uint32('numberOfStreams').uint32('streamDirectoryRva').uint32('checkSum').uint32('timeDateStamp').uint64('flags');
const dirEntry = new Parser().endianness('little').uint32('streamType').uint32('dataSize').uint32('rva');

/* eslint-disable @typescript-eslint/no-explicit-any -- binary-parser returns untyped records */
export function readDirectory(r: Reader, warnings: Warnings): Directory {
  const h: any = header.parse(r.bytes(0, 32, 'MINIDUMP_HEADER'));
  if (h.numberOfStreams > MAX_STREAMS) r.fail('DUMP_BAD_COUNT', `the minidump header claims ${h.numberOfStreams} streams (at most ${MAX_STREAMS} are plausible)`, 8);
  const dir = r.bytes(h.streamDirectoryRva, h.numberOfStreams * 12, `stream directory (${h.numberOfStreams} entries)`);
  const streams = new Map<number, { size: number; rva: number; at: number }>();
  for (let i = 0; i < h.numberOfStreams; i++) {
    const e: any = dirEntry.parse(dir.subarray(i * 12, i * 12 + 12));
    const at = h.streamDirectoryRva + i * 12;
    if (e.streamType === 0) continue; // UnusedStream
    if (streams.has(e.streamType)) {
      warnings.warn('DUMP_DUPLICATE_STREAM', `stream type ${e.streamType} appears more than once; the first is used`, at);
      continue;
    }
    streams.set(e.streamType, { size: e.dataSize, rva: e.rva, at });
  }
  const cut = warnIfCut(r, streams, warnings);
  return { version: h.version, timeDateStamp: h.timeDateStamp, flags: h.flags, streams, cut };
}

/**
 * A dump cut short (copied while still being written, a partial download) keeps its directory, which places
 * streams past the end of the file. Said once, whichever streams the verdict later reads (those that are cut
 * warn again by name): without it a cut dump whose verdict streams survived read as intact.
 */
function warnIfCut(r: Reader, streams: Directory['streams'], warnings: Warnings): boolean {
  let cut = 0;
  let end = 0;
  for (const s of streams.values()) {
    if (r.has(s.rva, s.size)) continue;
    cut++;
    end = Math.max(end, s.rva + s.size);
  }
  if (cut > 0) warnings.warn('DUMP_TRUNCATED', `the file ends at byte ${r.size}, but its directory places ${cut} stream${cut === 1 ? '' : 's'} past the end (up to byte ${end}): the dump was cut short`, r.size);
  return cut > 0;
}

/** The bytes of a stream, or null (with a warning) when its location lies outside the file. */
export function streamBytes(r: Reader, d: Directory, type: number, what: string, warnings: Warnings): Buffer | null {
  const s = d.streams.get(type);
  if (!s) return null;
  if (!r.has(s.rva, s.size)) {
    warnings.warn('DUMP_STREAM_OUT_OF_FILE', `${what} stream (${s.size} bytes at byte ${s.rva}) lies past the end of the file: skipped`, s.at);
    return null;
  }
  return r.bytes(s.rva, s.size, `${what} stream`);
}

/** MINIDUMP_STRING: u32 byte length, UTF-16LE. */
export function readString(r: Reader, rva: number, what: string): string {
  const len = r.u32(rva, `${what} length`);
  if (len > MAX_STRING_BYTES) r.fail('DUMP_BAD_STRING', `${what} claims ${len} bytes`, rva);
  const bytes = r.bytes(rva + 4, len - (len % 2), what);
  r.chargeNames(bytes.length, what, rva);
  return bytes.toString('utf16le');
}

/**
 * `u32 count` + fixed entries, accepting the 4 padding bytes some writers put after the count
 * (rust-minidump read_stream_list). Returns the offset of the first entry and the count.
 */
export function listLayout(r: Reader, buf: Buffer, entrySize: number, what: string, at: number, max = MAX_LIST_ENTRIES): { first: number; count: number } {
  if (buf.length < 4) r.fail('DUMP_BAD_STREAM', `${what} stream is ${buf.length} bytes, too short for its count`, at);
  const count = buf.readUInt32LE(0);
  if (count > max) r.fail('DUMP_BAD_COUNT', `${what} claims ${count} entries (at most ${max} are plausible)`, at);
  const need = 4 + count * entrySize;
  if (buf.length === need + 4) return { first: 8, count };
  if (buf.length < need) r.fail('DUMP_BAD_COUNT', `${what} claims ${count} entries of ${entrySize} bytes but the stream holds ${buf.length} bytes`, at);
  return { first: 4, count };
}

// ---- SystemInfo ------------------------------------------------------------------------------------------

export interface SystemInfo {
  cpu: number;
  processorLevel: number;
  processorRevision: number;
  processors: number;
  productType: number;
  major: number;
  minor: number;
  build: number;
  platformId: number;
  csdVersion: string | null;
}

const sysInfo = new Parser()
  .endianness('little')
  .uint16('processorArchitecture')
  .uint16('processorLevel')
  .uint16('processorRevision')
  .uint8('numberOfProcessors')
  .uint8('productType')
  .uint32('majorVersion')
  .uint32('minorVersion')
  .uint32('buildNumber')
  .uint32('platformId')
  .uint32('csdVersionRva');

export function readSystemInfo(r: Reader, d: Directory, warnings: Warnings): SystemInfo | null {
  const buf = streamBytes(r, d, STREAM.SYSTEM_INFO, 'SystemInfo', warnings);
  if (!buf) return null;
  if (buf.length < sysInfo.sizeOf()) {
    warnings.warn('DUMP_BAD_STREAM', `SystemInfo stream is ${buf.length} bytes, too short`, d.streams.get(STREAM.SYSTEM_INFO)!.at);
    return null;
  }
  const s: any = sysInfo.parse(buf);
  let csd: string | null = null;
  if (s.csdVersionRva !== 0) {
    try {
      csd = readString(r, s.csdVersionRva, 'CSD version string');
    } catch (e) {
      if (isFatalDumpError(e)) throw e;
      warnings.warn('DUMP_BAD_STRING', `the OS service-pack/version string could not be read (${(e as Error).message})`, s.csdVersionRva);
    }
  }
  return {
    cpu: s.processorArchitecture,
    processorLevel: s.processorLevel,
    processorRevision: s.processorRevision,
    processors: s.numberOfProcessors,
    productType: s.productType,
    major: s.majorVersion,
    minor: s.minorVersion,
    build: s.buildNumber,
    platformId: s.platformId,
    csdVersion: csd,
  };
}

// ---- Exception -------------------------------------------------------------------------------------------

export interface ExceptionStream {
  threadId: number;
  code: number;
  flags: number;
  address: bigint;
  parameters: bigint[];
  context: { size: number; rva: number };
}

const exceptionStream = new Parser()
  .endianness('little')
  .uint32('threadId')
  .seek(4)
  .uint32('exceptionCode')
  .uint32('exceptionFlags')
  .uint64('exceptionRecord')
  .uint64('exceptionAddress')
  .uint32('numberParameters')
  .seek(4)
  .array('exceptionInformation', { type: 'uint64le', length: 15 })
  .uint32('contextSize')
  .uint32('contextRva');

/** EXCEPTION_MAXIMUM_PARAMETERS */
const MAX_EXCEPTION_PARAMETERS = 15;

export function readException(r: Reader, d: Directory, warnings: Warnings): ExceptionStream | null {
  const buf = streamBytes(r, d, STREAM.EXCEPTION, 'Exception', warnings);
  if (!buf) return null;
  if (buf.length < exceptionStream.sizeOf()) {
    warnings.warn('DUMP_BAD_STREAM', `Exception stream is ${buf.length} bytes, too short (168 expected)`, d.streams.get(STREAM.EXCEPTION)!.at);
    return null;
  }
  const e: any = exceptionStream.parse(buf);
  const n = Math.min(e.numberParameters, MAX_EXCEPTION_PARAMETERS);
  return {
    threadId: e.threadId,
    code: e.exceptionCode,
    flags: e.exceptionFlags,
    address: e.exceptionAddress,
    parameters: (e.exceptionInformation as bigint[]).slice(0, n),
    context: { size: e.contextSize, rva: e.contextRva },
  };
}

// ---- Modules ---------------------------------------------------------------------------------------------

export interface Module extends ModuleRange {
  path: string;
  checksum: number;
  timeDateStamp: number;
  version: string | null;
  pdbName: string | null;
  pdbGuid: string | null;
  debugId: string | null;
}

const MODULE_SIZE = 108;
const VS_FFI_SIGNATURE = 0xfeef04bd;
const moduleEntry = new Parser()
  .endianness('little')
  .uint64('baseOfImage')
  .uint32('sizeOfImage')
  .uint32('checkSum')
  .uint32('timeDateStamp')
  .uint32('moduleNameRva')
  .uint32('ffiSignature')
  .uint32('ffiStrucVersion')
  .uint32('fileVersionMS')
  .uint32('fileVersionLS')
  .seek(36) // product version .. file date
  .uint32('cvSize')
  .uint32('cvRva')
  .uint32('miscSize')
  .uint32('miscRva')
  .seek(16);

export function readModules(r: Reader, d: Directory, warnings: Warnings): Module[] {
  const buf = streamBytes(r, d, STREAM.MODULE_LIST, 'ModuleList', warnings);
  if (!buf) return [];
  const at = d.streams.get(STREAM.MODULE_LIST)!.at;
  const { first, count } = listLayout(r, buf, MODULE_SIZE, 'ModuleList', at, MAX_MODULES);
  const out: Module[] = [];
  for (let i = 0; i < count; i++) {
    const m: any = moduleEntry.parse(buf.subarray(first + i * MODULE_SIZE, first + (i + 1) * MODULE_SIZE));
    let path = '';
    try {
      path = readString(r, m.moduleNameRva, `name of module ${i}`);
    } catch (e) {
      if (isFatalDumpError(e)) throw e;
      warnings.warn('DUMP_BAD_STRING', `module ${i}: its name could not be read (${(e as Error).message})`, m.moduleNameRva);
      path = `module#${i}`;
    }
    const version =
      m.ffiSignature === VS_FFI_SIGNATURE
        ? `${m.fileVersionMS >>> 16}.${m.fileVersionMS & 0xffff}.${m.fileVersionLS >>> 16}.${m.fileVersionLS & 0xffff}`
        : null;
    const cv = readCodeView(r, m.cvRva, m.cvSize, i, warnings);
    out.push({
      name: baseName(path),
      path,
      base: m.baseOfImage,
      size: BigInt(m.sizeOfImage),
      checksum: m.checkSum,
      timeDateStamp: m.timeDateStamp,
      version,
      ...cv,
    });
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const CV_RSDS = 0x53445352;
const CV_NB10 = 0x3031424e;
const CV_ELF = 0x4270454c; // 'BpEL'

function cString(buf: Buffer, from: number): string {
  const end = buf.indexOf(0, from);
  return buf.toString('utf8', from, end < 0 ? buf.length : end);
}

/** CodeView record -> PDB name, GUID and the debug identifier as Breakpad prints it (GUID upper-case hex + age in lower-case hex). */
export function readCodeView(r: Reader, rva: number, size: number, index: number, warnings: Warnings): { pdbName: string | null; pdbGuid: string | null; debugId: string | null } {
  const none = { pdbName: null, pdbGuid: null, debugId: null };
  if (rva === 0 || size < 4) return none;
  if (!r.has(rva, Math.min(size, MAX_CODEVIEW_BYTES))) {
    warnings.warn('DUMP_CODEVIEW_OUT_OF_FILE', `module ${index}: its CodeView record lies past the end of the file`, rva);
    return none;
  }
  const cv = r.bytes(rva, Math.min(size, MAX_CODEVIEW_BYTES), `CodeView record of module ${index}`);
  r.chargeNames(cv.length, `CodeView record of module ${index}`, rva);
  const sig = cv.readUInt32LE(0);
  if (sig === CV_RSDS && cv.length >= 24) {
    const d1 = cv.readUInt32LE(4).toString(16).padStart(8, '0');
    const d2 = cv.readUInt16LE(8).toString(16).padStart(4, '0');
    const d3 = cv.readUInt16LE(10).toString(16).padStart(4, '0');
    const d4 = cv.subarray(12, 20).toString('hex');
    const age = cv.readUInt32LE(20);
    const guid = `${d1}-${d2}-${d3}-${d4.slice(0, 4)}-${d4.slice(4)}`.toUpperCase();
    return { pdbName: baseName(cString(cv, 24)), pdbGuid: guid, debugId: `${d1}${d2}${d3}${d4}`.toUpperCase() + age.toString(16) };
  }
  if (sig === CV_NB10 && cv.length >= 16) {
    const stamp = cv.readUInt32LE(8);
    const age = cv.readUInt32LE(12);
    return { pdbName: baseName(cString(cv, 16)), pdbGuid: null, debugId: `${stamp.toString(16).toUpperCase().padStart(8, '0')}${age.toString(16)}` };
  }
  if (sig === CV_ELF && cv.length > 4) {
    // ELF build id: breakpad turns its first 16 bytes into a GUID (little-endian fields) + age 0.
    const id = Buffer.alloc(16);
    cv.copy(id, 0, 4, Math.min(cv.length, 20));
    const g = `${id.readUInt32LE(0).toString(16).padStart(8, '0')}${id.readUInt16LE(4).toString(16).padStart(4, '0')}${id.readUInt16LE(6).toString(16).padStart(4, '0')}${id.subarray(8, 16).toString('hex')}`;
    return { pdbName: null, pdbGuid: null, debugId: `${g.toUpperCase()}0` };
  }
  return none;
}

// ---- Unloaded modules ------------------------------------------------------------------------------------

export function readUnloadedModules(r: Reader, d: Directory, warnings: Warnings): ModuleRange[] {
  const buf = streamBytes(r, d, STREAM.UNLOADED_MODULE_LIST, 'UnloadedModuleList', warnings);
  if (!buf) return [];
  const at = d.streams.get(STREAM.UNLOADED_MODULE_LIST)!.at;
  if (buf.length < 12) {
    warnings.warn('DUMP_BAD_STREAM', 'UnloadedModuleList stream is too short for its header', at);
    return [];
  }
  const sizeOfHeader = buf.readUInt32LE(0);
  const sizeOfEntry = buf.readUInt32LE(4);
  const count = buf.readUInt32LE(8);
  if (sizeOfHeader < 12 || sizeOfEntry < 24 || count > MAX_LIST_ENTRIES || sizeOfHeader + count * sizeOfEntry > buf.length) {
    warnings.warn('DUMP_BAD_STREAM', `UnloadedModuleList header is inconsistent (header ${sizeOfHeader}, entry ${sizeOfEntry}, ${count} entries, ${buf.length} bytes): skipped`, at);
    return [];
  }
  if (count > MAX_UNLOADED_MODULES) {
    warnings.warn('DUMP_BAD_COUNT', `UnloadedModuleList holds ${count} entries (Windows keeps 64): only the first ${MAX_UNLOADED_MODULES} are read`, at);
  }
  const out: ModuleRange[] = [];
  for (let i = 0; i < Math.min(count, MAX_UNLOADED_MODULES); i++) {
    const e = sizeOfHeader + i * sizeOfEntry;
    const base = buf.readBigUInt64LE(e);
    const size = buf.readUInt32LE(e + 8);
    const nameRva = buf.readUInt32LE(e + 20);
    let name = `unloaded#${i}`;
    try {
      name = baseName(readString(r, nameRva, `name of unloaded module ${i}`));
    } catch (err) {
      if (isFatalDumpError(err)) throw err;
      warnings.warn('DUMP_BAD_STRING', `unloaded module ${i}: ${(err as Error).message}`, nameRva);
    }
    out.push({ name, base, size: BigInt(size) });
  }
  return out;
}

// ---- Threads ---------------------------------------------------------------------------------------------

export interface Thread {
  id: number;
  stackStart: bigint;
  stackSize: number;
  stackRva: number;
  context: { size: number; rva: number };
  name: string | null;
}

const THREAD_SIZE = 48;

export function readThreads(r: Reader, d: Directory, warnings: Warnings): Thread[] {
  const buf = streamBytes(r, d, STREAM.THREAD_LIST, 'ThreadList', warnings);
  if (!buf) return [];
  const at = d.streams.get(STREAM.THREAD_LIST)!.at;
  const { first, count } = listLayout(r, buf, THREAD_SIZE, 'ThreadList', at);
  const threads: Thread[] = [];
  for (let i = 0; i < count; i++) {
    const e = first + i * THREAD_SIZE;
    threads.push({
      id: buf.readUInt32LE(e),
      stackStart: buf.readBigUInt64LE(e + 24),
      stackSize: buf.readUInt32LE(e + 32),
      stackRva: buf.readUInt32LE(e + 36),
      context: { size: buf.readUInt32LE(e + 40), rva: buf.readUInt32LE(e + 44) },
      name: null,
    });
  }
  const names = readThreadNames(r, d, warnings);
  for (const t of threads) t.name = names.get(`#${t.id}`) ?? null;
  return threads;
}

/**
 * Thread names by thread id, the key `#id`: V8 hashes integer keys (and strings that read as integers)
 * without a seed, so 100,000 ids the file chooses could all land in one bucket (quadratic); other strings are
 * hashed with a per-process seed.
 */
function readThreadNames(r: Reader, d: Directory, warnings: Warnings): Map<string, string> {
  const names = new Map<string, string>();
  const buf = streamBytes(r, d, STREAM.THREAD_NAMES, 'ThreadNames', warnings);
  if (!buf) return names;
  let layout: { first: number; count: number };
  try {
    layout = listLayout(r, buf, 12, 'ThreadNames', d.streams.get(STREAM.THREAD_NAMES)!.at);
  } catch (err) {
    // Names are a nicety: a damaged ThreadNames stream must not cost the threads or the exception.
    if (!(err instanceof AnalyzeError)) throw err;
    warnings.warn(err.code, `${err.message}: thread names skipped`, err.offset);
    return names;
  }
  const { first, count } = layout;
  for (let i = 0; i < count; i++) {
    const e = first + i * 12;
    const id = buf.readUInt32LE(e);
    const rva64 = buf.readBigUInt64LE(e + 4);
    if (rva64 === 0n) continue;
    if (rva64 >= BigInt(r.size)) {
      warnings.warn('DUMP_BAD_STRING', `thread ${id}: its name lies past the end of the file`, d.streams.get(STREAM.THREAD_NAMES)!.rva + e);
      continue;
    }
    try {
      names.set(`#${id}`, readString(r, Number(rva64), `name of thread ${id}`));
    } catch (err) {
      if (isFatalDumpError(err)) throw err;
      warnings.warn('DUMP_BAD_STRING', `thread ${id}: ${(err as Error).message}`, Number(rva64));
    }
  }
  return names;
}

// ---- MiscInfo --------------------------------------------------------------------------------------------

export interface MiscInfo {
  processId: number | null;
  processCreateTime: number | null;
  buildString: string | null;
}

const MISC_PROCESS_ID = 0x1;
const MISC_PROCESS_TIMES = 0x2;
const MISC_BUILDSTRING = 0x100;

export function readMiscInfo(r: Reader, d: Directory, warnings: Warnings): MiscInfo | null {
  const buf = streamBytes(r, d, STREAM.MISC_INFO, 'MiscInfo', warnings);
  if (!buf || buf.length < 24) return null;
  const flags = buf.readUInt32LE(4);
  let buildString: string | null = null;
  // MINIDUMP_MISC_INFO_4+: WCHAR BuildString[260] at +232.
  if (flags & MISC_BUILDSTRING && buf.length >= 232 + 520) {
    buildString = buf.toString('utf16le', 232, 232 + 520).replace(/\0.*$/s, '') || null;
  }
  return {
    processId: flags & MISC_PROCESS_ID ? buf.readUInt32LE(8) : null,
    processCreateTime: flags & MISC_PROCESS_TIMES ? buf.readUInt32LE(12) : null,
    buildString,
  };
}
