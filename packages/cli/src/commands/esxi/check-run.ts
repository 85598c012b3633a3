import { checkBackup, type CheckJson } from '@analyze/core/api/esxi';
import { hasError } from '@analyze/core/esxi/diff';
import { EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { inputFor, runEach } from '../../runner.js';
import { renderFindings, renderSummary, type BackupArgs } from './diff-common.js';
import { openOptions } from './options.js';

interface CheckArgs extends BackupArgs {
  files: string[];
  target?: string;
}

/** Exit codes: 0 no error finding; 1 an error-severity finding in some backup; 2 unreadable. */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as CheckArgs;
  const opts = await openOptions(args, ctx);
  const target = args.target === undefined ? {} : { target: inputFor(ctx, args.target), targetName: args.target };
  return runEach<CheckJson>(ctx, args.files, {
    analyze: (input, name) => checkBackup(input, { ...opts, ...target, name }),
    exitCode: (r) => (hasError(r.findings) ? EXIT_PROBLEM : EXIT_OK),
    render: (r, i) =>
      `${i > 0 ? '\n' : ''}${renderSummary('BACKUP', r.backup, ctx.colors)}${r.target ? renderSummary('TARGET', r.target, ctx.colors) : ''}\n${renderFindings(r.findings, ctx.colors)}`,
  });
}
