import { checkBackup, hasError, summarize, type ParsedBackup } from '@analyze/core/esxi/diff';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { errorJson, printJson, reportError } from '../../output.js';
import { loadBackup, renderFindings, renderSummary, type BackupArgs } from './diff-common.js';

interface CheckArgs extends BackupArgs {
  files: string[];
  target?: string;
}

/** Exit codes: 0 no error finding; 1 an error-severity finding in some backup; 2 unreadable. */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as CheckArgs;
  let target: ParsedBackup | undefined;
  if (args.target !== undefined) {
    try {
      target = await loadBackup(args.target, args, ctx);
    } catch (e) {
      if (ctx.json) printJson(ctx, errorJson(e, args.target));
      else reportError(ctx, e, args.target);
      return EXIT_INVALID;
    }
  }
  const docs: object[] = [];
  let exit = EXIT_OK;
  for (const [i, file] of args.files.entries()) {
    try {
      const b = await loadBackup(file, args, ctx);
      const findings = checkBackup(b, target);
      if (hasError(findings)) exit = Math.max(exit, EXIT_PROBLEM);
      const doc = { file, backup: summarize(b), ...(target ? { target: summarize(target) } : {}), findings };
      if (ctx.json) docs.push(doc);
      else ctx.io.out(`${i > 0 ? '\n' : ''}${renderSummary('BACKUP', doc.backup, ctx.colors)}${target ? renderSummary('TARGET', summarize(target), ctx.colors) : ''}\n${renderFindings(findings, ctx.colors)}`);
    } catch (e) {
      exit = EXIT_INVALID;
      if (ctx.json) docs.push(errorJson(e, file));
      else reportError(ctx, e, file);
    }
  }
  if (ctx.json) printJson(ctx, docs.length === 1 ? docs[0]! : docs);
  return exit;
}
