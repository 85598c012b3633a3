/**
 * File patterns such as `C:\Windows\Minidump\*.dmp`: Windows shells pass them on as typed, so the CLI
 * expands them itself (POSIX shells have already expanded unquoted ones; a quoted one is expanded here
 * too). Only `*` and `?` in the last path component; a name that exists as typed is never a pattern.
 * A pattern that matches nothing stays as it is, so the command reports it as a missing file.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** More matches than this for one pattern is almost certainly a mistake (`*` in a system folder). */
const MAX_MATCHES = 10_000;

export function expandFilePatterns(files: readonly string[], cwd: string, caseInsensitive = process.platform === 'win32'): string[] {
  const out: string[] = [];
  for (const file of files) {
    const name = basename(file);
    if (!/[*?]/.test(name) || /[*?]/.test(dirname(file)) || existsSync(resolve(cwd, file))) {
      out.push(file);
      continue;
    }
    const matches = matching(file, name, cwd, caseInsensitive);
    if (matches.length === 0) out.push(file);
    else for (const m of matches) out.push(m); // not push(...matches): one argument each overflows the stack past ~126,000
  }
  return out;
}

function matching(file: string, pattern: string, cwd: string, caseInsensitive: boolean): string[] {
  const dir = dirname(file);
  let names: string[];
  try {
    names = readdirSync(resolve(cwd, dir));
  } catch {
    return []; // no such folder: the command says the file is missing
  }
  const re = new RegExp(`^${[...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('')}$`, caseInsensitive ? 'si' : 's');
  const typedDir = file.length > pattern.length; // keep the folder as the user typed it
  return names
    .filter((n) => re.test(n) && !n.startsWith('.') === !pattern.startsWith('.'))
    .sort()
    .slice(0, MAX_MATCHES)
    .map((n) => (typedDir ? join(dir, n) : n))
    .filter((p) => {
      try {
        return statSync(resolve(cwd, p)).isFile();
      } catch {
        return false;
      }
    });
}
