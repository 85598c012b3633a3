import { UsageError } from '@analyze/core/errors';
import { isKnown, lookupCode, searchCodes, type CodeLookup } from '@analyze/core/codes';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { printJson, reportError } from '../../output.js';
import { printable } from '../../render/printable.js';
import { lookupJson, searchJson } from './json.js';
import { renderLookup, renderSearch } from './render.js';

interface CodeArgs {
  codes?: string[];
  search?: string;
  limit: number;
}

/**
 * Exit codes: 0 every code was found in a table (or --search matched); 1 some code is in no table (its
 * decoded fields are still printed) or --search matched nothing; 2 malformed input (0xZZ, empty, > 32 bits).
 * Like files elsewhere, each code is answered on its own: one malformed code does not hide the others.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as CodeArgs;
  // After `--` yargs leaves words in `_` (after the command name): that is how -2146762751 arrives.
  const rest = Array.isArray(raw['_']) ? (raw['_'] as unknown[]).slice(1) : [];
  const codes = [...(args.codes ?? []), ...rest].map(String);
  try {
    if (args.search !== undefined) {
      // yargs turns `--limit abc` into NaN; a NaN or negative limit would print nothing and still exit 0.
      if (!Number.isInteger(args.limit) || args.limit < 1) throw new UsageError('--limit wants a whole number of at least 1');
      // `--search heap corruption` without quotes: the shell splits the words, yargs leaves the rest as codes.
      const s = searchCodes([args.search, ...codes].join(' '), args.limit);
      if (ctx.json) printJson(ctx, searchJson(s));
      else ctx.io.out(renderSearch(s, ctx.colors));
      return s.total > 0 ? EXIT_OK : EXIT_PROBLEM;
    }
    if (codes.length === 0) throw new UsageError('name a code (analyze code 0x800B0001) or use --search TEXT');
  } catch (e) {
    return usageError(ctx, e);
  }
  const docs: object[] = [];
  let worst = EXIT_OK;
  for (const [n, code] of codes.entries()) {
    let lookup: CodeLookup;
    try {
      lookup = lookupCode(code);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      worst = EXIT_INVALID;
      if (ctx.json) docs.push({ input: code, error: { code: e.code, message: e.message } });
      else ctx.io.err(`analyze: ${printable(e.message)}\n`);
      continue;
    }
    if (worst !== EXIT_INVALID && !isKnown(lookup)) worst = EXIT_PROBLEM;
    if (ctx.json) docs.push(lookupJson(lookup));
    else ctx.io.out(`${n > 0 ? '\n' : ''}${renderLookup(lookup, ctx.colors)}`);
  }
  if (ctx.json) printJson(ctx, docs.length === 1 ? docs[0]! : docs);
  return worst;
}

function usageError(ctx: Context, e: unknown): number {
  if (!(e instanceof UsageError)) return reportError(ctx, e);
  if (ctx.json) printJson(ctx, { error: { code: e.code, message: e.message } });
  else ctx.io.err(`analyze: ${printable(e.message)}\n`);
  return EXIT_INVALID;
}
