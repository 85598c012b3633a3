/**
 * Kernel crash dumps (PAGEDUMP / PAGEDU64) -> DumpReport.
 * The header alone gives the bugcheck, build, CPU and time for every dump type; small (triage) dumps
 * add the driver list, unloaded drivers and stack that the culprit chain needs. Full, kernel and
 * bitmap dumps are not read past their header (their driver list lives in virtual memory).
 */
import { AnalyzeError, type Warnings } from '../../errors.js';
import type { DumpReport, ModuleInfo } from '../report.js';
import { bugcheckName, exceptionName, bugcheckFamily } from '../../tables/index.js';
import { readContext } from './context.js';
import { kernelCulprit, isKernelImage } from './culprit.js';
import { filetimeToIso, kernelFormatName, readKernelHeader, type KernelHeader } from './kernel-header.js';
import type { Reader } from './source.js';
import { guessProcessName, readCallStack, readDrivers, readTriageHeader, readUnloadedDrivers, type Driver, type UnloadedDriver } from './triage.js';
import { hex } from './modules.js';

const TRIAGE = 4;
/** The header's BugCheckCode when no bugcheck happened (a dump taken on demand). */
const NO_BUGCHECK = 0;
/** Bugchecks whose P1 is an exception code and P2 its address (so the report can show the exception). */
const EXCEPTION_BUGCHECKS = new Set([0x1e, 0x7e, 0x8e, 0x3b]);

/**
 * Read a kernel dump (PAGEDUMP/PAGEDU64): bugcheck from the header, drivers, the culprit from the saved stack.
 * @example analyzeKernel(new Reader(openSource('MEMORY.DMP'), 'MEMORY.DMP'), true, 'MEMORY.DMP', new Warnings()).bugcheck
 */
export function analyzeKernel(r: Reader, is64: boolean, file: string, warnings: Warnings): DumpReport {
  const h = readKernelHeader(r, is64);
  const ptr: 4 | 8 = is64 ? 8 : 4;
  const format = kernelFormatName(h.dumpType);
  if (h.arch === null) warnings.warn('DUMP_UNKNOWN_MACHINE', `unknown machine type 0x${h.machine.toString(16)}: registers are not decoded`, 0x30);

  const ctxBuf = r.has(h.contextOffset, h.contextSize) ? r.bytes(h.contextOffset, h.contextSize, 'header CONTEXT') : null;
  const context = ctxBuf ? readContext(ctxBuf, h.arch) : null;

  let drivers: Driver[] = [];
  let unloaded: UnloadedDriver[] = [];
  let stack: Buffer | null = null;
  let topOfStack = 0n;
  let processName: string | null = null;
  let noDriversReason: string | undefined;
  let bitmapKind: string | null = null;

  if (h.dumpType === TRIAGE) {
    // The header already gave the bugcheck: damage to the triage data (a dump copied while being written,
    // a partial download) costs the driver facts, not the verdict. A warning, an error with --strict.
    const t = readOptional(warnings, 'triage header', null, () => readTriageHeader(r, h.headerSize, is64, warnings));
    if (t !== null) {
      drivers = readOptional(warnings, 'driver list', [], () => readDrivers(r, t, is64, warnings));
      unloaded = readOptional(warnings, 'unloaded-driver list', [], () => readUnloadedDrivers(r, t, is64, warnings));
      stack = readOptional(warnings, 'saved stack', null, () => readCallStack(r, t, warnings));
      topOfStack = t.topOfStack;
      processName = readOptional(warnings, 'process copy', null, () => guessProcessName(r, t, warnings));
    }
    if (drivers.length === 0) noDriversReason = 'The small dump\'s driver list is missing or damaged (see the warnings), so no address can be tied to a driver.';
  } else {
    if (h.dumpType === 5 || h.dumpType === 6) bitmapKind = readBitmapKind(r, h.headerSize);
    noDriversReason =
      `This is a ${describeDumpType(h.dumpType, bitmapKind)}: its driver list lives in kernel virtual memory (PsLoadedModuleList ${hex(h.psLoadedModuleList)}), ` +
      'which the native reader does not translate; the header gives the bugcheck only. Use --engine cdb to name the driver.';
  }

  const verdict = kernelCulprit({
    bugcheckCode: h.bugcheckCode,
    params: h.bugcheckParams,
    context,
    drivers,
    unloaded,
    stack,
    topOfStack,
    ptrSize: ptr,
    ...(noDriversReason === undefined ? {} : { noDriversReason }),
  });

  const imageName = verdict.module !== null && !verdict.module.endsWith('(unloaded)') ? verdict.module : null;
  const osVersion = windowsVersion(h.build);
  const family = bugcheckFamily(h.bugcheckCode);
  const exc =
    EXCEPTION_BUGCHECKS.has(family) && h.bugcheckParams.length >= 2
      ? {
          code: hex32(Number(h.bugcheckParams[0]! & 0xffffffffn)),
          name: exceptionName(Number(h.bugcheckParams[0]! & 0xffffffffn)) ?? null,
          address: hex(h.bugcheckParams[1]!),
          threadId: null,
        }
      : null;

  return {
    file,
    engine: 'native',
    format,
    // BugCheckCode 0 is not a stop code: the dump was taken on demand (a live dump, `.dump /m`).
    bugcheck:
      h.bugcheckCode === NO_BUGCHECK
        ? null
        : {
            code: hex32(h.bugcheckCode),
            name: bugcheckName(h.bugcheckCode) ?? null,
            parameters: h.bugcheckParams.map((p) => `0x${p.toString(16)}`),
          },
    exception: exc,
    imageName,
    moduleName: imageName === null ? null : isKernelImage(imageName) && /^nt/i.test(imageName) ? 'nt' : imageName.replace(/\.[^.]+$/, ''),
    symbolName: null,
    processName,
    failureBucket: null,
    osVersion,
    stack: verdict.frames,
    warnings: [...warnings.list],
    os: { platform: 'Windows NT', version: osVersion, build: h.build, architecture: h.arch, processors: h.processors },
    modules: [],
    drivers: drivers.map((d) => driverInfo(d)),
    unloadedModules: unloaded.map((u) => ({ name: u.name, base: hex(u.base), size: Number(u.size) })),
    threads: [],
    culprit: { module: verdict.module, evidence: verdict.evidence },
    crashTime: filetimeToIso(h.systemTime),
    kernel: kernelDetails(h, bitmapKind, verdict.stackDrivers),
  };
}

/**
 * Read a part of the small dump the verdict can do without; its damage becomes a warning (with --strict, the
 * error: so the message must not say that anything is shown).
 */
function readOptional<T>(warnings: Warnings, what: string, fallback: T, read: () => T): T {
  try {
    return read();
  } catch (e) {
    // With --strict the first warning is the error: as the reader said it (a missing end marker is not an unreadable header).
    if (!(e instanceof AnalyzeError) || warnings.strict) throw e;
    warnings.warn(e.code, `the small dump's ${what} could not be read (${e.message}); the header facts (bugcheck, build, time) do not need it`, e.offset);
    return fallback;
  }
}

function driverInfo(d: Driver): ModuleInfo {
  return { name: d.name, path: d.path, base: hex(d.base), size: Number(d.size), timestamp: `0x${d.timestamp.toString(16).padStart(8, '0')}`, version: null, pdbName: null, pdbGuid: null };
}

function kernelDetails(h: KernelHeader, bitmapKind: string | null, stackDrivers: string[]): NonNullable<DumpReport['kernel']> {
  return {
    dumpType: h.dumpType,
    dumpTypeName: describeDumpType(h.dumpType, bitmapKind),
    freeBuild: h.majorVersion === 0xf ? true : h.majorVersion === 0xc ? false : null,
    machine: `0x${h.machine.toString(16)}`,
    systemUptimeSeconds: h.systemUpTime > 0n && h.systemUpTime < 0x4547415045474150n ? Number(h.systemUpTime / 10_000_000n) : null,
    productType: h.productType === 1 ? 'workstation' : h.productType === 2 ? 'domain controller' : h.productType === 3 ? 'server' : null,
    stackDrivers,
  };
}

/** Bitmap dumps: 'SDMP' = kernel (or automatic/active) memory, 'FDMP' = complete memory (docs/formats/windows-dumps.md §5). */
function readBitmapKind(r: Reader, at: number): string | null {
  if (!r.has(at, 4)) return null;
  const sig = r.bytes(at, 4, 'bitmap dump signature').toString('latin1');
  return sig === 'SDMP' ? 'kernel' : sig === 'FDMP' ? 'complete' : null;
}

function describeDumpType(t: number, bitmapKind: string | null): string {
  switch (t) {
    case 1:
      return 'complete memory dump (full, run-based)';
    case 2:
      return 'kernel memory dump (summary)';
    case 3:
      return 'header-only dump';
    case 4:
      return 'small memory dump (triage)';
    case 5:
    case 6:
      return bitmapKind === 'complete' ? 'complete memory dump (bitmap)' : bitmapKind === 'kernel' ? 'kernel memory dump (bitmap)' : 'bitmap memory dump';
    default:
      return `memory dump of type ${t}`;
  }
}

function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Windows version from the build number (the header stores only the build). */
export function windowsVersion(build: number): string | null {
  if (build >= 10240) return `10.0.${build}`;
  const table: [number, string][] = [
    [9600, '6.3'],
    [9200, '6.2'],
    [7600, '6.1'],
    [6000, '6.0'],
    [3790, '5.2'],
    [2600, '5.1'],
  ];
  for (const [min, v] of table) if (build >= min) return `${v}.${build}`;
  return build > 0 ? `build ${build}` : null;
}
