import { UsageError } from '@analyze/core/errors';
import { readSmallFile } from '@analyze/core/io';
import { resolve } from 'node:path';
import type { OpenOptions } from '@analyze/core/esxi';
import type { Context } from '../../context.js';

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

export function openOptions(args: { keystore?: string | undefined; 'max-inflated'?: string | undefined }, ctx: Context): OpenOptions {
  const opts: OpenOptions = { strict: ctx.strict, maxInflated: parseSize(args['max-inflated'] ?? '256M') };
  if (args.keystore !== undefined) opts.encryptionInfo = readSmallFile(resolve(ctx.io.cwd, args.keystore), MAX_KEYSTORE_BYTES);
  return opts;
}
