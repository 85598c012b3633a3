import { diffBackups, hasError } from '@analyze/core/esxi/diff';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { errorJson, printJson, reportError } from '../../output.js';
import { loadBackup, renderDiff, type BackupArgs } from './diff-common.js';

interface DiffArgs extends BackupArgs {
  before: string;
  after: string;
  all: boolean;
  'show-secrets': boolean;
}

/** Exit codes: 0 compared, no error finding; 1 an error-severity finding (the restore would fail or break the host); 2 unreadable. */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as DiffArgs;
  let current = args.before;
  try {
    const before = await loadBackup(args.before, args, ctx);
    current = args.after;
    const after = await loadBackup(args.after, args, ctx);
    const result = diffBackups(before, after, { all: args.all, showSecrets: args['show-secrets'] });
    // secretsShown: the JSON (and the --html page made from it) says that it holds secrets in clear.
    if (ctx.json) printJson(ctx, args['show-secrets'] ? { ...result, secretsShown: true } : result);
    else ctx.io.out(renderDiff(result, ctx.colors, args.all, args['show-secrets']));
    return hasError(result.findings) ? EXIT_PROBLEM : EXIT_OK;
  } catch (e) {
    if (ctx.json) printJson(ctx, errorJson(e, current));
    else reportError(ctx, e, current);
    return EXIT_INVALID;
  }
}
