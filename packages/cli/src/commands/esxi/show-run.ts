import { showBackup, type ShowJson } from '@analyze/core/api/esxi';
import { EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { runEach } from '../../runner.js';
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
  const opts = await openOptions(args, ctx);
  return runEach<ShowJson>(ctx, args.files, {
    analyze: (input, name) => showBackup(input, { ...opts, name }),
    exitCode: (r) => (r.encryption.encrypted && !r.encryption.decrypted ? EXIT_PROBLEM : EXIT_OK),
    render: (r, i) => `${i > 0 ? '\n' : ''}${renderShow(r.file, r, ctx.colors)}`,
  });
}
