import { resolve } from 'node:path';
import { AnalyzeError } from '@analyze/core/errors';
import { openBackup, showBackup, type ShowReport } from '@analyze/core/esxi';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { errorJson, printJson, reportError, reportWarnings } from '../../output.js';
import { openOptions } from './options.js';
import { renderShow } from './render.js';

interface ShowArgs {
  files: string[];
  keystore?: string;
  'max-inflated'?: string;
}

/**
 * Exit codes: 0 the backup was read; 1 it is encrypted and could not be decrypted (TPM mode or no
 * encryption.info), so the host configuration is not shown; 2 unreadable, invalid or refused.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as ShowArgs;
  const opts = openOptions(args, ctx);
  const docs: object[] = [];
  let exit = EXIT_OK;
  for (const [i, file] of args.files.entries()) {
    let report: ShowReport;
    try {
      const backup = openBackup(resolve(ctx.io.cwd, file), { ...opts, name: file });
      backup.source = file;
      report = await showBackup(backup, { strict: ctx.strict });
    } catch (e) {
      if (e instanceof AnalyzeError) e.file = file;
      exit = EXIT_INVALID;
      if (ctx.json) docs.push(errorJson(e, file));
      else reportError(ctx, e, file);
      continue;
    }
    for (const w of report.warnings) w.file = file;
    reportWarnings(ctx, report.warnings);
    if (report.encryption.encrypted && !report.encryption.decrypted && exit === EXIT_OK) exit = EXIT_PROBLEM;
    if (ctx.json) docs.push({ ...report, file });
    else ctx.io.out(`${i > 0 ? '\n' : ''}${renderShow(file, report, ctx.colors)}`);
  }
  if (ctx.json) printJson(ctx, docs.length === 1 ? docs[0]! : docs);
  return exit;
}
