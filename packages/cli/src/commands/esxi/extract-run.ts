import { resolve } from 'node:path';
import { extractBackup, type ExtractJson } from '@analyze/core/api/esxi';
import { EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { runEach } from '../../runner.js';
import { openOptions } from './options.js';
import { renderExtract } from './render.js';

interface ExtractArgs {
  file: string;
  to: string;
  force: boolean;
  keystore?: string;
  'max-inflated'?: string;
}

const undecrypted = (r: ExtractJson) => r.encryption.encrypted && !r.encryption.decrypted;

/** Exit codes: 0 every file written; 1 some entries were skipped (listed) or the backup could not be decrypted; 2 refused or unreadable. */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as ExtractArgs;
  const opts = await openOptions(args, ctx);
  return runEach<ExtractJson>(ctx, [args.file], {
    analyze: (input, name) => extractBackup(input, resolve(ctx.io.cwd, args.to), { ...opts, name, force: args.force }),
    exitCode: (r) => (r.skipped.length > 0 || undecrypted(r) ? EXIT_PROBLEM : EXIT_OK),
    render: (r) =>
      renderExtract(r.file, r, ctx.colors) + (undecrypted(r) ? ctx.colors.yellow(`Nothing to write: ${r.encryption.reason ?? 'the configuration is encrypted'}\n`) : ''),
  });
}
