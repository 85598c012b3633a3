/**
 * Turn the paths given into the stream of per-file inputs: files as they are, folders walked recursively
 * (in name order, so runs are reproducible), archives opened in place. Lazily: a folder of 100,000 dumps is
 * never listed into memory at once beyond one directory's names.
 */
import { opendir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AnalyzeError } from '../../errors.js';
import { fileIdentity, readHead } from '../../io/files.js';
import { looksLikeAnalyzeText } from '../cdb/index.js';
import { detectDumpFormat } from '../native/detect.js';
import { detectArchive, readArchive, type ArchiveKind } from './archives.js';
import { SNIFF_BYTES } from './job.js';
import type { FleetInput } from './model.js';

/** Folder depth walked at most (a Minidump tree is 3-4 deep; this stops a pathological or looping tree). */
export const MAX_WALK_DEPTH = 32;
/** Bytes read to tell an archive from a dump (the tar magic is at offset 257). */
const ARCHIVE_SNIFF_BYTES = 512;

/**
 * Something found while walking: an input for a job, a name not read (not a dump, or `duplicate`: a file
 * already taken under another name), or a path that failed.
 */
export type WalkItem =
  | { kind: 'input'; input: FleetInput }
  | { kind: 'skipped'; display: string; duplicate?: true }
  | { kind: 'error'; input: FleetInput; error: AnalyzeError };

/**
 * The files taken so far in one walk, by identity (`dev:ino`): a link to a dump beside it, a hard link, or paths
 * that overlap (`a.dmp dir/*.dmp`) name one file several times, and each name counted the same crash again
 * (a top cause of "3 of 7 on 2 machines" was 2 crashes on one). Only the identity is kept, not the name (a few
 * dozen bytes per file).
 */
type SeenFiles = Set<string>;

export interface WalkLimits {
  /** Bytes inflated per archive at most (default MAX_ARCHIVE_INFLATED, esxi's cap). */
  maxArchiveInflated?: number;
  /** Members read per archive at most (default MAX_ARCHIVE_ENTRIES, esxi's cap). */
  maxArchiveEntries?: number;
  /** false: do not read files to find archives (default true). */
  sniff?: boolean;
}

/**
 * A dump or saved analysis, from its first bytes.
 * @example looksLikeDump(Buffer.from('PAGEDU64')) // true (a 64-bit kernel dump)
 */
export function looksLikeDump(head: Uint8Array): boolean {
  return detectDumpFormat(head) !== null || looksLikeAnalyzeText(head);
}

/**
 * Walk `paths` (each as the user typed it; `resolveFrom` makes them absolute). Symbolic links to files are
 * followed; inside a folder, links to folders (no loops), dangling links and special files are skipped. A file
 * met again (a link to it, a hard link, overlapping paths) is skipped as a duplicate. Each file's first bytes are read to open archives in place;
 * with `limits.sniff === false` every file is yielded as a path input unread, and whoever reads it
 * (the fleet's per-file job) opens the archives it finds with archiveItems.
 * @example for await (const item of walkInputs(['C:/Windows/Minidump'], (p) => resolve(p))) console.log(item);
 */
export async function* walkInputs(paths: readonly string[], resolveFrom: (p: string) => string, limits: WalkLimits = {}): AsyncGenerator<WalkItem> {
  const seen: SeenFiles = new Set();
  for (const given of paths) {
    const abs = resolveFrom(given);
    let st;
    try {
      st = await stat(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const error = new AnalyzeError('FILE_UNREADABLE', code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : String((e as Error).message), { file: given });
      yield { kind: 'error', input: fileInput(abs, given), error };
      continue;
    }
    if (st.isDirectory()) yield* walkFolder(abs, given, 0, limits, seen);
    else yield* fileItems(abs, given, limits, seen);
  }
}

async function* walkFolder(abs: string, display: string, depth: number, limits: WalkLimits, seen: SeenFiles): AsyncGenerator<WalkItem> {
  if (depth > MAX_WALK_DEPTH) {
    yield { kind: 'error', input: fileInput(abs, display), error: new AnalyzeError('DUMP_FLEET_TOO_DEEP', `folder nesting deeper than ${MAX_WALK_DEPTH}; not walked further`, { file: display }) };
    return;
  }
  let names: Array<{ name: string; dir: boolean; file: boolean; link: boolean }>;
  try {
    names = [];
    for await (const d of await opendir(abs)) names.push({ name: d.name, dir: d.isDirectory(), file: d.isFile(), link: d.isSymbolicLink() });
  } catch (e) {
    yield { kind: 'error', input: fileInput(abs, display), error: new AnalyzeError('FILE_UNREADABLE', `cannot list the folder (${(e as Error).message})`, { file: display }) };
    return;
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const n of names) {
    const childAbs = join(abs, n.name);
    const childDisplay = join(display, n.name);
    if (n.dir) yield* walkFolder(childAbs, childDisplay, depth + 1, limits, seen);
    else if (n.file) yield* fileItems(childAbs, childDisplay, limits, seen);
    else if (n.link && (await isFileBehind(childAbs))) yield* fileItems(childAbs, childDisplay, limits, seen);
    // A link to a folder (not followed: no loops), a dangling link, a pipe, socket or device (never opened:
    // a pipe would block): not dumps, counted as skipped so that the totals account for every name.
    else yield { kind: 'skipped', display: childDisplay };
  }
}

/** Does the link at `abs` lead to a regular file? */
async function isFileBehind(abs: string): Promise<boolean> {
  try {
    return (await stat(abs)).isFile();
  } catch {
    return false; // dangling
  }
}

function fileInput(abs: string, display: string): FleetInput {
  return { kind: 'path', path: abs, display, folder: dirname(display) };
}

/**
 * True when the file at `abs` was taken before in this walk (under any name); records it otherwise. A file
 * without an identity (no inode numbers, or unreadable: opening it reports that) is never a duplicate.
 */
function takenBefore(abs: string, seen: SeenFiles): boolean {
  const id = fileIdentity(abs);
  if (id === undefined) return false;
  const key = `${id.dev}:${id.ino}`;
  if (seen.has(key)) return true;
  seen.add(key);
  return false;
}

/**
 * A file: a duplicate of one taken before is skipped (the first name found is kept); an archive is opened and
 * its members listed; anything else is one input (the job sniffs it).
 */
async function* fileItems(abs: string, display: string, limits: WalkLimits, seen: SeenFiles): AsyncGenerator<WalkItem> {
  if (takenBefore(abs, seen)) {
    yield { kind: 'skipped', display, duplicate: true };
    return;
  }
  if (limits.sniff === false) {
    yield { kind: 'input', input: fileInput(abs, display) };
    return;
  }
  let head: Buffer;
  try {
    head = readHead(abs, ARCHIVE_SNIFF_BYTES);
  } catch (e) {
    yield { kind: 'error', input: fileInput(abs, display), error: e as AnalyzeError };
    return;
  }
  const archive = looksLikeDump(head) ? null : detectArchive(head);
  if (archive === null) yield { kind: 'input', input: fileInput(abs, display) };
  else yield* archiveItems(abs, display, archive, limits);
}

/**
 * The members of one archive file as walk items: dumps as byte inputs (display `archive!member`), other
 * members skipped, unreadable ones as errors.
 * @example for await (const item of archiveItems('/dumps/pc1.zip', 'pc1.zip', 'zip')) console.log(item.kind);
 */
export async function* archiveItems(abs: string, display: string, archive: ArchiveKind, limits: WalkLimits = {}): AsyncGenerator<WalkItem> {
  for await (const item of readArchive(abs, archive, display, looksLikeDump, SNIFF_BYTES, {
    ...(limits.maxArchiveInflated === undefined ? {} : { maxInflated: limits.maxArchiveInflated }),
    ...(limits.maxArchiveEntries === undefined ? {} : { maxEntries: limits.maxArchiveEntries }),
  })) {
    const member = item.member ?? '';
    const shown = item.member === null ? display : `${display}!${member}`;
    const folder = dirname(member) === '.' || member === '' ? display : `${display}!${dirname(member)}`;
    if (item.kind === 'skipped') yield { kind: 'skipped', display: shown };
    else if (item.kind === 'error') {
      const input: FleetInput =
        item.member === null ? fileInput(abs, display) : { kind: 'bytes', bytes: new Uint8Array(0), display: shown, folder, archive: display, member };
      yield { kind: 'error', input, error: item.error };
    } else yield { kind: 'input', input: { kind: 'bytes', bytes: item.bytes, display: shown, folder, archive: display, member } };
  }
}
