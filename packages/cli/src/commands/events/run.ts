import { UsageError } from '@analyze/core/errors';
import { analyzeEvents, hasProblem, recordJson, type EventsInput } from '@analyze/core/events';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { printJson, reportFailedFiles, reportWarnings, type FailedFile } from '../../output.js';
import { inputFor } from '../../runner.js';
import { renderEvents } from './render.js';

/**
 * Exit codes: 1 a finding of severity warning or above; 0 nothing to report; 2 a file could not be read, or
 * was damaged so that records were lost (files[].error; what was read and the other files are still
 * analysed and reported). Unlike the per-file commands, all the logs of a run make
 * one document (docs/json-events.md), so this prints it itself, with the runner's error and warning lines.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const named = Array.isArray(raw['files']) ? (raw['files'] as unknown[]) : raw['files'] === undefined ? [] : [raw['files']];
  const rest = Array.isArray(raw['_']) ? (raw['_'] as unknown[]).slice(1) : [];
  const files = [...named, ...rest].map(String);
  const records = raw['records'] === true;
  // --records prints records, not the report a page is made from.
  if (records && ctx.page) throw new UsageError('--records prints JSON Lines, not a report: --html cannot be used with it');
  if (records && ctx.json) throw new UsageError('--records prints JSON Lines and --json the findings document: give one of them');
  // Core names every file, warning and finding as the user typed it (a folder's logs as FOLDER/name).
  // Standard input is streamed chunk by chunk like a file: an event log is never held whole.
  const inputs: EventsInput[] = files.map((f) => {
    const input = inputFor(ctx, f); // standard input, or a pipe named by path, is a stream
    return typeof input === 'string' ? { name: f, path: input } : { name: f, stream: input as AsyncIterable<Uint8Array> };
  });

  const report = await analyzeEvents(inputs, {
    strict: ctx.strict,
    // Each MiB read waits for stdout to take the lines printed: a pipe would otherwise queue them all.
    ...(records ? { onRecord: (r) => ctx.data(`${JSON.stringify(recordJson(r))}\n`), pace: () => ctx.io.drained() } : {}),
  });
  ctx.progress.done();

  const failed = report.files.filter((f) => f.error);
  if (ctx.json) await printJson(ctx, report);
  else {
    if (!records) ctx.io.out(renderEvents(report, ctx.colors));
    reportWarnings(ctx, report.warnings);
  }
  // Failed files go to stderr whatever the output (with --json too, as the runner does for the other commands).
  reportFailedFiles(ctx, failed as FailedFile[], 'each is listed in the report');
  if (failed.length) return EXIT_INVALID;
  return hasProblem(report) ? EXIT_PROBLEM : EXIT_OK;
}
