/**
 * What a restore writes besides a file's bytes: what the path is (a regular file, a symlink and where it
 * points) and its permission bits. A symlink holds no data, so compared as text it read as an empty file
 * ("only layout or order changed (0 → 0 bytes)", or the lines of the file it replaced as "removed"); and a
 * private key going from 0400 to 0644 read as "No configuration changes".
 */
import type { BackupFile } from '../backup/model.js';
import type { Change, ChangeArea } from './model.js';

/** The permission bits a restore writes: rwx for owner, group and others, and setuid/setgid/sticky. */
const PERMISSION_BITS = 0o7777;

/** Entries whose own mode applies: a symlink's is ignored by the system, a hard link has its target's. */
const MODE_APPLIES: ReadonlySet<BackupFile['type']> = new Set(['file', 'directory', 'other']);

/**
 * Permission bits as `ls -l`'s octal form and `show` print them.
 * @example octalMode(0o100400) // '0400'
 */
export function octalMode(mode: number): string {
  return (mode & PERMISSION_BITS).toString(8).padStart(4, '0');
}

/**
 * The entry in words, for a change of what the path is.
 * @example describeEntry({ type: 'symlink', linkpath: '/tmp/ntp.conf', ... }) // 'symlink to /tmp/ntp.conf'
 */
export function describeEntry(f: BackupFile): string {
  switch (f.type) {
    case 'file':
      return 'regular file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return `symlink to ${f.linkpath ?? ''}`;
    case 'hardlink':
      return `hard link to ${f.linkpath ?? ''}`;
    default:
      return 'special file (device or FIFO)';
  }
}

/**
 * The path became another kind of entry (a regular file replaced by a symlink, or the reverse), or a link
 * points elsewhere: one change, and the contents are not compared (a link has none of its own).
 */
export function entryChange(path: string, area: ChangeArea, x: BackupFile, y: BackupFile): Change | undefined {
  if (x.type !== y.type) {
    const before = describeEntry(x);
    const after = describeEntry(y);
    return { area, path, change: 'modified', aspect: 'type', label: `${path}: ${before} → ${after}`, before, after };
  }
  const before = x.linkpath ?? '';
  const after = y.linkpath ?? '';
  if (before === after) return undefined;
  const link = x.type === 'hardlink' ? 'hard link' : 'symlink';
  return { area, path, change: 'modified', aspect: 'target', label: `${path}: ${link} target ${before} → ${after}`, before, after };
}

/** The permission bits changed (for the entries whose own mode applies); undefined when they did not. */
export function modeChange(path: string, area: ChangeArea, x: BackupFile, y: BackupFile): Change | undefined {
  if (x.type !== y.type || !MODE_APPLIES.has(x.type) || (x.mode & PERMISSION_BITS) === (y.mode & PERMISSION_BITS)) return undefined;
  const before = octalMode(x.mode);
  const after = octalMode(y.mode);
  return { area, path, change: 'modified', aspect: 'mode', label: `${path}: mode ${before} → ${after}`, before, after };
}
