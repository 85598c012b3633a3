import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { AnalyzeError } from '../../src/errors.js';
import { isRegFile, parseRegFile, utf16z, utf16multi } from '../../src/windows/index.js';
import { corpusPath } from '../helpers/corpus.js';

const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

describe('.reg reader', () => {
  it("reads Microsoft's published ProfileList file (no blank lines between keys, unindented continuations)", () => {
    const reg = parseRegFile(readFileSync(corpusPath('windows', 'hives', 'reg', 'msdocs_kb2704233_Profilelist.reg')));
    expect(reg.format).toBe('REGEDIT5');
    expect(reg.warnings).toEqual([]);
    expect(reg.keys.map((k) => k.path.split('\\').pop())).toEqual(['S-1-5-18', 'S-1-5-19', 'S-1-5-20']);
    const system = reg.keys[0]!;
    expect(system.values.map((v) => v.name)).toEqual(['Flags', 'State', 'RefCount', 'Sid', 'ProfileImagePath']);
    const path = system.values.find((v) => v.name === 'ProfileImagePath')!;
    expect(path.type).toBe(2);
    expect(utf16z(path.data!)).toBe('%systemroot%\\system32\\config\\systemprofile');
    expect(system.values.find((v) => v.name === 'Flags')!.data!.readUInt32LE(0)).toBe(12);
  });

  it('reads UTF-16LE with BOM (reg export) and gives the same keys as the UTF-8 copy', () => {
    const a = parseRegFile(readFileSync(corpusPath('windows', 'hives', 'synthetic', 'synthetic_ProfileList_regexport_utf16le.reg')));
    const b = parseRegFile(readFileSync(corpusPath('windows', 'hives', 'synthetic', 'synthetic_ProfileList_utf8.reg')));
    expect(a.encoding).toBe('utf-16le');
    expect(b.encoding).toBe('utf-8');
    expect(a.keys.map((k) => [k.path, k.values.map((v) => [v.name, v.type, v.data?.toString('hex')])])).toEqual(
      b.keys.map((k) => [k.path, k.values.map((v) => [v.name, v.type, v.data?.toString('hex')])]),
    );
  });

  it('recognises the header in UTF-16LE (with and without BOM), UTF-8 with BOM, and REGEDIT4', () => {
    expect(isRegFile(utf16('Windows Registry Editor Version 5.00\r\n'))).toBe(true);
    expect(isRegFile(Buffer.from('Windows Registry Editor Version 5.00\r\n', 'utf16le'))).toBe(true);
    expect(isRegFile(Buffer.from('\ufeffWindows Registry Editor Version 5.00\n', 'utf8'))).toBe(true);
    expect(isRegFile(Buffer.from('REGEDIT4\r\n'))).toBe(true);
    expect(isRegFile(Buffer.from('regf\0\0\0\0'))).toBe(false);
  });

  it('accepts the spacing regedit accepts, escapes, hex continuations, dword/hex(7)/hex(b), @ and deletions', () => {
    const text = [
      'Windows Registry Editor Version 5.00',
      '; a comment',
      '   [HKEY_LOCAL_MACHINE\\SOFTWARE\\Test]   ',
      '@="default"',
      '"Quoted \\"name\\""  =  "C:\\\\Users\\\\x"',
      '"Multi"=hex(7):61,00,00,00,62,00,00,00,\\',
      '  00,00',
      '"Q"=hex(b):01,00,00,00,00,00,00,00',
      '"D" = dword:0000ABCD',
      '"Gone"=-',
      '[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Old]',
    ].join('\n');
    const reg = parseRegFile(Buffer.from(text));
    expect(reg.warnings).toEqual([]);
    const [k, old] = reg.keys;
    expect(k!.path).toBe('HKEY_LOCAL_MACHINE\\SOFTWARE\\Test');
    const byName = new Map(k!.values.map((v) => [v.name, v]));
    expect(utf16z(byName.get('')!.data!)).toBe('default');
    expect(utf16z(byName.get('Quoted "name"')!.data!)).toBe('C:\\Users\\x');
    expect(utf16multi(byName.get('Multi')!.data!)).toEqual(['a', 'b']);
    expect(byName.get('Q')!.type).toBe(11);
    expect(byName.get('D')!.data!.readUInt32LE(0)).toBe(0xabcd);
    expect(byName.get('Gone')!.data).toBeNull();
    expect(old!.deleted).toBe(true);
  });

  it('REGEDIT4: string hex types are ANSI and are stored as UTF-16LE like a hive', () => {
    const reg = parseRegFile(Buffer.from('REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\X]\r\n"P"=hex(2):43,3a,5c,00\r\n'));
    expect(reg.format).toBe('REGEDIT4');
    expect(utf16z(reg.keys[0]!.values[0]!.data!)).toBe('C:\\');
  });

  it('skips lines it cannot read with a coded warning naming the line', () => {
    const reg = parseRegFile(Buffer.from('Windows Registry Editor Version 5.00\n"early"="x"\n[K]\n"a"=dword:xyz\ngarbage\n"b"=hex:1,2,zz\n"ok"=dword:1\n'));
    expect(reg.warnings.map((w) => w.code)).toEqual(['REGFILE_VALUE_OUTSIDE_KEY', 'REGFILE_BAD_LINE', 'REGFILE_BAD_LINE', 'REGFILE_BAD_LINE']);
    expect(reg.warnings[1]!.message).toMatch(/^line 4:/);
    expect(reg.keys[0]!.values.map((v) => v.name)).toEqual(['ok']);
  });

  it('a large binary value continued over 10,000 lines is joined in linear time, every byte kept', () => {
    const row = '  00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,16,17,18';
    const text = `Windows Registry Editor Version 5.00\r\n[K]\r\n"Big"=hex:${Array(10_000).fill(row).join(',\\\r\n')}\r\n"after"=dword:7\r\n`;
    const t0 = Date.now();
    const reg = parseRegFile(Buffer.from(text));
    expect(Date.now() - t0).toBeLessThan(2000);
    const [big, after] = reg.keys[0]!.values;
    expect(big!.data!.length).toBe(250_000);
    expect(big!.data![249_999]).toBe(0x18);
    expect(after!.data!.readUInt32LE(0)).toBe(7);
    expect(reg.warnings).toEqual([]);
  });

  it('an export cut short is said to be (REGFILE_TRUNCATED at the end; an error with strict), a whole one is not', () => {
    const whole = readFileSync(corpusPath('windows', 'hives', 'reg', 'msdocs_kb2704233_Profilelist.reg'));
    expect(parseRegFile(whole).warnings).toEqual([]);
    // cut inside a hex(2) list that goes on: the value would read as a shorter path
    const text = whole.toString('latin1');
    const at = text.indexOf(',', text.indexOf('"ProfileImagePath"=hex(2):')) + 1;
    const cut = parseRegFile(whole.subarray(0, at));
    expect(cut.warnings).toEqual([expect.objectContaining({ code: 'REGFILE_TRUNCATED', offset: at, message: expect.stringMatching(/^the file ends inside the hex value of line \d+/) })]);
    expect(() => parseRegFile(whole.subarray(0, at), { strict: true })).toThrow(expect.objectContaining({ code: 'REGFILE_TRUNCATED' }) as unknown as Error);
    // cut inside a string value with nothing to say it goes on (after a hex pair): no closing NUL and no line break
    const second = text.indexOf('43,00,3a', text.indexOf('S-1-5-19]')) + 8;
    for (const end of [at + 2, second]) {
      expect(parseRegFile(whole.subarray(0, end)).warnings).toEqual([expect.objectContaining({ code: 'REGFILE_TRUNCATED', offset: end, message: expect.stringMatching(/^the file ends inside the string value of line \d+ \(no closing NUL, no line break\)/) })]);
    }
    // a whole value without the last line break (a hand-written file) is not a cut
    expect(parseRegFile(whole.subarray(0, text.lastIndexOf('00,00') + 5)).warnings).toEqual([]);
    // UTF-16 cut at an odd byte, after a complete line
    const u16 = utf16('Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\X]\r\n"A"=dword:00000001\r\n');
    expect(parseRegFile(u16).warnings).toEqual([]);
    expect(parseRegFile(u16.subarray(0, u16.length - 1)).warnings.map((w) => w.code)).toEqual(['REGFILE_TRUNCATED']);
  });

  it('refuses a file without a .reg header', () => {
    expect(() => parseRegFile(Buffer.from('hello\n'))).toThrow(AnalyzeError);
    expect(() => parseRegFile(Buffer.from('hello\n'))).toThrow(expect.objectContaining({ code: 'REGFILE_NOT_REG' }) as unknown as Error);
  });
});
