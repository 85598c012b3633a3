/**
 * Kernel crash-dump headers: DUMP_HEADER64 ("PAGEDU64", 0x2000 bytes) and DUMP_HEADER32 ("PAGEDUMP",
 * 0x1000 bytes). Offsets: docs/formats/windows-dumps.md §4–5 (kdmp-parser, volatility3, rizin; checked on
 * the corpus). Cold, fixed structures: binary-parser describes them declaratively.
 */
import { Parser } from './binary-parser.js';
import type { Reader } from './source.js';
import type { Arch } from './context.js';

export interface KernelHeader {
  is64: boolean;
  /** 0xF free (retail) build, 0xC checked build. */
  majorVersion: number;
  /** The OS build number (19041, 22000 ...). */
  build: number;
  machine: number;
  arch: Arch | null;
  processors: number;
  bugcheckCode: number;
  bugcheckParams: bigint[];
  psLoadedModuleList: bigint;
  dumpType: number;
  /** FILETIME (100 ns since 1601) of the crash; 0n when unset. */
  systemTime: bigint;
  /** 100 ns units. */
  systemUpTime: bigint;
  productType: number | null;
  /** File offset of the CONTEXT record in the header, and its buffer size. */
  contextOffset: number;
  contextSize: number;
  /** Where the triage / bitmap header starts (right after this header). */
  headerSize: number;
  /** The header's EXCEPTION_RECORD: code and address (a synthetic 0x80000003 at KeBugCheckEx in practice). */
  exceptionCode: number;
  exceptionAddress: bigint;
}

/** Unused header fields are filled with "PAGE" (0x45474150): treat that as "not set". */
export const PAGE_FILL = 0x45474150;

export const HEADER64_SIZE = 0x2000;
export const HEADER32_SIZE = 0x1000;

const MACHINE: Record<number, Arch> = { 0x8664: 'amd64', 0xaa64: 'arm64', 0x14c: 'x86', 0x1c4: 'arm' };

// The fields up to the bugcheck parameters, then the pieces further in, read by absolute offset.
const head64 = new Parser()
  .endianness('little')
  .uint32('signature')
  .uint32('validDump')
  .uint32('majorVersion')
  .uint32('minorVersion')
  .uint64('directoryTableBase')
  .uint64('pfnDataBase')
  .uint64('psLoadedModuleList')
  .uint64('psActiveProcessHead')
  .uint32('machineImageType')
  .uint32('numberProcessors')
  .uint32('bugCheckCode')
  .seek(4)
  .array('bugCheckParameters', { type: 'uint64le', length: 4 });

const tail64 = new Parser() // at 0xF00: EXCEPTION_RECORD64 .. ProductType
  .endianness('little')
  .uint32('exceptionCode')
  .uint32('exceptionFlags')
  .uint64('exceptionRecord')
  .uint64('exceptionAddress')
  .seek(0x98 - 0x18) // rest of EXCEPTION_RECORD64
  .uint32('dumpType') // 0xF98
  .seek(4)
  .uint64('requiredDumpSpace') // 0xFA0
  .uint64('systemTime') // 0xFA8
  .seek(128) // Comment
  .uint64('systemUpTime') // 0x1030
  .uint32('miniDumpFields')
  .uint32('secondaryDataState')
  .uint32('productType'); // 0x1040

const head32 = new Parser()
  .endianness('little')
  .uint32('signature')
  .uint32('validDump')
  .uint32('majorVersion')
  .uint32('minorVersion')
  .uint32('directoryTableBase')
  .uint32('pfnDataBase')
  .uint32('psLoadedModuleList')
  .uint32('psActiveProcessHead')
  .uint32('machineImageType')
  .uint32('numberProcessors')
  .uint32('bugCheckCode')
  .array('bugCheckParameters', { type: 'uint32le', length: 4 });

const exc32 = new Parser() // at 0x7D0: EXCEPTION_RECORD32
  .endianness('little')
  .uint32('exceptionCode')
  .uint32('exceptionFlags')
  .uint32('exceptionRecord')
  .uint32('exceptionAddress');

const tail32 = new Parser() // at 0xF88
  .endianness('little')
  .uint32('dumpType')
  .uint32('miniDumpFields')
  .uint32('secondaryDataState')
  .uint32('productType')
  .uint32('suiteMask')
  .uint32('writerStatus')
  .uint64('requiredDumpSpace') // 0xFA0
  .seek(16)
  .uint64('systemUpTime') // 0xFB8
  .uint64('systemTime'); // 0xFC0

/** Where the header CONTEXT record sits and how much room it has (DUMP_HEADER64 / DUMP_HEADER32). */
const CONTEXT64 = { offset: 0x348, size: 3000 };
const CONTEXT32 = { offset: 0x320, size: 1200 };

/* eslint-disable @typescript-eslint/no-explicit-any -- binary-parser returns untyped records */
export function readKernelHeader(r: Reader, is64: boolean): KernelHeader {
  const size = is64 ? HEADER64_SIZE : HEADER32_SIZE;
  // The whole header must be present: every dump type writes it in full before anything else.
  r.bytes(0, size, is64 ? 'DUMP_HEADER64' : 'DUMP_HEADER32');
  if (is64) {
    const h: any = head64.parse(r.bytes(0, head64.sizeOf(), 'DUMP_HEADER64'));
    const t: any = tail64.parse(r.bytes(0xf00, tail64.sizeOf(), 'DUMP_HEADER64 exception record and dump type'));
    return toKernelHeader(true, h, t, t, CONTEXT64);
  }
  const h: any = head32.parse(r.bytes(0, head32.sizeOf(), 'DUMP_HEADER32'));
  const e: any = exc32.parse(r.bytes(0x7d0, exc32.sizeOf(), 'DUMP_HEADER32 exception record'));
  const t: any = tail32.parse(r.bytes(0xf88, tail32.sizeOf(), 'DUMP_HEADER32 dump type and times'));
  return toKernelHeader(false, h, t, e, CONTEXT32);
}

/** One KernelHeader from either layout's parsed pieces (32-bit pointers widened to bigint). */
function toKernelHeader(is64: boolean, h: any, t: any, exc: any, context: { offset: number; size: number }): KernelHeader {
  return {
    is64,
    majorVersion: h.majorVersion,
    build: h.minorVersion,
    machine: h.machineImageType,
    arch: MACHINE[h.machineImageType] ?? null,
    processors: h.numberProcessors,
    bugcheckCode: h.bugCheckCode,
    bugcheckParams: (h.bugCheckParameters as (number | bigint)[]).map((p) => BigInt(p)),
    psLoadedModuleList: BigInt(h.psLoadedModuleList),
    dumpType: t.dumpType,
    systemTime: t.systemTime,
    systemUpTime: t.systemUpTime,
    productType: t.productType === PAGE_FILL ? null : t.productType,
    contextOffset: context.offset,
    contextSize: context.size,
    headerSize: is64 ? HEADER64_SIZE : HEADER32_SIZE,
    exceptionCode: exc.exceptionCode,
    exceptionAddress: BigInt(exc.exceptionAddress),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** FILETIME (100 ns ticks since 1601-01-01 UTC) -> ISO 8601, or null when unset or absurd.
 * @example filetimeToIso(133000000000000000n); // '2022-06-18T...Z'; null for 0 or 'PAGEPAGE'
 */
export function filetimeToIso(ft: bigint): string | null {
  if (ft === 0n || ft === 0x4547415045474150n) return null;
  const ms = Number(ft / 10000n) - 11644473600000;
  // Years 1980..2200: anything else is damage or an unset field.
  if (ms < 315532800000 || ms > 7258118400000) return null;
  return new Date(ms).toISOString();
}

/** DumpType -> our format name (docs/formats/windows-dumps.md §5). Types 5/6 are told apart by the bitmap signature, not the number. */
export function kernelFormatName(dumpType: number): string {
  switch (dumpType) {
    case 1:
      return 'kernel-full';
    case 2:
      return 'kernel-kernel';
    case 3:
      return 'kernel-header';
    case 4:
      return 'kernel-small';
    case 5:
    case 6:
      return 'kernel-bitmap';
    case 7:
    case 8:
    case 9:
    case 0xa:
      return 'kernel-kernel';
    default:
      return 'kernel-unknown';
  }
}
