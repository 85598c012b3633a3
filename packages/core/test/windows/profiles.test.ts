import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeProfiles, analyzeProfilesFile, decodeState, MAX_PROFILE_ENTRIES, MAX_PROFILES_INPUT, MAX_PROFILES_REG_INPUT, diagnose, parseRegFile, profileListFromRegFile, toProfile, type ProfilesReport } from '../../src/windows/index.js';
import { corpusPath, fixturePath } from '../helpers/corpus.js';

const SYN = (f: string) => corpusPath('windows', 'hives', 'synthetic', f);
const manifest = JSON.parse(readFileSync(corpusPath('windows', 'hives', 'MANIFEST.json'), 'utf8')) as {
  files: { file: string; profileList?: { key: string; sid: string; isBak: boolean; wellKnown: string | null; ProfileImagePath: string; State: number; RefCount: number | null; Flags: number; Guid: string | null }[] }[];
};
const LIST = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList';
const A = 'S-1-5-21-1111111111-2222222222-3333333333';

/** The UTF-8 .reg re-encoded as `reg export` writes it (UTF-16LE + BOM), and the UTF-16 one as UTF-8 without BOM. */
const utf8Text = readFileSync(SYN('synthetic_ProfileList_utf8.reg'), 'utf8');
const variants: [string, () => ProfilesReport][] = [
  ['the hive', () => analyzeProfilesFile(SYN('synthetic_SOFTWARE_ProfileList'))],
  ['the UTF-8 .reg', () => analyzeProfilesFile(SYN('synthetic_ProfileList_utf8.reg'))],
  ['the UTF-16LE .reg', () => analyzeProfilesFile(SYN('synthetic_ProfileList_regexport_utf16le.reg'))],
  ['UTF-8 re-encoded in-test to UTF-16LE + BOM', () => analyzeProfiles(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf8Text, 'utf16le')]))],
  ['UTF-16LE re-encoded in-test to UTF-8 without BOM', () => analyzeProfiles(Buffer.from(readFileSync(SYN('synthetic_ProfileList_regexport_utf16le.reg')).subarray(2).toString('utf16le'), 'utf8'))],
  // Microsoft's own style: no blank lines, hex wrapped with unindented continuation lines.
  ['UTF-8 rewritten without blank lines and with wrapped hex', () => analyzeProfiles(Buffer.from(utf8Text.replace(/\r\n\r\n/g, '\r\n').replace(/((?:[0-9a-f]{2},){20})/g, '$1\\\r\n')))],
];

describe('analyze profiles: the labelled synthetic temporary-profile set', () => {
  for (const [name, run] of variants) {
    describe(name, () => {
      const r = run();

      it('lists every profile as labelled in MANIFEST.json', () => {
        const label = manifest.files.find((f) => f.file === 'synthetic/synthetic_SOFTWARE_ProfileList')!.profileList!;
        const want = [...label].sort((a, b) => a.key.localeCompare(b.key));
        const got = [...r.profiles].sort((a, b) => a.key.localeCompare(b.key));
        expect(got.map((p) => [p.key, p.sid, p.isBak, p.wellKnown, p.state, p.refCount, p.flags, p.guid])).toEqual(
          want.map((p) => [p.key, p.sid, p.isBak, p.wellKnown, p.State, p.RefCount, p.Flags, p.Guid]),
        );
        // The .reg holds the same bytes for ProfileImagePath; paths are compared as text.
        expect(got.map((p) => p.profileImagePath)).toEqual(want.map((p) => p.ProfileImagePath));
        expect(r.profilesDirectory).toBe('%SystemDrive%\\Users');
      });

      it('finds the .bak pair of -1001 (real profile = the .bak, C:\\Users\\alice) and the lone .bak of -1002, nothing else', () => {
        expect(r.findings.map((f) => [f.sid, f.code, f.realKey])).toEqual([
          [`${A}-1001`, 'PROFILE_BAK_DUPLICATE', `${A}-1001.bak`],
          [`${A}-1002`, 'PROFILE_BAK_ONLY', `${A}-1002.bak`],
        ]);
      });

      it('gives the exact reg commands, the export first', () => {
        const [dup, lone] = r.findings;
        expect(dup!.fix).toEqual([
          `reg export "${LIST}" "%USERPROFILE%\\ProfileList-before-${A}-1001.reg"`,
          `reg delete "${LIST}\\${A}-1001" /f`,
          `reg copy "${LIST}\\${A}-1001.bak" "${LIST}\\${A}-1001" /s /f`,
          `reg delete "${LIST}\\${A}-1001.bak" /f`,
          `reg add "${LIST}\\${A}-1001" /v RefCount /t REG_DWORD /d 0 /f`,
          `reg add "${LIST}\\${A}-1001" /v State /t REG_DWORD /d 0 /f`,
        ]);
        expect(lone!.fix).toEqual([
          `reg export "${LIST}" "%USERPROFILE%\\ProfileList-before-${A}-1002.reg"`,
          `reg copy "${LIST}\\${A}-1002.bak" "${LIST}\\${A}-1002" /s /f`,
          `reg delete "${LIST}\\${A}-1002.bak" /f`,
          `reg add "${LIST}\\${A}-1002" /v RefCount /t REG_DWORD /d 0 /f`,
          `reg add "${LIST}\\${A}-1002" /v State /t REG_DWORD /d 0 /f`,
        ]);
        expect(dup!.evidence.join('\n')).toMatch(/temporary folder C:\\Users\\TEMP/);
        expect(dup!.evidence.join('\n')).toMatch(/PROFILE_TEMP_ASSIGNED/);
        expect(dup!.evidence.join('\n')).toMatch(/\.bak RefCount is 1/);
      });
    });
  }
});

/** A minimal ProfileList .reg with the given subkeys. */
function reg(keys: Record<string, { path?: string; state?: number; ref?: number }>): Buffer {
  let text = 'Windows Registry Editor Version 5.00\r\n\r\n';
  for (const [name, k] of Object.entries(keys)) {
    text += `[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\${name}]\r\n`;
    if (k.path !== undefined) text += `"ProfileImagePath"=hex(2):${[...Buffer.from(`${k.path}\0`, 'utf16le')].map((b) => b.toString(16).padStart(2, '0')).join(',')}\r\n`;
    if (k.state !== undefined) text += `"State"=dword:${k.state.toString(16).padStart(8, '0')}\r\n`;
    if (k.ref !== undefined) text += `"RefCount"=dword:${k.ref.toString(16).padStart(8, '0')}\r\n`;
    text += '\r\n';
  }
  return Buffer.from(text);
}
const U = `${A}-2000`;

describe('analyze profiles: verdicts', () => {
  it('Microsoft KB2704233 ProfileList: three service profiles, no finding', () => {
    const r = analyzeProfilesFile(corpusPath('windows', 'hives', 'reg', 'msdocs_kb2704233_Profilelist.reg'));
    expect(r.profiles.map((p) => p.wellKnown)).toEqual(['LocalSystem (NT AUTHORITY\\SYSTEM)', 'LocalService', 'NetworkService']);
    expect(r.findings).toEqual([]);
  });

  it('pair where the .bak is the stale one: keeps <SID>, deletes the .bak', () => {
    const r = analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\eve', state: 0, ref: 0 }, [`${U}.bak`]: { path: 'C:\\Users\\TEMP', state: 0x8800, ref: 0 } }));
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]!.realKey).toBe(U);
    expect(r.findings[0]!.fix.slice(1)).toEqual([`reg delete "${LIST}\\${U}.bak" /f`, `reg add "${LIST}\\${U}" /v RefCount /t REG_DWORD /d 0 /f`, `reg add "${LIST}\\${U}" /v State /t REG_DWORD /d 0 /f`]);
  });

  it('pair where <SID> is a fresh .000 copy: the .bak is the real profile', () => {
    const r = analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\eve.000', state: 0 }, [`${U}.bak`]: { path: 'C:\\Users\\eve', state: 0x8000 } }));
    expect(r.findings[0]!.realKey).toBe(`${U}.bak`);
  });

  it('pair where both keys are temporary: no real key, both deleted', () => {
    const r = analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\TEMP' }, [`${U}.bak`]: { path: 'C:\\Users\\TEMP.CONTOSO' } }));
    expect(r.findings[0]!.realKey).toBeNull();
    expect(r.findings[0]!.fix.slice(1)).toEqual([`reg delete "${LIST}\\${U}.bak" /f`, `reg delete "${LIST}\\${U}" /f`]);
  });

  it('a profile pointing at TEMP with no .bak: PROFILE_TEMP_FOLDER', () => {
    const r = analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\TEMP.CONTOSO', state: 0x800, ref: 1 } }));
    expect(r.findings.map((f) => f.code)).toEqual(['PROFILE_TEMP_FOLDER']);
  });

  it('an account called temp.<name> is not a temporary profile by its folder name alone: no key is deleted', () => {
    // C:\Users\temp.jsmith is also what Windows gives an account named temp.jsmith.
    const healthy = analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\temp.jsmith', state: 0, ref: 0 } }));
    expect(healthy.findings).toEqual([]);
    // The same folder with State TEMP_ASSIGNED, or plain TEMP / TEMP.000, is temporary beyond doubt.
    expect(analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\TEMP.CONTOSO', state: 0x800 } })).findings.map((f) => f.code)).toEqual(['PROFILE_TEMP_FOLDER']);
    expect(analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\TEMP.000', state: 0 } })).findings.map((f) => f.code)).toEqual(['PROFILE_TEMP_FOLDER']);
    expect(analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\Temp', state: 0 } })).findings.map((f) => f.code)).toEqual(['PROFILE_TEMP_FOLDER']);
    // A lone .bak of such an account is renamed back, not deleted.
    const lone = analyzeProfiles(reg({ [`${U}.bak`]: { path: 'C:\\Users\\temp.jsmith', state: 0x8000 } }));
    expect(lone.findings[0]!.realKey).toBe(`${U}.bak`);
    expect(lone.findings[0]!.fix.join('\n')).toMatch(/reg copy/);
    // Two keys both at temp.jsmith: the .bak is the stale one, <SID> stays.
    const pair = analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\temp.jsmith', state: 0 }, [`${U}.bak`]: { path: 'C:\\Users\\temp.jsmith', state: 0x8000 } }));
    expect(pair.findings[0]!.realKey).toBe(U);
    // Beside an ordinary .bak, a TEMP.<name> <SID> is still the temporary one (the usual case).
    const usual = analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\TEMP.CONTOSO', state: 0 }, [`${U}.bak`]: { path: 'C:\\Users\\eve', state: 0x8000 } }));
    expect(usual.findings[0]!.realKey).toBe(`${U}.bak`);
  });

  it('State bits marking temporary/backup on an ordinary key: PROFILE_STATE_FLAGS, reset to 0', () => {
    const r = analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\eve', state: 0x4100, ref: 0 } }));
    expect(r.findings.map((f) => f.code)).toEqual(['PROFILE_STATE_FLAGS']);
    expect(r.findings[0]!.message).toMatch(/PROFILE_BACKUP_EXISTS/);
  });

  it('RefCount left non-zero: a finding in an offline hive only (a live export of a signed-in user has RefCount 1)', () => {
    const live = analyzeProfiles(reg({ [U]: { path: 'C:\\Users\\eve', state: 0, ref: 2 }, 'S-1-5-18': { path: 'x', ref: 1 } }));
    expect(live.findings).toEqual([]);
    const profiles = profileListFromRegFile(parseRegFile(reg({ [U]: { path: 'C:\\Users\\eve', state: 0, ref: 2 }, 'S-1-5-18': { path: 'x', ref: 1 } })), undefined).entries.map(toProfile);
    const offline = diagnose(profiles, { source: 'hive' });
    expect(offline.map((f) => [f.sid, f.code])).toEqual([[U, 'PROFILE_REFCOUNT_LEFT']]);
    expect(offline[0]!.fix.slice(1)).toEqual([`reg add "${LIST}\\${U}" /v RefCount /t REG_DWORD /d 0 /f`]);
  });

  it('a lone .bak that is itself temporary is deleted, not restored', () => {
    const r = analyzeProfiles(reg({ [`${U}.bak`]: { path: 'C:\\Users\\TEMP', state: 0x8800 } }));
    expect(r.findings[0]!.code).toBe('PROFILE_BAK_ONLY');
    expect(r.findings[0]!.fix.slice(1)).toEqual([`reg delete "${LIST}\\${U}.bak" /f`]);
  });

  it('command injection through a crafted key name: a finding, but no reg commands to paste', () => {
    const evil = `${U}" & calc & "`;
    const r = analyzeProfiles(reg({ [`${evil}.bak`]: { path: 'C:\\Users\\eve', state: 0x8000 }, [`${A}-3000.bak`]: { path: 'C:\\Users\\ann', state: 0x8000 } }));
    expect(r.findings.map((f) => [f.sid, f.code, f.fix.length])).toEqual([
      [evil, 'PROFILE_BAK_ONLY', 0],
      [`${A}-3000`, 'PROFILE_BAK_ONLY', 5],
    ]);
    expect(r.findings[0]!.evidence.at(-1)).toMatch(/not a SID/);
  });

  it('decodes State into named bits, unnamed ones as hex', () => {
    expect(decodeState(0x8904)).toEqual(['PROFILE_NEW_LOCAL', 'PROFILE_ADMIN_USER', 'PROFILE_TEMP_ASSIGNED', 'PROFILE_THIS_IS_BAK']);
    expect(decodeState(0x80001000)).toEqual(['0x1000', '0x80000000']);
    expect(decodeState(0x1000)).toEqual(['0x1000']);
  });

  it('the bundled example (fixtures/windows/temp-profile.reg, regedit-style wrapping) restores dana from the .bak', () => {
    const r = analyzeProfilesFile(fixturePath('windows', 'temp-profile.reg'));
    expect(r.encoding).toBe('utf-16le');
    expect(r.warnings).toEqual([]);
    expect(r.findings.map((f) => [f.code, f.realKey])).toEqual([['PROFILE_BAK_DUPLICATE', 'S-1-5-21-3623811015-3361044348-30300820-1013.bak']]);
  });

  it('a truncated SOFTWARE hive says the key may be in the lost part, not only that it may be the wrong hive', () => {
    const cut = readFileSync(SYN('synthetic_SOFTWARE_ProfileList')).subarray(0, 5000);
    expect(() => analyzeProfiles(cut)).toThrow(/no .*ProfileList key \(is this the SOFTWARE hive .* The hive is also damaged; the key may be in the lost part: the file ends \d+ bytes before/);
    expect(() => analyzeProfilesFile(corpusPath('windows', 'hives', 'yarp_BadBaseBlockHive'))).toThrow(/is this the SOFTWARE hive/);
    // The ProfileList nk record damaged (its signature overwritten) while Microsoft\... is intact: plainly a SOFTWARE hive.
    const hive = Buffer.from(readFileSync(SYN('synthetic_SOFTWARE_ProfileList')));
    const nk = hive.indexOf('ProfileList', 0, 'latin1') - 76;
    expect(hive.toString('latin1', nk, nk + 2)).toBe('nk');
    hive.write('xx', nk, 'latin1');
    expect(() => analyzeProfiles(hive)).toThrow(/no .*ProfileList key \(the hive is damaged and the key may be in the lost part: /);
  });

  it('a hive that is not SOFTWARE is refused with PROFILES_NO_PROFILELIST; unknown bytes with PROFILES_UNKNOWN_INPUT', () => {
    expect(() => analyzeProfilesFile(corpusPath('windows', 'hives', 'regipy_NTUSER.DAT'))).toThrow(expect.objectContaining({ code: 'PROFILES_NO_PROFILELIST' }) as unknown as Error);
    expect(() => analyzeProfiles(Buffer.from('PK\x03\x04 not a registry file'))).toThrow(expect.objectContaining({ code: 'PROFILES_UNKNOWN_INPUT' }) as unknown as Error);
    // a gzip-compressed hive is named as such
    expect(() => analyzeProfiles(gzipSync(Buffer.from('regf')))).toThrow(expect.objectContaining({ code: 'PROFILES_UNKNOWN_INPUT', offset: 0, message: expect.stringMatching(/^this file is gzip-compressed; decompress it first/) }) as unknown as Error);
  });
});

describe('profiles input caps (the 256 MB memory budget, docs/profiles.md)', () => {
  it('a .reg export over MAX_PROFILES_REG_INPUT is refused before decoding, naming the cap and the narrower export', () => {
    const head = Buffer.from(`Windows Registry Editor Version 5.00\r\n\r\n[${LIST}]\r\n`, 'utf8');
    const big = Buffer.concat([head, Buffer.alloc(MAX_PROFILES_REG_INPUT + 1 - head.length, 0x20)]);
    expect(() => analyzeProfiles(big, { file: 'SOFTWARE.reg' })).toThrow(expect.objectContaining({ code: 'FILE_TOO_LARGE', file: 'SOFTWARE.reg', offset: MAX_PROFILES_REG_INPUT, message: expect.stringContaining('reg export') }));
    // one byte under the cap is read (and here holds no ProfileList value: a parse result, not the cap)
    expect(() => analyzeProfiles(big.subarray(0, MAX_PROFILES_REG_INPUT), { file: 'SOFTWARE.reg' })).not.toThrow(expect.objectContaining({ code: 'FILE_TOO_LARGE' }));
  });

  it('a hive file over MAX_PROFILES_INPUT is refused from its size, without being read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profiles-cap-'));
    try {
      const path = join(dir, 'SOFTWARE');
      writeFileSync(path, readFileSync(SYN('synthetic_SOFTWARE_ProfileList')));
      truncateSync(path, MAX_PROFILES_INPUT + 1); // sparse: no disk used
      expect(() => analyzeProfilesFile(path)).toThrow(expect.objectContaining({ code: 'FILE_TOO_LARGE' }));
      expect(MAX_PROFILES_INPUT).toBeLessThanOrEqual(160 * 1024 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('profiles: a ProfileList with more subkeys than MAX_PROFILE_ENTRIES', () => {
  const reg = (n: number) => Buffer.from(`Windows Registry Editor Version 5.00\r\n\r\n${Array.from({ length: n }, (_, i) => `[${LIST}\\S-1-5-21-1-2-3-${1000 + i}]\r\n"ProfileImagePath"="C:\\\\Users\\\\u${i}"\r\n`).join('')}`);
  it('is cut to the first MAX_PROFILE_ENTRIES with PROFILES_LIST_CUT; --strict stops there', () => {
    const input = reg(MAX_PROFILE_ENTRIES + 5);
    const r = analyzeProfiles(input, { file: 'big.reg' });
    expect(r.profiles).toHaveLength(MAX_PROFILE_ENTRIES);
    expect(r.warnings).toContainEqual(expect.objectContaining({ code: 'PROFILES_LIST_CUT', file: 'big.reg' }));
    expect(() => analyzeProfiles(input, { file: 'big.reg', strict: true })).toThrow(expect.objectContaining({ code: 'PROFILES_LIST_CUT' }));
    expect(analyzeProfiles(reg(MAX_PROFILE_ENTRIES)).warnings.map((w) => w.code)).not.toContain('PROFILES_LIST_CUT');
  });
});
