/**
 * docs/api.md is complete and its examples run: every `js` block is executed from the repository root,
 * and every job of @analyze/core has at least one example.
 */
import { describe, expect, it } from '@jest/globals';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fleet from '../src/dump/fleet/index.js';
import * as events from '../src/events/index.js';
import * as core from '../src/index.js';
import * as pcapFix from '../src/pcap/fix/index.js';

const REPO = new URL('../../../', import.meta.url).pathname;
const DOC = fs.readFileSync(path.join(REPO, 'docs/api.md'), 'utf8');
const BLOCKS = [...DOC.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** The modules an example may import, handed to it instead of a real `import`. */
const MODULES: Record<string, unknown> = {
  '@analyze/core': core,
  '@analyze/core/dump/fleet': fleet,
  '@analyze/core/pcap/fix': pcapFix,
  '@analyze/core/events': events, 'node:assert/strict': assert, 'node:fs': fs, 'node:os': os, 'node:path': path };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;

/** `import { a, b } from 'm'` / `import x from 'm'` -> reads from MODULES; relative paths made absolute to the repository. */
function runnable(block: string): string {
  return block
    .replace(/^import \{([^}]+)\} from '([^']+)';$/gm, (_m, names: string, mod: string) => `const {${names}} = modules[${JSON.stringify(mod)}];`)
    .replace(/^import (\w+) from '([^']+)';$/gm, (_m, name: string, mod: string) => `const ${name} = modules[${JSON.stringify(mod)}].default ?? modules[${JSON.stringify(mod)}];`)
    .replace(/(['`])(fixtures\/|no\/such)/g, `$1${REPO}$2`);
}

describe('docs/api.md', () => {
  it('has examples', () => expect(BLOCKS.length).toBeGreaterThanOrEqual(10));

  it.each(BLOCKS.map((b, i) => [i + 1, b.split('\n').find((l) => l.startsWith('const ') || l.startsWith('try')) ?? '', b] as const))('example %i runs (%s)', async (_n, _first, block) => {
    for (const m of block.matchAll(/^import .* from '([^']+)';$/gm)) expect(Object.keys(MODULES)).toContain(m[1]);
    await new AsyncFunction('modules', runnable(block))(MODULES);
  });

  it('shows one example per job', () => {
    const jobs = ['analyzeCapture', 'analyzeDump', 'showBackup', 'extractBackup', 'diffBackups', 'checkBackup', 'restorePlan', 'analyzePsod', 'lookupCode', 'searchCodes', 'analyzeProfiles'];
    for (const job of jobs) {
      expect(typeof (core as Record<string, unknown>)[job]).toBe('function');
      expect(BLOCKS.some((b) => b.includes(`await ${job}(`))).toBe(true);
    }
    // The jobs that live in their area's module.
    for (const [job, mod] of [['analyzeDumpFleet', fleet], ['fixChecksums', pcapFix], ['analyzeEvents', events]] as const) {
      expect(typeof (mod as Record<string, unknown>)[job]).toBe('function');
      expect(BLOCKS.some((b) => b.includes(`await ${job}(`))).toBe(true);
    }
  });
});
