/**
 * TRIAGE_DUMP (small memory dump) contents: driver list, unloaded drivers, the crashing thread's
 * stack, and the process name. Layout: docs/formats/windows-dumps.md §6–7 (checked on all corpus samples).
 * All "...Offset" fields are absolute file offsets; every one is checked before use.
 */
import { Parser } from './binary-parser.js';
import { isFatalDumpError, type Reader } from './source.js';
import type { Warnings } from '../../errors.js';
import { baseName, type ModuleRange } from './modules.js';

export interface TriageHeader {
  sizeOfDump: number;
  validOffset: number;
  unloadedDriversOffset: number;
  processOffset: number;
  threadOffset: number;
  callStackOffset: number;
  sizeOfCallStack: number;
  driverListOffset: number;
  driverCount: number;
  stringPoolOffset: number;
  stringPoolSize: number;
  topOfStack: bigint;
}

export interface Driver extends ModuleRange {
  path: string;
  timestamp: number;
  checksum: number;
}

export interface UnloadedDriver extends ModuleRange {}

/** "TRGD": the TRIAGE_DUMP_VALID marker at ValidOffset. */
const TRIAGE_VALID = 0x44475254;
/** DUMP_DRIVER_ENTRY sizes (docs/formats/windows-dumps.md §7); the real size is derived from the layout when it differs. */
const DRIVER_ENTRY64 = 0x90;
const DRIVER_ENTRY32 = 0x4c;
/** A derived entry size beyond this is not a grown DUMP_DRIVER_ENTRY but a misplaced string pool. */
const MAX_DRIVER_ENTRY = 0x200;
/** A Windows system has a few hundred drivers; a count beyond this is damage. */
export const MAX_DRIVERS = 4096;
/** MmUnloadedDrivers keeps the last 50. */
export const MAX_UNLOADED = 64;
/** DUMP_STRING lengths are in WCHARs; driver paths are short (MAX_PATH). */
const MAX_DRIVER_NAME_CHARS = 1024;

/** TRIAGE_DUMP64 and TRIAGE_DUMP32: the same u32 offsets and counts; only TopOfStack is pointer-sized. */
function triageParser(is64: boolean) {
  const fields = new Parser()
    .endianness('little')
    .uint32('servicePackBuild')
    .uint32('sizeOfDump')
    .uint32('validOffset')
    .uint32('contextOffset')
    .uint32('exceptionOffset')
    .uint32('mmOffset')
    .uint32('unloadedDriversOffset')
    .uint32('prcbOffset')
    .uint32('processOffset')
    .uint32('threadOffset')
    .uint32('callStackOffset')
    .uint32('sizeOfCallStack')
    .uint32('driverListOffset')
    .uint32('driverCount')
    .uint32('stringPoolOffset')
    .uint32('stringPoolSize')
    .uint32('brokenDriverOffset')
    .uint32('triageOptions');
  return is64 ? fields.uint64('topOfStack') : fields.uint32('topOfStack');
}

const triage64 = triageParser(true);
const triage32 = triageParser(false);

export function readTriageHeader(r: Reader, at: number, is64: boolean, warnings: Warnings): TriageHeader {
  const p = is64 ? triage64 : triage32;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- binary-parser returns untyped records
  const t: any = p.parse(r.bytes(at, p.sizeOf(), 'TRIAGE_DUMP header'));
  if (r.has(t.validOffset, 4)) {
    if (r.u32(t.validOffset, 'TRIAGE_DUMP valid marker') !== TRIAGE_VALID) {
      warnings.warn('DUMP_TRIAGE_UNVALIDATED', 'the small dump lacks its "TRGD" end marker: it may be incomplete', t.validOffset);
    }
  } else {
    warnings.warn('DUMP_TRIAGE_TRUNCATED', `the small dump is cut short: its end marker should be at byte ${t.validOffset}`, Math.min(t.validOffset, r.size));
  }
  return {
    sizeOfDump: t.sizeOfDump,
    validOffset: t.validOffset,
    unloadedDriversOffset: t.unloadedDriversOffset,
    processOffset: t.processOffset,
    threadOffset: t.threadOffset,
    callStackOffset: t.callStackOffset,
    sizeOfCallStack: t.sizeOfCallStack,
    driverListOffset: t.driverListOffset,
    driverCount: t.driverCount,
    stringPoolOffset: t.stringPoolOffset,
    stringPoolSize: t.stringPoolSize,
    topOfStack: typeof t.topOfStack === 'bigint' ? t.topOfStack : BigInt(t.topOfStack),
  };
}

/** DUMP_STRING: u32 length in WCHARs, UTF-16LE text. */
function readDumpString(r: Reader, at: number, what: string): string {
  const chars = r.u32(at, `${what} length`);
  if (chars > MAX_DRIVER_NAME_CHARS) r.fail('DUMP_BAD_STRING', `${what} claims ${chars} characters`, at);
  const bytes = r.bytes(at + 4, chars * 2, what);
  r.chargeNames(bytes.length, what, at);
  return bytes.toString('utf16le');
}

export function readDrivers(r: Reader, t: TriageHeader, is64: boolean, warnings: Warnings): Driver[] {
  if (t.driverCount === 0 || t.driverListOffset === 0) return [];
  if (t.driverCount > MAX_DRIVERS) r.fail('DUMP_BAD_COUNT', `the driver list claims ${t.driverCount} drivers (at most ${MAX_DRIVERS} are plausible)`, t.driverListOffset);
  let entry = is64 ? DRIVER_ENTRY64 : DRIVER_ENTRY32;
  // The string pool follows the list directly; when that gives an exact, plausible entry size, trust it.
  const span = t.stringPoolOffset - t.driverListOffset;
  if (span > 0 && span % t.driverCount === 0) {
    const derived = span / t.driverCount;
    if (derived !== entry && derived >= (is64 ? DRIVER_ENTRY64 : DRIVER_ENTRY32) && derived <= MAX_DRIVER_ENTRY) entry = derived;
  }
  const list = r.bytes(t.driverListOffset, t.driverCount * entry, `driver list (${t.driverCount} entries)`);
  const out: Driver[] = [];
  for (let i = 0; i < t.driverCount; i++) {
    const e = i * entry;
    const nameOffset = list.readUInt32LE(e);
    let base: bigint;
    let size: number;
    let checksum: number;
    let timestamp: number;
    if (is64) {
      base = list.readBigUInt64LE(e + 0x08 + 0x30);
      size = list.readUInt32LE(e + 0x08 + 0x40);
      checksum = list.readUInt32LE(e + 0x80);
      timestamp = list.readUInt32LE(e + 0x88);
    } else {
      base = BigInt(list.readUInt32LE(e + 0x1c));
      size = list.readUInt32LE(e + 0x24);
      checksum = list.readUInt32LE(e + 0x44);
      timestamp = list.readUInt32LE(e + 0x48);
    }
    let path = '';
    try {
      path = readDumpString(r, nameOffset, `name of driver ${i}`);
    } catch (err) {
      if (isFatalDumpError(err)) throw err;
      warnings.warn('DUMP_DRIVER_NAME', `driver ${i}: its name could not be read (${(err as Error).message})`, nameOffset);
      path = `driver#${i}`;
    }
    out.push({ name: baseName(path), path, base, size: BigInt(size), checksum, timestamp });
  }
  return out;
}

export function readUnloadedDrivers(r: Reader, t: TriageHeader, is64: boolean, warnings: Warnings): UnloadedDriver[] {
  const at = t.unloadedDriversOffset;
  if (at === 0) return [];
  if (!r.has(at, 4)) {
    warnings.warn('DUMP_UNLOADED_TRUNCATED', 'the unloaded-driver list lies past the end of the file', Math.min(at, r.size));
    return [];
  }
  const count = r.u32(at, 'unloaded driver count');
  if (count > MAX_UNLOADED) {
    warnings.warn('DUMP_BAD_COUNT', `the unloaded-driver list claims ${count} entries (Windows keeps at most 50): ignored`, at);
    return [];
  }
  const first = at + (is64 ? 8 : 4);
  const size = is64 ? 56 : 40;
  const buf = r.bytes(first, count * size, `unloaded driver list (${count} entries)`);
  const out: UnloadedDriver[] = [];
  for (let i = 0; i < count; i++) {
    const e = i * size;
    const nameAt = e + (is64 ? 0x10 : 0x08);
    const byteLen = Math.min(buf.readUInt16LE(e), 24); // the inline copy keeps 12 WCHARs
    const name = buf.subarray(nameAt, nameAt + byteLen).toString('utf16le').replace(/\0.*$/, '');
    const start = is64 ? buf.readBigUInt64LE(e + 0x28) : BigInt(buf.readUInt32LE(e + 0x20));
    const end = is64 ? buf.readBigUInt64LE(e + 0x30) : BigInt(buf.readUInt32LE(e + 0x24));
    out.push({ name, base: start, size: end > start ? end - start : 0n });
  }
  return out;
}

/** The crashing thread's kernel stack bytes (VA of byte i = TopOfStack + i), or null. */
export function readCallStack(r: Reader, t: TriageHeader, warnings: Warnings): Buffer | null {
  if (t.callStackOffset === 0 || t.sizeOfCallStack === 0) return null;
  if (!r.has(t.callStackOffset, t.sizeOfCallStack)) {
    warnings.warn('DUMP_STACK_TRUNCATED', 'the saved kernel stack lies past the end of the file', Math.min(t.callStackOffset, r.size));
    return null;
  }
  return r.bytes(t.callStackOffset, t.sizeOfCallStack, 'saved kernel stack');
}

/** Names a process's EPROCESS.ImageFileName can take that do not end in .exe. */
const SYSTEM_PROCESS_NAMES = new Set(['System', 'Registry', 'MemCompression', 'Idle', 'Secure System', 'vmmem']);
/** EPROCESS copies are a few KB; scanning more than this is pointless. */
const MAX_EPROCESS_SCAN = 16 * 1024;

/**
 * PROCESS_NAME equivalent: the EPROCESS copy holds ImageFileName[15]; without symbols we do not know
 * its offset, so take the first 4-aligned, NUL-terminated printable run that looks like an image name.
 * A heuristic (it found "System" and "svchost.exe" in every corpus sample), labelled as such.
 * A copy past the end of the file, or cut by it before a name was found, is a warning like the other parts.
 */
export function guessProcessName(r: Reader, t: TriageHeader, warnings: Warnings): string | null {
  const start = t.processOffset;
  if (start === 0) return null;
  const end = t.threadOffset > start ? Math.min(t.threadOffset, start + MAX_EPROCESS_SCAN) : start + 0x1000;
  if (!r.has(start, 1)) {
    warnings.warn('DUMP_PROCESS_TRUNCATED', 'the process (EPROCESS) copy lies past the end of the file', Math.min(start, r.size));
    return null;
  }
  const name = scanProcessName(r.bytes(start, Math.min(end, r.size) - start, 'EPROCESS copy'));
  if (name === null && end > r.size) warnings.warn('DUMP_PROCESS_TRUNCATED', `the process (EPROCESS) copy is cut short by the end of the file (${end - r.size} of its bytes are missing)`, r.size);
  return name;
}

function scanProcessName(buf: Buffer): string | null {
  const nameChar = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e || c === 0x5f || c === 0x2d || c === 0x20;
  for (let i = 4; i < buf.length; i += 4) {
    if (nameChar(buf[i - 1]!)) continue; // must start the run, not sit inside one
    let j = i;
    while (j < buf.length && j - i < 15 && buf[j]! >= 0x20 && buf[j]! < 0x7f) j++;
    if (j >= buf.length || buf[j] !== 0 || j - i < 3) continue;
    const s = buf.toString('latin1', i, j);
    if (/^[A-Za-z0-9_.\- ]+$/.test(s) && (/\.exe$/i.test(s) || SYSTEM_PROCESS_NAMES.has(s))) return s;
  }
  return null;
}
