/**
 * The report of `analyze dump` (docs/json-dump.md): one shape whichever engine produced it.
 * Absent facts are null, never missing, so consumers can rely on every key.
 */
import type { Warning } from '../errors.js';

export type DumpEngine = 'cdb' | 'text' | 'native';

export interface BugcheckInfo {
  /** Normalised hex, `0x` + 8 digits upper-case for kernel bugchecks, e.g. `0x1000007E`. */
  code: string;
  /** e.g. SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M; null when the code is not in the tables. */
  name: string | null;
  /** BUGCHECK_P1..P4 as `0x`-prefixed hex strings (64-bit values do not fit a JSON number). */
  parameters: string[];
}

export interface ExceptionInfo {
  /** `0x` + 8 hex digits, e.g. `0xC0000005`. */
  code: string;
  /** e.g. STATUS_ACCESS_VIOLATION / EXCEPTION_ACCESS_VIOLATION; null when unknown. */
  name: string | null;
  /** The faulting address, hex, when known. */
  address?: string | null;
  /** Thread id that raised it, when known. */
  threadId?: number | null;
  /** native: Breakpad-compatible crash reason, e.g. `EXCEPTION_ACCESS_VIOLATION_WRITE`, `SIGSEGV /SEGV_MAPERR`. */
  reason?: string | null;
  /** native: the faulting thread's program counter at the exception (frame 0), hex. */
  instructionAddress?: string | null;
}

/** One loaded module (user mode) or driver (kernel). */
export interface ModuleInfo {
  name: string;
  base: string;
  size: number;
  timestamp?: string | null;
  version?: string | null;
  pdbName?: string | null;
  pdbGuid?: string | null;
  /** native: full path as recorded in the dump. */
  path?: string | null;
  /** native: symbol-server / Breakpad debug identifier (PDB GUID + age, or ELF build id), upper-case hex. */
  debugId?: string | null;
}

export interface ThreadInfo {
  id: number;
  name?: string | null;
  stackStart?: string | null;
  stackSize?: number | null;
}

export interface CulpritInfo {
  /** The module most likely at fault (IMAGE_NAME equivalent), e.g. `amdppm.sys`. */
  module: string | null;
  /** The chain of evidence, most decisive first, each a plain sentence. */
  evidence: string[];
}

export interface DumpReport {
  file: string;
  engine: DumpEngine;
  /** native engine: `kernel-small` | `kernel-full` | `kernel-kernel` | `kernel-bitmap` | `minidump`; null for cdb/text. */
  format: string | null;
  bugcheck: BugcheckInfo | null;
  exception: ExceptionInfo | null;
  imageName: string | null;
  moduleName: string | null;
  symbolName: string | null;
  processName: string | null;
  failureBucket: string | null;
  osVersion: string | null;
  /** `module!function+offset` frames, innermost first. */
  stack: string[];
  /**
   * Symbol problems, parse oddities, damage the native reader stepped over: a stable `DUMP_*` code, one
   * sentence, and (native engine) the byte offset of the damage.
   */
  warnings: Warning[];
  /** Native engine facts (null/empty from cdb and text). */
  os?: { platform: string | null; version: string | null; build: number | null; architecture: string | null; processors: number | null } | null;
  modules?: ModuleInfo[];
  drivers?: ModuleInfo[];
  threads?: ThreadInfo[];
  culprit?: CulpritInfo | null;
  /** Crash time, ISO 8601, when the dump records it. */
  crashTime?: string | null;
  /** With --engine auto and cdb present: the native facts shown beside cdb's, and where they disagree. */
  native?: DumpReport | null;
  disagreements?: string[];
  /** native: unloaded modules (minidump) or unloaded drivers (kernel small dump); names of kernel ones are cut to 12 characters by Windows. */
  unloadedModules?: ModuleInfo[];
  /** native, kernel dumps: header facts beyond the common ones. */
  kernel?: {
    dumpType: number;
    dumpTypeName: string;
    /** MajorVersion 0xF = free (retail) build, 0xC = checked build. */
    freeBuild: boolean | null;
    machine: string;
    systemUptimeSeconds: number | null;
    productType: string | null;
    /** Non-kernel drivers whose addresses appear on the saved stack, in scan order. */
    stackDrivers: string[];
  } | null;
  /** native, minidumps: the module holding the faulting instruction (frame 0), with version and PDB identity. */
  faultingModule?: ModuleInfo | null;
  /** native, minidumps: MiscInfo process facts. */
  process?: { id: number | null; createTime: string | null; mainModule: string | null } | null;
}
