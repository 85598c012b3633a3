/**
 * `profiles` on a SOFTWARE hive whose ProfileList subkeys all share one long value list (an audit): every
 * subkey walked the whole list and nothing counted it, since the values of other names hold no data the
 * data budget sees (10,000 subkeys x 100,000 entries, a 1.5 MB hive: 75 s). The entries walked are charged
 * to MAX_PROFILE_LIST_VALUE_ENTRIES; past it the list is cut with PROFILES_DATA_CUT, each profile analysed
 * whole. Inputs are built here by fixtures/gen/windows/hostile-value-lists.mjs.
 */
import { describe, expect, it } from '@jest/globals';
import { fixturePath } from '../helpers/corpus.js';
import { analyzeProfiles, Hive, MAX_PROFILE_LIST_VALUE_ENTRIES, profileListFromHive } from '../../src/windows/index.js';

interface Gen {
  sharedValueListHive: (e?: number, n?: number, distinct?: boolean) => Buffer;
}
const gen = (await import(fixturePath('gen', 'windows', 'hostile-value-lists.mjs'))) as Gen;
const { GOOD_SID } = (await import(fixturePath('gen', 'windows', 'hostile-reg.mjs'))) as { GOOD_SID: string };

describe('profiles on ProfileList subkeys sharing one value list', () => {
  const subkeys = 2_000;
  const entries = 100_000;
  const data = gen.sharedValueListHive(subkeys, entries);
  /** Subkeys read before the entries walked pass the budget: the good one (1 entry), then 100,000 each. */
  const kept = 1 + Math.floor((MAX_PROFILE_LIST_VALUE_ENTRIES - 1) / entries);

  it('the entries walked are charged to the budget: at most one list past it (2 x 10^8 walked before, 15 s)', () => {
    const hive = Hive.open(data);
    const started = Date.now();
    const list = profileListFromHive(hive);
    expect(hive.valueEntriesRead).toBeLessThanOrEqual(MAX_PROFILE_LIST_VALUE_ENTRIES + entries);
    expect(Date.now() - started).toBeLessThan(5000); // hang guard: about 0.1 s
    expect(list.entries).toHaveLength(kept);
    expect(list.entries.slice(1).every((e) => e.values.get('PROFILEIMAGEPATH') !== undefined)).toBe(true);
  });

  it('the report: PROFILES_DATA_CUT at the first subkey left out, every profile before it read whole', () => {
    const report = analyzeProfiles(data, { file: 'shared-list.hive' });
    const cut = report.warnings.filter((w) => w.code === 'PROFILES_DATA_CUT');
    expect(cut).toEqual([expect.objectContaining({ offset: expect.any(Number) })]);
    expect(cut[0]!.message).toContain(`more than ${MAX_PROFILE_LIST_VALUE_ENTRIES} values`);
    expect(cut[0]!.message).toContain(`only the first ${kept} of ${subkeys + 1} subkeys are analysed (time budget)`);
    expect(report.profiles).toHaveLength(kept);
    expect(report.profiles.filter((p) => p.profileImagePath === 'C:\\Users\\shared')).toHaveLength(kept - 1);
    const good = report.profiles.find((p) => p.key === GOOD_SID);
    expect(good?.profileImagePath).toBe('C:\\Users\\TEMP');
    expect(report.findings.find((f) => f.sid === GOOD_SID)?.code).toBe('PROFILE_TEMP_FOLDER');
  });

  it('a few subkeys sharing a list under the budget are all read, without a cut', () => {
    const report = analyzeProfiles(gen.sharedValueListHive(5, 1_000, true), { file: 'small.hive' });
    expect(report.warnings.map((w) => w.code)).toEqual([]);
    expect(report.profiles).toHaveLength(6);
  });
});
