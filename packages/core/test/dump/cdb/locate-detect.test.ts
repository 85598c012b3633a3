import { describe, expect, it } from '@jest/globals';
import { AnalyzeError } from '../../../src/errors.js';
import { locateCdb, looksLikeAnalyzeText, parseAnalyzeText } from '../../../src/dump/cdb/index.js';

const fsOf = (files: string[], dirs: string[] = []) => ({
  exists: (p: string) => files.includes(p),
  isDirectory: (p: string) => dirs.includes(p),
});

describe('locateCdb', () => {
  const kitX64 = 'C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x64\\cdb.exe';
  const kitArm = 'C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\arm64\\cdb.exe';
  const winEnv = { 'ProgramFiles(x86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local', Path: 'C:\\Windows\\System32' };

  it('prefers --cdb, then ANALYZE_CDB, then PATH, then the Windows Kits folders, then the WinDbg app alias', () => {
    const all = ['D:\\tools\\cdb.exe', 'E:\\dbg\\cdb.exe', 'C:\\Windows\\System32\\cdb.exe', kitX64, 'C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\cdbX64.exe'];
    const base = { platform: 'win32' as const, arch: 'x64', ...fsOf(all) };
    expect(locateCdb({ ...base, cdbPath: 'D:\\tools\\cdb.exe', env: { ...winEnv, ANALYZE_CDB: 'E:\\dbg\\cdb.exe' } })).toBe('D:\\tools\\cdb.exe');
    expect(locateCdb({ ...base, env: { ...winEnv, ANALYZE_CDB: 'E:\\dbg\\cdb.exe' } })).toBe('E:\\dbg\\cdb.exe');
    expect(locateCdb({ ...base, env: winEnv })).toBe('C:\\Windows\\System32\\cdb.exe');
    expect(locateCdb({ platform: 'win32', arch: 'x64', env: winEnv, ...fsOf(all.slice(3)) })).toBe(kitX64);
    expect(locateCdb({ platform: 'win32', arch: 'x64', env: winEnv, ...fsOf(all.slice(4)) })).toBe(all[4]);
  });

  it('picks the Debuggers folder of the host CPU first (arm64 on an arm64 machine)', () => {
    expect(locateCdb({ platform: 'win32', arch: 'arm64', env: winEnv, ...fsOf([kitX64, kitArm]) })).toBe(kitArm);
    expect(locateCdb({ platform: 'win32', arch: 'x64', env: winEnv, ...fsOf([kitX64, kitArm]) })).toBe(kitX64);
  });

  it('accepts the Debuggers folder itself for --cdb', () => {
    const dir = 'C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x64';
    expect(locateCdb({ platform: 'win32', cdbPath: dir, env: {}, ...fsOf([kitX64], [dir]) })).toBe(kitX64);
  });

  it('an explicit path that does not exist throws; nothing found returns null', () => {
    expect(() => locateCdb({ platform: 'win32', cdbPath: 'Z:\\cdb.exe', env: winEnv, ...fsOf([kitX64]) })).toThrow(AnalyzeError);
    expect(() => locateCdb({ platform: 'linux', env: { ANALYZE_CDB: '/opt/nothing/cdb' }, ...fsOf([]) })).toThrow(/ANALYZE_CDB names \/opt\/nothing\/cdb/);
    expect(locateCdb({ platform: 'win32', arch: 'x64', env: winEnv, ...fsOf([]) })).toBeNull();
  });

  it('on Linux/macOS only PATH is searched (a wine wrapper named cdb works)', () => {
    expect(locateCdb({ platform: 'linux', env: { PATH: '/usr/bin:/opt/wine/bin' }, ...fsOf(['/opt/wine/bin/cdb', kitX64]) })).toBe('/opt/wine/bin/cdb');
    expect(locateCdb({ platform: 'darwin', env: { PATH: '/usr/bin' }, ...fsOf([kitX64]) })).toBeNull();
  });
});

describe('looksLikeAnalyzeText', () => {
  it('recognises the banner, summaries, key blocks and prompt lines', () => {
    expect(looksLikeAnalyzeText('*******\n*    Bugcheck Analysis    *\n*******')).toBe(true);
    expect(looksLikeAnalyzeText('BugCheck 1E, {c0000005, 8051c5e6, 0, 0}\n')).toBe(true);
    expect(looksLikeAnalyzeText('Probably caused by : ntkrnlmp.exe ( nt!KiTrap0E+2a )')).toBe(true);
    expect(looksLikeAnalyzeText('IMAGE_NAME:  a.sys\n\nMODULE_NAME: a\n')).toBe(true);
  });

  it('rejects dumps, binary data and ordinary text that merely mentions !analyze', () => {
    expect(looksLikeAnalyzeText(Buffer.from('PAGEDU64\u0000\u0000\u0000IMAGE_NAME: x\nMODULE_NAME: y'))).toBe(false);
    expect(looksLikeAnalyzeText(Buffer.from('MDMP\u0093\u00a7\u0000\u0000'))).toBe(false);
    expect(looksLikeAnalyzeText(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 32)))).toBe(false);
    expect(looksLikeAnalyzeText('To analyse a crash run !analyze -v in WinDbg.\nIMAGE_NAME is the culprit.')).toBe(false);
  });

  it('reads UTF-16LE logs (cdb -logou) and CRLF pastes', () => {
    const text = '0: kd> !analyze -v\r\nBUGCHECK_CODE:  d1\r\n\r\nIMAGE_NAME:  myfault.sys\r\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(looksLikeAnalyzeText(utf16)).toBe(true);
    const r = parseAnalyzeText(utf16.toString('utf8'));
    expect(r.bugcheck?.code).toBe('0x000000D1');
    expect(r.imageName).toBe('myfault.sys');
  });

  it('a head of blank lines is decided in linear time (was 35 s for 64 KB of newlines)', () => {
    for (const head of [Buffer.from('\n'.repeat(128 * 1024)), Buffer.from(' \n'.repeat(64 * 1024)), Buffer.from('\t \n'.repeat(40 * 1024) + 'IMAGE_NAME: a.sys\nMODULE_NAME: a\n')]) {
      const started = Date.now();
      const verdict = looksLikeAnalyzeText(head);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(verdict).toBe(head.includes('IMAGE_NAME'));
    }
  });
});

describe('parseAnalyzeText on hostile or empty input', () => {
  it('an empty text is a report of nulls with a warning, never a throw', () => {
    const r = parseAnalyzeText('');
    expect(r.bugcheck).toBeNull();
    expect(r.exception).toBeNull();
    expect(r.stack).toEqual([]);
    expect(r.warnings).toContainEqual({ code: 'DUMP_TEXT_NO_FACTS', message: expect.stringMatching(/no bugcheck, exception or culprit/) });
  });

  it('a 2 MB line of spaces and a runaway stack stay linear and bounded', () => {
    const frames = Array.from({ length: 1000 }, (_, i) => `ffff8689\`0c47e3c8 fffff803\`6f2e25dd : 0 0 0 0 : mod!f${i}+0x1`).join('\n');
    const text = `BUGCHECK_CODE: 1e\n${' '.repeat(2_000_000)}x\nSTACK_TEXT:\n${frames}\n`;
    const started = Date.now();
    const r = parseAnalyzeText(text);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.stack).toHaveLength(256);
    expect(r.warnings).toContainEqual({ code: 'DUMP_TEXT_STACK_CUT', message: expect.stringMatching(/more than 256 frames/) });
  });

  it('sources that disagree on the bugcheck code are flagged', () => {
    const r = parseAnalyzeText('KMODE_EXCEPTION_NOT_HANDLED (1e)\nBUGCHECK_CODE: 7e\n');
    expect(r.bugcheck?.code).toBe('0x0000007E');
    expect(r.warnings).toContainEqual({ code: 'DUMP_TEXT_CONFLICT', message: expect.stringMatching(/the name line says bugcheck 0x0000001E/) });
  });

  it('a 1000007e summary gets the _M name from the tables', () => {
    const r = parseAnalyzeText('BugCheck 1000007E, {ffffffffc0000005, fffff8048b58334c, ffff8d8d6b7d7d88, ffff8d8d6b7d75c0}\n\nProbably caused by : amdppm.sys ( amdppm!WriteIoMemRawEx+112 )\n');
    expect(r.bugcheck).toEqual({
      code: '0x1000007E',
      name: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M',
      parameters: ['0xffffffffc0000005', '0xfffff8048b58334c', '0xffff8d8d6b7d7d88', '0xffff8d8d6b7d75c0'],
    });
    expect(r.exception?.code).toBe('0xC0000005');
    expect(r.exception?.address).toBe('0xfffff8048b58334c');
    expect(r.culprit?.module).toBe('amdppm.sys');
    expect(r.moduleName).toBe('amdppm');
  });
});
