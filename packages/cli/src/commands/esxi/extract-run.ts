import { resolve } from 'node:path';
import { AnalyzeError } from '@analyze/core/errors';
import { extractBackup, openBackup } from '@analyze/core/esxi';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { errorJson, printJson, reportError, reportWarnings } from '../../output.js';
import { openOptions } from './options.js';
import { renderExtract } from './render.js';

interface ExtractArgs {
  file: string;
  to: string;
  force: boolean;
  keystore?: string;
  'max-inflated'?: string;
}

/** Exit codes: 0 every file written; 1 some entries were skipped (listed) or the backup could not be decrypted; 2 refused or unreadable. */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as ExtractArgs;
  const file = args.file;
  try {
    const backup = openBackup(resolve(ctx.io.cwd, file), { ...openOptions(args, ctx), name: file });
    for (const w of backup.warnings) w.file = file;
    reportWarnings(ctx, backup.warnings);
    const report = extractBackup(backup, resolve(ctx.io.cwd, args.to), { force: args.force });
    const undecrypted = backup.encryption.encrypted && !backup.encryption.decrypted;
    if (ctx.json) printJson(ctx, { file, kind: backup.kind, layers: backup.layers, encryption: backup.encryption, ...report, warnings: backup.warnings });
    else {
      ctx.io.out(renderExtract(file, report, ctx.colors));
      if (undecrypted) ctx.io.out(ctx.colors.yellow(`Nothing to write: ${backup.encryption.reason ?? 'the configuration is encrypted'}\n`));
    }
    return report.skipped.length > 0 || undecrypted ? EXIT_PROBLEM : EXIT_OK;
  } catch (e) {
    if (e instanceof AnalyzeError) e.file = file;
    if (ctx.json) printJson(ctx, errorJson(e, file));
    else reportError(ctx, e, file);
    return EXIT_INVALID;
  }
}
