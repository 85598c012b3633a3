/**
 * Which archive a file is, from its first bytes. Apart from the readers in archives.ts (which load tar and
 * yauzl) so that the per-file job in a worker can tell an archive from a dump without loading them.
 */
import { isGzip } from '../../io/files.js';
import { hasUstarMagic } from '../../io/tar-blocks.js';

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

