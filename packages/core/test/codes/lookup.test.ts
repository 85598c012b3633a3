import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import { hex32, lookupCode, parseCodeInput, REMEDIES, searchCodes } from '../../src/codes/index.js';

const first = (input: string) => lookupCode(input).interpretations[0]!;

describe('parseCodeInput', () => {
  it.each([
    ['0x800B0001', 0x800b0001, 'hex'],
    ['800B0001', 0x800b0001, 'hex'],
    ['800b0001', 0x800b0001, 'hex'],
    ['-2146762751', 0x800b0001, 'decimal'],
    ['2148204545', 0x800b0001, 'decimal'],
    ['c0000374', 0xc0000374, 'hex'],
    ['0x7E', 0x7e, 'hex'],
    ['7E', 0x7e, 'hex'],
    ['00000050', 0x50, 'hex'],
    ['80070005', 0x80070005, 'hex'],
    ['1603', 1603, 'decimal'],
    ['0X0000000000000007E', 0x7e, 'hex'],
  ])('%s -> %d (%s first)', (text, value, notation) => {
    const p = parseCodeInput(text);
    expect(p.kind).toBe('number');
    if (p.kind === 'number') expect(p.readings[0]).toEqual({ value, notation, primary: true });
  });

  it.each([
    ['0xC0000005L', 0xc0000005],
    ['0xC0000005UL', 0xc0000005],
    ['0xc0000005lu', 0xc0000005],
    ['0x80070005u', 0x80070005],
    ['0x1EL', 0x1e],
  ])('the C literal %s is the same number as without its suffix', (text, value) => {
    expect(parseCodeInput(text)).toEqual(parseCodeInput(`0x${value.toString(16)}`));
    expect(lookupCode(text).interpretations).toEqual(lookupCode(`0x${value.toString(16)}`).interpretations);
  });

  it.each([['0xL'], ['0xUL'], ['0x1ELL'], ['0x1EUU'], ['0x1E L']])('a suffix alone or not one of C\'s (%p) is still malformed', (bad) => {
    expect(() => parseCodeInput(bad)).toThrow(UsageError);
  });

  it('a bare digit string is read both ways, the likelier first', () => {
    const p = parseCodeInput('1603');
    expect(p.kind === 'number' && p.readings.map((r) => r.value)).toEqual([1603, 0x1603]);
  });

  it.each([['0xZZ'], [''], ['   '], ['0x'], ['18446744073709551616'], ['0x10000000000000000'], ['-2147483649'], ['4294967296'], ['12-34'], ['0x7E!']])(
    'malformed %p throws a UsageError',
    (bad) => {
      expect(() => parseCodeInput(bad)).toThrow(UsageError);
    },
  );
});

describe('lookupCode: every code quoted in issue 10', () => {
  it('0x800B0001 in every spelling is TRUST_E_PROVIDER_UNKNOWN with the DISM remedy', () => {
    for (const s of ['0x800B0001', '800B0001', '800b0001', '-2146762751', '2148204545']) {
      const i = first(s);
      expect(i).toMatchObject({ kind: 'hresult', value: 0x800b0001, name: 'TRUST_E_PROVIDER_UNKNOWN', message: 'Unknown trust provider.', severity: 'error', code: 1 });
      expect(i.facility).toEqual({ value: 11, name: 'FACILITY_CERT' });
      expect(i.remedy!.steps.join(' ')).toMatch(/Scanhealth[\s\S]*Restorehealth[\s\S]*sfc \/scannow[\s\S]*System Update Readiness Tool/);
    }
  });

  it('0x80070005 is E_ACCESSDENIED and wraps Win32 error 5', () => {
    const i = first('0x80070005');
    expect(i.name).toBe('E_ACCESSDENIED');
    expect(i.facility).toEqual({ value: 7, name: 'FACILITY_WIN32' });
    expect(i.wraps).toEqual({ kind: 'win32', value: 5, name: 'ERROR_ACCESS_DENIED', message: 'Access is denied.' });
    expect(i.remedy).toBeDefined();
  });

  it('a FACILITY_WIN32 HRESULT with no name of its own is named after the Win32 error', () => {
    const i = first('0x80070643');
    expect(i.name).toBe('HRESULT_FROM_WIN32(ERROR_INSTALL_FAILURE)');
    expect(i.message).toBe('Fatal error during installation.');
  });

  it('0x0000007E, 0x7E, 7E and 0x1000007E are the same bugcheck family', () => {
    for (const s of ['0x0000007E', '0x7E', '7E']) expect(first(s)).toMatchObject({ kind: 'bugcheck', name: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED', family: 0x7e });
    expect(first('0x1000007E')).toMatchObject({ kind: 'bugcheck', name: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M', family: 0x7e });
    // Written in hex, 0x7E is a bugcheck first; the Win32 error 126 still shows.
    expect(lookupCode('7E').interpretations.map((i) => i.kind)).toEqual(['bugcheck', 'win32']);
    // Written in decimal, 126 is a Win32 error first.
    expect(first('126')).toMatchObject({ kind: 'win32', name: 'ERROR_MOD_NOT_FOUND' });
  });

  it('ambiguous small values: 0x5 and 5 are ERROR_ACCESS_DENIED first, 0xA / 0x0000000A IRQL_NOT_LESS_OR_EQUAL first; both readings always shown', () => {
    const kinds = (s: string) => lookupCode(s).interpretations.map((i) => `${i.kind}:${i.name}`);
    expect(kinds('0x5')).toEqual(['win32:ERROR_ACCESS_DENIED', 'bugcheck:INVALID_PROCESS_ATTACH_ATTEMPT']);
    expect(kinds('5')).toEqual(['win32:ERROR_ACCESS_DENIED', 'bugcheck:INVALID_PROCESS_ATTACH_ATTEMPT']);
    expect(kinds('0x0000000A').slice(0, 2)).toEqual(['bugcheck:IRQL_NOT_LESS_OR_EQUAL', 'win32:ERROR_BAD_ENVIRONMENT']);
    expect(kinds('0xA').slice(0, 2)).toEqual(['bugcheck:IRQL_NOT_LESS_OR_EQUAL', 'win32:ERROR_BAD_ENVIRONMENT']);
  });

  it('0xC0000005: NTSTATUS first, then the exception code; 0x80070005 is the HRESULT wrapping it as Win32 5', () => {
    expect(lookupCode('0xC0000005').interpretations.map((i) => `${i.kind}:${i.name}`)).toEqual(['ntstatus:STATUS_ACCESS_VIOLATION', 'exception:EXCEPTION_ACCESS_VIOLATION']);
  });

  it('Windows Update 0x8024402C and 0x80240017 are WU_E_* first; 0x8024402C has the name-resolution remedy of its Microsoft page', () => {
    const nr = first('0x8024402C');
    expect(nr).toMatchObject({ kind: 'windows-update', name: 'WU_E_PT_WINHTTP_NAME_NOT_RESOLVED' });
    expect(nr.remedy!.steps.join(' ')).toMatch(/nslookup[\s\S]*WSUS/);
    expect(nr.remedy!.sources[0]!.url).toMatch(/error-0x8024402c/);
    expect(first('0x80240017')).toMatchObject({ kind: 'windows-update', name: 'WU_E_NOT_APPLICABLE' });
  });

  it('c0000374 is STATUS_HEAP_CORRUPTION (NTSTATUS, severity error)', () => {
    expect(first('c0000374')).toMatchObject({ kind: 'ntstatus', name: 'STATUS_HEAP_CORRUPTION', severity: 'error', code: 0x374 });
  });

  it('Windows Update 0x8024xxxx codes are WU_E_* first', () => {
    expect(first('0x80240022')).toMatchObject({ kind: 'windows-update', name: 'WU_E_ALL_UPDATES_FAILED' });
    expect(first('0x80240022').remedy).toBeDefined();
  });

  it('an exception code: 0xC0000005 reads as EXCEPTION_ACCESS_VIOLATION and STATUS_ACCESS_VIOLATION', () => {
    const kinds = lookupCode('0xC0000005').interpretations.map((i) => `${i.kind}:${i.name}`);
    expect(kinds).toContain('exception:EXCEPTION_ACCESS_VIOLATION');
    expect(kinds).toContain('ntstatus:STATUS_ACCESS_VIOLATION');
  });

  it('HRESULT_FROM_NT: 0xD0000022 wraps STATUS_ACCESS_DENIED', () => {
    expect(first('0xD0000022')).toMatchObject({ kind: 'hresult', name: 'HRESULT_FROM_NT(STATUS_ACCESS_DENIED)' });
  });

  it('CBS codes named by the remedies table only: 0x800F081F CBS_E_SOURCE_MISSING', () => {
    expect(first('0x800F081F')).toMatchObject({ kind: 'hresult', name: 'CBS_E_SOURCE_MISSING', known: true });
  });

  it('unknown codes still get decoded fields', () => {
    const l = lookupCode('0xC0FF1234');
    expect(l.interpretations.every((i) => !i.known)).toBe(true);
    expect(l.interpretations[0]).toMatchObject({ kind: 'ntstatus', name: null, severity: 'error', code: 0x1234, facility: { value: 0x0ff, name: null } });
    expect(l.interpretations[1]).toMatchObject({ kind: 'hresult', severity: 'error' });
  });

  it('names look up exactly, unknown names are usage errors', () => {
    expect(first('e_accessdenied')).toMatchObject({ kind: 'hresult', value: 0x80070005 });
    expect(() => lookupCode('NOT_A_REAL_CODE_NAME')).toThrow(UsageError);
  });

  it('S_OK and S_FALSE (winerror.h) are the success HRESULTs 0 and 1, listed beside the other readings of 0x0 and 0x1', () => {
    expect(lookupCode('S_OK').interpretations).toEqual([expect.objectContaining({ kind: 'hresult', value: 0, name: 'S_OK', severity: 'success', known: true })]);
    expect(lookupCode('s_false').interpretations).toEqual([expect.objectContaining({ kind: 'hresult', value: 1, name: 'S_FALSE', severity: 'success', known: true })]);
    const kinds = (s: string) => lookupCode(s).interpretations.map((i) => `${i.kind}:${i.name}`);
    // Win32 first for 0x0-0x9 (WIN32_FIRST_HEX_MAX), as before; the HRESULT reading joins the others.
    expect(kinds('0x0')).toEqual(['win32:ERROR_SUCCESS', 'bugcheck:UNDEFINED_BUG_CODE', 'hresult:S_OK', 'ntstatus:STATUS_SUCCESS']);
    expect(kinds('0x00000001')).toEqual(['win32:ERROR_INVALID_FUNCTION', 'bugcheck:APC_INDEX_MISMATCH', 'hresult:S_FALSE', 'ntstatus:STATUS_WAIT_1']);
    expect(kinds('0')).toEqual(kinds('0x0'));
  });
});

describe('searchCodes', () => {
  it('finds by message words, name matches first', () => {
    const s = searchCodes('access denied');
    expect(s.total).toBeGreaterThan(5);
    expect(s.results.map((i) => i.name)).toContain('ERROR_ACCESS_DENIED');
    expect(s.results[0]!.name!.toLowerCase()).toContain('access');
  });
  it('"access denied": the generic E_/ERROR_/STATUS_ names come before component ones', () => {
    expect(searchCodes('access denied', 3).results.map((i) => i.name)).toEqual(['E_ACCESSDENIED', 'ERROR_ACCESS_DENIED', 'STATUS_ACCESS_DENIED']);
    expect(searchCodes('not found', 2).results.map((i) => i.name)).toEqual(['ERROR_NOT_FOUND', 'STATUS_NOT_FOUND']);
  });
  it('respects the limit and reports the total', () => {
    const s = searchCodes('error', 3);
    expect(s.results).toHaveLength(3);
    expect(s.total).toBeGreaterThan(3);
  });
  it('a word said many times is one word: 50,000 copies (16 s before) answer as one, at once', () => {
    const started = Date.now();
    const many = searchCodes('a '.repeat(50_000) + 'access denied', 5); // 'a' is in nearly every entry
    expect(Date.now() - started).toBeLessThan(5_000); // generous: ~0.1 s here; the old way took 16 s
    expect(many).toEqual({ ...searchCodes('a access denied', 5), query: many.query });
  });
  it('a code named by a table and a remedy is listed once', () => {
    const all = searchCodes('e', Number.MAX_SAFE_INTEGER);
    const keys = all.results.map((i) => `${i.kind} ${i.value}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(all.total).toBe(all.results.length);
    expect(all.total).toBeGreaterThan(5_000);
  });
});

describe('remedies table', () => {
  it('every remedy cites at least one public source and has steps', () => {
    for (const r of REMEDIES) {
      expect(r.sources.length).toBeGreaterThan(0);
      for (const s of r.sources) expect(s.url).toMatch(/^https?:\/\//);
      expect(r.steps.length).toBeGreaterThan(0);
    }
  });
  it('has no duplicate (value, kind) pairs', () => {
    const keys = REMEDIES.map((r) => `${r.kind}:${hex32(r.value)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
