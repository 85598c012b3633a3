import { UsageError } from '@analyze/core/errors';
import { lookupCode, searchCodes, type CodeReport } from '@analyze/core/api/code';
import { CODE_STDIN_CAP } from '../../caps.js';
import { EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { printJson } from '../../output.js';
import { runEach } from '../../runner.js';
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
 * A code given more than once is answered once.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as CodeArgs;
  // Words after `--` (how -2146762751 is passed) arrive among the codes (main.ts, protectArgs).
  const given = (args.codes ?? []).map(String);
  const codes = distinctCodes(given.includes('-') ? await withStdinCodes(given, ctx) : given);
  if (args.search !== undefined) {
    // yargs turns `--limit abc` into NaN; a NaN or negative limit would print nothing and still exit 0.
    if (!Number.isInteger(args.limit) || args.limit < 1) throw new UsageError('--limit wants a whole number of at least 1');
    // `--search heap corruption` without quotes: the shell splits the words, yargs leaves the rest as codes.
    const s = await searchCodes([args.search, ...codes].join(' '), { limit: args.limit });
    if (ctx.json) await printJson(ctx, s);
    else ctx.io.out(renderSearch(s, ctx.colors));
    return s.total > 0 ? EXIT_OK : EXIT_PROBLEM;
  }
  if (codes.length === 0) throw new UsageError('name a code (analyze code 0x800B0001) or use --search TEXT');
  return runEach<CodeReport>(ctx, codes, {
    subject: 'input',
    analyze: (_input, code) => lookupCode(code),
    exitCode: (r) => (r.known ? EXIT_OK : EXIT_PROBLEM),
    render: (r, i) => `${i > 0 ? '\n' : ''}${renderLookup(r, ctx.colors)}`,
  });
}

/**
 * Most codes one run answers. Each answer is a few hundred bytes of JSON and some kilobytes of objects until
 * printed: a megabyte of standard input holds 500,000 one-digit codes, which took 1.4 GB and 10 s with
 * --json. 10,000 distinct codes is more than any log holds (the tables name some 9,300).
 */
export const MAX_CODES_PER_RUN = 10_000;

/** Each code once, in the order first given (a log grepped without `sort -u` repeats them); at most MAX_CODES_PER_RUN. */
function distinctCodes(codes: readonly string[]): string[] {
  const distinct = [...new Set(codes)];
  if (distinct.length > MAX_CODES_PER_RUN) {
    throw new UsageError(`${distinct.length.toLocaleString('en-US')} different codes: at most ${MAX_CODES_PER_RUN.toLocaleString('en-US')} are answered in one run (split the list)`, 'CODE_TOO_MANY');
  }
  return distinct;
}

/** `-` among the codes: the words of standard input in its place (spaces, commas, semicolons or lines apart). */
async function withStdinCodes(given: readonly string[], ctx: Context): Promise<string[]> {
  const text = (await ctx.io.readStdin(CODE_STDIN_CAP)).toString('utf8');
  const words = text.split(/[\s,;]+/).filter((w) => w !== '');
  if (words.length === 0) throw new UsageError('no code on standard input (-)');
  return given.flatMap((c) => (c === '-' ? words : [c]));
}
