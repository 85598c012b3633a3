/**
 * Write a backup's files under a folder, safely. The files come from the in-memory model (so an
 * encrypted local.tgz.ve is written decrypted), and every write is checked here rather than trusted
 * to a general-purpose unpacker:
 * - only regular files and directories; symlinks, hard links, devices and FIFOs are skipped;
 * - a path with '..' segments is refused; absolute paths were already made relative by the reader;
 * - every parent folder is checked with lstat: a symlink already inside DIR is never followed;
 * - files are created with O_NOFOLLOW and O_EXCL (an existing file is kept unless `force`, and even
 *   then it is unlinked and recreated, never written through);
 * - setuid, setgid and sticky bits are dropped; ownership is never changed (files belong to the caller).
 * Every skipped entry is reported with its reason.
 */
import { closeSync, constants, fchmodSync, futimesSync, lstatSync, mkdirSync, openSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { isAbsolute, join, parse, relative, resolve, sep } from 'node:path';
import { AnalyzeError, Warnings } from '../../errors.js';
import type { Backup, BackupFile } from './model.js';
import { readTar, type MemberSink } from './tarball.js';
import { windowsNameProblem } from './portable-names.js';

/** Permission bits we keep: rwx for user/group/other. setuid (04000), setgid (02000), sticky (01000) go. */
const PERMISSION_BITS = 0o777;
/** Directories are always traversable by their owner, whatever the archive said. */
const DIR_OWNER_BITS = 0o700;

export type SkipReason =
  | 'symlink'
  | 'hardlink'
  | 'special-file'
  | 'path-traversal'
  | 'unsafe-path'
  | 'symlink-in-path'
  | 'exists'
  | 'not-a-directory'
  | 'name-too-long'
  | 'too-deep'
  | 'windows-name';

/**
 * Most folder levels above a file that are written (real ESXi backups have fewer than 10: etc/vmware/hostd/…).
 * Each level is checked with lstat for every file below it, so a deeper member (one pax name of 1 MiB holds
 * 500,000 levels) is skipped as `too-deep` rather than walked.
 */
export const MAX_EXTRACT_DEPTH = 64;
/** Longest path written, in UTF-8 bytes: PATH_MAX (4,096 with the NUL) on the ESXi host, so no host file has a longer one. */
export const MAX_EXTRACT_PATH_BYTES = 4095;

export interface ExtractedFile {
  path: string;
  size: number;
  mode: number;
  /** Mode bits removed (setuid/setgid/sticky), when any. */
  strippedBits?: number;
  secret: boolean;
  /** Set when the archive stored an absolute path: it was written relative to the destination. */
  storedAs?: string;
  /** The archive's time is one this file system cannot hold: the file keeps the time it was written. */
  timeNotSet?: true;
}

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  message: string;
}

export interface ExtractReport {
  to: string;
  written: ExtractedFile[];
  directories: string[];
  skipped: SkippedFile[];
}

export interface ExtractOptions {
  /** Replace existing regular files (never symlinks or folders). */
  force?: boolean;
  /**
   * The platform the files land on (default: this one). On 'win32', names Windows cannot hold or
   * treats as devices (CON, aux.txt, COM1, `a:b` streams, `* ? " < > |`, trailing dots/spaces) are refused.
   */
  platform?: NodeJS.Platform;
}

/**
 * Write the backup's regular files and folders under `to`. Folders are made first (sorted, so their
 * modes apply); file contents are then streamed from local.tgz straight to disk, member by member, so a
 * huge member never sits in memory. Returns what was written and what was skipped, and why.
 * @example extractBackup(openBackup('state.tgz'), './esx01-etc').skipped
 */
export function extractBackup(backup: Backup, to: string, opts: ExtractOptions = {}): ExtractReport {
  const root = prepareRoot(to);
  const report: ExtractReport = { to: root, written: [], directories: [], skipped: [] };
  const platform = opts.platform ?? process.platform;
  const files = [...backup.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  /** Files to write, by path: the member at `offset` is the copy the model kept (a later duplicate wins). */
  const planned = new Map<string, { f: BackupFile; target: string }>();
  /** Folders already found or made real directories in this run (extraction never makes a link). */
  const verified = new Set<string>();
  /** Parent paths (relative) with no planned file among their prefixes. */
  const clearParents = new Set<string>();
  const failed = (f: BackupFile, e: unknown): never => {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new AnalyzeError('ESXI_EXTRACT_WRITE', `cannot write ${f.path} under ${root} (${code}) after ${report.written.length} files were written`, { file: to, cause: e });
  };
  for (const f of files) {
    const skip = (reason: SkipReason, message: string) => report.skipped.push({ path: f.path, reason, message });
    if (f.type === 'symlink') {
      skip('symlink', `symbolic link to "${f.linkpath ?? ''}" not created (only regular files and folders are written)`);
      continue;
    }
    if (f.type === 'hardlink') {
      skip('hardlink', `hard link to "${f.linkpath ?? ''}" not created (only regular files and folders are written)`);
      continue;
    }
    if (f.type === 'other') {
      skip('special-file', 'device, FIFO or other special file not created');
      continue;
    }
    const unsafe = unsafeReason(f.path) ?? sizeReason(f.path) ?? (platform === 'win32' ? windowsNameProblem(f.path) : undefined);
    if (unsafe) {
      skip(unsafe.reason, unsafe.message);
      continue;
    }
    const target = join(root, ...f.path.split('/'));
    if (!inside(root, target)) {
      skip('path-traversal', 'resolves outside the destination folder');
      continue;
    }
    // contents are written after all folders: a file of this archive that a later entry needs as a folder wins, as when written in order
    const dirs = f.path.split('/').slice(0, -1);
    // Paths are sorted, so a file in the way of a folder was planned before any path under it: a parent found
    // clear once stays clear (checking every prefix of every path was most of the time on deep trees).
    const parentPath = dirs.join('/');
    const fileInWay = clearParents.has(parentPath) ? undefined : prefixes(dirs).find((d) => planned.has(d));
    if (fileInWay !== undefined) {
      skip('not-a-directory', `${join(root, ...fileInWay.split('/'))} is a file of this archive and is not a folder`);
      continue;
    }
    clearParents.add(parentPath);
    try {
      const parent = ensureParents(root, dirs, report, verified);
      if (parent !== undefined) {
        skip(parent.reason, parent.message);
        continue;
      }
      if (f.type === 'directory') {
        const r = makeDir(target, f.mode);
        if (r === 'created') report.directories.push(f.path);
        else if (r !== 'exists') skip(r.reason, r.message);
        continue;
      }
    } catch (e) {
      const entry = entryFailure(e);
      if (entry === undefined) failed(f, e);
      skip(entry!.reason, entry!.message);
      continue;
    }
    planned.set(f.path, { f, target });
  }
  const writeOne = (f: BackupFile, target: string): MemberSink | undefined => {
    try {
      return openFileSink(target, f, opts, report);
    } catch (e) {
      const entry = entryFailure(e);
      if (entry === undefined) failed(f, e);
      report.skipped.push({ path: f.path, reason: entry!.reason, message: entry!.message });
      return undefined;
    }
  };
  if (backup.localTgz !== undefined) {
    // second pass over local.tgz (already read once within the inflate cap): contents go straight to disk
    let writeError: { f: BackupFile; e: unknown } | undefined;
    readTar(backup.localTgz, {
      where: '',
      file: backup.source,
      budget: { max: Number.MAX_SAFE_INTEGER, used: 0 },
      warnings: new Warnings(false, backup.source),
      list: false,
      sink: (m) => {
        const p = planned.get(m.path);
        if (p === undefined || p.f.offset !== m.offset || writeError !== undefined) return undefined;
        const sink = writeOne(p.f, p.target);
        if (sink === undefined) return undefined;
        // a failing write (disk full) is kept and thrown after the read: throwing inside the tar parser's callback would lose it
        return {
          write: (c) => {
            if (writeError !== undefined) return;
            try {
              sink.write(c);
            } catch (e) {
              writeError = { f: p.f, e };
            }
          },
          end: () => {
            try {
              sink.end();
            } catch (e) {
              writeError ??= { f: p.f, e };
            }
          },
        };
      },
    });
    if (writeError !== undefined) failed(writeError.f, writeError.e);
  } else {
    // a model built without local.tgz bytes (held contents only)
    for (const { f, target } of planned.values()) {
      const sink = writeOne(f, target);
      if (sink === undefined) continue;
      if (f.data !== undefined) sink.write(f.data);
      sink.end();
    }
  }
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  report.written.sort(byPath);
  report.skipped.sort(byPath);
  return report;
}

/**
 * File-system errors caused by one entry's own name or by a race on it: that entry is skipped and
 * the others are still written. Anything else (ENOSPC, EACCES, EROFS...) concerns the whole
 * destination and stops the extraction.
 */
function entryFailure(e: unknown): { reason: SkipReason; message: string } | undefined {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENAMETOOLONG':
      return { reason: 'name-too-long', message: 'a path component or the whole path is longer than this file system allows' };
    case 'ELOOP':
      return { reason: 'symlink-in-path', message: 'a symbolic link appeared at this path while writing; not followed' };
    case 'EEXIST':
      return { reason: 'exists', message: 'appeared while writing; kept' };
    case 'ENOTDIR':
      return { reason: 'not-a-directory', message: 'a parent path is not a folder' };
    default:
      return undefined;
  }
}

/**
 * Create the destination one level at a time (never `mkdirSync(..., { recursive: true })`: Node 20
 * spins for ever on some ENOENTs, e.g. under /proc). Levels that already exist are lstat'ed: a folder
 * is used, a symbolic link only when it leads to a folder (the user's own path, e.g. /tmp on macOS;
 * the result is reported with links resolved), anything else is refused. Any failure is one
 * ESXI_EXTRACT_DESTINATION error naming the destination and the level that failed.
 */
function prepareRoot(to: string): string {
  const abs = resolve(to);
  try {
    let cur = parse(abs).root;
    for (const part of abs.slice(cur.length).split(sep).filter((p) => p !== '')) {
      cur = join(cur, part);
      ensureRootLevel(cur);
    }
    return realpathSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === undefined ? (e as Error).message : `${code} at ${(e as NodeJS.ErrnoException).path ?? abs}`;
    throw new AnalyzeError('ESXI_EXTRACT_DESTINATION', `cannot use ${to} as the destination folder (${why})`, { file: to, cause: e });
  }
}

function ensureRootLevel(p: string): void {
  const existing = lstatOrUndefined(p);
  if (existing === undefined) {
    try {
      mkdirSync(p, { mode: 0o755 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  // a level that appeared while we created it must be a real folder: a link planted in the race is refused
  const st = existing ?? lstatSync(p);
  if (st.isDirectory() || (existing !== undefined && st.isSymbolicLink() && realpathDir(p))) return;
  throw new Error(`${p} is ${st.isSymbolicLink() ? 'a symbolic link that does not lead to a folder' : 'not a folder'}`);
}

function realpathDir(p: string): boolean {
  try {
    return lstatSync(realpathSync(p)).isDirectory();
  } catch {
    return false;
  }
}

function unsafeReason(path: string): { reason: SkipReason; message: string } | undefined {
  const parts = path.split('/');
  if (parts.includes('..')) return { reason: 'path-traversal', message: 'path climbs out of the destination with ".."' };
  if (path === '' || isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.includes('\\') || path.includes('\0') || parts.some((p) => p === '' || p === '.')) {
    return { reason: 'unsafe-path', message: 'empty, absolute, drive-letter, backslash or NUL path' };
  }
  return undefined;
}

/** A path deeper or longer than any on a host (MAX_EXTRACT_DEPTH, MAX_EXTRACT_PATH_BYTES): refused before any folder is made for it. */
function sizeReason(path: string): { reason: SkipReason; message: string } | undefined {
  let levels = 0;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) levels++;
  if (levels > MAX_EXTRACT_DEPTH) {
    return { reason: 'too-deep', message: `the path is ${levels} folders deep, more than the ${MAX_EXTRACT_DEPTH} written (real backups have fewer than 10); not written` };
  }
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_EXTRACT_PATH_BYTES) {
    return { reason: 'name-too-long', message: `the path is ${bytes} bytes long, more than the ${MAX_EXTRACT_PATH_BYTES} a path can have on the host (PATH_MAX); not written` };
  }
  return undefined;
}

/** `['a', 'b', 'c']` → `['a', 'a/b', 'a/b/c']`, each built from the one before. */
function prefixes(dirs: readonly string[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const d of dirs) {
    cur = cur === '' ? d : `${cur}/${d}`;
    out.push(cur);
  }
  return out;
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * Create (or check) each parent folder, refusing to pass through anything but a real directory. The names
 * were checked (no '', '.', '..', separator or NUL), so each level is the one before, a separator and the
 * name: no path.join per level, which normalises the whole path again each time. A folder found or made
 * once (`verified`) is not checked again: 50,000 files 64 folders deep took 30 s, one lstat per level per file.
 */
function ensureParents(root: string, dirs: string[], report: ExtractReport, verified: Set<string>): { reason: SkipReason; message: string } | undefined {
  let cur = root.endsWith(sep) ? root.slice(0, -1) : root;
  // Its ancestors were verified before it: a verified parent needs nothing more (most files share one).
  const parent = dirs.length === 0 ? cur : `${cur}${sep}${dirs.join(sep)}`;
  if (verified.has(parent)) return undefined;
  let rel = '';
  for (const d of dirs) {
    cur = `${cur}${sep}${d}`;
    rel = rel === '' ? d : `${rel}/${d}`;
    if (verified.has(cur)) continue;
    const r = makeDir(cur, 0o755);
    if (r === 'created') report.directories.push(rel);
    else if (r !== 'exists') return r;
    verified.add(cur);
  }
  return undefined;
}

function makeDir(p: string, mode: number): 'created' | 'exists' | { reason: SkipReason; message: string } {
  const st = lstatOrUndefined(p);
  if (st?.isSymbolicLink()) return { reason: 'symlink-in-path', message: `${p} is a symbolic link; not followed` };
  if (st?.isDirectory()) return 'exists';
  if (st) return { reason: 'not-a-directory', message: `${p} exists and is not a folder` };
  mkdirSync(p, { mode: (mode & PERMISSION_BITS) | DIR_OWNER_BITS });
  return 'created';
}

function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Set a written file's access and modification time (seconds); false when the system refuses that time
 * (EINVAL, EOVERFLOW: a tar time field can say the year 141,338; ext4 clamps it to 2446, Windows' FILETIME
 * stops at 30828), which leaves the time of writing. Exported for its test.
 */
export function setTime(fd: number, seconds: number): boolean {
  try {
    futimesSync(fd, seconds, seconds);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EINVAL' || code === 'EOVERFLOW') return false;
    throw e;
  }
}

/** Create the file (never through a link) and return a sink that writes the member's bytes and then sets its mode and time. */
function openFileSink(target: string, f: BackupFile, opts: ExtractOptions, report: ExtractReport): MemberSink | undefined {
  const existing = lstatOrUndefined(target);
  if (existing) {
    if (!opts.force) {
      report.skipped.push({ path: f.path, reason: 'exists', message: 'already exists; kept (use --force to replace it)' });
      return undefined;
    }
    if (!existing.isFile()) {
      report.skipped.push({ path: f.path, reason: existing.isSymbolicLink() ? 'symlink-in-path' : 'not-a-directory', message: 'exists and is not a regular file; not replaced even with --force' });
      return undefined;
    }
    unlinkSync(target);
  }
  const mode = f.mode & PERMISSION_BITS;
  // O_EXCL + O_NOFOLLOW: never write through a link that appeared in the meantime
  const fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode | 0o200);
  let size = 0;
  let timeLeft = false;
  let closed = false;
  const close = () => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  return {
    write(data: Buffer) {
      try {
        let off = 0;
        while (off < data.length) off += writeSync(fd, data, off, data.length - off);
        size += data.length;
      } catch (e) {
        close();
        throw e;
      }
    },
    end() {
      try {
        // the owner-write bit was added only so we could write; set the archive's permission bits on our own descriptor
        if ((mode & 0o200) === 0) fchmodSync(fd, mode);
        if (f.mtime !== undefined) timeLeft = !setTime(fd, f.mtime / 1000);
      } finally {
        close();
      }
      const out: ExtractedFile = { path: f.path, size, mode, secret: f.secret };
      const stripped = f.mode & ~PERMISSION_BITS & 0o7777;
      if (stripped) out.strippedBits = stripped;
      if (f.rawPath !== undefined && f.rawPath.startsWith('/')) out.storedAs = f.rawPath;
      if (timeLeft) out.timeNotSet = true;
      report.written.push(out);
    },
  };
}
