/**
 * A diff lists at most MAX_CHANGES_LISTED changes and counts the rest: two unrelated backups of 100,000
 * files each differ in as many lines, and holding every change took 390 MB (1 GB as JSON).
 */
import { describe, expect, it } from '@jest/globals';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { diffBackups, MAX_CHANGES_LISTED } from '../../../src/esxi/diff/backups.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';
import { fixturePath } from '../../helpers/corpus.js';

interface Lib {
  etc67(o: object): Record<string, unknown>;
  localTgz(f: Record<string, unknown>): Buffer;
  stateTgz(m: Record<string, Buffer>): Buffer;
}

describe('esxi diff of backups that differ everywhere', () => {
  it(`lists the first ${MAX_CHANGES_LISTED} changes, counts the rest, and keeps every finding`, async () => {
    const lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as Lib;
    const extra = (side: string) => Object.fromEntries(Array.from({ length: MAX_CHANGES_LISTED + 500 }, (_, i) => [`etc/many/${side}${String(i).padStart(5, '0')}.conf`, `x=${i}\n`]));
    const side = async (name: string) => parseBackup(openBackup(lib.stateTgz({ 'local.tgz': lib.localTgz(lib.etc67({ extra: extra(name) })) })));
    const r = diffBackups(await side('a'), await side('b'));
    expect(r.changes).toHaveLength(MAX_CHANGES_LISTED);
    // every file of either side is only in one of them: 2 x 10,500 changes found
    expect(r.changes.length + r.changesNotListed).toBe(2 * (MAX_CHANGES_LISTED + 500));
    expect(r.changes[0]!.label).toMatch(/^etc\/many\/a00000\.conf: only in BEFORE/);
    const small = diffBackups(await side('a'), await side('a'));
    expect(small).toMatchObject({ changes: [], changesNotListed: 0 });
  });
});
