/**
 * Which archive a file is, from its first bytes. Apart from the readers in archives.ts (which load tar and
 * yauzl) so that the per-file job in a worker can tell an archive from a dump without loading them.
 */
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { isGzip } from '../../io/files.js';
import { hasUstarMagic, TAR_BLOCK } from '../../io/tar-blocks.js';

export type ArchiveKind = 'zip' | 'tar' | 'tgz';

/**
 * The archive kind from the first 512 bytes, or null.
 * @example detectArchive(readHead('dumps.zip', 512)) // 'zip'
 */
export function detectArchive(head: Uint8Array): ArchiveKind | null {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  if (isGzip(head)) return 'tgz';
  if (hasUstarMagic(head)) return 'tar';
  return null;
}

/** Compressed bytes read to tell a .tgz from one gzip-compressed file: a gzip header and a tar header take far less. */
export const GZIP_SNIFF_BYTES = 4096;
/**
 * deflate expands at most about 1032:1 (zlib's technical notes), so GZIP_SNIFF_BYTES inflate to at most ~4.2 MB:
 * this bound is never reached, it only guards memory should the ratio ever be exceeded.
 */
const GZIP_SNIFF_MAX_OUTPUT = 8 * 1024 * 1024;

/**
 * What a gzip file holds, from its first compressed bytes: `tar` (a .tgz, an archive of dumps), `other` (one
 * compressed file: memory.dmp.gz, a log), or null when they do not inflate to a whole tar block (damaged, tiny,
 * or a gzip header longer than the bytes given): the archive reader then says what is wrong, and where.
 * @example gzipContent(readHead('MEMORY.DMP.gz', GZIP_SNIFF_BYTES)) // 'other'
 */
export function gzipContent(compressedHead: Uint8Array): 'tar' | 'other' | null {
  if (!isGzip(compressedHead)) return null;
  let inflated: Buffer;
  try {
    // A head cut mid-stream inflates as far as it goes (a sync flush instead of "unexpected end of file").
    inflated = gunzipSync(compressedHead, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: GZIP_SNIFF_MAX_OUTPUT });
  } catch {
    return null;
  }
  if (inflated.length < TAR_BLOCK) return null;
  return hasUstarMagic(inflated) ? 'tar' : 'other';
}
