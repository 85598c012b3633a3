import { describe, expect, it } from '@jest/globals';
import { CODE_STDIN_CAP } from '../../src/caps.js';
import { main } from '../../src/main.js';
import { codeSpec } from '../../src/commands/code/spec.js';
import { captureIo } from '../helpers/io.js';

async function runCode(...argv: string[]) {
  return runCodeWith(undefined, ...argv);
}

async function runCodeWith(stdin: Buffer | undefined, ...argv: string[]) {
  const io = captureIo(stdin === undefined ? {} : { stdin });
  const exit = await main(['code', ...argv], io, [codeSpec]);
  return { exit, out: io.stdout, err: io.stderr };
}

describe('analyze code', () => {
  it('- reads the codes from standard input, in its place among the others; nothing there is a usage error', async () => {
    const r = await runCodeWith(Buffer.from('0xC0000005\r\n7B, 0x800F0922;\n'), '0x7E', '-', '--json');
    expect(r.exit).toBe(0);
    const docs = JSON.parse(r.out) as Array<{ input: string; known: boolean }>;
    expect(docs.map((d) => d.input)).toEqual(['0x7E', '0xC0000005', '7B', '0x800F0922']);
    expect(docs.every((d) => d.known)).toBe(true);
    const bad = await runCodeWith(Buffer.from('0xZZ\n'), '-');
    expect(bad.exit).toBe(2);
    expect(bad.err).toContain('0xZZ: not a hexadecimal number');
    const none = await runCodeWith(Buffer.from(' \n'), '-');
    expect(none.exit).toBe(2);
    expect(none.err).toContain('no code on standard input');
    const endless = await runCodeWith(Buffer.alloc(CODE_STDIN_CAP + 1, 0x41), '-', '--json');
    expect(endless.exit).toBe(2);
    expect(JSON.parse(endless.out)).toMatchObject({ error: { code: 'STDIN_TOO_LARGE' } });
  });

  it('a code given twice is answered once; a word of a megabyte is quoted cut in its error', async () => {
    const r = await runCodeWith(Buffer.from('0x7E 5 0x7E\n5\n'), '5', '-', '--json');
    expect(r.exit).toBe(0);
    expect((JSON.parse(r.out) as Array<{ input: string }>).map((d) => d.input)).toEqual(['5', '0x7E']);
    const long = await runCodeWith(Buffer.from(`0x${'f'.repeat(CODE_STDIN_CAP - 10)}`), '-');
    expect(long.exit).toBe(2);
    expect(long.err).toMatch(/^analyze: 0xf{62}\.\.\. \(1,048,568 characters\): more than 32 bits/);
    expect(long.err.length).toBeLessThan(300);
    const name = await runCode('A_'.repeat(5000));
    expect(name.err).toContain('(10,000 characters): no code has this name (try --search A_A_');
    expect(name.err.length).toBeLessThan(400);
  });

  it('the stop codes most asked about print no cut or borrowed ReactOS text: 0x1E, 0x7B, 0xEF, 0xFA, 0xC5', async () => {
    const r = await runCode('0x1E', '0x7B', '0xEF', '0xFA', '0xC5', '--json');
    expect(r.exit).toBe(0);
    const docs = JSON.parse(r.out) as Array<{ interpretations: Array<{ kind: string; name: string; message: string | null; docUrl?: string }> }>;
    const bugchecks = docs.map((d) => d.interpretations.find((i) => i.kind === 'bugcheck')!);
    expect(bugchecks.map((b) => b.name)).toEqual(['KMODE_EXCEPTION_NOT_HANDLED', 'INACCESSIBLE_BOOT_DEVICE', 'CRITICAL_PROCESS_DIED', 'HTTP_DRIVER_CORRUPTED', 'DRIVER_CORRUPTED_EXPOOL']);
    for (const b of bugchecks) {
      expect(b.message).toBeNull();
      expect(b.docUrl).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    }
    const text = await runCode('0x1E', '0xFA');
    expect(text.out).not.toMatch(/If a driver is|impersonating/);
  });

  it('S_OK, S_FALSE and the C literal 0xC0000005L are read like the codes they stand for', async () => {
    const r = await runCode('S_OK', 'S_FALSE', '0xC0000005L', '0x1EUL', '--json');
    expect(r.exit).toBe(0);
    const docs = JSON.parse(r.out) as Array<{ input: string; interpretations: Array<{ kind: string; value: string; name: string }> }>;
    expect(docs.map((d) => [d.input, d.interpretations[0]!.kind, d.interpretations[0]!.value, d.interpretations[0]!.name])).toEqual([
      ['S_OK', 'hresult', '0x00000000', 'S_OK'],
      ['S_FALSE', 'hresult', '0x00000001', 'S_FALSE'],
      ['0xC0000005L', 'ntstatus', '0xC0000005', 'STATUS_ACCESS_VIOLATION'],
      ['0x1EUL', 'bugcheck', '0x0000001E', 'KMODE_EXCEPTION_NOT_HANDLED'],
    ]);
  });

  it('0x800B0001 prints TRUST_E_PROVIDER_UNKNOWN, its message and the DISM remedy (the issue\'s done-criterion)', async () => {
    const r = await runCode('0x800B0001');
    expect(r.exit).toBe(0);
    expect(r.out).toContain('TRUST_E_PROVIDER_UNKNOWN');
    expect(r.out).toContain('Unknown trust provider.');
    expect(r.out).toContain('DISM.exe /Online /Cleanup-image /Scanhealth');
    expect(r.out).toContain('/Restorehealth');
    expect(r.out).toContain('sfc /scannow');
    expect(r.out).toContain('System Update Readiness Tool');
    expect(r.out).toMatch(/facility 11 \(FACILITY_CERT\)/);
  });

  it('--json has input and interpretations with kind, value, name, message, facility and remedy', async () => {
    const r = await runCode('800b0001', '--json');
    expect(r.exit).toBe(0);
    const doc = JSON.parse(r.out) as { input: string; interpretations: Array<Record<string, unknown>> };
    expect(doc.input).toBe('800b0001');
    const first = doc.interpretations[0]!;
    expect(first).toMatchObject({ kind: 'hresult', value: '0x800B0001', name: 'TRUST_E_PROVIDER_UNKNOWN', message: 'Unknown trust provider.' });
    expect(first['facility']).toEqual({ value: 11, name: 'FACILITY_CERT' });
    expect((first['remedy'] as { steps: string[] }).steps.join('\n')).toContain('Restorehealth');
  });

  it('0x80070005 shows the Win32 error 5 it wraps', async () => {
    const r = await runCode('0x80070005');
    expect(r.exit).toBe(0);
    expect(r.out).toContain('E_ACCESSDENIED');
    expect(r.out).toContain('wraps Win32 error 5: ERROR_ACCESS_DENIED - Access is denied.');
  });

  it('several codes: one JSON array, decimal signed and unsigned forms agree', async () => {
    const r = await runCode('2148204545', 'c0000374', '0x7E', '7E', '--json');
    expect(r.exit).toBe(0);
    const docs = JSON.parse(r.out) as Array<{ interpretations: Array<{ kind: string; name: string }> }>;
    expect(docs.map((d) => `${d.interpretations[0]!.kind}:${d.interpretations[0]!.name}`)).toEqual([
      'hresult:TRUST_E_PROVIDER_UNKNOWN',
      'ntstatus:STATUS_HEAP_CORRUPTION',
      'bugcheck:SYSTEM_THREAD_EXCEPTION_NOT_HANDLED',
      'bugcheck:SYSTEM_THREAD_EXCEPTION_NOT_HANDLED',
    ]);
  });

  it('a negative decimal after -- is read as a signed 32-bit code', async () => {
    const r = await runCode('--json', '--', '-2146762751');
    expect(r.exit).toBe(0);
    expect(JSON.parse(r.out).interpretations[0].name).toBe('TRUST_E_PROVIDER_UNKNOWN');
  });

  it('after -- hex stays hex: 0x7E is the bugcheck, not decimal 126 (yargs number parsing is off)', async () => {
    const r = await runCode('--json', '--', '0x7E', '-2146762751', '0x800B0001');
    const docs = JSON.parse(r.out) as Array<{ input: string; interpretations: Array<{ kind: string; value: string }> }>;
    expect(docs.map((d) => [d.input, d.interpretations[0]!.kind, d.interpretations[0]!.value])).toEqual([
      ['0x7E', 'bugcheck', '0x0000007E'],
      ['-2146762751', 'hresult', '0x800B0001'],
      ['0x800B0001', 'hresult', '0x800B0001'],
    ]);
  });

  it('one malformed code among good ones: the good ones are still answered, the bad one is an error, exit 2', async () => {
    const text = await runCode('0x800B0001', '0xZZ', 'c0000374');
    expect(text.exit).toBe(2);
    expect(text.out).toContain('TRUST_E_PROVIDER_UNKNOWN');
    expect(text.out).toContain('STATUS_HEAP_CORRUPTION');
    expect(text.err).toBe('analyze: 0xZZ: not a hexadecimal number\n');
    const json = await runCode('0x800B0001', '0xZZ', '--json');
    expect(json.exit).toBe(2);
    // the same line on stderr as without --json (docs/json.md)
    expect(json.err).toBe('analyze: 0xZZ: not a hexadecimal number\n');
    const docs = JSON.parse(json.out) as Array<Record<string, any>>;
    expect(docs[0]!['interpretations'][0].name).toBe('TRUST_E_PROVIDER_UNKNOWN');
    expect(docs[1]).toEqual({ schemaVersion: expect.any(String), input: '0xZZ', error: { code: 'CODE_MALFORMED', message: '0xZZ: not a hexadecimal number' } });
  });

  it('--search takes unquoted words too', async () => {
    const r = await runCode('--search', 'heap', 'corruption', '--json');
    expect(r.exit).toBe(0);
    expect((JSON.parse(r.out) as { search: string; interpretations: Array<{ name: string }> }).interpretations[0]!.name).toBe('STATUS_HEAP_CORRUPTION');
  });

  it('an unknown code still gets decoded fields and exits 1', async () => {
    const r = await runCode('0x12345678', '--json');
    expect(r.exit).toBe(1);
    const doc = JSON.parse(r.out) as { known: boolean; interpretations: Array<Record<string, unknown>> };
    expect(doc.known).toBe(false);
    expect(doc.interpretations[0]).toMatchObject({ kind: 'hresult', name: null, severity: 'success', facility: { value: 0x234 }, code: 0x5678 });
  });

  it.each([['0xZZ'], [''], ['18446744073709551616'], ['0x10000000000000000'], ['12-34']])('malformed input %p is a usage error, exit 2', async (bad) => {
    const r = await runCode(bad);
    expect(r.exit).toBe(2);
    expect(r.err).toMatch(/analyze: /);
    expect(r.out).toBe('');
  });

  it('no code and no --search is a usage error', async () => {
    expect((await runCode()).exit).toBe(2);
  });

  it('--search finds codes by message words', async () => {
    const r = await runCode('--search', 'heap corruption', '--json');
    expect(r.exit).toBe(0);
    const doc = JSON.parse(r.out) as { total: number; interpretations: Array<{ name: string }> };
    expect(doc.interpretations.map((i) => i.name)).toContain('STATUS_HEAP_CORRUPTION');
    const none = await runCode('--search', 'zzqqxx no such words');
    expect(none.exit).toBe(1);
  });

  it('a long search is repeated cut to its first 200 characters and its length (a pasted log line is not echoed whole)', async () => {
    const words = `zzqq${'x'.repeat(20_000)}`;
    const r = await runCode('--search', words);
    expect(r.exit).toBe(1);
    expect(r.out).toContain(`0 codes match "${words.slice(0, 200)}... (20,004 characters)"`);
    expect(r.out.length).toBeLessThan(1000);
  });

  it('--limit that is not a whole number >= 1 is a usage error, not an empty answer with exit 0', async () => {
    for (const bad of ['abc', '-1', '0', '2.5']) {
      const r = await runCode('--search', 'access', '--limit', bad);
      expect(r.exit).toBe(2);
      expect(r.err).toMatch(/--limit/);
      expect(r.out).toBe('');
    }
    const ok = await runCode('--search', 'access', '--limit', '3', '--json');
    expect(ok.exit).toBe(0);
    expect(JSON.parse(ok.out).interpretations).toHaveLength(3);
  });

  it('a symbolic name is looked up exactly', async () => {
    const r = await runCode('ERROR_ACCESS_DENIED', '--json');
    expect(r.exit).toBe(0);
    expect(JSON.parse(r.out).interpretations[0]).toMatchObject({ kind: 'win32', value: '0x00000005', decimal: 5 });
  });
});

describe('analyze code (negative decimal without --)', () => {
  it('-2146762751 as a bare argument is read as a code, not as an option', async () => {
    const r = await runCode('-2146762751', '--json');
    expect(r.exit).toBe(0);
    expect(JSON.parse(r.out).interpretations[0].name).toBe('TRUST_E_PROVIDER_UNKNOWN');
  });
});
