/**
 * The header comment of `@analyze/core` (shown on hover in an editor) names the entry points to import the
 * jobs from one area. Each example import must give the same job as the root export: the area readers
 * (`@analyze/core/psod`...) share the names but not the contract (a path given to `psod`'s analyzePsod
 * was read as the screen's text and reported "no crash").
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as root from '../../src/index.js';

const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));
const header = readFileSync(`${srcDir}index.ts`, 'utf8').split('*/')[0]!;

/** `import { a, b } from '@analyze/core/x/y'` lines of the comment: the names and the subpath. */
function exampleImports(): Array<{ names: string[]; subpath: string }> {
  return [...header.matchAll(/import \{([^}]+)\} from '@analyze\/core\/([^']+)'/g)].map((m) => ({ names: m[1]!.split(',').map((n) => n.trim()), subpath: m[2]! }));
}

/** The source module of a subpath (package.json exports map `./x/y` to `x/y.js` or `x/y/index.js`). */
function sourceOf(subpath: string): string {
  const file = `${srcDir}${subpath}.ts`;
  return existsSync(file) ? file : `${srcDir}${subpath}/index.ts`;
}

describe('the header comment of @analyze/core', () => {
  it('imports every job from an entry point that exports that same job', async () => {
    const imports = exampleImports();
    expect(imports.length).toBeGreaterThan(3);
    const rootExports = root as Record<string, unknown>;
    for (const { names, subpath } of imports) {
      const mod = (await import(sourceOf(subpath))) as Record<string, unknown>;
      for (const name of names) {
        expect({ subpath, name, exported: mod[name] !== undefined }).toEqual({ subpath, name, exported: true });
        if (name in rootExports) expect({ subpath, name, sameAsRoot: mod[name] === rootExports[name] }).toEqual({ subpath, name, sameAsRoot: true });
      }
    }
  });
});
