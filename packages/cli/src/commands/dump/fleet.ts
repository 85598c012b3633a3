/**
 * `analyze dump` over several dumps, folders or archives: the table, the causes and the summary
 * (docs/json-dump-fleet.md). The core call does the work; this file renders and picks the exit code.
 */
import { statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readHead } from '@analyze/core/io';
import { analyzeDumpFleet, detectArchive, gzipContent, GZIP_SNIFF_BYTES, MAX_FLEET_WORKERS as MAX_WORKERS, type FleetReport } from '@analyze/core/dump/fleet';
import { errorReport } from '@analyze/core/api/report';
import { AnalyzeError, UsageError } from '@analyze/core/errors';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { printJson, printable, reportError, reportFailedFiles, type FailedFile } from '../../output.js';
import { fleetCsv } from './fleet-csv.js';
import { refuseInputOverwrite } from '../../inputs.js';
import { refuseOutputInInputFolder } from './output-path.js';
import { renderFleet } from './fleet-render.js';

export interface FleetArgs {
  files: string[];
  engine: 'auto' | 'native' | 'cdb';
  cdb?: string;
  symbols?: string;
  timeout: number;
  group?: boolean;
  csv?: string;
  workers?: number;
}


/**
 * The fleet view applies with --group, or (unless --no-group) for more than one path, a folder or an
 * archive (.zip, .tar, .tgz). A single dump keeps the detailed per-file report, and so does one
 * gzip-compressed file that is not a .tgz (memory.dmp.gz): it is one file, not an archive of dumps, and its
 * one-line error says to decompress it (the fleet table made it a table of one unreadable row).
 */
export function wantsFleet(args: FleetArgs, cwd: string): boolean {
  if (args.group !== undefined) return args.group;
  if (args.files.length > 1 || args.csv !== undefined) return true;
  const only = resolve(cwd, args.files[0] ?? '');
  try {
    if (statSync(only).isDirectory()) return true;
    const head = readHead(only, GZIP_SNIFF_BYTES);
    const archive = detectArchive(head);
    // A gzip that cannot be told (damaged) stays a fleet input: the archive reader gives the offset of the damage.
    return archive === 'tgz' ? gzipContent(head) !== 'other' : archive !== null;
  } catch {
    return false; // missing or unreadable: the per-file path reports it
  }
}

/**
 * The fleet options' checks, usage errors like every other option's (so --json gets the JSON error
 * document). Run before choosing the view, so a single dump does not silently take a bad value.
 */
export function checkFleetOptions(args: FleetArgs, ctx: Context): void {
  const workers = args.workers;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= MAX_WORKERS)) {
    // yargs turns a non-number into NaN: name what the user typed, not NaN.
    throw new UsageError(`--workers must be a whole number from 0 to ${MAX_WORKERS}${Number.isNaN(workers) ? '' : ` (got ${printable(String(workers))})`}`);
  }
  const jsonOnStdout = ctx.json && (ctx.page === undefined || ctx.page.alsoJson);
  if (args.csv === '-' && jsonOnStdout) throw new UsageError('--csv - and --json would both print on stdout: give --csv a file name');
  if (args.csv === '-' && ctx.page?.file === '-') throw new UsageError('--csv - and --html - would both print on stdout: give one of them a file name');
  if (args.csv !== undefined) refuseInputOverwrite('--csv', args.csv, args.files, ctx.io);
  // Named files are checked above (--html by main); a file found by walking a named folder is not named.
  if (args.csv !== undefined) refuseOutputInInputFolder('--csv', args.csv, args.files, ctx.io.cwd);
  if (ctx.page !== undefined) refuseOutputInInputFolder('--html', ctx.page.file, args.files, ctx.io.cwd);
}

/** Exit 1 when any crash was found; otherwise 2 when a dump could not be read or none was found; else 0. */
export async function runFleet(args: FleetArgs, ctx: Context): Promise<number> {
  checkFleetOptions(args, ctx);
  // The fleet walks paths (folders, archives read in place); standard input is one dump, read alone.
  if (args.files.includes('-')) throw new UsageError('- (standard input) is read as one dump on its own: with several inputs, --group or --csv, name files, folders or archives');
  const workers = args.workers;
  const controller = new AbortController();
  const removeHandler = ctx.io.onInterrupt(() => controller.abort());
  const started = Date.now();
  let report: FleetReport;
  try {
    report = await analyzeDumpFleet(args.files, {
      engine: args.engine,
      ...(args.cdb === undefined ? {} : { cdbPath: args.cdb }),
      ...(args.symbols === undefined ? {} : { symbols: args.symbols }),
      timeoutMs: Math.round(args.timeout * 1000),
      strict: ctx.strict,
      env: ctx.io.env,
      cwd: ctx.io.cwd,
      signal: controller.signal,
      ...(workers === undefined ? {} : { workers }),
      onProgress: (p) => {
        const secs = (Date.now() - started) / 1000;
        const rate = secs > 0 ? p.done / secs : 0;
        const eta = !p.walking && rate > 0 ? `, ETA ${Math.ceil((p.found - p.done) / rate)} s` : '';
        ctx.progress.update(`${p.done}/${p.found}${p.walking ? '+' : ''} files, ${rate.toFixed(0)}/s${eta}`);
      },
    });
  } catch (e) {
    // The fleet's own failures (a bad path, a broken archive) are rows; what is thrown is the run's error.
    if (ctx.json) await printJson(ctx, errorReport(e));
    return reportError(ctx, e);
  } finally {
    ctx.progress.done();
    removeHandler();
  }
  if (args.csv !== undefined) {
    const csv = fleetCsv(report.rows);
    if (args.csv === '-') ctx.data(csv);
    else writeCsv(resolve(ctx.io.cwd, args.csv), csv, args.csv);
  }
  // --html: the fleet page, not the single-dump one (the command is `dump` either way).
  if (ctx.json) await printJson(ctx.page ? { ...ctx, page: { ...ctx.page, kind: 'dump fleet' } } : ctx, report);
  else if (args.csv !== '-') ctx.io.out(renderFleet(report, ctx.colors, { verbose: ctx.debug }));
  if (controller.signal.aborted) ctx.io.err('analyze: interrupted; the report covers the dumps read so far\n');
  reportFailedRows(ctx, report);
  const t = report.totals;
  if (t.crashes > 0) return EXIT_PROBLEM;
  if (t.errors > 0 || t.dumps === 0) {
    if (t.dumps === 0) ctx.io.err(`analyze: no dump found in ${printable(args.files.join(', '))}\n`);
    return EXIT_INVALID;
  }
  return EXIT_OK;
}

/** Files named on stderr that could not be read, at most this many (the rest are counted; all are rows). */
/** Each file that could not be read, on stderr as every command names one, whatever the output. */
function reportFailedRows(ctx: Context, report: FleetReport): void {
  reportFailedFiles(ctx, report.rows.filter((r): r is typeof r & FailedFile => r.error !== null), 'each is a row of the report');
}

/** The CSV file, or an AnalyzeError naming it as typed (not a bare Node error). */
function writeCsv(path: string, csv: string, name: string): void {
  try {
    writeFileSync(path, csv);
  } catch (e) {
    throw new AnalyzeError('FILE_UNWRITABLE', `cannot write the CSV (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: name, cause: e });
  }
}
