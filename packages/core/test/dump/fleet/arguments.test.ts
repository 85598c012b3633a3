/**
 * analyzeDumpFleet from JavaScript: one path given as a string, bad options, and a throwing onProgress.
 */
import { describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeDumpFleet, MAX_FLEET_WORKERS, type FleetOptions } from '../../../src/dump/fleet/index.js';
import { fixturePath } from '../../helpers/corpus.js';

const js = (v: unknown) => v as never;
const usage = (message: RegExp) => ({ code: 'USAGE', message: expect.stringMatching(message) });

describe('analyzeDumpFleet arguments', () => {
  const dump = fixturePath('dump', 'synthetic-triage-x64.dmp');

  it('one path as a string is that path (as analyzeEvents takes one), not a path per character', async () => {
    // Relative, in a folder of its own: iterated, 'x.dmp' was the paths 'x', '.', 'd', 'm', 'p' ('/' was the whole disk).
    const dir = mkdtempSync(join(tmpdir(), 'fleet-string-'));
    try {
      copyFileSync(dump, join(dir, 'x.dmp'));
      const one = await analyzeDumpFleet(js('x.dmp'), { engine: 'native', workers: 0, cwd: dir });
      expect(one.totals).toMatchObject({ files: 1, dumps: 1, errors: 0, skipped: 0 });
      expect(one.rows.map((r) => r.file)).toEqual(['x.dmp']);
      expect(one.totals).toEqual((await analyzeDumpFleet(['x.dmp'], { engine: 'native', workers: 0, cwd: dir })).totals);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('anything but a path or a list of paths is a usage error', async () => {
    for (const paths of [undefined, null, 5, [dump, 5], { path: dump }]) {
      await expect(analyzeDumpFleet(js(paths), { workers: 0 })).rejects.toMatchObject(usage(/^analyzeDumpFleet takes a path or a list of paths/));
    }
  });

  it(`workers: a whole number from 0 to ${MAX_FLEET_WORKERS} (400 took 2.4 GB for one dump)`, async () => {
    expect(MAX_FLEET_WORKERS).toBe(64);
    for (const workers of [-1, 1.5, MAX_FLEET_WORKERS + 1, 400, Number.NaN, 'x']) {
      await expect(analyzeDumpFleet([dump], { workers: js(workers) })).rejects.toMatchObject(usage(/^analyzeDumpFleet: workers must be a whole number from 0 to 64/));
    }
  });

  it('the other options: an object, onProgress a function, archive caps positive', async () => {
    await expect(analyzeDumpFleet([dump], js(null))).rejects.toMatchObject(usage(/^analyzeDumpFleet: the options must be an object/));
    await expect(analyzeDumpFleet([dump], { workers: 0, onProgress: js(1) })).rejects.toMatchObject(usage(/^analyzeDumpFleet: onProgress must be a function/));
    await expect(analyzeDumpFleet([dump], { workers: 0, maxArchiveInflated: Number.NaN })).rejects.toMatchObject(usage(/maxArchiveInflated must be a finite number above 0/));
    await expect(analyzeDumpFleet([dump], { workers: 0, maxArchiveEntries: -1 })).rejects.toMatchObject(usage(/maxArchiveEntries must be a whole number of at least 1/));
  });

  it.each([0, 1])('an onProgress that throws rejects the returned promise (workers %i), not the process', async (workers) => {
    const bug = new Error('callback failed');
    const options: FleetOptions = {
      engine: 'native',
      workers,
      onProgress: () => {
        throw bug;
      },
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(analyzeDumpFleet([fixturePath('dump', 'fleet')], options)).rejects.toBe(bug);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
