import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** `../shared` beside the checkout: the real files tests read (never copied into the repo). */
export const SHARED = join(REPO_ROOT, '..', 'shared');
export const CORPUS = join(SHARED, 'corpus');
/** The project's own small inputs. */
export const FIXTURES = join(REPO_ROOT, 'fixtures');

export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export const corpusAvailable = existsSync(CORPUS);

/** True when an external reference tool (tshark, hivexregedit, diffoscope) is on PATH. */
export function hasCommand(name: string): boolean {
  try {
    execFileSync(process.platform === 'win32' ? 'where' : 'which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * CI installs the reference tools (.ci/run), so there a missing tool is a failure, not a skip.
 * Elsewhere a differential test may be skipped when the tool is absent.
 */
export function requireToolInCi(name: string): boolean {
  const present = hasCommand(name);
  if (!present && process.env['CI']) throw new Error(`${name} is required in CI (.ci/run installs it) but is not on PATH`);
  return present;
}
