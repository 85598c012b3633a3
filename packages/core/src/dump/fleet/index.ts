/**
 * `analyze dump` over a fleet: folders, globs and archives of dumps -> one row per dump, crashes grouped by
 * cause, a summary (docs/json-dump-fleet.md). The per-file job runs on a pool of worker threads.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { checkFunction, checkOptions, checkPositive, checkWholeNumber } from '../../api/check.js';
import { AnalyzeError, UsageError, cutForMessage } from '../../errors.js';
import { nameWeight } from '../../io/name-weight.js';
import { locateCdb } from '../cdb/index.js';
import { groupCrashes } from './group.js';
import { archiveItems, walkInputs, type WalkItem } from './inputs.js';
import type { ArchiveKind } from './archive-kind.js';
import { runFleetJob, type FleetJobOptions } from './job.js';
import { FLEET_SCHEMA_VERSION, type FleetInput, type FleetJobResult, type FleetReport, type FleetRow, type FleetTotals } from './model.js';
import { FleetJobCancelled, FleetPool, defaultWorkerUrl } from './pool.js';
import { errorRow } from './row.js';
import { summarise } from './summary.js';

export type * from './model.js';
export { FLEET_SCHEMA_VERSION } from './model.js';
export { runFleetJob, SNIFF_BYTES, type FleetJobOptions } from './job.js';
export { groupCrashes, adviceFor, GROUP_EXAMPLES, MAX_GROUP_FOLDERS } from './group.js';
export { summarise } from './summary.js';
export { walkInputs, archiveItems, looksLikeDump, MAX_WALK_DEPTH, type WalkItem, type WalkLimits } from './inputs.js';
export { gzipContent, GZIP_SNIFF_BYTES } from './archive-kind.js';
export { detectArchive, unsafeMemberName, MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_INFLATED, MAX_MEMBER_BYTES, type ArchiveKind } from './archives.js';
export { isWindowsModule } from './windows-modules.js';
export { defaultWorkerUrl } from './pool.js';

/** Progress of a run: jobs answered, inputs found so far, and whether the walk is still finding more. */
export interface FleetProgress {
  done: number;
  found: number;
  walking: boolean;
}

const ENGINES: readonly string[] = ['auto', 'native', 'cdb'];

export interface FleetOptions extends Omit<FleetJobOptions, 'engine'> {
  /** As for analyzeDump: 'auto' (default: cdb when installed, else native), 'native' or 'cdb'. */
  engine?: FleetJobOptions['engine'];
  /** Worker threads; 0 runs every job inline on the calling thread. Default: the number of cores. */
  workers?: number;
  /** Relative paths are resolved against this (default process.cwd()); rows show them as given. */
  cwd?: string;
  /** The worker script (default: found beside this module, see defaultWorkerUrl). */
  workerUrl?: URL;
  /** Called as jobs finish (at most a few times per job). */
  onProgress?: (p: FleetProgress) => void;
  /** Bytes inflated per archive at most; default MAX_ARCHIVE_INFLATED (256 MiB, the same as esxi). */
  maxArchiveInflated?: number;
  /** Members read per archive at most; default MAX_ARCHIVE_ENTRIES (100,000, the same as esxi). */
  maxArchiveEntries?: number;
  /**
   * Stop walking and dispatching, and drop the jobs queued or sent ahead to the workers. The report covers
   * what was answered, and its last row (error DUMP_FLEET_INTERRUPTED) names the first file not read,
   * as the DUMP_FLEET_TOO_MANY_* rows do; no such row when every file was answered before the abort.
   * A cdb already running in a worker is not stopped (workers: 0 runs jobs on this thread one at a time).
   */
  signal?: AbortSignal;
}

/**
 * Jobs in flight per worker (sent ahead or waiting for one): twice what the pool sends ahead (pool.ts
 * PIPELINE), so a worker's queue is topped up from jobs at hand; few enough to keep memory flat. The walk
 * refills when half have been answered, in one go: a refill per answer cost a message and a wake-up of
 * both threads per file.
 */
const JOBS_PER_WORKER = 48;
/**
 * Archive-member bytes in flight at most (waiting for or inside a worker). One member may be larger (up to
 * MAX_MEMBER_BYTES); it then goes alone. With the member being inflated and the one the reader holds ready,
 * a hostile archive of large members holds about four of them (archives.ts, MAX_MEMBER_BYTES).
 */
const MAX_BYTES_IN_FLIGHT = 32 * 1024 * 1024;

/**
 * Dumps taken in one run (rows of the report, read or not), over all inputs (the archive cap is per archive):
 * each row is ~1.4-2.5 KB of heap, more as JSON or HTML. 100,000 tiny saved analyses in a 1.6 MB archive
 * peaked at 427 MB (text), 643 MB (--json), 899 MB (--html); two archives of them overflowed the text table.
 * A fleet of a few thousand machines has a few thousand dumps; past this the walk stops with a
 * DUMP_FLEET_TOO_MANY_DUMPS row and what was taken is reported. Files that are not dumps are not rows and do
 * not count (a Minidump folder beside 10,500 logs used to lose its dump to the logs).
 */
export const MAX_FLEET_DUMPS = 10_000;

/**
 * Worker threads at most. Each is a V8 isolate spawned at the start (~20 MB each: 100 took 946 MB and
 * 400 took 2.4 GB for one dump), and the jobs are I/O and cdb bound well before this; more is a typo.
 * The CLI's --workers has the same bound.
 */
export const MAX_FLEET_WORKERS = 64;

/**
 * Files and members looked at in one run, dumps or not: a file that is not a dump costs no memory (it is
 * counted) but a job that opens it and reads up to 64 KB of it (100,000 small logs took 12.5 s on 2 cores,
 * 16 s on the main thread alone). The same as an archive's member cap, so a run stays within seconds to a
 * minute; past this (a whole disk named by mistake) the walk stops with a DUMP_FLEET_TOO_MANY_FILES row and
 * what was taken is reported.
 */
export const MAX_FLEET_FILES = 100_000;

/**
 * Weighed characters (nameWeight) of the names of the rows (files and members that are dumps, or could not be
 * read), over the run; a file that turns out not to be a dump gives its name back. Each name is in its row, the
 * group examples and the printed table: 10,000 saved analyses named by 4,000 control characters
 * (a 500 KB archive) peaked at 1.6 GB (--json), 1.1 GB (text: \xNN for each) and 429 MB (--csv), and as
 * unreadable dumps with plain names at 265-515 MB; 10,000 rows of short names take ~190 MB. Real names are a
 * few dozen characters (200 each on average would fit); past this the walk stops with a
 * DUMP_FLEET_NAMES_TOO_LONG row and what was taken is reported.
 */
export const MAX_FLEET_NAME_WEIGHT = 2 * 1024 * 1024;

/**
 * Analyse every dump under `paths` (files, folders walked recursively, .zip/.tgz/.tar archives read in
 * place), and group the crashes by cause. Never throws for a bad file: it becomes a row with its error;
 * throws (AnalyzeError DUMP_CDB_NOT_FOUND) only when engine 'cdb' is asked for and cdb cannot be found.
 *
 * @example
 *   const report = await analyzeDumpFleet(['C:\\Windows\\Minidump', 'fleet.zip'], { engine: 'native' });
 *   console.log(report.summary, report.groups[0]);
 */
export async function analyzeDumpFleet(paths: readonly string[] | string, options: FleetOptions = {}): Promise<FleetReport> {
  const inputs = fleetPaths(paths);
  checkFleetOptions(options);
  const engine = options.engine ?? 'auto';
  // Checked here: from JavaScript a misspelt engine ('Native') would be taken as cdb for every dump.
  if (!ENGINES.includes(engine)) throw new UsageError(`engine must be one of ${ENGINES.join(', ')} (got ${JSON.stringify(engine)})`);
  // Never more workers than cores by default, nor than MAX_FLEET_WORKERS in any case.
  const workers = options.workers ?? Math.min(availableParallelism(), MAX_FLEET_WORKERS);
  const cwd = options.cwd ?? process.cwd();
  const jobOptions: FleetJobOptions = {
    engine,
    ...(options.cdbPath === undefined ? {} : { cdbPath: options.cdbPath }),
    ...(options.symbols === undefined ? {} : { symbols: options.symbols }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.strict === undefined ? {} : { strict: options.strict }),
    ...(options.env === undefined ? {} : { env: { ...options.env } }),
  };
  // --engine cdb without cdb would make every dump an error row: say it once, before any work.
  if (engine === 'cdb' && locateCdb({ ...(options.cdbPath === undefined ? {} : { cdbPath: options.cdbPath }), ...(options.env === undefined ? {} : { env: options.env }) }) === null) {
    throw new AnalyzeError('DUMP_CDB_NOT_FOUND', 'cdb.exe was not found (--engine cdb); use --engine auto or native, or name it with --cdb');
  }
  const pool = workers > 0 ? new FleetPool(workers, jobOptions, options.workerUrl ?? defaultWorkerUrl()) : null;
  const rows: FleetRow[] = [];
  /** Files and members looked at (MAX_FLEET_FILES): at the end, rows + skipped (an archive counts by its members). */
  let files = 0;
  /** Weight of the names of the rows and of the jobs in flight (MAX_FLEET_NAME_WEIGHT); a file that is no dump gives its back. */
  let names = 0;
  let skipped = 0;
  /** Of skipped, the names of a file already taken (inputs.ts). */
  let duplicates = 0;
  let done = 0;
  /** What the caller's onProgress threw: the run stops dispatching and the returned promise rejects with it. */
  let callbackFailure: { error: unknown } | undefined;
  const progress = (walking: boolean) => {
    if (callbackFailure !== undefined) return;
    try {
      options.onProgress?.({ done, found: files, walking });
    } catch (error) {
      // Called where no one awaits (a job settling): thrown there it was an unhandled rejection that killed the host.
      callbackFailure = { error };
    }
  };
  const take = (r: FleetJobResult) => {
    if (r.status === 'skipped') skipped++;
    else if (r.status === 'dump') rows.push(r.row);
  };
  /** The row that says where the run stopped (this item and the rest not read); it counts as a file looked at. */
  const stop = (code: string, message: string, item: WalkItem, display?: string) => {
    const input: FleetInput = item.kind === 'skipped' ? { kind: 'path', path: item.display, display: item.display, folder: '' } : item.input;
    rows.push(errorRow(new AnalyzeError(code, message), display === undefined ? input : { ...input, display }));
    files++;
  };

  /** The first item not read because of the abort (signal): the DUMP_FLEET_INTERRUPTED row names it. */
  let notRead: WalkItem | undefined;
  const onAbort = () => void pool?.cancel();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  // Jobs in flight are counted, not raced: Promise.race over every pending job on each file added a
  // handler to each of them (limit x files reactions on the walking thread).
  let active = 0;
  let waiter: { ready: () => boolean; resume: () => void } | null = null;
  /** Resolves once `ready()` holds, checked as jobs settle. */
  const until = (ready: () => boolean): Promise<void> => (ready() ? Promise.resolve() : new Promise<void>((resume) => (waiter = { ready, resume })));
  const limit = Math.max(1, workers) * JOBS_PER_WORKER;
  const refillAt = Math.floor(limit / 2);
  let bytesInFlight = 0;
  const limits = {
    // the jobs read the files (in the workers): the walk only lists them
    sniff: false,
    ...(options.maxArchiveInflated === undefined ? {} : { maxArchiveInflated: options.maxArchiveInflated }),
    ...(options.maxArchiveEntries === undefined ? {} : { maxArchiveEntries: options.maxArchiveEntries }),
  };
  // Archives the jobs found, opened here once the walk is done (their members become jobs of their own).
  const archives: Array<{ input: FleetInput & { kind: 'path' }; archive: ArchiveKind }> = [];
  async function* items(): AsyncGenerator<WalkItem> {
    yield* walkInputs(inputs, (p) => resolve(cwd, p), limits);
    for (;;) {
      const next = archives.shift();
      if (next !== undefined) yield* archiveItems(next.input.path, next.input.display, next.archive, limits);
      else if (active > 0) await until(() => active === 0 || archives.length > 0);
      else return;
    }
  }
  try {
    for await (const item of items()) {
      if (options.signal?.aborted) {
        notRead ??= item;
        break;
      }
      if (callbackFailure !== undefined) break;
      if (files >= MAX_FLEET_FILES) {
        stop('DUMP_FLEET_TOO_MANY_FILES', `more than ${MAX_FLEET_FILES} files and members looked at in one run (dumps or not): this one and the rest were not read (name the folders that hold the dumps, fewer at a time)`, item);
        break;
      }
      if (item.kind === 'skipped') {
        files++;
        skipped++;
        if (item.duplicate === true) duplicates++;
        continue;
      }
      // Rows, not files, are capped: jobs in flight may yet turn out not to be dumps, so they are waited for.
      if (rows.length + active >= MAX_FLEET_DUMPS) await until(() => active === 0 || rows.length + active < MAX_FLEET_DUMPS);
      if (rows.length >= MAX_FLEET_DUMPS) {
        stop('DUMP_FLEET_TOO_MANY_DUMPS', `more than ${MAX_FLEET_DUMPS} dumps in one run: the first ${MAX_FLEET_DUMPS} were read, this file and the rest were not (name fewer folders or archives at a time)`, item);
        break;
      }
      const weight = nameWeight(item.input.display);
      if (names + weight > MAX_FLEET_NAME_WEIGHT) await until(() => active === 0); // files that are no dumps give their names back
      if (names + weight > MAX_FLEET_NAME_WEIGHT) {
        const message = `the names of the files and members add up to more than ${MAX_FLEET_NAME_WEIGHT} characters after ${rows.length} of them (real ones are a few dozen each): the rest not read`;
        stop('DUMP_FLEET_NAMES_TOO_LONG', message, item, cutForMessage(item.input.display, 200));
        break;
      }
      names += weight;
      files++;
      if (item.kind === 'error') {
        rows.push(errorRow(item.error, item.input));
        continue;
      }
      const input = item.input;
      const size = input.kind === 'bytes' ? input.bytes.byteLength : 0;
      await until(() => active === 0 || bytesInFlight + size <= MAX_BYTES_IN_FLIGHT);
      bytesInFlight += size;
      active++;
      const job = pool ? pool.run(input) : runFleetJob(input, jobOptions);
      void job
        .then(
          (r) => {
            if (r.status === 'archive' && input.kind === 'path') {
              files--; // counted by its members instead
              names -= weight;
              archives.push({ input, archive: r.archive });
            } else {
              if (r.status === 'skipped') names -= weight;
              take(r);
            }
          },
          (e: unknown) => {
            if (!(e instanceof FleetJobCancelled)) return take({ status: 'dump', row: errorRow(e, input) });
            // dropped by the abort: not read, so not a file looked at; the first one names where the run stopped
            files--;
            names -= weight;
            notRead ??= { kind: 'input', input };
          },
        )
        .finally(() => {
          active--;
          bytesInFlight -= size;
          done++;
          progress(true);
          const w = waiter;
          if (w !== null && w.ready()) {
            waiter = null;
            w.resume();
          }
        });
      if (active >= limit) await until(() => active <= refillAt);
    }
    await until(() => active === 0);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool?.close();
  }
  if (options.signal?.aborted && notRead !== undefined) {
    stop('DUMP_FLEET_INTERRUPTED', 'the run was stopped (its signal was aborted): this file and the rest were not read', notRead);
  }
  progress(false);
  if (callbackFailure !== undefined) throw callbackFailure.error;
  return buildReport(rows, files, skipped, duplicates);
}

/**
 * The paths as a list. One path alone is taken as such, as analyzeEvents does: iterated, a string was
 * a path per character ('/' among them: the whole disk was walked).
 */
function fleetPaths(paths: unknown): readonly string[] {
  const list: unknown[] = typeof paths === 'string' ? [paths] : Array.isArray(paths) ? paths : [];
  if ((typeof paths !== 'string' && !Array.isArray(paths)) || !list.every((p) => typeof p === 'string')) {
    throw new UsageError('analyzeDumpFleet takes a path or a list of paths (files, folders, archives)');
  }
  return list as string[];
}

/** Wrong options from JavaScript are usage errors, as the CLI's (an unbounded worker count took gigabytes). */
function checkFleetOptions(options: unknown): void {
  checkOptions(options, 'analyzeDumpFleet');
  const o = (options ?? {}) as Record<string, unknown>;
  checkWholeNumber(o.workers, 'analyzeDumpFleet: workers', 0, MAX_FLEET_WORKERS);
  checkFunction(o.onProgress, 'analyzeDumpFleet: onProgress');
  checkPositive(o.maxArchiveInflated, 'analyzeDumpFleet: maxArchiveInflated');
  checkWholeNumber(o.maxArchiveEntries, 'analyzeDumpFleet: maxArchiveEntries', 1);
}

/**
 * Rows -> the report: sorted rows, groups, totals, summary. Pure; exported for callers that ran the jobs
 * themselves. `duplicates` is how many of `skipped` name a file already taken.
 * @example const report = buildReport(rows, files.length, skipped);
 */
export function buildReport(unsorted: readonly FleetRow[], files: number, skipped: number, duplicates = 0): FleetReport {
  const rows = [...unsorted].sort(byCrashTime);
  const groups = groupCrashes(rows);
  const times = rows.map((r) => r.crashTime).filter((t): t is string => t !== null).sort();
  const totals: FleetTotals = {
    files,
    dumps: rows.length,
    crashes: rows.filter((r) => r.kind !== null).length,
    noCrash: rows.filter((r) => r.kind === null && r.error === null).length,
    errors: rows.filter((r) => r.error !== null).length,
    skipped,
    duplicates,
    groups: groups.length,
  };
  const period = { first: times[0] ?? null, last: times[times.length - 1] ?? null };
  return { schemaVersion: FLEET_SCHEMA_VERSION, summary: summarise(totals, period, groups), totals, period, rows, groups };
}

/** Crash time first (rows without one last), then file name: the same order whatever order the jobs finished in. */
function byCrashTime(a: FleetRow, b: FleetRow): number {
  if (a.crashTime !== b.crashTime) {
    if (a.crashTime === null) return 1;
    if (b.crashTime === null) return -1;
    return a.crashTime < b.crashTime ? -1 : 1;
  }
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}
