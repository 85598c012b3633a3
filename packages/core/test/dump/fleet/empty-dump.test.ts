/**
 * A 0-byte Minidump\*.dmp is what Windows leaves when writing a dump fails: in a fleet it is a dump that
 * could not be read (a row with the native reader's error), as when it is named alone, not "skipped (not
 * dumps)", where the failed crash vanished from the counts. Only a dump-named file too short for any
 * signature is told by its name; other short files stay skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeDumpFleet } from '../../../src/dump/fleet/index.js';
import { corpusPath } from '../../helpers/corpus.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-empty-'));
  writeFileSync(join(dir, 'empty.dmp'), Buffer.alloc(0));
  writeFileSync(join(dir, 'short.MDMP'), Buffer.from('MD'));
  writeFileSync(join(dir, 'empty.txt'), Buffer.alloc(0));
  copyFileSync(corpusPath('dumps', 'mdmp/breakpad_null_read_av.dmp'), join(dir, 'a.dmp'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a dump-named file too short to be a dump', () => {
  it('is a row that could not be read, with the reader\'s error; a short file of another name stays skipped', async () => {
    const r = await analyzeDumpFleet([dir], { engine: 'native', workers: 0 });
    expect(r.totals).toMatchObject({ files: 4, dumps: 3, crashes: 1, errors: 2, skipped: 1 });
    const failed = r.rows.filter((x) => x.error !== null).map((x) => [x.file.slice(dir.length + 1), x.error?.code]);
    expect(failed.sort()).toEqual([['empty.dmp', 'DUMP_NOT_A_DUMP'], ['short.MDMP', 'DUMP_NOT_A_DUMP']]);
    expect(r.rows.find((x) => x.file.endsWith('empty.dmp'))?.error?.message).toMatch(/0 bytes/);
  });
});
