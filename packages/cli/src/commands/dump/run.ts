import { resolve } from 'node:path';
import { UsageError } from '@analyze/core/errors';
import { analyzeDump, type DumpReport } from '@analyze/core/dump';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { errorJson, printable, printJson, reportError, reportWarnings } from '../../output.js';
import { dumpJson, isProblem } from './json.js';
import { renderDump } from './render.js';

interface DumpArgs {
  files: string[];
  engine: 'auto' | 'native' | 'cdb';
  cdb?: string;
  symbols?: string;
  timeout: number;
  group?: boolean;
  csv?: string;
  workers?: number;
}

/** cdb's default budget is 10 minutes; more than a day is certainly a typo. */
const MAX_TIMEOUT_S = 24 * 3600;

/**
 * Exit codes: 1 when a bugcheck, an exception or a culprit was found (a crash is a problem), 0 when the file
 * holds none (a live `.dump /m`), 2 when it could not be analysed. Several files: the worst.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as DumpArgs;
  if (!(args.timeout > 0 && args.timeout <= MAX_TIMEOUT_S)) {
    ctx.io.err(`analyze: --timeout must be a number of seconds between 1 and ${MAX_TIMEOUT_S} (got ${printable(String(raw['timeout']))})\n`);
    return EXIT_INVALID;
  }
  // Several dumps, a folder or an archive: the table and the causes (fleet.ts).
  const fleet = await import('./fleet.js');
  if (fleet.wantsFleet(args, ctx.io.cwd)) return fleet.runFleet(args, ctx);
  // Ctrl-C stops cdb and everything it started, then reports the interruption.
  const controller = new AbortController();
  const removeHandler = ctx.io.onInterrupt(() => controller.abort());
  const results: object[] = [];
  let worst = EXIT_OK;
  try {
    for (const file of args.files) {
      if (controller.signal.aborted) break;
      let code: number;
      try {
        ctx.progress.update(`${file}: analysing...`);
        const report = await analyzeDump(resolve(ctx.io.cwd, file), {
          engine: args.engine,
          ...(args.cdb === undefined ? {} : { cdbPath: args.cdb }),
          ...(args.symbols === undefined ? {} : { symbols: args.symbols }),
          timeoutMs: Math.round(args.timeout * 1000),
          signal: controller.signal,
          strict: ctx.strict,
          env: ctx.io.env,
        });
        ctx.progress.done();
        const shown: DumpReport = { ...report, file };
        if (ctx.json) results.push(dumpJson(shown));
        else {
          ctx.io.out(renderDump(shown, ctx.colors, { verbose: ctx.debug }));
          reportWarnings(ctx, shown.warnings.map((w) => ({ ...w, file })));
        }
        code = isProblem(shown) ? EXIT_PROBLEM : EXIT_OK;
      } catch (e) {
        ctx.progress.done();
        if (e instanceof UsageError) throw e;
        if (ctx.json) results.push(errorJson(e, file));
        code = ctx.json ? EXIT_INVALID : reportError(ctx, e, file);
      }
      worst = Math.max(worst, code);
    }
  } finally {
    removeHandler();
  }
  if (ctx.json) printJson(ctx, results.length === 1 ? results[0]! : results);
  return worst;
}
