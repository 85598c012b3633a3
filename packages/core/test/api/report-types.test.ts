/**
 * The exported report types agree with the reports: each runtime report, written as a literal of its
 * exported type, type-checks. A key the runtime omits (undefined values are dropped, docs/json.md) must be
 * declared optional (`key?: T`): declared `key: T | undefined`, `'key' in report` was typed as always true.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractBackup, showBackup } from '../../src/api/esxi.js';
import { fixChecksums } from '../../src/pcap/fix/index.js';
import { fixturePath } from '../helpers/corpus.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const src = (path: string) => JSON.stringify(join(repo, 'packages/core/src', path));
/** The TypeScript compiler of the repository (type-checking this one file and what it imports takes seconds). */
const tsc = join(repo, 'node_modules/typescript/bin/tsc');

describe('report types', () => {
  it('ShowJson, ExtractJson and FixChecksumsReport accept the reports the fixtures give', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-types-'));
    try {
      const shows = await Promise.all(['state-6.7.tgz', 'configBundle-esx67.tgz', 'configBundle-esx70.tgz', 'state-7.0.3-encrypted.tgz', 'local-6.7.tgz'].map((f) => showBackup(fixturePath('esxi', f))));
      const extract = await extractBackup(fixturePath('esxi', 'state-6.7.tgz'), join(dir, 'out'));
      const fix = await fixChecksums(readFileSync(fixturePath('esxi', 'garbage.bin')), join(dir, 'fixed.pcap'));
      // The keys that made the difference: the runtime omits them.
      expect('manifest' in shows[0]!).toBe(false);
      expect('mode' in extract.encryption).toBe(false);
      expect('format' in fix).toBe(false);
      const literal = (v: unknown) => JSON.stringify(v, null, 1);
      const source = [
        `import type { ShowJson, ExtractJson } from ${src('api/esxi.js')};`,
        `import type { FixChecksumsReport } from ${src('pcap/fix/index.js')};`,
        ...shows.map((s, i) => `export const show${i}: ShowJson = ${literal(s)};`),
        `export const extract: ExtractJson = ${literal(extract)};`,
        `export const fix: FixChecksumsReport = ${literal(fix)};`,
      ].join('\n');
      writeFileSync(join(dir, 'reports.mts'), source);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ extends: join(repo, 'tsconfig.base.json'), compilerOptions: { noEmit: true, composite: false, incremental: false, types: ['node'], typeRoots: [join(repo, 'node_modules/@types')] }, files: ['reports.mts'] }),
      );
      const run = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
      expect(run.stdout + run.stderr).toBe('');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
