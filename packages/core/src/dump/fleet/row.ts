/** One DumpReport (or one failure) -> one table row: only what the table, the groups and the CSV need. */
import { AnalyzeError } from '../../errors.js';
import { CRASH_UNREADABLE } from '../crash-unreadable.js';
import { isDamageWarning } from '../damage.js';
import type { DumpReport, ModuleInfo } from '../report.js';
import type { FleetInput, FleetRow, FleetRowError } from './model.js';

/**
 * The row of a dump that was read. A crash recorded but unreadable (crash-unreadable.ts) is a row with its
 * error: what was read stays in it, but the dump counts as one that could not be read, not as "no crash".
 */
export function reportRow(r: DumpReport, input: FleetInput): FleetRow {
  const kind = r.bugcheck ? 'kernel' : r.exception ? 'user' : null;
  const culprit = stripUnloaded(r.culprit?.module ?? r.imageName ?? null);
  const mod = culprit === null ? null : findModule(r, culprit);
  const lost = r.warnings.find((w) => w.code === CRASH_UNREADABLE);
  return {
    ...where(input),
    engine: r.engine,
    format: r.format,
    crashTime: r.crashTime ?? null,
    kind,
    code: r.bugcheck?.code ?? r.exception?.code ?? null,
    name: r.bugcheck ? r.bugcheck.name : (r.exception?.name ?? null),
    parameters: r.bugcheck ? r.bugcheck.parameters.slice(0, 4) : [],
    address: r.exception?.address ?? null,
    culprit: r.culprit?.module ?? r.imageName ?? null,
    culpritVersion: mod?.version ?? null,
    culpritTimestamp: mod?.timestamp ?? null,
    symbol: r.symbolName,
    process: r.processName,
    osBuild: r.osVersion ?? r.os?.version ?? null,
    error: lost === undefined ? null : { code: lost.code, message: lost.message, ...(lost.offset === undefined ? {} : { offset: lost.offset }) },
    warnings: r.warnings.length,
    damage: r.warnings.filter((w) => isDamageWarning(w.code)).length,
  };
}

/** The row of an input that could not be read: its error, nothing else. */
export function errorRow(e: unknown, input: FleetInput): FleetRow {
  return {
    ...where(input),
    engine: null,
    format: null,
    crashTime: null,
    kind: null,
    code: null,
    name: null,
    parameters: [],
    address: null,
    culprit: null,
    culpritVersion: null,
    culpritTimestamp: null,
    symbol: null,
    process: null,
    osBuild: null,
    error: rowError(e),
    warnings: 0,
    damage: 0,
  };
}

export function rowError(e: unknown): FleetRowError {
  if (e instanceof AnalyzeError) return { code: e.code, message: e.message, ...(e.offset === undefined ? {} : { offset: e.offset }) };
  // A bug or a resource limit in one file's job must not end the run: it becomes that file's row.
  return { code: 'DUMP_FLEET_JOB_FAILED', message: e instanceof Error ? e.message : String(e) };
}

function where(input: FleetInput): Pick<FleetRow, 'file' | 'archive' | 'member' | 'folder'> {
  return {
    file: input.display,
    archive: input.kind === 'bytes' ? input.archive : null,
    member: input.kind === 'bytes' ? input.member : null,
    folder: input.folder,
  };
}

/** How the native engine names a culprit that had been unloaded (dump/native/culprit.ts, minidump.ts). */
const UNLOADED_SUFFIX = ' (unloaded)';

/**
 * The module's own name when `culprit` names one that had been unloaded, else null.
 * @example unloadedModule('foo.sys (unloaded)') // 'foo.sys'
 */
export function unloadedModule(culprit: string | null): string | null {
  return culprit !== null && culprit.endsWith(UNLOADED_SUFFIX) ? culprit.slice(0, -UNLOADED_SUFFIX.length) : null;
}

/** `foo.sys (unloaded)` -> `foo.sys`, for looking the module up. */
function stripUnloaded(name: string | null): string | null {
  return unloadedModule(name) ?? name;
}

/** The culprit's entry in the driver/module lists (by base name, case-insensitive), for its version and timestamp. */
function findModule(r: DumpReport, name: string): ModuleInfo | null {
  const base = (s: string) => s.toLowerCase().replace(/^.*[\\/]/, '');
  const want = base(name);
  if (r.faultingModule && base(r.faultingModule.name) === want) return r.faultingModule;
  for (const list of [r.drivers, r.modules, r.native?.drivers, r.native?.modules]) {
    const m = list?.find((x) => base(x.name) === want);
    if (m) return m;
  }
  return null;
}
