import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/**
 * Real third-party files the tests read, committed with their origin and licence
 * (fixtures/corpus/<area>/MANIFEST.json, THIRD_PARTY.md).
 */
export const CORPUS = join(REPO_ROOT, 'fixtures', 'corpus');
/** The project's own small inputs. */
export const FIXTURES = join(REPO_ROOT, 'fixtures');
/** Where gzip-stored corpus files are unpacked for the tests (ignored by git). */
const UNPACKED = join(REPO_ROOT, 'node_modules', '.cache', 'analyze-corpus');

/**
 * The path of a corpus file. Large files are stored gzip-compressed as `<name>.gz` to keep the clone small;
 * asking for `<name>` unpacks it once into node_modules/.cache and returns that copy, so tests, reference
 * tools and the CLI all see the original bytes.
 */
export function corpusPath(...parts: string[]): string {
  const stored = join(CORPUS, ...parts);
  if (existsSync(stored) || !existsSync(`${stored}.gz`)) return stored;
  const unpacked = join(UNPACKED, relative(CORPUS, stored));
  if (!existsSync(unpacked) || statSync(unpacked).mtimeMs < statSync(`${stored}.gz`).mtimeMs) {
    mkdirSync(dirname(unpacked), { recursive: true });
    // Write then rename, so parallel jest workers never read a half-written copy.
    const partial = `${unpacked}.${process.pid}.part`;
    writeFileSync(partial, gunzipSync(readFileSync(`${stored}.gz`)));
    renameSync(partial, unpacked);
  }
  return unpacked;
}

/** The files of a corpus folder by their original names (`x.gz` stored compressed is listed as `x`). */
export function corpusFiles(...parts: string[]): string[] {
  return readdirSync(join(CORPUS, ...parts), { withFileTypes: true })
    .filter((d) => d.isFile() && d.name !== 'MANIFEST.json' && d.name !== 'README.md')
    .map((d) => d.name.replace(/\.gz$/, ''))
    .sort();
}

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

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
