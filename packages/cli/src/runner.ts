/**
 * The one loop every command runs (vitest's single `start()` is the model): for each file (or code) named
 * on the command line, call the library job, then print its text or collect its JSON, report warnings and
 * errors in one shape, and keep the worst exit code. Commands supply only the job, the text and the
 * exit code of a report.
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { isPipe } from '@analyze/core/io';
import { errorReport } from '@analyze/core/api/report';
import type { Input } from '@analyze/core/api/input';
import { AnalyzeError, type Warning } from '@analyze/core/errors';
import { EXIT_INVALID, EXIT_OK, type Context } from './context.js';
import { JsonArrayPrinter, printJson, reportError, reportWarnings, stamp, writePage } from './output.js';

/** What a report the runner handles carries: its warnings, and the damage it could be read up to (pcap). */
export interface RunnableReport {
  warnings?: readonly Warning[];
  error?: { code: string; message: string; offset?: number };
}

export interface Job<R extends object> {
  /** Runs the library call on one input, named `name` (as typed; `-` for standard input). */
  analyze(input: Input, name: string): Promise<R>;
  /** 0 nothing wrong found, 1 a problem found (a report holding `error` exits 2 whatever this says). */
  exitCode(report: R): number;
  /** The text report (`index`/`count` place it among several). Omit when a report prints nothing of its own. */
  render(report: R, index: number, count: number): string;
  /** Checked before each item: true stops the loop (after Ctrl-C the remaining files are not started). */
  stopped?(): boolean;
  /** `analyze code` answers codes, not files: its error documents say `input` (default `file`). */
  subject?: 'file' | 'input';
}

/** The library input for a command-line word: `-` is standard input (and so is a pipe named by path), anything else a path from the cwd. */
export function inputFor(ctx: Context, word: string): Input {
  if (word === '-') return ctx.io.stdin();
  const path = resolve(ctx.io.cwd, word);
  // `analyze dump <(curl ...)`, /dev/stdin: a pipe is read once, in order, like standard input.
  return isPipe(path) ? createReadStream(path) : path;
}

/**
 * Runs `job` on every item and prints the outcome: one JSON document (an array for several items) with
 * --json, else the text reports on stdout and warnings and errors on stderr. Returns the worst exit code.
 */
export async function runEach<R extends object>(ctx: Context, items: readonly string[], job: Job<R>): Promise<number> {
  const docs: object[] = [];
  // Several documents are printed (--json) and made into the page's sections (--html) as they come, not held.
  const several = ctx.json && items.length > 1;
  const page = several && ctx.page ? ctx.page.begin(ctx.page.kind) : undefined;
  const array = several && (!ctx.page || ctx.page.alsoJson) ? new JsonArrayPrinter(ctx) : undefined;
  const keep = async (doc: object) => {
    if (!several) return void docs.push(doc);
    page?.add(stamp(doc));
    await array?.add(doc);
  };
  let worst = EXIT_OK;
  const asInput = job.subject === 'input';
  for (const [i, item] of items.entries()) {
    if (job.stopped?.()) break;
    let report: R;
    try {
      report = await job.analyze(asInput ? item : inputFor(ctx, item), item);
    } catch (e) {
      ctx.progress.done();
      worst = EXIT_INVALID;
      const file = (e as { file?: unknown }).file;
      if (ctx.json) await keep(errorReport(e, asInput ? { input: item } : { file: typeof file === 'string' ? file : item }));
      // the one-line message goes to stderr with --json too (docs/json.md): a person sees it, a script reads stdout
      reportError(ctx, e, asInput ? undefined : item);
      continue;
    }
    ctx.progress.done();
    const { warnings = [], error } = report as RunnableReport;
    if (ctx.json) await keep(report);
    else {
      ctx.io.out(job.render(report, i, items.length));
      await ctx.io.drained(); // many files into a slow pipe: their texts are not all queued
      reportWarnings(ctx, warnings.map((w) => ({ ...w, file: w.file ?? item })));
    }
    if (error) reportError(ctx, new AnalyzeError(error.code, error.message, { file: item, offset: error.offset }), item);
    worst = Math.max(worst, error ? EXIT_INVALID : job.exitCode(report));
  }
  if (page) writePage(ctx, page.html());
  array?.end();
  if (ctx.json && !several) await printJson(ctx, docs.length === 1 ? docs[0]! : docs);
  return worst;
}
