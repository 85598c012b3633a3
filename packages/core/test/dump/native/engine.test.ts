/**
 * analyzeDump's engine choice: a saved `!analyze -v` text -> 'text'; a dump with --engine native -> 'native';
 * auto without cdb -> 'native'; cdb demanded but missing -> DUMP_CDB_NOT_FOUND; auto with a cdb (a stand-in
 * written to a temp folder named `fake-cdb-*`) -> 'cdb' with the native facts beside it and disagreements flagged.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyzeError } from '../../../src/errors.js';
import { analyzeDump, compareReports } from '../../../src/dump/index.js';
import { DONE_MARKER } from '../../../src/dump/cdb/index.js';
import { fixturePath } from '../../helpers/corpus.js';

/** The synthetic x64 small dump (fixtures/gen/dump/triage-x64.mjs) and the values its generator declares. */
const X64 = fixturePath('dump', 'synthetic-triage-x64.dmp');
const declared = JSON.parse(readFileSync(`${X64}.json`, 'utf8')) as { BugCheckParameters: string[]; culprit: { driver: string } };
/** Parameter i (1-based) as WinDbg prints it: hex digits without 0x. */
const P = (i: number) => declared.BugCheckParameters[i - 1]!.slice(2);
const CULPRIT = declared.culprit.driver;
/** No cdb anywhere: an empty PATH and no Windows folders on this platform. */
const NO_CDB_ENV = { PATH: '' };

const analysis = (code: string, image: string) => `*******************************************************************************
*                                                                             *
*                        Bugcheck Analysis                                    *
*                                                                             *
*******************************************************************************

SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M (${code})
Arguments:
Arg1: ${P(1)}, The exception code that was not handled
Arg2: ${P(2)}, The address that the exception occurred at
Arg3: ${P(3)}, Exception Record Address
Arg4: ${P(4)}, Context Record Address

Debugging Details:
------------------

BUGCHECK_CODE:  ${code}

BUGCHECK_P1: ${P(1)}

BUGCHECK_P2: ${P(2)}

BUGCHECK_P3: ${P(3)}

BUGCHECK_P4: ${P(4)}

PROCESS_NAME:  System

MODULE_NAME: ${image.replace(/\..*$/, '')}

IMAGE_NAME:  ${image}

FAILURE_BUCKET_ID:  AV_${image.replace(/\..*$/, '')}!unknown

Followup:     MachineOwner
---------
`;

const FAKE_CDB = `#!${process.execPath}
'use strict';
const fs = require('fs');
const args = process.argv.slice(2);
if (args[args.indexOf('-z') + 1] === undefined) process.exit(9);
if (process.env.FAKE_CDB_FAIL) { process.stdout.write('Debuggee initialization failed, HRESULT 0x80004005\\n'); process.exit(3); }
process.stdout.write('Microsoft (R) Windows Debugger Version 10.0.22621.755 AMD64\\n');
process.stdout.write('0: kd> !analyze -v\\n' + fs.readFileSync(process.env.FAKE_CDB_REPLAY, 'utf8') + '${DONE_MARKER}\\n');
`;

let dir: string;
let cdb: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-cdb-'));
  cdb = join(dir, 'cdb');
  writeFileSync(cdb, FAKE_CDB);
  chmodSync(cdb, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('analyzeDump engine selection', () => {
  it('a saved !analyze -v text is parsed as such (engine text)', async () => {
    const r = await analyzeDump(fixturePath('dump', 'analyze-texts', 'kernel_7e_exr_mismatch.txt'), { engine: 'auto', env: NO_CDB_ENV });
    expect(r.engine).toBe('text');
    expect(BigInt(r.bugcheck!.code)).toBe(0x7en);
    expect(r.imageName).toBe('contosodrv.sys');
  });

  it('--engine native reads the dump itself', async () => {
    const r = await analyzeDump(X64, { engine: 'native' });
    expect(r.engine).toBe('native');
    expect(r.culprit?.module).toBe(CULPRIT);
  });

  it('auto without cdb falls back to native', async () => {
    const r = await analyzeDump(X64, { engine: 'auto', env: NO_CDB_ENV });
    expect(r.engine).toBe('native');
    expect(r.bugcheck?.code).toBe('0x1000007E');
  });

  it('--engine cdb without cdb is a clear error: install advice on Windows, --engine native elsewhere', async () => {
    await expect(analyzeDump(X64, { engine: 'cdb', env: NO_CDB_ENV })).rejects.toMatchObject({ code: 'DUMP_CDB_NOT_FOUND' });
    await expect(analyzeDump(X64, { engine: 'cdb', env: NO_CDB_ENV, platform: 'linux' })).rejects.toMatchObject({
      message: expect.stringMatching(/runs only on Windows.*--engine native/),
    });
    await expect(analyzeDump(X64, { engine: 'cdb', env: NO_CDB_ENV, platform: 'win32' })).rejects.toMatchObject({
      message: expect.stringMatching(/Debugging Tools for Windows.*winget install Microsoft\.WinDbg/),
    });
  });

  it('a file that is neither a dump nor an analysis is refused by the native reader', async () => {
    const f = join(dir, 'notes.txt');
    writeFileSync(f, 'just some notes, no crash here\n');
    const e = await analyzeDump(f, { engine: 'auto', env: NO_CDB_ENV }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AnalyzeError);
    expect((e as AnalyzeError).code).toBe('DUMP_NOT_A_DUMP');
  });

  const posix = process.platform !== 'win32';
  (posix ? it : it.skip)('auto with cdb: cdb answers, native facts beside it, no disagreement when they agree', async () => {
    const replay = join(dir, 'agree.txt');
    writeFileSync(replay, analysis('1000007e', CULPRIT));
    const r = await analyzeDump(X64, { engine: 'auto', cdbPath: cdb, env: { PATH: '', HOME: dir, FAKE_CDB_REPLAY: replay }, timeoutMs: 30_000 });
    expect(r.engine).toBe('cdb');
    expect(r.imageName).toBe(CULPRIT);
    expect(r.native?.engine).toBe('native');
    expect(r.native?.culprit?.module).toBe(CULPRIT);
    expect(r.disagreements).toEqual([]);
  });

  (posix ? it : it.skip)('auto with cdb: disagreements on code and culprit are flagged', async () => {
    const replay = join(dir, 'disagree.txt');
    writeFileSync(replay, analysis('7e', 'EvilDriver.sys'));
    const r = await analyzeDump(X64, { engine: 'auto', cdbPath: cdb, env: { PATH: '', HOME: dir, FAKE_CDB_REPLAY: replay }, timeoutMs: 30_000 });
    expect(r.engine).toBe('cdb');
    expect(r.disagreements).toHaveLength(2);
    expect(r.disagreements![0]).toMatch(/bugcheck code: cdb says 0x0000007E, the dump header says 0x1000007E/);
    expect(r.disagreements![1]).toMatch(new RegExp(`culprit: cdb names EvilDriver\\.sys, the native heuristic names ${CULPRIT.replace('.', '\\.')}`));
  });
});

describe('analyzeDump when cdb fails', () => {
  const posix = process.platform !== 'win32';
  const env = () => ({ PATH: '', HOME: dir, FAKE_CDB_FAIL: '1' });

  (posix ? it : it.skip)('auto: the native reader answers, with a warning saying why cdb did not', async () => {
    const r = await analyzeDump(X64, { engine: 'auto', cdbPath: cdb, env: env(), timeoutMs: 30_000 });
    expect(r.engine).toBe('native');
    expect(r.culprit?.module).toBe(CULPRIT);
    expect(r.warnings[0]?.code).toBe('DUMP_CDB_FALLBACK');
    expect(r.warnings[0]?.message).toMatch(/^cdb failed \(DUMP_CDB_FAILED: cdb exited with code 3 .*Debuggee initialization failed.*\); the native reader answered instead$/);
  });

  (posix ? it : it.skip)('--engine cdb: the failure is the answer', async () => {
    await expect(analyzeDump(X64, { engine: 'cdb', cdbPath: cdb, env: env(), timeoutMs: 30_000 })).rejects.toMatchObject({ code: 'DUMP_CDB_FAILED' });
  });
});

describe('compareReports', () => {
  it('treats ntkrnlmp.exe, nt and ntoskrnl.exe as the same image, and ignores leading zeros', async () => {
    const native = await analyzeDump(X64, { engine: 'native' });
    const cdb = { ...native, engine: 'cdb' as const, imageName: CULPRIT.toUpperCase(), bugcheck: { ...native.bugcheck!, code: '0x1000007e', parameters: native.bugcheck!.parameters.map((p) => p.replace(/^0x0*/, '0x')) } };
    expect(compareReports(cdb, native)).toEqual([]);
    // Same code, one parameter different: flagged. A different code: only the code (its parameters mean other things).
    const p2 = { ...cdb, bugcheck: { ...cdb.bugcheck, parameters: cdb.bugcheck.parameters.map((p, i) => (i === 1 ? '0x1234' : p)) } };
    expect(compareReports(p2, native)).toEqual([`bugcheck parameter 2: cdb says 0x1234, the dump header says ${declared.BugCheckParameters[1]}`]);
    expect(compareReports({ ...p2, bugcheck: { ...p2.bugcheck, code: '0x000000D1' } }, native)).toEqual(['bugcheck code: cdb says 0x000000D1, the dump header says 0x1000007E']);
    const kernelNative = { ...native, culprit: { module: 'ntoskrnl.exe', evidence: [] } };
    expect(compareReports({ ...cdb, imageName: 'ntkrnlmp.exe' }, kernelNative)).toEqual([]);
  });
});
