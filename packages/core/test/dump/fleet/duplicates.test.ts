/**
 * One file is one row, however often it is named: a link to a dump in the walked folder, a hard link, or
 * paths that overlap (`a.dmp dir/*.dmp`, a folder and a folder inside it) each counted the same crash again
 * (the audit's fleet: "3 of 7 (43 %) on 2 machines/folders" where 2 of the 3 were one dump). The names after
 * the first are skipped and counted as duplicates.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { analyzeDumpFleet, type FleetReport } from '../../../src/dump/fleet/index.js';
import { corpusPath } from '../../helpers/corpus.js';

const inline = { engine: 'native' as const, workers: 0 };

let dir: string;
beforeAll(() => {
  // PC1/a.dmp, PC1/b.dmp (two different crashes) and PC2/linkfile.dmp -> ../PC1/a.dmp (the audit's layout).
  dir = mkdtempSync(join(tmpdir(), 'fleet-dupes-'));
  mkdirSync(join(dir, 'PC1'));
  mkdirSync(join(dir, 'PC2'));
  copyFileSync(corpusPath('dumps', 'mdmp/breakpad_ascii_write_av.dmp'), join(dir, 'PC1', 'a.dmp'));
  copyFileSync(corpusPath('dumps', 'mdmp/breakpad_null_read_av.dmp'), join(dir, 'PC1', 'b.dmp'));
  symlinkSync(join('..', 'PC1', 'a.dmp'), join(dir, 'PC2', 'linkfile.dmp'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const names = (r: FleetReport) => r.rows.map((x) => relative(dir, x.file)).sort();

describe('the same file named several times is one row', () => {
  it('a link in the walked folder to a dump already read: skipped as a duplicate, not a second crash', async () => {
    const r = await analyzeDumpFleet([dir], inline);
    expect(names(r)).toEqual([join('PC1', 'a.dmp'), join('PC1', 'b.dmp')]);
    expect(r.totals).toEqual({ files: 3, dumps: 2, crashes: 2, noCrash: 0, errors: 0, skipped: 1, duplicates: 1, groups: r.groups.length });
    // The crash of a.dmp is counted once, from one folder.
    expect(r.groups.reduce((n, g) => n + g.count, 0)).toBe(2);
    expect(r.groups.every((g) => g.folderCount === 1)).toBe(true);
    expect(r.summary).toMatch(/2 dumps found.*; 1 duplicate skipped \(a file named again through a link or overlapping paths, counted once\)\./);
    expect(r.summary).not.toMatch(/not dumps/);
  });

  it('overlapping paths: a file named, then its folder; a folder named twice; the first name is kept', async () => {
    const a = join(dir, 'PC1', 'a.dmp');
    const r = await analyzeDumpFleet([a, join(dir, 'PC1'), join(dir, 'PC1')], inline);
    expect(r.rows.map((x) => x.file)).toContain(a);
    expect(names(r)).toEqual([join('PC1', 'a.dmp'), join('PC1', 'b.dmp')]);
    // a.dmp once as named, then a.dmp again and b.dmp in the first PC1, then both in the second PC1
    expect(r.totals).toMatchObject({ files: 5, dumps: 2, crashes: 2, skipped: 3, duplicates: 3 });
  });

  it('a hard link is the same file too; a copy is not', async () => {
    const other = mkdtempSync(join(tmpdir(), 'fleet-dupes-hard-'));
    try {
      linkSync(join(dir, 'PC1', 'b.dmp'), join(other, 'hard.dmp'));
      copyFileSync(join(dir, 'PC1', 'b.dmp'), join(other, 'copy.dmp'));
      const r = await analyzeDumpFleet([join(dir, 'PC1'), other], inline);
      expect(r.rows.map((x) => x.file).sort()).toEqual([join(dir, 'PC1', 'a.dmp'), join(dir, 'PC1', 'b.dmp'), join(other, 'copy.dmp')].sort());
      expect(r.totals).toMatchObject({ files: 4, dumps: 3, skipped: 1, duplicates: 1 });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a duplicate among files that are not dumps: each counted in its own words', async () => {
    const other = mkdtempSync(join(tmpdir(), 'fleet-dupes-notes-'));
    try {
      copyFileSync(join(dir, 'PC1', 'a.dmp'), join(other, 'a.dmp'));
      symlinkSync(join(other, 'a.dmp'), join(other, 'z-link.dmp'));
      symlinkSync(join(other, 'missing.dmp'), join(other, 'dangling.dmp'));
      const r = await analyzeDumpFleet([other], inline);
      expect(r.totals).toMatchObject({ files: 3, dumps: 1, skipped: 2, duplicates: 1 });
      expect(r.summary).toMatch(/; 1 other file skipped \(not dumps\); 1 duplicate skipped/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
