import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { corpusPath } from '../helpers/corpus.js';
import {
  bugcheckFamily,
  bugcheckName,
  exceptionName,
  fastFailName,
  hresultName,
  ntstatusName,
  tables,
  type CodeTable,
} from '../../src/tables/index.js';
import { decodeHresult } from '../../src/codes/decode.js';
import { findByName } from '../../src/codes/lookup.js';

// The generated tables, checked against the source files they were generated from (fixtures/corpus).
interface Entry {
  value: string | number;
  name: string;
  message?: string;
  enum?: string;
  facility?: number;
  code?: number;
  severity?: string;
}
const codes = (file: string): Entry[] => (JSON.parse(readFileSync(corpusPath('windows', 'codes', file), 'utf8')) as { entries: Entry[] }).entries;
const u32 = (v: string | number) => (typeof v === 'number' ? v : Number.parseInt(v.replace(/^0x/i, ''), 16)) >>> 0;
const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

/** About SAMPLE entries spread evenly over the file (deterministic), plus the first and last. */
const SAMPLE = 300;
function sample<T>(list: T[]): T[] {
  const step = Math.max(1, Math.floor(list.length / SAMPLE));
  const out = list.filter((_, i) => i % step === 0);
  if (list.length) out.push(list[list.length - 1]!);
  return out;
}

function namesOf(t: CodeTable, v: number): string[] {
  const e = t.get(v);
  return e ? [e.name, ...e.aliases] : [];
}

describe('generated tables vs the source files in fixtures/corpus', () => {
  it.each([
    ['hresults_msdocs.json', tables.hresult],
    ['win32_errors_msdocs.json', tables.win32],
    ['wu_errors_msdocs.json', tables.wu],
  ] as const)('%s: a sample of entries has the same primary name and message (Microsoft Docs wins)', (file, table) => {
    const entries = codes(file);
    const dupes = new Set(entries.map((e) => u32(e.value)).filter((v, i, a) => a.indexOf(v) !== i));
    const picked = sample(entries);
    expect(picked.length).toBeGreaterThan(Math.min(entries.length, 200));
    for (const e of picked) {
      const got = table.get(u32(e.value));
      expect(got).toBeDefined();
      if (dupes.has(u32(e.value))) expect([got!.name, ...got!.aliases]).toContain(e.name);
      else expect(got!.name).toBe(e.name);
      expect(got!.message).toBe(clean(e.message!));
    }
  });

  it.each([
    ['hresults_mingw.json', tables.hresult],
    ['win32_errors_mingw.json', tables.win32],
    ['wuerror_mingw.json', tables.wu],
    ['ntstatus_mingw.json', tables.ntstatus],
  ] as const)('%s: every sampled name is the primary name or an alias of its value', (file, table) => {
    for (const e of sample(codes(file))) expect(namesOf(table, u32(e.value))).toContain(e.name);
  });

  it('minidump_rust.json: NTSTATUS, Win32, exception and fast-fail names are all present', () => {
    const rust = codes('minidump_rust.json');
    const by = (en: string) => rust.filter((e) => e.enum === en);
    const nt = sample(by('NtStatusWindows'));
    expect(nt.length).toBeGreaterThan(250);
    for (const e of nt) expect(ntstatusName(u32(e.value))).toBe(e.name); // rust-minidump is the NTSTATUS primary
    for (const e of sample(by('WinErrorWindows'))) expect(namesOf(tables.win32, u32(e.value))).toContain(e.name);
    for (const e of by('ExceptionCodeWindows')) expect(exceptionName(u32(e.value))).toBe(e.name);
    for (const e of by('FastFailCode')) expect(fastFailName(u32(e.value))).toBe(e.name);
  });

  it('bugchecks_msdocs.json: every bugcheck has its documented name and page', () => {
    const entries = codes('bugchecks_msdocs.json') as Array<Entry & { doc: string }>;
    expect(entries.length).toBe(378);
    for (const e of entries) {
      expect(bugcheckName(u32(e.value))).toBe(e.name);
      expect(tables.bugcheck.get(u32(e.value))!.extra).toBe(e.doc.replace(/\.md$/, ''));
    }
  });

  it('dumps/tables: the dump readers\' NTSTATUS and bugcheck maps agree with the shared tables', () => {
    const dump = JSON.parse(readFileSync(corpusPath('dumps', 'tables', 'ntstatus-exception-fastfail.rust-minidump.json'), 'utf8')) as {
      ntstatus: Record<string, string>;
      exception_codes: Record<string, string>;
    };
    for (const [v, n] of sample(Object.entries(dump.ntstatus))) expect(namesOf(tables.ntstatus, u32(v))).toContain(n);
    for (const [v, n] of Object.entries(dump.exception_codes)) expect(exceptionName(u32(v))).toBe(n);
    const bc = JSON.parse(readFileSync(corpusPath('dumps', 'tables', 'bugcheck-codes.msdocs.json'), 'utf8')) as { codes: Record<string, { name: string }> };
    for (const [v, e] of Object.entries(bc.codes)) expect(bugcheckName(u32(v))).toBe(e.name);
  });

  it('the HRESULT field decoding matches the facility/code/severity the source files record', () => {
    for (const e of sample(codes('hresults_msdocs.json'))) {
      const f = decodeHresult(u32(e.value));
      // The files decode 13 facility bits (winerror.h HRESULT_FACILITY); ours are the 11 MS-ERREF defines.
      expect(f.facility.value).toBe(e.facility! & 0x7ff);
      expect(f.code).toBe(e.code);
      expect(f.severity).toBe(e.severity);
    }
  });
});

describe('table lookups', () => {
  it('bugcheck family: 0x1000007E has its own documented name and belongs to 0x7E', () => {
    expect(bugcheckName(0x7e)).toBe('SYSTEM_THREAD_EXCEPTION_NOT_HANDLED');
    expect(bugcheckName(0x1000007e)).toBe('SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M');
    expect(bugcheckFamily(0x1000007e)).toBe(0x7e);
    // Undocumented _M variant: falls back to the family name.
    expect(bugcheckName(0x10000050)).toBe('PAGE_FAULT_IN_NONPAGED_AREA');
    // 0xDEADDEAD has bit 28 set but is not a _M variant.
    expect(bugcheckFamily(0xdeaddead)).toBe(0xdeaddead);
    expect(bugcheckName(0xdeaddead)).toBe('MANUALLY_INITIATED_CRASH1');
  });

  it('signed and unsigned numbers are the same code; non-integers are not codes', () => {
    expect(ntstatusName(-1073740940)).toBe('STATUS_HEAP_CORRUPTION');
    expect(ntstatusName(0xc0000374)).toBe('STATUS_HEAP_CORRUPTION');
    expect(ntstatusName(1.5)).toBeUndefined();
    expect(hresultName(0x800b0001)).toBe('TRUST_E_PROVIDER_UNKNOWN');
    expect(hresultName(0x80070002)).toBe('ERROR_FILE_NOT_FOUND');
  });

  it('range markers never win over the real name (DRAGDROP_E_FIRST = DRAGDROP_E_NOTREGISTERED)', () => {
    expect(hresultName(0x80040100)).toBe('DRAGDROP_E_NOTREGISTERED');
    expect(tables.hresult.get(0x80040100)!.aliases).toContain('DRAGDROP_E_FIRST');
    expect(ntstatusName(0)).toBe('STATUS_SUCCESS');
  });

  it('S_OK and S_FALSE are the HRESULTs 0 and 1 (winerror.h), so hresultName knows them', () => {
    expect(hresultName(0)).toBe('S_OK');
    expect(hresultName(1)).toBe('S_FALSE');
  });

  it('ReactOS banner strings in bugcodes.h are not bugchecks', () => {
    expect(bugcheckName(0x4000007e)).toBeUndefined();
    expect(bugcheckName(0x8000007f)).toBeUndefined();
  });
});

describe('bugcheck messages (ReactOS texts from mingw bugcodes.h, first line only)', () => {
  const mingw = codes('bugcodes_mingw.json') as Array<Entry & { approxMessage?: string }>;
  const microsoft = codes('bugchecks_msdocs.json');
  const withMessage = [...tables.bugcheck.entries()].filter((e) => e.message !== undefined);

  it('no message ends mid-sentence (0x1E was "... If a driver is", 0x7B "... Remove any newly installed")', () => {
    expect(withMessage.length).toBeGreaterThan(10);
    for (const e of withMessage) expect(`0x${e.value.toString(16)} ${e.message}`).toMatch(/[.!?]$/);
    for (const code of [0x14, 0x1e, 0x23, 0x3f, 0x7b, 0xa5, 0xe4, 0xfa]) expect(tables.bugcheck.get(code)!.message).toBeUndefined();
  });

  it('0xEF, 0xFA and 0xC5 carry no wrong text, and 0xFA is not named after 0xDF', () => {
    for (const code of [0xef, 0xfa, 0xc5]) expect(tables.bugcheck.get(code)!.message).toBeUndefined();
    expect(tables.bugcheck.get(0xfa)).toMatchObject({ name: 'HTTP_DRIVER_CORRUPTED', aliases: [] });
    expect(findByName('IMPERSONATING_WORKER_THREAD')).toEqual([]);
    // The one row whose mingw name is a spelling of Microsoft's keeps it as an alias.
    expect(tables.bugcheck.get(0x1d)!.aliases).toEqual(['NO_SPINLOCK_AVAILABLE']);
  });

  it('every kept message is the source text of a row that mingw and Microsoft name alike', () => {
    for (const e of withMessage) {
      const source = mingw.find((m) => u32(m.value) === e.value)!;
      expect(clean(source.approxMessage!)).toBe(e.message);
      expect(microsoft.filter((m) => u32(m.value) === e.value).map((m) => m.name)).toContain(source.name);
    }
    expect(tables.bugcheck.get(0xf4)!.message).toBe('A process or thread crucial to system operation has unexpectedly exited or been terminated.');
  });
});
