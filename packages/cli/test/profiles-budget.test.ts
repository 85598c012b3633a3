/**
 * `analyze profiles` on the fuzzer's hostile inputs (defects 6-10), through the built CLI in a child
 * process: exit 0/1 with a report (2 with it when a line or value was lost to the damage), in seconds, peak RSS
 * under RSS_BUDGET_MB. The inputs are built here
 * (fixtures/gen/windows/hostile-reg.mjs), never committed. Behaviour in detail: packages/core/test/windows/hostile-inputs.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RSS_BUDGET_MB, runMeasured } from './helpers/peak-rss.js';

interface HostileReg {
  regSlashes(n?: number): Buffer;
  regHexSpaces(n?: number): Buffer;
  regManyLines(mode: 'keys' | 'values'): Buffer;
  regBigHex(mode: 'line' | 'cont'): Buffer;
  fanoutHive(e?: number, v?: number, d?: number): { hive: Buffer };
  bigDataRepeatHive(n?: number): { hive: Buffer };
  sharedDataHive(e?: number, d?: number): Buffer;
}

interface Report {
  profiles: unknown[];
  warnings: { code: string; offset?: number }[];
}

let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-profiles-budget-'));
  const gen = (await import(fileURLToPath(new URL('../../../fixtures/gen/windows/hostile-reg.mjs', import.meta.url)))) as HostileReg;
  writeFileSync(at('slashes.reg'), gen.regSlashes(100_000));
  writeFileSync(at('hex-spaces.reg'), gen.regHexSpaces(300_000));
  writeFileSync(at('many-keys.reg'), gen.regManyLines('keys'));
  writeFileSync(at('many-values.reg'), gen.regManyLines('values'));
  writeFileSync(at('big-hex-line.reg'), gen.regBigHex('line'));
  writeFileSync(at('big-hex-cont.reg'), gen.regBigHex('cont'));
  writeFileSync(at('fanout.hive'), gen.fanoutHive(60_000, 60_000, 4).hive);
  writeFileSync(at('fanout-wide.hive'), gen.fanoutHive(1, 30_000, 16_000).hive);
  writeFileSync(at('bigdata-repeat.hive'), gen.bigDataRepeatHive(65_535).hive);
  writeFileSync(at('shared-data.hive'), gen.sharedDataHive(10_000, 65_000));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The exit code of a damaged input (docs/profiles.md, "Damaged input"): its report and finding are still printed. */
const DAMAGED = 2;

/** `profiles --json FILE`: exit 1 (the good profile's TEMP finding) or `status`, its report, within the memory budget. */
function profiles(name: string, maxSeconds = 5, status = 1): Report {
  const r = runMeasured(['profiles', '--json', at(name)]);
  expect({ name, status: r.status, stderr: r.stderr }).toEqual({ name, status, stderr: '' });
  expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  expect(r.seconds).toBeLessThan(maxSeconds);
  return JSON.parse(r.stdout) as Report;
}

const codes = (r: Report) => r.warnings.map((w) => w.code);

describe(`profiles stays within ${RSS_BUDGET_MB} MB and seconds on hostile inputs`, () => {
  it('6: 100,000 backslashes in a ProfileImagePath (> 25 s before)', () => {
    expect(profiles('slashes.reg').profiles).toHaveLength(2);
  });

  it('7: a hex line of 300,000 spaces then a letter (> 25 s before)', () => {
    expect(codes(profiles('hex-spaces.reg', 5, DAMAGED))).toEqual(['REGFILE_BAD_LINE']);
  });

  it('8a: 12 MB of [] sections or of @=- value lines (707 / 482 MB before)', () => {
    for (const name of ['many-keys.reg', 'many-values.reg']) expect(profiles(name).profiles).toHaveLength(1);
  });

  it('8b: one 4-million-byte hex list, on one line or continued over 3 million lines (459 / 594 MB before)', () => {
    for (const name of ['big-hex-line.reg', 'big-hex-cont.reg']) expect(profiles(name).profiles).toHaveLength(2);
  });

  it('9: a subkey list naming one key 60,000 times and a value list naming one value 60,000 times (> 25 s; 543 MB with 16,000-byte values)', () => {
    expect(codes(profiles('fanout.hive'))).toEqual(['REGF_DUPLICATE_SUBKEY', 'REGF_DUPLICATE_VALUE']);
    expect(codes(profiles('fanout-wide.hive'))).toEqual(['REGF_DUPLICATE_VALUE']);
  });

  it('10: a big-data value naming one segment 65,535 times (1.1 GB before), and 10,000 keys sharing one 65,000-byte value (2.7 GB)', () => {
    expect(codes(profiles('bigdata-repeat.hive', 5, DAMAGED))).toContain('REGF_DUPLICATE_SEGMENT');
    const shared = runMeasured(['profiles', '--json', at('shared-data.hive')]);
    expect(shared.status).toBe(0);
    expect(shared.peakMB).toBeLessThan(RSS_BUDGET_MB);
    expect(codes(JSON.parse(shared.stdout) as Report)).toEqual(['PROFILES_DATA_CUT']);
  });
});
