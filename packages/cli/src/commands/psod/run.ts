import { analyzePsod, type PsodJson } from '@analyze/core/api/psod';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { runEach } from '../../runner.js';
import { isCut, isDamaged, isNotText, renderPsod } from './render.js';

/**
 * Exit codes: 1 a crash was identified (a PSOD header or backtrace frames were found, with or without a known
 * signature); 0 the text holds no PSOD; 2 unreadable input, or no crash in a text that could not be read
 * whole (PSOD_INPUT_CUT) or in a file that is not text (PSOD_NOT_TEXT): "nothing found" would then claim more
 * than was looked at; 2 also for damaged gzip (GZIP_CORRUPT), with the crash read before the damage reported.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const named = Array.isArray(raw['files']) ? (raw['files'] as unknown[]) : raw['files'] === undefined ? [] : [raw['files']];
  // Words after `--` arrive in `_`, after the command name.
  const rest = Array.isArray(raw['_']) ? (raw['_'] as unknown[]).slice(1) : [];
  const files = [...named, ...rest].map(String);
  return runEach<PsodJson>(ctx, files, {
    analyze: (input, name) => analyzePsod(input, { name, strict: ctx.strict }),
    // Damaged gzip is exit 2 even with a crash found in the text before the damage, as for every damaged input.
    exitCode: (a) => (isDamaged(a) ? EXIT_INVALID : a.crashFound ? EXIT_PROBLEM : isCut(a) || isNotText(a) ? EXIT_INVALID : EXIT_OK),
    render: (a, _i, count) => renderPsod(a, a.file, ctx.colors, count > 1),
  });
}
