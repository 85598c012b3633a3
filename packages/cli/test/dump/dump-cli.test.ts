import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { dumpSpec } from '../../src/commands/dump/spec.js';
import { captureIo } from '../helpers/io.js';
import { corpusPath } from '../../../core/test/helpers/corpus.js';

const REPO = join(import.meta.dirname, '..', '..', '..', '..');
const FIXTURE = join(REPO, 'fixtures', 'dump', 'analyze-v-d1-exampledrv.txt');
/** A synthetic Windows 10 x64 small dump (fixtures/gen/dump/triage-x64.mjs). */
const X64 = join(REPO, 'fixtures', 'dump', 'synthetic-triage-x64.dmp');
const specs = [dumpSpec];

describe('analyze dump with a saved !analyze -v text', () => {
  it('prints the verdict, the bugcheck and the culprit, and exits 1 (a crash was found)', async () => {
    const io = captureIo();
    expect(await main(['dump', FIXTURE], io, specs)).toBe(1);
    expect(io.stdout).toMatch(/crash: DRIVER_IRQL_NOT_LESS_OR_EQUAL \(0x000000D1\) in exampledrv\.sys/);
    expect(io.stdout).toMatch(/parameters\s+P1 0xffffa00100001000 {2}P2 0x2 {2}P3 0x0 {2}P4 0xfffff80012341234/);
    expect(io.stdout).toMatch(/symbol\s+exampledrv!ExampleReadBuffer\+34/);
    expect(io.stdout).toMatch(/stack\s+nt!KeBugCheckEx/);
    expect(io.stdout).toMatch(/engine: text/);
    // The debugger's own warning goes to stderr with its code, and --quiet silences it.
    expect(io.stderr).toMatch(/^analyze: warning: .*analyze-v-d1-exampledrv\.txt: debugger: .*Unable to verify timestamp for exampledrv\.sys \[DUMP_DEBUGGER_WARNING\]$/m);
    const quiet = captureIo();
    await main(['dump', FIXTURE, '--quiet'], quiet, specs);
    expect(quiet.stderr).toBe('');
  });

  it('--json gives the whole report with every key, absent facts null', async () => {
    const io = captureIo();
    expect(await main(['dump', FIXTURE, '--json'], io, specs)).toBe(1);
    const doc = JSON.parse(io.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({
      schemaVersion: expect.any(String),
      file: FIXTURE,
      engine: 'text',
      format: null,
      bugcheck: { code: '0x000000D1', name: 'DRIVER_IRQL_NOT_LESS_OR_EQUAL', parameters: ['0xffffa00100001000', '0x2', '0x0', '0xfffff80012341234'] },
      exception: null,
      imageName: 'exampledrv.sys',
      moduleName: 'exampledrv',
      symbolName: 'exampledrv!ExampleReadBuffer+34',
      processName: 'System',
      failureBucket: 'AV_exampledrv!ExampleReadBuffer',
      osVersion: '10.0.22621.1',
      culprit: { module: 'exampledrv.sys' },
      native: null,
      disagreements: [],
      modules: [],
      crashTime: null,
    });
    expect(doc['stack']).toEqual([
      'nt!KeBugCheckEx',
      'nt!KiBugCheckDispatch+0x69',
      'nt!KiPageFault+0x469',
      'exampledrv!ExampleReadBuffer+0x34',
      'exampledrv!ExampleDpcRoutine+0x80',
      'nt!KiExecuteAllDpcs+0x30e',
    ]);
    expect(io.stderr).toBe('');
  });

  it('a user-mode analysis shows the exception and the process', async () => {
    const io = captureIo();
    // A synthetic analysis (fixtures/gen/dump/analyze-texts.mjs): LedgerSync.exe, exception at 0x7ffc1a2be4f9.
    expect(await main(['dump', join(REPO, 'fixtures', 'dump', 'analyze-texts', 'user_c0000374_heap_double_free.txt')], io, specs)).toBe(1);
    expect(io.stdout).toMatch(/crash: STATUS_HEAP_CORRUPTION \(0xC0000374\) in LedgerSync\.exe, blamed on ntdll\.dll/);
    expect(io.stdout).toMatch(/exception\s+0xC0000374 STATUS_HEAP_CORRUPTION at 0x7ffc1a2be4f9/);
  });

  it('several files with --no-group: a JSON array, and a missing file is an error entry with exit 2', async () => {
    const io = captureIo();
    const code = await main(['dump', FIXTURE, join(REPO, 'fixtures', 'dump', 'no-such.dmp'), '--json', '--no-group'], io, specs);
    expect(code).toBe(2);
    const doc = JSON.parse(io.stdout) as Record<string, unknown>[];
    expect(doc).toHaveLength(2);
    expect(doc[0]!['engine']).toBe('text');
    expect(doc[1]).toMatchObject({ error: { code: 'FILE_UNREADABLE' } });
    // Each element is a report of its own, stamped like every report object (docs/json.md, json-dump.md).
    expect(doc.map((d) => Object.keys(d)[0])).toEqual(['schemaVersion', 'schemaVersion']);
  });

  it('rejects a nonsensical --timeout and an unknown --engine as usage errors', async () => {
    const io = captureIo();
    expect(await main(['dump', FIXTURE, '--timeout', '0'], io, specs)).toBe(2);
    expect(io.stderr).toMatch(/--timeout must be a number of seconds between 1 and 86400 \(got 0\)/);
    const nan = captureIo();
    expect(await main(['dump', FIXTURE, '--timeout', 'abc'], nan, specs)).toBe(2);
    expect(nan.stderr).toMatch(/--timeout must be a number of seconds between 1 and 86400\n/); // not "(got NaN)"
    const io2 = captureIo();
    expect(await main(['dump', FIXTURE, '--engine', 'windbg'], io2, specs)).toBe(2);
  });

  it('--help shows Windows usage with the symbol path', async () => {
    const io = captureIo();
    expect(await main(['dump', '--help'], io, specs)).toBe(0);
    expect(io.stdout).toMatch(/MEMORY\.DMP/);
    // yargs wraps long example lines: compare without the wrapping.
    expect(io.stdout.replace(/\s+/g, '')).toContain('srv*<cache>*https://msdl.microsoft.com/download/symbols');
    expect(io.stdout).toContain('--symbols C:\\sym ');
    expect(io.stdout).toMatch(/--engine/);
  });

  it('the fixture is CRLF, as saved from WinDbg on Windows', () => {
    expect(readFileSync(FIXTURE, 'latin1')).toContain('\r\n');
  });
});

/** Key paths of a JSON document: objects recursed, each list's first entry stands for all of them. */
function shape(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return v.length === 0 ? [] : shape(v[0], `${at}[]`);
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => [`${at}.${k}`, ...shape(x, `${at}.${k}`)]);
}

describe('the JSON contract holds for every engine (issue 7: absent facts are null)', () => {
  const FAKE_CDB = `#!${process.execPath}
'use strict';
const fs = require('fs');
process.stdout.write('0: kd> !analyze -v\\n' + fs.readFileSync(process.env.FAKE_CDB_REPLAY, 'utf8') + '\\nANALYZE_CDB_ANALYSIS_DONE\\n');
`;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-cdb-'));
    writeFileSync(join(dir, 'cdb'), FAKE_CDB);
    chmodSync(join(dir, 'cdb'), 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function json(file: string, env: Record<string, string> = {}, extra: string[] = []): Promise<Record<string, unknown>> {
    const io = captureIo({ env: { PATH: '', ...env } });
    await main(['dump', file, '--json', ...extra], io, specs);
    const doc = JSON.parse(io.stdout) as Record<string, unknown>;
    expect(doc['error']).toBeUndefined();
    return doc;
  }

  it('text, native kernel, native minidump (with and without an exception) and cdb give the same keys', async () => {
    const kernel = X64;
    const docs = {
      text: await json(FIXTURE),
      userText: await json(join(REPO, 'fixtures', 'dump', 'analyze-texts', 'user_c0000374_heap_double_free.txt')),
      kernel: await json(kernel),
      minidump: await json(corpusPath('dumps', 'mdmp', 'breakpad_linux_divide_by_zero.dmp')),
      noException: await json(corpusPath('dumps', 'mdmp', 'breakpad_tiny-exe-with-cet-xsave.dmp')),
      ...(process.platform === 'win32' ? {} : { cdb: await json(kernel, { ANALYZE_CDB: join(dir, 'cdb'), FAKE_CDB_REPLAY: FIXTURE, HOME: dir }) }),
    };
    const top = (d: Record<string, unknown>) => Object.keys(d);
    for (const [engine, d] of Object.entries(docs)) expect(`${engine}: ${top(d).join(' ')}`).toBe(`${engine}: ${top(docs.kernel).join(' ')}`);
    // Nested objects: the same keys wherever they are present (exception, modules, drivers, threads, culprit, os).
    const all = Object.values(docs).flatMap((d) => shape(d).filter((p) => !p.startsWith('.native.')));
    const byParent = new Map<string, Set<string>>();
    for (const p of all) {
      const parent = p.slice(0, p.lastIndexOf('.'));
      if (!byParent.has(parent)) byParent.set(parent, new Set());
      byParent.get(parent)!.add(p);
    }
    for (const d of Object.values(docs)) {
      for (const [parent, keys] of byParent) {
        const v = parent === '' ? d : lookup(d, parent);
        if (v === null || v === undefined) continue;
        expect(`${parent}: ${Object.keys(v).sort().join(' ')}`).toBe(`${parent}: ${[...keys].map((k) => k.slice(parent.length + 1)).sort().join(' ')}`);
      }
    }
    if (docs.cdb) {
      expect(docs.cdb['engine']).toBe('cdb');
      // The native report beside cdb's has the same keys (schemaVersion is stamped on the outer document only).
      expect(top(docs.cdb['native'] as Record<string, unknown>)).toEqual(top(docs.kernel).filter((k) => k !== 'schemaVersion'));
    }
  });
});

/** The value at a shape() path (lists: their first entry). */
function lookup(doc: unknown, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split('.').slice(1)) {
    const list = part.endsWith('[]');
    v = (v as Record<string, unknown> | null)?.[list ? part.slice(0, -2) : part];
    if (list) v = Array.isArray(v) ? v[0] : undefined;
  }
  return v;
}

describe('analyze dump on real dumps, as a user reads it', () => {
  const run = async (...args: string[]) => {
    const io = captureIo({ env: { PATH: '' } });
    const code = await main(['dump', ...args], io, specs);
    return { code, out: io.stdout, err: io.stderr };
  };

  it('a Linux minidump names the signal, not only its number', async () => {
    const r = await run(corpusPath('dumps', 'mdmp', 'breakpad_linux_divide_by_zero.dmp'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/crash: SIGFPE \/ 0x00000000 \(0x00000008\) in driver, blamed on driver/);
  });

  it('a Windows access violation shows the instruction address and the address it touched', async () => {
    const r = await run(corpusPath('dumps', 'mdmp', 'breakpad_ascii_write_av.dmp'));
    expect(r.out).toMatch(/crash: EXCEPTION_ACCESS_VIOLATION_WRITE \(0xC0000005\) in crashme\.exe/);
    expect(r.out).toMatch(/exception\s+0xC0000005 EXCEPTION_ACCESS_VIOLATION_WRITE at 0x3a6cd, crash address 0x41414141 \(thread 1636\)/);
  });

  it('the x64 small dump: verdict, then the evidence chain, most decisive first', async () => {
    // fixtures/gen/dump/triage-x64.mjs: acmefilt.sys faults at +0x2f1c.
    const r = await run(X64);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[1]).toMatch(/crash: SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M \(0x1000007E\) in acmefilt\.sys/);
    const at = lines.findIndex((l) => /^\s+culprit\s+acmefilt\.sys$/.test(l));
    expect(at).toBeGreaterThan(1);
    expect(lines[at + 1]).toMatch(/- Bugcheck 0x1000007E parameter 2 .* inside acmefilt\.sys\+0x2f1c\./);
    expect(lines[at + 2]).toMatch(/- The processor context saved at the crash agrees/);
  });

  it('a kernel dump taken on demand (bugcheck code 0) is no crash: exit 0, no culprit, where the thread was', async () => {
    const r = await run(corpusPath('dumps', 'kernel', 'kdlibcpp_RPi3_ARM_mini.dmp'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no bugcheck or exception recorded/);
    expect(r.out).toMatch(/culprit\s+not determined/);
    expect(r.out).toMatch(/thread was running in Wdf01000\.sys/);
    expect(r.out).not.toMatch(/UNDEFINED_BUG_CODE/);
  });

  it('a small dump cut short: each warning with its own code and byte offset, in text and JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-dump-cut-'));
    try {
      const cut = join(dir, 'cut.dmp');
      writeFileSync(cut, readFileSync(X64).subarray(0, 9000));
      const r = await run(cut);
      // Damaged input is exit 2, as in every command, with the crash read before the cut still reported.
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/crash: SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M/);
      // A debugger's notes in a saved analysis are not damage: a crash found there is still exit 1.
      const text = await run(FIXTURE);
      expect(text.err).toMatch(/DUMP_DEBUGGER_WARNING|warning/);
      expect(text.code).toBe(1);
      const lines = r.err.trim().split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(2);
      for (const l of lines) expect(l).toMatch(/^analyze: warning: .*cut\.dmp: .* \(at byte \d+\) \[DUMP_[A-Z_]+\]$/);
      expect(r.err).toMatch(/driver list could not be read .* \(at byte 9000\) \[DUMP_TRUNCATED\]$/m);
      expect(r.err).not.toMatch(/DUMP_NOTE/);

      const j = await run(cut, '--json');
      const warnings = (JSON.parse(j.out) as { warnings: unknown[] }).warnings;
      expect(warnings.length).toBe(lines.length);
      for (const w of warnings) expect(Object.keys(w as object)).toEqual(['code', 'message', 'offset']);
      expect(warnings).toContainEqual({ code: 'DUMP_TRUNCATED', message: expect.stringMatching(/driver list could not be read/), offset: 9000 });

      // --strict: the first damage is the error, nothing is printed, and the message promises nothing.
      const strict = await run(cut, '--strict');
      expect(strict.code).toBe(2);
      expect(strict.out).toBe('');
      expect(strict.err.trim().split('\n')).toHaveLength(1);
      expect(strict.err).toMatch(/^analyze: .*cut\.dmp: the small dump is cut short: its end marker should be at byte \d+ \(at byte 9000\)$/m);
      expect(strict.err).not.toMatch(/shown/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a crash minidump cut short is a crash that could not be read, not "no crash": exit 2, also with -q, what was read still shown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-dump-lost-'));
    try {
      const cut = join(dir, 'cut.dmp');
      writeFileSync(cut, readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_null_read_av.dmp')).subarray(0, 400));
      const r = await run(cut, '-q');
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/^ {2}crash recorded, but it could not be read: the exception record is cut off or damaged/m);
      expect(r.out).not.toMatch(/no bugcheck or exception recorded/);
      expect(r.out).toMatch(/os\s+6\.1\.7600, Windows NT, x86/); // the header and SystemInfo were read
      const j = await run(cut, '--json');
      expect(j.code).toBe(2);
      const doc = JSON.parse(j.out) as { exception: unknown; osVersion: string; warnings: { code: string }[] };
      expect(doc).toMatchObject({ exception: null, osVersion: '6.1.7600' });
      expect(doc.warnings[0]!.code).toBe('DUMP_CRASH_UNREADABLE');
      // the page a technician hands on says the same, marked as a problem
      const page = await run(cut, '--html', '-');
      expect(page.out).toContain('A crash is recorded in this dump, but its record could not be read');
      expect(page.out).not.toContain('No bugcheck or exception is recorded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a kernel dump whose header (and so its bugcheck) cannot be read is an error, exit 2, not "no crash"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-dump-lost-'));
    try {
      const cut = join(dir, 'cut.dmp');
      writeFileSync(cut, readFileSync(X64).subarray(0, 0x1500));
      const r = await run(cut, '-q');
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/cut\.dmp: DUMP_HEADER64: 8192 bytes at byte 0 run past the end of the file \(5376 bytes\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a dump is recognised by its content whatever its name, and so is a saved analysis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-dump-names-'));
    try {
      const asText = join(dir, 'crash report.txt');
      writeFileSync(asText, readFileSync(X64));
      const asDump = join(dir, 'MEMORY.DMP');
      writeFileSync(asDump, readFileSync(FIXTURE));
      const a = await run(asText);
      expect(a.out).toMatch(/engine: native, kernel-small/);
      const b = await run(asDump);
      expect(b.out).toMatch(/engine: text\)/);
      expect(b.out).toMatch(/DRIVER_IRQL_NOT_LESS_OR_EQUAL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--engine cdb without cdb (--no-group): one clear line, exit 2, the good file still reported', async () => {
    const r = await run(X64, FIXTURE, '--engine', 'cdb', '--no-group');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^analyze: .*synthetic-triage-x64\.dmp: cdb\.exe was not found[;:] .*--engine native/m);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.out).toMatch(/engine: text/);
  });

  it('--strict on saved analyses: the debugger\'s notes stay warnings, the report is printed (exit 1, not 2)', async () => {
    for (const text of [FIXTURE, corpusPath('dumps', 'analyze-texts', 'msdocs_partial_kernel_133_1.txt'), corpusPath('dumps', 'analyze-texts', 'msdocs_partial_kernel_cb_old_summary.txt')]) {
      const r = await run(text, '--strict', '--json');
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.out) as { error?: unknown; bugcheck: unknown; warnings: Array<{ code: string }> };
      expect(doc.error).toBeUndefined();
      expect(doc.bugcheck).not.toBeNull();
      expect(doc.warnings.map((w) => w.code)).toEqual(expect.arrayContaining([expect.stringMatching(/^DUMP_(DEBUGGER_WARNING|TEXT_ELIDED|TEXT_PARTIAL_ARGS)$/)]));
    }
  });

  it('a saved analysis that names no module: culprit {module: null, evidence} in JSON, "not determined" with the reason in text', async () => {
    const text = corpusPath('dumps', 'analyze-texts', 'msdocs_partial_kernel_50.txt');
    const json = await run(text, '--json');
    const doc = JSON.parse(json.out) as { culprit: { module: string | null; evidence: string[] } };
    expect(doc.culprit.module).toBeNull();
    expect(doc.culprit.evidence).toEqual([expect.stringMatching(/^The text names no module to blame/)]);
    const r = await run(text);
    expect(r.out).toMatch(/\n {2}culprit {4}not determined\n {13}- The text names no module to blame: no IMAGE_NAME/);
  });

  it('the CAB in dumps/other: a one-line refusal with what to do, exit 2', async () => {
    const r = await run(corpusPath('dumps', 'other', 'kdlibcpp_targetapp_stacktest_x64_release.cab'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/CAB archive; extract the \.dmp inside it first .*\(at byte 0\)/);
  });
});
