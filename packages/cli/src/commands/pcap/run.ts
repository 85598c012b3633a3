import { UsageError } from '@analyze/core/errors';
import { analyzeCapture, type CaptureJson } from '@analyze/core/api/pcap';
import { EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { formatBytes } from '../../render/progress.js';
import { runFix, type FixArgs } from './fix.js';
import { runEach } from '../../runner.js';
import { renderPcap } from './render.js';
import { renderVerdict, verdictExitCode } from './render-verdict.js';

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
  if (args.limit !== undefined && !(Number.isInteger(args.limit) && args.limit >= 0)) {
    // yargs turns `--limit x` into NaN: say what is wanted rather than echo "NaN".
    throw new UsageError(`--limit must be a whole number of at least 0${Number.isNaN(args.limit) ? '' : ` (got ${String(args.limit)})`}`);
  }
  if (raw['fixChecksums'] !== undefined) return runFix(raw as unknown as FixArgs, ctx);
  // Said rather than ignored: a user who typed it expects lengths to be changed somewhere.
  if (raw['fixLengths'] === true) throw new UsageError('--fix-lengths only works with --fix-checksums OUT (it changes the copy written there)');
  return runEach<CaptureJson>(ctx, args.files, {
    analyze: (input, name) =>
      analyzeCapture(input, {
        name,
        strict: ctx.strict,
        ...(args.limit === undefined ? {} : { limit: args.limit }),
        ...(args.verdict === false ? { verdict: false } : {}),
        onProgress: (read, total) => ctx.progress.update(`${name}: ${formatBytes(read)}${total > 0 ? ` of ${formatBytes(total)}` : ''}`),
      }),
    exitCode: (r) => {
      if (r.verdict) return verdictExitCode(r.verdict);
      return r.checksums.ipv4.bad + r.checksums.tcp.bad + r.checksums.udp.bad > 0 ? EXIT_PROBLEM : EXIT_OK;
    },
    // Nothing read (not a capture, unreadable): only the error line.
    render: (r) => (r.error && r.frames === 0 ? '' : renderPcap(r, ctx.colors, args.limit ?? TEXT_DEFAULT_SHOWN) + (r.verdict ? renderVerdict(r.verdict, ctx.colors) : '')),
  });
}
