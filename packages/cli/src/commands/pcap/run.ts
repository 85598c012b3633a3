import { resolve } from 'node:path';
import { UsageError } from '@analyze/core/errors';
import { analyzeCapture } from '@analyze/core/pcap';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { errorJson, printJson, reportError, reportWarnings } from '../../output.js';
import { formatBytes } from '../../render/progress.js';
import { runFix, type FixArgs } from './fix.js';
import { pcapJson } from './json.js';
import { renderPcap } from './render.js';
import { renderVerdict, startVerdict, verdictExitCode, withVerdictJson } from './render-verdict.js';

interface PcapArgs {
  files: string[];
  limit?: number;
  /** The offload verdict (issue 4); on unless --no-verdict. */
  verdict?: boolean;
}

/** How many bad checksums the text report lists by default (JSON lists up to the core default, 1000). */
const TEXT_DEFAULT_SHOWN = 20;

/**
 * Exit codes: with the verdict (default), 1 for offload-broken and wire-corruption, else 0; with
 * --no-verdict, 1 when any bad checksum was found, 0 when none; 2 when the file could not be read (or
 * was damaged: the results up to the damage are still printed). Several files: the worst.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as PcapArgs;
  if (raw['fixChecksums'] !== undefined) return runFix(raw as unknown as FixArgs, ctx);
  if (args.limit !== undefined && !(Number.isInteger(args.limit) && args.limit >= 0)) {
    throw new UsageError(`--limit must be a whole number of at least 0 (got ${String(raw['limit'])})`);
  }
  const results: object[] = [];
  let worst = EXIT_OK;
  for (const file of args.files) {
    let code: number;
    try {
      const collector = startVerdict(args.verdict, args.limit);
      const report = await analyzeCapture(resolve(ctx.io.cwd, file), {
        strict: ctx.strict,
        ...(args.limit === undefined ? {} : { limit: args.limit }),
        ...(collector === undefined ? {} : { sink: collector }),
        onProgress: (read, total) => ctx.progress.update(`${file}: ${formatBytes(read)} of ${formatBytes(total)}`),
      });
      ctx.progress.done();
      if (report.error) report.error.file = file;
      const shown = { ...report, file };
      const problem = report.checksums.ipv4.bad + report.checksums.tcp.bad + report.checksums.udp.bad > 0;
      // Nothing read (not a capture, unreadable): no verdict, only the error.
      const verdict = report.error && report.frames === 0 ? undefined : collector?.finish();
      if (ctx.json) results.push(collector && verdict ? withVerdictJson(pcapJson(shown), shown, collector, verdict) : pcapJson(shown));
      else if (!report.error || report.frames > 0) {
        ctx.io.out(renderPcap(shown, ctx.colors, args.limit ?? TEXT_DEFAULT_SHOWN) + (verdict ? renderVerdict(verdict, ctx.colors) : ''));
      }
      if (!ctx.json) reportWarnings(ctx, shown.warnings.map((w) => ({ ...w, file })));
      if (report.error) code = ctx.json ? EXIT_INVALID : reportError(ctx, report.error, file);
      else if (verdict) code = verdictExitCode(verdict);
      else code = problem ? EXIT_PROBLEM : EXIT_OK;
    } catch (e) {
      ctx.progress.done();
      if (ctx.json) results.push(errorJson(e, file));
      code = ctx.json ? EXIT_INVALID : reportError(ctx, e, file);
    }
    worst = Math.max(worst, code);
  }
  if (ctx.json) printJson(ctx, results.length === 1 ? results[0]! : results);
  return worst;
}
