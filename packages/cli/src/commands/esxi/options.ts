import { UsageError } from '@analyze/core/errors';
import { readSmallFile } from '@analyze/core/io';
import { resolve } from 'node:path';
import type { OpenOptions } from '@analyze/core/esxi';
import type { Context } from '../../context.js';
import { inputs } from '../../inputs.js';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
/** encryption.info is ~200 bytes. */
const MAX_KEYSTORE_BYTES = 64 * 1024;

/** "1G", "512M", "1048576" → bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--max-inflated: "${text}" is not a size (use bytes or K/M/G, e.g. 512M)`);
  const n = Math.floor(Number(m[1]) * UNITS[m[2]!.toUpperCase()]!);
  if (n < 1) throw new UsageError('--max-inflated must be at least 1 byte');
  return n;
}

/** The word for standard input, for --keystore as for the inputs. */
const STDIN = '-';

/**
 * The options every esxi command opens its backups with. `--keystore -` reads encryption.info from standard
 * input, which then cannot also be a backup or the --target.
 */
export async function openOptions(args: { keystore?: string | undefined; 'max-inflated'?: string | undefined; target?: string | undefined }, ctx: Context): Promise<OpenOptions> {
  const opts: OpenOptions = { strict: ctx.strict, maxInflated: parseSize(args['max-inflated'] ?? '256M') };
  if (args.keystore === STDIN) {
    if ([...inputs(args), args.target].includes(STDIN)) throw new UsageError('--keystore - reads standard input, so the backup (or --target) cannot be - too: name one of them as a file');
    opts.encryptionInfo = await ctx.io.readStdin(MAX_KEYSTORE_BYTES);
  } else if (args.keystore !== undefined) {
    opts.encryptionInfo = readSmallFile(resolve(ctx.io.cwd, args.keystore), MAX_KEYSTORE_BYTES);
  }
  return opts;
}
