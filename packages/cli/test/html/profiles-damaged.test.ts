/**
 * The profiles page agrees with the exit code: a damaged file (exit 2) with no finding is not "no broken
 * profile" in green; it says that what the damage lost is not ruled out.
 */
import { describe, expect, test } from '@jest/globals';
import { profilesSection, type ProfilesDoc } from '../../src/render/html/profiles.js';

const base: ProfilesDoc = {
  file: 'SOFTWARE',
  source: 'hive',
  profilesDirectory: 'C:\\Users',
  profiles: [{ key: 'S-1-5-21-1-2-3-1001', sid: 'S-1-5-21-1-2-3-1001', isBak: false, wellKnown: null, profileImagePath: 'C:\\Users\\ana', state: 0, stateBits: [], refCount: 0 }],
  findings: [],
};

describe('analyze profiles --html on a damaged file without findings', () => {
  test('an unreadable key (not a cut) is a warning verdict, not ok', () => {
    const s = profilesSection({ ...base, warnings: [{ code: 'REGF_BAD_KEY', message: 'subkey cell 0x1020 is not a key', offset: 8224 }] });
    expect(s.severity).toBe('warn');
    expect(s.verdict).toMatch(/the file is damaged/);
  });

  test('a cut file says so; a lossless warning (dirty hive) stays ok', () => {
    expect(profilesSection({ ...base, warnings: [{ code: 'REGF_TRUNCATED', message: 'cut', offset: 12288 }] }).verdict).toMatch(/cut short/);
    const dirty = profilesSection({ ...base, warnings: [{ code: 'REGF_DIRTY', message: 'not replayed', offset: 4 }] });
    expect(dirty.severity).toBe('ok');
  });
});
