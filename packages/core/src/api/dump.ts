/** The `analyze dump` job: the crash in a Windows dump or a saved `!analyze -v` text (docs/json-dump.md). */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Warning } from '../errors.js';
import { analyzeDump as analyzeDumpFile, type AnalyzeDumpOptions } from '../dump/index.js';
import type { BugcheckInfo, CulpritInfo, DumpEngine, DumpReport, ModuleInfo, ThreadInfo } from '../dump/report.js';
import { checkInput, checkOneOf, checkOptions } from './check.js';
import { inputName, naming, readChunks, warningsJson, type Input, type JobOptions } from './input.js';
import { stamped } from './report.js';

/**
 * Most bytes of a dump read from standard input or a buffer (a file is read in place, whatever its size).
 * Small and user-mode minidumps are KB to tens of MB; held in memory, more would break the 256 MB RSS bound.
 */
export const MAX_DUMP_STREAM_INPUT = 128 * 1024 * 1024;

/** The engines `analyzeDump` takes (AnalyzeDumpOptions['engine']). */
const DUMP_ENGINES: readonly string[] = ['auto', 'native', 'cdb'];

/** Options of `analyzeDump`: the engine and cdb's settings (all optional; engine `auto`). */
export interface DumpJobOptions extends JobOptions, Partial<Omit<AnalyzeDumpOptions, 'strict'>> {}

/** A module, driver or unloaded module: every key present (null when the dump does not record it). */
export interface ModuleJson {
  name: string;
  path: string | null;
  base: string;
  size: number;
  timestamp: string | null;
  version: string | null;
  pdbName: string | null;
  pdbGuid: string | null;
  debugId: string | null;
}

/** The document body of `analyze dump --json` (also the shape of `native`). */
export interface DumpDoc {
  file: string;
  engine: DumpEngine;
  format: string | null;
  bugcheck: BugcheckInfo | null;
  exception: { code: string; name: string | null; address: string | null; threadId: number | null; reason: string | null; instructionAddress: string | null } | null;
  imageName: string | null;
  moduleName: string | null;
  symbolName: string | null;
  processName: string | null;
  failureBucket: string | null;
  osVersion: string | null;
  stack: string[];
  warnings: Warning[];
  os: NonNullable<DumpReport['os']> | null;
  modules: ModuleJson[];
  drivers: ModuleJson[];
  unloadedModules: ModuleJson[];
  threads: { id: number; name: string | null; stackStart: string | null; stackSize: number | null }[];
  culprit: CulpritInfo | null;
  crashTime: string | null;
  kernel: NonNullable<DumpReport['kernel']> | null;
  faultingModule: ModuleJson | null;
  process: NonNullable<DumpReport['process']> | null;
  native: DumpDoc | null;
  disagreements: string[];
}

/** The report of `analyzeDump`, field by field in docs/json-dump.md. */
export interface DumpJson extends DumpDoc {
  schemaVersion: string;
}

/**
 * Name the crash in a Windows kernel dump, a user-mode minidump (Windows, Breakpad, Crashpad) or a saved
 * `!analyze -v` text: bugcheck or exception, the module to blame with its evidence, process, OS and stack.
 * `engine: 'auto'` (default) uses cdb when it is installed, else reads the dump natively.
 * @example
 *   const r = await analyzeDump('fixtures/dump/analyze-v-d1-exampledrv.txt');
 *   r.bugcheck?.name;  // 'DRIVER_IRQL_NOT_LESS_OR_EQUAL'
 *   r.culprit?.module; // 'exampledrv.sys'
 */
export async function analyzeDump(input: Input, opts: DumpJobOptions = {}): Promise<DumpJson> {
  checkInput(input, 'analyzeDump');
  checkOptions(opts, 'analyzeDump');
  // From JavaScript a misspelt engine ('Native') would be taken as cdb (and run it on Windows).
  checkOneOf(opts.engine, DUMP_ENGINES, 'analyzeDump: engine');
  const file = inputName(input, opts.name);
  const { name: _name, strict, ...rest } = opts;
  const dumpOpts: AnalyzeDumpOptions = { ...rest, engine: opts.engine ?? 'auto', strict: strict ?? false };
  return naming(file, async () => {
    if (typeof input === 'string') return stamped(dumpJson(renamed(await analyzeDumpFile(input, dumpOpts), file)));
    // Bytes and streams go through a private temporary file: cdb and the positional native reader read files.
    // A stream is written there as it arrives (held whole, a 120 MB pipe peaked at 300 MB: chunks plus their concatenation).
    const dir = mkdtempSync(join(tmpdir(), 'analyze-dump-'));
    try {
      const path = join(dir, 'input.dmp');
      const fd = openSync(path, 'w', 0o600);
      try {
        for await (const chunk of readChunks(input, MAX_DUMP_STREAM_INPUT, file)) {
          for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
        }
      } finally {
        closeSync(fd);
      }
      return stamped(dumpJson(renamed(await analyzeDumpFile(path, dumpOpts), file)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The report under the name the caller gave (the engines name the path they read). */
function renamed(r: DumpReport, file: string): DumpReport {
  return { ...r, file, ...(r.native ? { native: renamed(r.native, file) } : {}) };
}

/**
 * The JSON document: the same keys whichever engine answered (cdb, text, native kernel, native minidump),
 * absent facts null and absent lists empty, so a consumer never tests for a key. Built field by field on
 * purpose: a new report field reaches the JSON only once it is in the contract.
 */
function dumpJson(r: DumpReport): DumpDoc {
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
    // The file is the report's own, so it is not repeated in each warning.
    warnings: warningsJson(r.warnings, undefined),
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

function moduleJson(m: ModuleInfo): ModuleJson {
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

function threadJson(t: ThreadInfo): DumpDoc['threads'][number] {
  return { id: t.id, name: t.name ?? null, stackStart: t.stackStart ?? null, stackSize: t.stackSize ?? null };
}
