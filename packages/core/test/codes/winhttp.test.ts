import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { corpusPath } from '../helpers/corpus.js';
import { lookupCode } from '../../src/codes/index.js';
import { tables, win32Name } from '../../src/tables/index.js';

// WinHTTP (and WinINet) errors 12001-12192: the Windows Update network failures 0x80072EE2, 0x80072EFD, 0x80072EFE,
// 0x80072F8F wrap them. Source: fixtures/corpus/windows/codes/winhttp_errors_msdocs.json (Microsoft's WinHTTP and
// WinINet "Error Messages" pages), added to the win32 table after the system error code sources.

const first = (input: string) => lookupCode(input).interpretations[0]!;

interface Entry {
  value: number;
  name: string;
  message?: string;
  header: 'winhttp.h' | 'wininet.h';
}
const source = (JSON.parse(readFileSync(corpusPath('windows', 'codes', 'winhttp_errors_msdocs.json'), 'utf8')) as { entries: Entry[] }).entries;

describe('WinHTTP errors in the win32 table', () => {
  it('0x80072EE2 is known and wraps Win32 12002 ERROR_WINHTTP_TIMEOUT with its message', () => {
    const i = first('0x80072EE2');
    expect(i).toMatchObject({ kind: 'hresult', value: 0x80072ee2, known: true, name: 'HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT)' });
    expect(i.wraps).toMatchObject({ kind: 'win32', value: 12002, name: 'ERROR_WINHTTP_TIMEOUT' });
    expect(i.wraps!.message).toMatch(/^The request has timed out\./);
    expect(i.remedy).toBeDefined(); // the cited Windows Update remedy is still attached
  });

  it('the name ERROR_WINHTTP_TIMEOUT looks up 12002 (it was "no code has this name")', () => {
    expect(first('ERROR_WINHTTP_TIMEOUT')).toMatchObject({ kind: 'win32', value: 12002, name: 'ERROR_WINHTTP_TIMEOUT', known: true });
  });

  it('the WinINet name of the same number is an alias: ERROR_INTERNET_TIMEOUT is 12002 too', () => {
    expect(tables.win32.get(12002)!.aliases).toContain('ERROR_INTERNET_TIMEOUT');
    expect(first('ERROR_INTERNET_TIMEOUT')).toMatchObject({ kind: 'win32', value: 12002, name: 'ERROR_WINHTTP_TIMEOUT' });
  });

  it.each([
    ['12029', 12029, 'ERROR_WINHTTP_CANNOT_CONNECT'],
    ['12175', 12175, 'ERROR_WINHTTP_SECURE_FAILURE'],
  ])('decimal %s is Win32 %d %s', (input, value, name) => {
    expect(first(input)).toMatchObject({ kind: 'win32', value, name, known: true });
    expect(first(input).message).toBeTruthy();
  });

  it.each([
    ['0x80072EFD', 12029, 'ERROR_WINHTTP_CANNOT_CONNECT'],
    ['0x80072EFE', 12030, 'ERROR_WINHTTP_CONNECTION_ERROR'],
    ['0x80072F8F', 12175, 'ERROR_WINHTTP_SECURE_FAILURE'],
  ])('%s wraps Win32 %d %s and is known', (input, value, name) => {
    const i = first(input);
    expect(i.known).toBe(true);
    expect(i.wraps).toMatchObject({ kind: 'win32', value, name });
    expect(i.wraps!.message).toBeTruthy();
  });

  it('existing Win32 codes are unchanged: 5 is still ERROR_ACCESS_DENIED, "Access is denied."', () => {
    expect(first('5')).toMatchObject({ kind: 'win32', value: 5, name: 'ERROR_ACCESS_DENIED', message: 'Access is denied.' });
    expect(win32Name(5)).toBe('ERROR_ACCESS_DENIED');
  });

  it('every row of the source file is in the table: WinHTTP names primary, WinINet names primary or alias, Docs message of the first row', () => {
    const firstRow = new Map<number, Entry>();
    for (const e of source) if (!firstRow.has(e.value)) firstRow.set(e.value, e);
    for (const e of source) {
      const got = tables.win32.get(e.value)!;
      expect(got).toBeDefined();
      expect([got.name, ...got.aliases]).toContain(e.name);
      if (e.header === 'winhttp.h') expect(got.name).toBe(e.name);
    }
    for (const [v, e] of firstRow) if (e.message && v !== 12175) expect(tables.win32.get(v)!.message).toBe(e.message.replace(/\s+/g, ' ').trim());
    expect(source.filter((e) => e.header === 'winhttp.h').every((e) => e.name.startsWith('ERROR_WINHTTP_'))).toBe(true);
  });

  it('12175 means a certificate failure in WinHTTP and a decoding failure in WinINet: its message gives both, each named', () => {
    const m = first('12175').message!;
    expect(m).toMatch(/^WinHTTP \(ERROR_WINHTTP_SECURE_FAILURE\): One or more errors were found in the Secure Sockets Layer \(SSL\) certificate sent by the server\./);
    expect(m).toMatch(/ WinINet \(ERROR_INTERNET_DECODING_FAILED\): WinINet failed to perform content decoding on the response\./);
    expect(first('0x80072F8F').wraps!.message).toBe(m);
  });
});
