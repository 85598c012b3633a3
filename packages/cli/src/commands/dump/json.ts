import type { DumpReport } from '@analyze/core/dump';

/** A crash is a problem: a bugcheck, an exception, or a module to blame. */
export function isProblem(r: DumpReport): boolean {
  return r.bugcheck !== null || r.exception !== null || (r.culprit?.module ?? r.imageName) != null;
}

/**
 * The JSON document (docs/json-dump.md): every key present, absent facts null (lists empty), whichever
 * engine answered. Engine-specific extras (kernel, process, unloadedModules ...) pass through as they are.
 */
export function dumpJson(r: DumpReport): object {
  return {
    ...r,
    file: r.file,
    engine: r.engine,
    format: r.format ?? null,
    bugcheck: r.bugcheck,
    exception: r.exception === null ? null : { address: null, threadId: null, ...r.exception },
    imageName: r.imageName,
    moduleName: r.moduleName,
    symbolName: r.symbolName,
    processName: r.processName,
    failureBucket: r.failureBucket,
    osVersion: r.osVersion,
    stack: r.stack,
    warnings: r.warnings,
    os: r.os ?? null,
    modules: r.modules ?? [],
    drivers: r.drivers ?? [],
    threads: r.threads ?? [],
    culprit: r.culprit ?? null,
    crashTime: r.crashTime ?? null,
    native: r.native ? dumpJson(r.native) : null,
    disagreements: r.disagreements ?? [],
  };
}
