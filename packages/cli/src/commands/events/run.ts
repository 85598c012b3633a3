import { join, resolve, sep } from 'node:path';
import { UsageError } from '@analyze/core/errors';
import { analyzeEvents, hasProblem, recordJson, type EventsInput } from '@analyze/core/events';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { printJson, reportWarnings } from '../../output.js';
import { printable } from '../../render/printable.js';
import { renderEvents } from './render.js';

/**
 * Exit codes: 1 a finding of severity warning or above; 0 nothing to report; 2 a file could not be read
 * (the others are still analysed and reported).
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const named = Array.isArray(raw['files']) ? (raw['files'] as unknown[]) : raw['files'] === undefined ? [] : [raw['files']];
  const rest = Array.isArray(raw['_']) ? (raw['_'] as unknown[]).slice(1) : [];
  const files = [...named, ...rest].map(String);
  const inputs: EventsInput[] = [];
  for (const f of files) {
    // Standard input is streamed chunk by chunk like a file: an event log is never held whole.
    inputs.push(f === '-' ? { name: '-', stream: ctx.io.stdin() } : resolve(ctx.io.cwd, f));
  }
  const records = raw['records'] === true;
  // --records prints records, not the report a page is made from.
  if (records && ctx.page) throw new UsageError('--records prints JSON Lines, not a report: --html cannot be used with it');
  // Report files as the user named them (a folder's logs as FOLDER/name), not as resolved absolute paths.
  const given = files.map((f, i) => [inputs[i], f] as const).filter((p): p is readonly [string, string] => typeof p[0] === 'string');
  const shown = (path: string) => {
    for (const [abs, name] of given) {
      if (path === abs) return name;
      if (path.startsWith(abs + sep)) return join(name, path.slice(abs.length + 1));
    }
    return path;
  };

  const report = await analyzeEvents(inputs, {
    strict: ctx.strict,
    ...(records ? { onRecord: (r) => ctx.io.out(`${JSON.stringify(recordJson(r))}\n`) } : {}),
  });
  for (const f of report.files) f.file = shown(f.file);
  for (const w of report.warnings) if (w.file !== undefined) w.file = shown(w.file);
  for (const fi of report.findings) for (const o of fi.occurrences) o.ref.file = shown(o.ref.file);

  const failed = report.files.filter((f) => f.error);
  if (ctx.json && !records) printJson(ctx, report);
  else if (!records) ctx.io.out(renderEvents(report, ctx.colors));
  if (!ctx.json) reportWarnings(ctx, report.warnings);
  // With --html alone nothing else names a file that could not be read: stderr does, as without --html.
  if (!ctx.json || (ctx.page !== undefined && !ctx.page.alsoJson)) {
    for (const f of failed) {
      const where = f.error!.offset === undefined ? '' : ` (at byte ${f.error!.offset})`;
      ctx.io.err(`analyze: ${ctx.colors.red(printable(`${f.file}: ${f.error!.message}${where}`))}\n`);
    }
  }
  if (failed.length) return EXIT_INVALID;
  return hasProblem(report) ? EXIT_PROBLEM : EXIT_OK;
}
