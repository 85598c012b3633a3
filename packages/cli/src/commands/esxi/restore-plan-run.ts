import { restorePlan, type RestorePlanJson } from '@analyze/core/api/esxi';
import { EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { inputFor, runEach } from '../../runner.js';
import { renderPlan, type BackupArgs } from './diff-common.js';
import { openOptions } from './options.js';

interface PlanArgs extends BackupArgs {
  file: string;
  target?: string;
}

/** Exit codes: 0 a plan with no blocking finding; 1 blocked by an error-severity finding; 2 unreadable. */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as PlanArgs;
  const opts = await openOptions(args, ctx);
  const target = args.target === undefined ? {} : { target: inputFor(ctx, args.target), targetName: args.target };
  // the wrap command names --keystore as given (opts holds its bytes); read from standard input, it has no
  // name, and the command names the encryption.info beside the backup
  const keystore = args.keystore === undefined || args.keystore === '-' ? {} : { keystoreName: args.keystore };
  return runEach<RestorePlanJson>(ctx, [args.file], {
    analyze: (input, name) => restorePlan(input, { ...opts, ...target, ...keystore, name }),
    exitCode: (r) => (r.blocked ? EXIT_PROBLEM : EXIT_OK),
    render: (r) => renderPlan(r.file, r, ctx.colors),
  });
}
