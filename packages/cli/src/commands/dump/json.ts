import type { DumpReport, ModuleInfo, ThreadInfo } from '@analyze/core/dump';

/** A crash is a problem: a bugcheck, an exception, or a module to blame. */
export function isProblem(r: DumpReport): boolean {
  return r.bugcheck !== null || r.exception !== null || (r.culprit?.module ?? r.imageName) != null;
}

/**
 * The JSON document (docs/json-dump.md): the same keys whichever engine answered (cdb, text, native kernel,
 * native minidump), absent facts null and absent lists empty, so a consumer never tests for a key.
 * Built field by field on purpose: a new report field reaches the JSON only once it is in the contract.
 */
export function dumpJson(r: DumpReport): object {
  const e = r.exception;
  return {
    file: r.file,
    engine: r.engine,
    format: r.format ?? null,
    bugcheck: r.bugcheck === null ? null : { code: r.bugcheck.code, name: r.bugcheck.name, parameters: r.bugcheck.parameters },
    exception:
      e === null
        ? null
        : { code: e.code, name: e.name, address: e.address ?? null, threadId: e.threadId ?? null, reason: e.reason ?? null, instructionAddress: e.instructionAddress ?? null },
    imageName: r.imageName,
    moduleName: r.moduleName,
    symbolName: r.symbolName,
    processName: r.processName,
    failureBucket: r.failureBucket,
    osVersion: r.osVersion,
    stack: r.stack,
    // The shape every command uses (docs/json.md): the file is the report's own, so it is not repeated.
    warnings: r.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.offset === undefined ? {} : { offset: w.offset }) })),
    os: r.os ?? null,
    modules: (r.modules ?? []).map(moduleJson),
    drivers: (r.drivers ?? []).map(moduleJson),
    unloadedModules: (r.unloadedModules ?? []).map(moduleJson),
    threads: (r.threads ?? []).map(threadJson),
    culprit: r.culprit ?? null,
    crashTime: r.crashTime ?? null,
    kernel: r.kernel ?? null,
    faultingModule: r.faultingModule ? moduleJson(r.faultingModule) : null,
    process: r.process ?? null,
    native: r.native ? dumpJson(r.native) : null,
    disagreements: r.disagreements ?? [],
  };
}

/** Every module, driver and unloaded module has the same keys (what a dump does not record is null). */
function moduleJson(m: ModuleInfo): object {
  return {
    name: m.name,
    path: m.path ?? null,
    base: m.base,
    size: m.size,
    timestamp: m.timestamp ?? null,
    version: m.version ?? null,
    pdbName: m.pdbName ?? null,
    pdbGuid: m.pdbGuid ?? null,
    debugId: m.debugId ?? null,
  };
}

function threadJson(t: ThreadInfo): object {
  return { id: t.id, name: t.name ?? null, stackStart: t.stackStart ?? null, stackSize: t.stackSize ?? null };
}
