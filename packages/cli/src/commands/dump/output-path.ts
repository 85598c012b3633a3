/**
 * Where `--csv FILE` and `--html FILE` may write. A named input is refused by inputs.ts (by file identity); a
 * folder is walked, and every file in it is read, so a path inside a named folder is refused too, whether it
 * exists or not: it would replace a dump (`analyze dump fk --html fk/b.dmp` replaced the crash dump with the
 * page), and a report left there is read by the next run. Compared by real location, so another spelling of
 * the folder or a link to it counts. Not covered: a link inside the folder to a file outside it.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '@analyze/core/errors';
import { printable } from '../../output.js';

/**
 * Throws a UsageError when `target` (as typed, from `cwd`; `-` is stdout) lies inside a folder named in
 * `inputWords`.
 * @example refuseOutputInInputFolder('--csv', 'dumps/all.csv', ['dumps'], process.cwd()); // throws
 */
export function refuseOutputInInputFolder(option: string, target: string, inputWords: readonly string[], cwd: string): void {
  if (target === '-') return;
  const to = realLocation(resolve(cwd, target));
  for (const word of inputWords) {
    if (word === '-' || !isFolder(resolve(cwd, word))) continue;
    const rel = relative(realLocation(resolve(cwd, word)), to);
    const inside = rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
    if (inside) throw new UsageError(`${option} ${printable(target)} lies inside the input folder ${printable(word)}, whose files are all read: write it outside that folder`);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing or unreadable: the run reports it
  }
}

/** The path with the part that exists resolved to its real location (links, `..`, letter case), the rest appended as typed. */
function realLocation(path: string): string {
  const rest: string[] = [];
  for (let at = path; ; ) {
    try {
      return join(realpathSync.native(at), ...rest);
    } catch {
      const up = dirname(at);
      if (up === at) return path;
      rest.unshift(basename(at));
      at = up;
    }
  }
}
