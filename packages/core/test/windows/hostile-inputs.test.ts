/**
 * `profiles` on hostile inputs (fuzzer defects 6-10): regex backtracking, memory blow-up and fan-out in
 * the .reg parser and the hive reader. Each input is built here (fixtures/gen/windows/hostile-reg.mjs);
 * each test checks the work stays bounded, the damage is a coded warning with its byte offset, and the
 * ordinary profile beside it reads as usual. Peak RSS through the CLI: packages/cli/test/profiles-budget.test.ts.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { analyzeProfiles, Hive, isFreshCopyFolder, isTempFolder, MAX_PROFILE_LIST_DATA, readRegFile, type ProfilesReport } from '../../src/windows/index.js';

interface HostileReg {
  GOOD_SID: string;
  regSlashes(n?: number): Buffer;
  regHexSpaces(n?: number): Buffer;
  regManyLines(mode: 'keys' | 'values', bytes?: number): Buffer;
  regBigHex(mode: 'line' | 'cont', bytes?: number): Buffer;
  fanoutHive(e?: number, v?: number, d?: number): { hive: Buffer; subkeyRepeatAt: number; valueRepeatAt: number };
  bigDataRepeatHive(n?: number): { hive: Buffer; segmentRepeatAt: number };
  sharedDataHive(e?: number, d?: number): Buffer;
  collidingValueListHive(n?: number): Buffer;
  loopingProfileListHive(target: 'self' | 'ancestor' | 'root'): { hive: Buffer; loopKeyAt: number };
}

let gen: HostileReg;
beforeAll(async () => {
  gen = (await import(fileURLToPath(new URL('../../../../fixtures/gen/windows/hostile-reg.mjs', import.meta.url)))) as HostileReg;
});

/** Time one call, in seconds. */
function timed<T>(fn: () => T): { value: T; seconds: number } {
  const t = process.hrtime.bigint();
  const value = fn();
  return { value, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
}

/** The good profile every hostile input carries reads as usual: its TEMP folder found. */
function expectGoodProfile(report: ProfilesReport): void {
  const good = report.profiles.find((p) => p.key === gen.GOOD_SID);
  expect(good?.profileImagePath).toBe('C:\\Users\\TEMP');
  expect(report.findings.find((f) => f.sid === gen.GOOD_SID)?.code).toBe('PROFILE_TEMP_FOLDER');
}

describe('profiles on hostile inputs', () => {
  it('6: a ProfileImagePath of 40,000 backslashes is judged in linear time (the trailing-separator regex took 7.5 s, 100,000 > 25 s)', () => {
    const { value: report, seconds } = timed(() => analyzeProfiles(gen.regSlashes(40_000), { file: 'slashes.reg' }));
    expect(seconds).toBeLessThan(1);
    expectGoodProfile(report);
    expect(report.profiles.find((p) => p.key === 'S-1-5-21-1-2-3-1002')?.profileImagePath).toHaveLength(40_003);
    // trailing separators are still trimmed
    const run = '\\'.repeat(100_000);
    expect(isTempFolder(`C:\\Users\\TEMP${run}`)).toBe(true);
    expect(isFreshCopyFolder(`C:\\Users\\alice.000/${run}`)).toBe(true);
    expect(isTempFolder(`C:${run}x`)).toBe(false);
  });

  it('7: a hex line of 80,000 spaces then a stray letter is a REGFILE_BAD_LINE warning in linear time (7.7 s before, 300,000 > 25 s)', () => {
    const { value: report, seconds } = timed(() => analyzeProfiles(gen.regHexSpaces(80_000), { file: 'hex.reg' }));
    expect(seconds).toBeLessThan(1);
    expectGoodProfile(report);
    expect(report.warnings).toEqual([expect.objectContaining({ code: 'REGFILE_BAD_LINE', message: expect.stringMatching(/^line 8: unrecognised value data/) })]);
    expect(report.profiles.map((p) => p.key)).toEqual([gen.GOOD_SID, 'S-1-5-21-1-2-3-1002']);
  });

  it('8: 12 MB of [] sections, of @=- lines, or one 4-million-byte hex list are read as they go, keeping only ProfileList', () => {
    for (const data of [gen.regManyLines('keys'), gen.regManyLines('values')]) {
      const { value: report, seconds } = timed(() => analyzeProfiles(data, { file: 'many.reg' }));
      expect(seconds).toBeLessThan(2.5);
      expectGoodProfile(report);
      expect(report.profiles).toHaveLength(1);
      expect(report.warnings).toEqual([]);
    }
    // the streaming reader hands each key over and keeps none (the old parser held 4 million key objects)
    let keys = 0;
    const info = readRegFile(gen.regManyLines('keys', 1024 * 1024), {}, { key: () => void keys++, value: () => undefined });
    expect(keys).toBeGreaterThan(300_000);
    expect(info).not.toHaveProperty('keys');
    // a long hex list, on one line or continued over a million lines, decodes byte for byte
    for (const mode of ['line', 'cont'] as const) {
      const bytes = 4 * 1024 * 1024;
      const values: Buffer[] = [];
      readRegFile(gen.regBigHex(mode, bytes), {}, { key: () => undefined, value: (v) => void values.push(v.data!) });
      const items = Math.floor((bytes - 300) / (mode === 'line' ? 2 : 4));
      expect(values[values.length - 1]!.length).toBeGreaterThan(items - 100);
      expect(values[values.length - 1]!.every((b) => b === 0)).toBe(true);
    }
  });

  it('9: a subkey list naming one key 1,000 times, whose value list names one value 1,000 times, reads each once with offsets (2.1 s before; 60,000 > 25 s)', () => {
    const { hive, subkeyRepeatAt, valueRepeatAt } = gen.fanoutHive(1_000, 1_000, 4);
    const { value: report, seconds } = timed(() => analyzeProfiles(hive, { file: 'fanout.hive' }));
    expect(seconds).toBeLessThan(1);
    expectGoodProfile(report);
    expect(report.profiles.map((p) => p.key)).toEqual([gen.GOOD_SID, 'S-1-5-21-1-2-3-1002']);
    expect(report.warnings).toEqual([
      expect.objectContaining({ code: 'REGF_DUPLICATE_SUBKEY', offset: subkeyRepeatAt, message: expect.stringContaining('999 times') }),
      expect.objectContaining({ code: 'REGF_DUPLICATE_VALUE', offset: valueRepeatAt, message: expect.stringContaining('999 times') }),
    ]);
    // with 16,000 bytes of data per value (30,000 copies: 543 MB before), the value is read once too
    const wide = gen.fanoutHive(1, 3_000, 16_000);
    const key = Hive.open(wide.hive).get('Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\S-1-5-21-1-2-3-1002');
    expect(key?.values().map((v) => v.data.length)).toEqual([16_000]);
  });

  it('10: a big-data Sid naming one 16,344-byte segment 2,000 times ends at the repeat (REGF_DUPLICATE_SEGMENT), not 32 MB later', () => {
    const { hive, segmentRepeatAt } = gen.bigDataRepeatHive(2_000);
    const h = Hive.open(hive);
    const sid = h.get(`Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\${gen.GOOD_SID}`)?.value('Sid');
    expect(sid?.data.length).toBe(16_344);
    expect(h.warnings).toContainEqual(expect.objectContaining({ code: 'REGF_DUPLICATE_SEGMENT', offset: segmentRepeatAt }));
    // through the analysis the value is also cut to what a profile value can be (65,536 bytes read at most)
    const report = analyzeProfiles(gen.bigDataRepeatHive(65_535).hive, { file: 'bigdata.hive' });
    expectGoodProfile(report);
    expect(report.profiles[0]!.sidValue).toBeNull();
    expect(report.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['REGF_VALUE_CUT', 'REGF_DUPLICATE_SEGMENT']));
  });

  it('10b: 1,500 subkeys sharing one 65,000-byte data cell are cut at the data budget (PROFILES_DATA_CUT), each profile read whole', () => {
    const { value: report, seconds } = timed(() => analyzeProfiles(gen.sharedDataHive(1_500, 65_000), { file: 'shared.hive' }));
    expect(seconds).toBeLessThan(3);
    const kept = Math.floor(MAX_PROFILE_LIST_DATA / 65_000);
    expect(report.profiles).toHaveLength(kept);
    expect(report.profiles.every((p) => p.profileImagePath?.length === 32_500)).toBe(true);
    expect(report.warnings).toEqual([expect.objectContaining({ code: 'PROFILES_DATA_CUT', offset: expect.any(Number) })]);
    expect(report.warnings[0]!.message).toContain(`only the first ${kept} of 1500 subkeys`);
  });

  it('11: a value list naming 60,000 offsets chosen to collide in V8\'s integer hash is read in linear time (a Set of numbers: quadratic)', () => {
    const hive = gen.collidingValueListHive(60_000);
    const { value: report, seconds } = timed(() => analyzeProfiles(hive, { file: 'colliding.hive' }));
    expectGoodProfile(report);
    expect(seconds).toBeLessThan(1);
  });

  it('12: a subkey list on the path to ProfileList naming ProfileList or a key above it is a loop (REGF_KEY_LOOP), not a profile', () => {
    for (const target of ['self', 'ancestor'] as const) {
      const { hive, loopKeyAt } = gen.loopingProfileListHive(target);
      const report = analyzeProfiles(hive, { file: `${target}.hive` });
      expect(report.profiles.map((p) => p.key)).toEqual([gen.GOOD_SID]);
      expect(report.warnings).toEqual([expect.objectContaining({ code: 'REGF_KEY_LOOP', offset: loopKeyAt, message: expect.stringMatching(/^subkey list of \\Microsoft\\Windows NT\\CurrentVersion\\ProfileList names key "(ProfileList|CurrentVersion)"/) })]);
      // --strict makes the damage an error
      expect(() => analyzeProfiles(hive, { file: `${target}.hive`, strict: true })).toThrow(/REGF_KEY_LOOP|already reached/);
    }
    // Windows NT's list naming the root instead of CurrentVersion: ProfileList is lost, and the error says why.
    const { hive } = gen.loopingProfileListHive('root');
    expect(() => analyzeProfiles(hive, { file: 'root.hive' })).toThrow(/damaged.*subkey list of \\Microsoft\\Windows NT names key "ROOT"/);
  });
});
