/**
 * analyzeDumpFleet's `signal`: the jobs queued or sent ahead to the workers are dropped (they ran one after
 * another, 18 s for 6 slow dumps aborted at 0.5 s), and the report says where the run stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeDumpFleet } from '../../../src/dump/fleet/index.js';
import { fixturePath } from '../../helpers/corpus.js';

/** Each (fake) cdb run takes this long: six of them one after another are far longer than the abort. */
const SLOW_CDB_SECONDS = 2;
const DUMPS = 6;
const ABORT_AFTER_MS = 300;

describe('analyzeDumpFleet signal', () => {
  let dir: string;
  let cdb: string;
  let dumps: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-abort-'));
    cdb = join(dir, 'slow-cdb.sh');
    writeFileSync(cdb, `#!/bin/sh\nsleep ${SLOW_CDB_SECONDS}\n`);
    chmodSync(cdb, 0o755);
    dumps = join(dir, 'dumps');
    mkdirSync(dumps);
    for (let i = 0; i < DUMPS; i++) copyFileSync(fixturePath('dump', 'synthetic-triage-x64.dmp'), join(dumps, `d${i}.dmp`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an abort drops the jobs not answered and returns at once, the last row saying the run was interrupted', async () => {
    const started = Date.now();
    const r = await analyzeDumpFleet([dumps], { engine: 'cdb', cdbPath: cdb, workers: 1, signal: AbortSignal.timeout(ABORT_AFTER_MS) });
    expect(Date.now() - started).toBeLessThan(SLOW_CDB_SECONDS * 1000);
    const interrupted = r.rows.filter((row) => row.error?.code === 'DUMP_FLEET_INTERRUPTED');
    expect(interrupted).toHaveLength(1);
    expect(interrupted[0]?.error?.message).toMatch(/^the run was stopped \(its signal was aborted\): this file and the rest were not read/);
    // Only the interrupted row: no dump was answered before the abort, and none is counted as looked at.
    expect(r.totals).toMatchObject({ files: 1, dumps: 1, errors: 1 });
  });

  it('a signal aborted before the run: nothing read, and the report says so', async () => {
    const r = await analyzeDumpFleet([dumps], { engine: 'native', workers: 0, signal: AbortSignal.abort() });
    expect(r.rows.map((row) => row.error?.code)).toEqual(['DUMP_FLEET_INTERRUPTED']);
  });

  it('a signal never aborted changes nothing', async () => {
    const r = await analyzeDumpFleet([dumps], { engine: 'native', workers: 0, signal: new AbortController().signal });
    expect(r.totals).toMatchObject({ files: DUMPS, dumps: DUMPS, errors: 0 });
  });
});
