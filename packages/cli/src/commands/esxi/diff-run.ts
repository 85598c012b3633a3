import { diffBackups, type DiffJson } from '@analyze/core/api/esxi';
import { hasError } from '@analyze/core/esxi/diff';
import { EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { inputFor, runEach } from '../../runner.js';
import { renderDiff, type BackupArgs } from './diff-common.js';
import { openOptions } from './options.js';

interface DiffArgs extends BackupArgs {
  before: string;
  after: string;
  all: boolean;
  'show-secrets': boolean;
}

/** Exit codes: 0 compared, no error finding; 1 an error-severity finding (the restore would fail or break the host); 2 unreadable. */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as DiffArgs;
  const opts = await openOptions(args, ctx);
  // One report for the pair; an error names the side that failed.
  return runEach<DiffJson>(ctx, [args.before], {
    analyze: (before) =>
      diffBackups(before, inputFor(ctx, args.after), { ...opts, names: { before: args.before, after: args.after }, all: args.all, showSecrets: args['show-secrets'] }),
    exitCode: (r) => (hasError(r.findings) ? EXIT_PROBLEM : EXIT_OK),
    render: (r) => renderDiff(r, ctx.colors, args.all, args['show-secrets']),
  });
}
