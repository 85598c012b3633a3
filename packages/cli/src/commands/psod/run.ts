import { resolve } from 'node:path';
import { Warnings } from '@analyze/core/errors';
import { readSmallFile } from '@analyze/core/io';
import { analyzePsod, psodText, MAX_PSOD_INPUT, type PsodAnalysis } from '@analyze/core/psod';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { errorJson, printJson, reportError, reportWarnings } from '../../output.js';
import { psodJson } from './json.js';
import { renderPsod } from './render.js';

/**
 * Exit codes: 1 a crash was identified (a PSOD header or backtrace frames were found, with or without a known
 * signature); 0 the text holds no PSOD; 2 unreadable input.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const named = Array.isArray(raw['files']) ? (raw['files'] as unknown[]) : raw['files'] === undefined ? [] : [raw['files']];
  // Words after `--` arrive in `_`, after the command name.
  const rest = Array.isArray(raw['_']) ? (raw['_'] as unknown[]).slice(1) : [];
  const files = [...named, ...rest].map(String);
  const docs: object[] = [];
  let worst = EXIT_OK;
  for (const file of files) {
    let a: PsodAnalysis;
    try {
      const data = file === '-' ? await ctx.io.readStdin(MAX_PSOD_INPUT) : readSmallFile(resolve(ctx.io.cwd, file), MAX_PSOD_INPUT);
      a = analyzePsod(psodText(data, file), { warnings: new Warnings(ctx.strict, file) });
    } catch (e) {
      worst = EXIT_INVALID;
      if (ctx.json) docs.push(errorJson(e, file));
      else reportError(ctx, e, file);
      continue;
    }
    const code = a.crashFound ? EXIT_PROBLEM : EXIT_OK;
    if (worst !== EXIT_INVALID) worst = Math.max(worst, code);
    if (ctx.json) docs.push(psodJson(a, file));
    else {
      ctx.io.out(renderPsod(a, file, ctx.colors, files.length > 1));
      reportWarnings(ctx, a.warnings);
    }
  }
  if (ctx.json) printJson(ctx, docs.length === 1 ? docs[0]! : docs);
  return worst;
}
