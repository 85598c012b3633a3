import { restorePlan, type ParsedBackup } from '@analyze/core/esxi/diff';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { errorJson, printJson, reportError } from '../../output.js';
import { loadBackup, renderPlan, type BackupArgs } from './diff-common.js';

interface PlanArgs extends BackupArgs {
  file: string;
  target?: string;
}

/** Exit codes: 0 a plan with no blocking finding; 1 blocked by an error-severity finding; 2 unreadable. */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as PlanArgs;
  let current = args.file;
  try {
    let target: ParsedBackup | undefined;
    if (args.target !== undefined) {
      current = args.target;
      target = await loadBackup(args.target, args, ctx);
      current = args.file;
    }
    const b = await loadBackup(args.file, args, ctx);
    const plan = restorePlan(b, target);
    if (ctx.json) printJson(ctx, { file: args.file, ...plan });
    else ctx.io.out(renderPlan(args.file, plan, ctx.colors));
    return plan.blocked ? EXIT_PROBLEM : EXIT_OK;
  } catch (e) {
    if (ctx.json) printJson(ctx, errorJson(e, current));
    else reportError(ctx, e, current);
    return EXIT_INVALID;
  }
}
