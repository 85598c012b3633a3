/**
 * User-mode minidumps (MDMP) -> DumpReport: system info, the exception (Breakpad-compatible reason and
 * address), the faulting module (the one holding frame 0, the exception context's program counter),
 * modules, unloaded modules, threads with names, misc info, and a culprit with its evidence.
 */
import type { Warning, Warnings } from '../../errors.js';
import type { DumpReport, ModuleInfo } from '../report.js';
import { CRASH_UNREADABLE } from '../crash-unreadable.js';
import { exceptionName, fastFailName } from '../../tables/index.js';
import { readContext, pointerSize, type Arch, type CpuContext } from './context.js';
import { CPU_NAME, PLATFORM, PLATFORM_NAME, crashAddress, crashReason, type ExceptionFacts } from './crash-reason.js';
import { ModuleMap, hex, moduleOffset, scanStack, type ModuleRange } from './modules.js';
import { STREAM, readDirectory, readException, readMiscInfo, readModules, readSystemInfo, readThreads, readUnloadedModules, type Module, type SystemInfo, type Thread } from './minidump-streams.js';
import { warnIfMemoryCut } from './minidump-cut.js';
import type { Reader } from './source.js';

/** Largest context record we read (AMD64 with XSAVE data is ~3 KB; we need only the base struct). */
const MAX_CONTEXT_BYTES = 4096;
/** Stack bytes scanned from SP upward for the culprit fallback (and frames list). */
const STACK_SCAN_BYTES = 64 * 1024;
/** Frames listed in `stack`: frame 0 plus scan hits. */
const MAX_FRAMES = 32;

/**
 * Runtime and OS libraries in which a crash is usually the caller's fault (abort(), RaiseException,
 * a bad pointer handed to memcpy): when frame 0 is in one of these, the culprit is looked for further up.
 * `ld-linux\w*`, not `ld-linux[\w-]*`: a `-` taken by either it or the `[.-]` after it made a long name that
 * fails at the end (a line break) split every way (quadratic: a 32k-character name took 1.4 s). Same names match.
 */
const SYSTEM_MODULE =
  /^(ntdll|kernel32|kernelbase|ucrtbase|ucrtbased|msvcrt|vcruntime140|vcruntime140d|msvcp140|user32|win32u|gdi32|combase|rpcrt4)\.dll$|^(libc|libpthread|libm|libdl|librt|ld-linux\w*|libstdc\+\+|libgcc_s|libc\+\+|libc\+\+abi)([.-].*)?$|^libsystem_[\w]+\.dylib$|^(libdyld|libc\+\+abi|libc\+\+\.1|libobjc\.A)\.dylib$|^(dyld|dyld_sim|CoreFoundation)$/i;

/** The CPUs whose context records we decode: Breakpad's CPU name when it is one of our Arch names. */
const DECODED_ARCHS: ReadonlySet<string> = new Set<Arch>(['x86', 'amd64', 'arm', 'arm64']);
function archOfCpu(cpu: number): Arch | null {
  const name = CPU_NAME[cpu];
  return name !== undefined && DECODED_ARCHS.has(name) ? (name as Arch) : null;
}

/**
 * Read a user-mode minidump (Windows, Breakpad, Crashpad): exception, modules, threads, culprit.
 * @example analyzeMinidump(new Reader(openSource('app.dmp'), 'app.dmp'), 'app.dmp', new Warnings()).exception
 */
export function analyzeMinidump(r: Reader, file: string, warnings: Warnings): DumpReport {
  const dir = readDirectory(r, warnings);
  const sys = readSystemInfo(r, dir, warnings);
  const exc = readException(r, dir, warnings);
  const modules = readModules(r, dir, warnings);
  const unloaded = readUnloadedModules(r, dir, warnings);
  const threads = readThreads(r, dir, warnings);
  const misc = readMiscInfo(r, dir, warnings);
  if (!sys && !exc && modules.length === 0 && threads.length === 0) {
    const bad = [...dir.streams.values()].find((s) => !r.has(s.rva, s.size));
    r.fail(
      'DUMP_NO_STREAMS',
      `none of the streams a verdict needs (SystemInfo, Exception, ModuleList, ThreadList) is present and readable; the directory lists ${dir.streams.size} stream type(s)${bad ? `, some pointing past the end of the file` : ''}`,
      bad?.at ?? 12,
    );
  }
  // Before the stacks and contexts are read: with --strict, that the dump is cut short is the error.
  warnIfMemoryCut(r, dir, threads, exc, warnings);

  const arch = sys ? archOfCpu(sys.cpu) : null;
  const map = new ModuleMap<Module>(modules);
  const unloadedMap = new ModuleMap<ModuleRange>(unloaded);
  const windows = sys?.platformId === PLATFORM.WIN32_NT || sys?.platformId === PLATFORM.WIN32_WINDOWS;

  // The faulting thread's context at the exception (not its ThreadList context, which is inside the dump writer).
  const crashThread = exc ? (threads.find((t) => t.id === exc.threadId) ?? null) : null;
  let context: CpuContext | null = null;
  if (exc) {
    context = readContextAt(r, exc.context, arch, 'exception context', warnings);
    if (!context && crashThread) context = readContextAt(r, crashThread.context, arch, 'crashing thread context', warnings);
  }

  const facts: ExceptionFacts | null = exc
    ? { platformId: sys?.platformId ?? null, cpu: sys?.cpu ?? null, code: exc.code, flags: exc.flags, address: exc.address, parameters: exc.parameters }
    : null;
  const reason = facts ? crashReason(facts, fastFailName) : null;
  const address = facts ? crashAddress(facts) : null;
  const ptr = pointerSize(arch);
  const pc = context ? (arch === 'arm' ? context.pc & ~1n : context.pc) : exc ? exc.address : null;
  const frame0 = pc !== null ? map.find(pc) : null;

  // Frames: frame 0, then stack-scan hits from SP (no unwinding without symbols/CFI).
  const stackHits = context && crashThread ? scanThreadStack(r, crashThread, context.sp, ptr, map, warnings) : [];
  const frames: string[] = [];
  if (pc !== null) frames.push(frame0 ? moduleOffset(frame0, pc) : hex(pc));
  for (const h of stackHits) if (frames.length < MAX_FRAMES) frames.push(moduleOffset(h.module, h.value));

  const excListed = dir.streams.has(STREAM.EXCEPTION);
  const noModules = modules.length === 0 ? noModulesReason(r, dir.streams.get(STREAM.MODULE_LIST)) : null;
  const culprit = userCulprit({ exc: exc !== null, excListed, reason, pc, frame0, noModules, unloadedMap, stackHits: stackHits.map((h) => ({ module: h.module, value: h.value, slot: h.slot })), windows });
  // First, outside the warning cap: a crash whose record is lost must never read as a dump without one.
  // (With --strict the stream's own warning has already stopped the read.)
  const lost: Warning[] = !exc && excListed ? [crashLost(dir.streams.get(STREAM.EXCEPTION)!.at, file)] : [];
  const mainModule = modules[0] ?? null;
  const osVersion = sys ? osVersionString(sys) : null;
  const faulting = frame0 ? moduleInfo(frame0) : null;

  return {
    file,
    engine: 'native',
    format: 'minidump',
    bugcheck: null,
    exception:
      exc && facts
        ? {
            code: `0x${(exc.code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`,
            name: windows ? (exceptionName(exc.code) ?? null) : null,
            address: address === null ? null : hex(address),
            threadId: exc.threadId,
            reason,
            instructionAddress: pc === null ? null : hex(pc),
          }
        : null,
    imageName: frame0?.name ?? null,
    moduleName: frame0 ? frame0.name.replace(/\.(dll|exe|sys|so|dylib)$/i, '') : null,
    symbolName: null,
    processName: mainModule?.name ?? null,
    failureBucket: null,
    osVersion,
    stack: frames,
    warnings: [...lost, ...warnings.list],
    os: sys
      ? { platform: PLATFORM_NAME[sys.platformId] ?? `0x${sys.platformId.toString(16).padStart(8, '0')}`, version: osVersion, build: sys.build, architecture: CPU_NAME[sys.cpu] ?? `0x${sys.cpu.toString(16).padStart(4, '0')}`, processors: sys.processors }
      : null,
    modules: modules.map(moduleInfo),
    drivers: [],
    unloadedModules: unloaded.map((u) => ({ name: u.name, base: hex(u.base), size: Number(u.size) })),
    threads: threads.map((t: Thread) => ({ id: t.id, name: t.name, stackStart: hex(t.stackStart), stackSize: t.stackSize })),
    culprit,
    crashTime: dir.timeDateStamp > 0 ? new Date(dir.timeDateStamp * 1000).toISOString() : null,
    faultingModule: faulting,
    process: {
      id: misc?.processId ?? null,
      createTime: misc?.processCreateTime ? new Date(misc.processCreateTime * 1000).toISOString() : null,
      mainModule: mainModule?.name ?? null,
    },
  };
}

/** The warning of a crash recorded but not readable, at the Exception stream's directory entry. */
function crashLost(at: number, file: string): Warning {
  return {
    code: CRASH_UNREADABLE,
    message: 'the dump records a crash (its directory lists an Exception stream), but the exception could not be read (the stream is cut off or too short): the crash facts are lost',
    offset: at,
    file,
  };
}

/** The evidence line of a minidump whose module list gave no module (the kernel path words its driver list alike). */
function noModulesReason(r: Reader, stream: { rva: number; size: number } | undefined): string {
  if (stream === undefined) return 'The dump has no module list, so no address can be tied to a module.';
  if (r.has(stream.rva, stream.size)) return "The dump's module list is empty, so no address can be tied to a module.";
  return "The dump's module list is missing or damaged (see the warnings), so no address can be tied to a module.";
}

function moduleInfo(m: Module): ModuleInfo {
  return {
    name: m.name,
    path: m.path,
    base: hex(m.base),
    size: Number(m.size),
    timestamp: `0x${m.timeDateStamp.toString(16).padStart(8, '0')}`,
    version: m.version,
    pdbName: m.pdbName,
    pdbGuid: m.pdbGuid,
    debugId: m.debugId,
  };
}

/** `Major.Minor.Build CSD` as breakpad prints it (without its trailing space when CSD is empty). */
function osVersionString(s: SystemInfo): string {
  return `${s.major}.${s.minor}.${s.build}${s.csdVersion ? ` ${s.csdVersion}` : ''}`;
}

function readContextAt(r: Reader, loc: { size: number; rva: number }, arch: Arch | null, what: string, warnings: Warnings): CpuContext | null {
  if (loc.rva === 0 || loc.size === 0) return null;
  const size = Math.min(loc.size, MAX_CONTEXT_BYTES);
  if (!r.has(loc.rva, size)) {
    warnings.warn('DUMP_CONTEXT_OUT_OF_FILE', `the ${what} (${loc.size} bytes at byte ${loc.rva}) lies past the end of the file`, loc.rva);
    return null;
  }
  const ctx = readContext(r.bytes(loc.rva, size, what), arch);
  if (!ctx) warnings.warn('DUMP_CONTEXT_UNKNOWN', `the ${what} matches no known CPU context layout`, loc.rva);
  return ctx;
}

function scanThreadStack(r: Reader, t: Thread, sp: bigint, ptr: 4 | 8, map: ModuleMap<Module>, warnings: Warnings) {
  if (t.stackSize === 0 || t.stackRva === 0) return [];
  // Read only the window from SP upward (a 1 MB stack-overflow dump costs 64 KB).
  let skip = 0n;
  if (sp > t.stackStart && sp - t.stackStart < BigInt(t.stackSize)) skip = sp - t.stackStart;
  const from = t.stackRva + Number(skip);
  const len = Math.min(t.stackSize - Number(skip), STACK_SCAN_BYTES);
  if (!r.has(from, len)) {
    warnings.warn('DUMP_STACK_OUT_OF_FILE', `the stack memory of thread ${t.id} lies past the end of the file`, t.stackRva);
    return [];
  }
  return scanStack(r.bytes(from, len, `stack of thread ${t.id}`), t.stackStart + skip, t.stackStart + skip, ptr, map);
}

interface CulpritInput {
  exc: boolean;
  /** The directory names an exception stream (which may still be unreadable: cut off, too short). */
  excListed: boolean;
  reason: string | null;
  pc: bigint | null;
  frame0: Module | null;
  /** Why no module is known (the module list absent, unreadable or empty); null when modules were read. */
  noModules: string | null;
  unloadedMap: ModuleMap<ModuleRange>;
  stackHits: { module: Module; value: bigint; slot: bigint }[];
  windows: boolean;
}

function userCulprit(c: CulpritInput): { module: string | null; evidence: string[] } {
  const evidence: string[] = [];
  if (!c.exc && c.excListed) {
    evidence.push('The dump lists an exception stream, but it could not be read (see the warnings): the crash facts are lost, so no module can be blamed.');
    return { module: null, evidence };
  }
  if (!c.exc) {
    evidence.push('The dump has no exception stream: it was taken on demand (a hang or a manual dump), not at a crash.');
    return { module: null, evidence };
  }
  if (c.pc === null) {
    evidence.push('No processor context could be read for the faulting thread.');
    return { module: null, evidence };
  }
  const what = c.reason ?? 'the exception';
  if (c.noModules !== null) {
    // Without the module list "in no loaded module" would be a diagnosis the data does not support.
    evidence.push(`${what} was raised at ${hex(c.pc)}.`, c.noModules);
    return { module: null, evidence };
  }
  if (c.frame0 && !SYSTEM_MODULE.test(c.frame0.name)) {
    evidence.push(`${what} was raised at ${hex(c.pc)}, inside ${moduleOffset(c.frame0, c.pc)}.`);
    return { module: c.frame0.name, evidence };
  }
  if (c.frame0) {
    evidence.push(`${what} was raised at ${hex(c.pc)}, inside ${moduleOffset(c.frame0, c.pc)}, a system/runtime library; the caller is looked for on the stack.`);
  } else {
    const u = c.unloadedMap.find(c.pc);
    if (u) {
      evidence.push(`${what} was raised at ${hex(c.pc)}, inside the range of ${u.name}, a module that had been unloaded: a call into an unloaded module.`);
      return { module: `${u.name} (unloaded)`, evidence };
    }
    evidence.push(`${what} was raised at ${hex(c.pc)}, which lies in no loaded module (a jump to a bad pointer, or code on the stack/heap).`);
  }
  const first = c.stackHits.find((h) => !SYSTEM_MODULE.test(h.module.name)) ?? (c.frame0 ? null : (c.stackHits[0] ?? null));
  if (first) {
    evidence.push(`The first value on the stack above the stack pointer that points into ${c.frame0 ? 'a non-system module' : 'a module'} is ${moduleOffset(first.module, first.value)} (stack slot ${hex(first.slot)}), the likely caller.`);
    return { module: first.module.name, evidence };
  }
  if (c.frame0) {
    evidence.push(`No other module was found on the stack, so the culprit stays ${c.frame0.name}.`);
    return { module: c.frame0.name, evidence };
  }
  evidence.push('No module address was found on the stack either.');
  return { module: null, evidence };
}
