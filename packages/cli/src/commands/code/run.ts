import { UsageError } from '@analyze/core/errors';
import { isKnown, lookupCode, searchCodes, type CodeLookup } from '@analyze/core/codes';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { printJson, reportError } from '../../output.js';
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
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as CodeArgs;
  // After `--` yargs leaves words in `_` (after the command name): that is how -2146762751 arrives.
  const rest = Array.isArray(raw['_']) ? (raw['_'] as unknown[]).slice(1) : [];
  const codes = [...(args.codes ?? []), ...rest].map(String);
  try {
    if (args.search !== undefined) {
      if (codes.length) throw new UsageError('give either codes or --search, not both');
      const s = searchCodes(args.search, args.limit);
      if (ctx.json) printJson(ctx, searchJson(s));
      else ctx.io.out(renderSearch(s, ctx.colors));
      return s.total > 0 ? EXIT_OK : EXIT_PROBLEM;
    }
    if (codes.length === 0) throw new UsageError('name a code (analyze code 0x800B0001) or use --search TEXT');
    // Parse everything first: one malformed code is a usage error before anything is printed.
    const lookups: CodeLookup[] = codes.map((c) => lookupCode(c));
    if (ctx.json) printJson(ctx, lookups.length === 1 ? lookupJson(lookups[0]!) : lookups.map(lookupJson));
    else ctx.io.out(lookups.map((l) => renderLookup(l, ctx.colors)).join('\n'));
    return lookups.every(isKnown) ? EXIT_OK : EXIT_PROBLEM;
  } catch (e) {
    if (e instanceof UsageError) {
      if (ctx.json) printJson(ctx, { error: { code: e.code, message: e.message } });
      ctx.io.err(`analyze: ${e.message}\n`);
      return EXIT_INVALID;
    }
    return reportError(ctx, e);
  }
}
