import { UsageError } from '@analyze/core/errors';
import { analyzeDump, type DumpJson } from '@analyze/core/api/dump';
import { crashUnreadable, isDamageWarning } from '@analyze/core/dump';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { printable } from '../../output.js';
import { runEach } from '../../runner.js';
import type { FleetArgs } from './fleet.js';
import { renderDump } from './render.js';

/** The dump command's options: the same whether one dump is reported or a fleet. */
type DumpArgs = FleetArgs;

/** cdb's default budget is 10 minutes; more than a day is certainly a typo. */
const MAX_TIMEOUT_S = 24 * 3600;

/** A crash is a problem: a bugcheck, an exception, or a module to blame. */
export function isProblem(r: DumpJson): boolean {
  return r.bugcheck !== null || r.exception !== null || (r.culprit?.module ?? r.imageName) != null;
}

/** The dump is damaged (cut short, a stream or stack outside the file: dump/damage.ts), a debugger's notes apart. */
function isDamaged(r: DumpJson): boolean {
  return r.warnings.some((w) => isDamageWarning(w.code));
}

/**
 * Exit codes: 1 when a bugcheck, an exception or a culprit was found (a crash is a problem), 0 when the file
 * holds none (a live `.dump /m`), 2 when it could not be analysed or is damaged, which includes a dump that
 * records a crash it lost (DUMP_CRASH_UNREADABLE) and a dump cut short whose crash was still read (the report
 * shows what was read, as every command does for damaged input). Several files: the worst.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as DumpArgs;
  if (!(args.timeout > 0 && args.timeout <= MAX_TIMEOUT_S)) {
    // yargs turns a non-number into NaN: name what the user typed, not NaN (as --workers does).
    throw new UsageError(`--timeout must be a number of seconds between 1 and ${MAX_TIMEOUT_S}${Number.isNaN(args.timeout) ? '' : ` (got ${printable(String(raw['timeout']))})`}`);
  }
  // Several dumps, a folder or an archive: the table and the causes (fleet.ts).
  const fleet = await import('./fleet.js');
  fleet.checkFleetOptions(args, ctx);
  if (fleet.wantsFleet(args, ctx.io.cwd)) return fleet.runFleet(args, ctx);
  // Ctrl-C stops cdb and everything it started, then reports the interruption.
  const controller = new AbortController();
  const removeHandler = ctx.io.onInterrupt(() => controller.abort());
  try {
    return await runEach<DumpJson>(ctx, args.files, {
      stopped: () => controller.signal.aborted,
      analyze: async (input, name) => {
        ctx.progress.update(`${name}: analysing...`);
        return analyzeDump(input, {
          name,
          engine: args.engine,
          ...(args.cdb === undefined ? {} : { cdbPath: args.cdb }),
          ...(args.symbols === undefined ? {} : { symbols: args.symbols }),
          timeoutMs: Math.round(args.timeout * 1000),
          signal: controller.signal,
          strict: ctx.strict,
          env: ctx.io.env,
        });
      },
      exitCode: (r) => (crashUnreadable(r) || isDamaged(r) ? EXIT_INVALID : isProblem(r) ? EXIT_PROBLEM : EXIT_OK),
      render: (r) => renderDump(r, ctx.colors, { verbose: ctx.debug }),
    });
  } finally {
    removeHandler();
  }
}
