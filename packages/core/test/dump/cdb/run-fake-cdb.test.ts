/**
 * runCdbAnalysis against a stand-in cdb: a Node script these tests write to a temp folder named `fake-cdb-*`
 * as `cdb`. It checks the arguments it receives like the real one needs them (-z DUMP -y SYMBOLS -c "...; q"),
 * records them, then plays a scenario: replay a recorded analysis (the project's synthetic `!analyze -v` text), hang with a child process,
 * crash, exit non-zero, print garbage, refuse the file, report symbol errors, or flood its output.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AnalyzeError } from '../../../src/errors.js';
import { cdbArguments, DONE_MARKER, parseAnalyzeText, runCdbAnalysis, symbolPath } from '../../../src/dump/cdb/index.js';
import { fixturePath } from '../../helpers/corpus.js';
import { analyzeDump } from '../../../src/dump/index.js';

/** A saved analysis: DRIVER_IRQL_NOT_LESS_OR_EQUAL in exampledrv.sys (fixtures/gen/dump/cdb-analysis-text.mjs). */
const RECORDED = fixturePath('dump', 'analyze-v-d1-exampledrv.txt');

const FAKE_CDB = `#!${process.execPath}
'use strict';
const fs = require('fs');
const { spawn } = require('child_process');
const args = process.argv.slice(2);
const env = process.env;
if (env.FAKE_CDB_ARGS_LOG) fs.writeFileSync(env.FAKE_CDB_ARGS_LOG, JSON.stringify(args));
const z = args.indexOf('-z'), y = args.indexOf('-y'), c = args.indexOf('-c');
if (z < 0 || y < 0 || c < 0 || !/^!analyze -v; \\.echo ${DONE_MARKER}; q$/.test(args[c + 1] || '')) {
  process.stdout.write('fake cdb: unexpected arguments ' + JSON.stringify(args) + '\\n');
  process.exit(9);
}
const dump = args[z + 1];
const out = (s) => process.stdout.write(s);
out('Microsoft (R) Windows Debugger Version 10.0.22621.755 AMD64\\nLoading Dump File [' + dump + ']\\n');
if (!fs.existsSync(dump)) { out('Could not open dump file [' + dump + '], Win32 error 0n2\\n'); process.exit(0); }
out('Symbol search path is: ' + args[y + 1] + '\\n');
const recorded = () => fs.readFileSync(env.FAKE_CDB_REPLAY, 'utf8');
switch (env.FAKE_CDB_MODE) {
  case 'replay':
    out('0: kd> !analyze -v\\n' + recorded() + '\\n${DONE_MARKER}\\nquit:\\n');
    process.exit(0);
  case 'replay-exit1':
    out(recorded() + '\\n${DONE_MARKER}\\n');
    process.exit(1);
  case 'hang': {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    fs.writeFileSync(env.FAKE_CDB_PIDFILE, String(child.pid));
    setInterval(() => {}, 1000);
    break;
  }
  case 'crash':
    out(recorded().slice(0, 200));
    process.kill(process.pid, 'SIGSEGV');
    break;
  case 'crash-after-analysis':
    out(recorded());
    process.kill(process.pid, 'SIGSEGV');
    break;
  case 'exit3':
    out('Debuggee initialization failed, HRESULT 0x80004005\\n');
    process.exit(3);
  case 'garbage':
    for (let i = 0; i < 200; i++) out(Math.random().toString(36).repeat(3) + ' \\u0001\\u0002 ###\\n');
    process.exit(0);
  case 'symbols':
    out('*** ERROR: Symbol file could not be found.  Defaulted to export symbols for ntkrnlmp.exe -\\nKernel symbols are WRONG. Please fix symbols to do analysis.\\n${DONE_MARKER}\\n');
    process.exit(0);
  case 'flood': {
    const line = 'Loading symbols for noise.sys '.padEnd(127, '.') + '\\n';
    const block = line.repeat(512);
    for (let i = 0; i < 128; i++) out(block); // 8 MiB of load noise before the analysis
    out(recorded() + '\\n${DONE_MARKER}\\n');
    break; // no process.exit: let Node flush the 8 MiB still queued on the pipe
  }
  default:
    out('fake cdb: no scenario\\n');
    process.exit(8);
}
`;

const posix = process.platform !== 'win32';
// The stand-in is a script with a shebang; Windows cannot spawn that without a shell, and our driver never uses one.
const describePosix = posix ? describe : describe.skip;

let dir: string;
let cdb: string;
let dump: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-cdb-'));
  cdb = join(dir, 'cdb');
  writeFileSync(cdb, FAKE_CDB);
  chmodSync(cdb, 0o755);
  dump = join(dir, 'MEMORY.DMP');
  writeFileSync(dump, 'PAGEDU64');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function env(mode: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { PATH: process.env['PATH'], HOME: dir, FAKE_CDB_MODE: mode, FAKE_CDB_REPLAY: RECORDED, FAKE_CDB_ARGS_LOG: join(dir, `args-${mode}.json`), ...extra };
}

async function failure(p: Promise<unknown>): Promise<AnalyzeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AnalyzeError) return e;
    throw e;
  }
  throw new Error('expected an AnalyzeError');
}

/** Gone, or a zombie nobody reaped (a container's PID 1 may not reap orphans). */
function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitDead(pid: number, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (isDead(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return isDead(pid);
}

describePosix('runCdbAnalysis with a stand-in cdb', () => {
  it('passes -z DUMP -y SYMBOLS -c "!analyze -v; ...; q" and parses the replayed analysis like the text itself', async () => {
    const e = env('replay', { _NT_SYMBOL_PATH: 'srv*/tmp/sym*https://example.invalid/symbols' });
    const report = await runCdbAnalysis(dump, { cdbPath: cdb, env: e });
    const args = JSON.parse(readFileSync(e['FAKE_CDB_ARGS_LOG']!, 'utf8')) as string[];
    expect(args).toEqual(cdbArguments(resolve(dump), 'srv*/tmp/sym*https://example.invalid/symbols'));
    const fromText = parseAnalyzeText(readFileSync(RECORDED, 'utf8'));
    expect(report.engine).toBe('cdb');
    expect(report.file).toBe(dump);
    expect(report.bugcheck).toEqual(fromText.bugcheck);
    expect(report.bugcheck?.code).toBe('0x000000D1');
    expect(report.imageName).toBe('exampledrv.sys');
    expect(report.stack).toEqual(fromText.stack);
    // The debugger's own warning lines are the text's; running cdb adds none.
    expect(report.warnings).toEqual(fromText.warnings);
  });

  it('--symbols wins over _NT_SYMBOL_PATH', async () => {
    const e = env('replay', { _NT_SYMBOL_PATH: 'srv*/env*https://env.invalid' });
    await runCdbAnalysis(dump, { cdbPath: cdb, env: e, symbols: 'cache*/mine;srv*https://mine.invalid' });
    const args = JSON.parse(readFileSync(e['FAKE_CDB_ARGS_LOG']!, 'utf8')) as string[];
    expect(args[args.indexOf('-y') + 1]).toBe('cache*/mine;srv*https://mine.invalid');
  });

  it('finds cdb through ANALYZE_CDB when --cdb is not given', async () => {
    const report = await runCdbAnalysis(dump, { env: { ...env('replay'), ANALYZE_CDB: cdb } });
    expect(report.bugcheck?.code).toBe('0x000000D1');
  });

  it('shell metacharacters in the dump name reach cdb as one literal argument (no injection)', async () => {
    const nasty = join(dir, `crash dump "1" & touch INJECTED; %PATH% $(touch INJECTED2) \`touch INJECTED3\` 'q'.dmp`);
    writeFileSync(nasty, 'PAGEDU64');
    const e = env('replay');
    const report = await runCdbAnalysis(nasty, { cdbPath: cdb, env: e });
    const args = JSON.parse(readFileSync(e['FAKE_CDB_ARGS_LOG']!, 'utf8')) as string[];
    expect(args[args.indexOf('-z') + 1]).toBe(resolve(nasty));
    expect(report.file).toBe(nasty);
    expect(readdirSync(dir).filter((f) => f.startsWith('INJECTED'))).toEqual([]);
    expect(readdirSync(process.cwd()).filter((f) => f.startsWith('INJECTED'))).toEqual([]);
  });

  it('a timeout kills cdb and the child it started (the whole process tree)', async () => {
    const pidfile = join(dir, 'grandchild.pid');
    const started = Date.now();
    const err = await failure(runCdbAnalysis(dump, { cdbPath: cdb, env: env('hang', { FAKE_CDB_PIDFILE: pidfile }), timeoutMs: 800 }));
    expect(err.code).toBe('DUMP_CDB_TIMEOUT');
    expect(err.message).toMatch(/--timeout/);
    expect(Date.now() - started).toBeLessThan(5000);
    const grandchild = Number(readFileSync(pidfile, 'utf8'));
    expect(await waitDead(grandchild)).toBe(true);
  });

  it('an AbortSignal (Ctrl-C) stops cdb and its child', async () => {
    const pidfile = join(dir, 'grandchild-abort.pid');
    const ac = new AbortController();
    // Ctrl-C once the stand-in has started its child (a fixed delay races a loaded machine's slow Node start).
    const started = setInterval(() => existsSync(pidfile) && ac.abort(), 20);
    const err = await failure(runCdbAnalysis(dump, { cdbPath: cdb, env: env('hang', { FAKE_CDB_PIDFILE: pidfile }), signal: ac.signal })).finally(() => clearInterval(started));
    expect(err.code).toBe('DUMP_CDB_INTERRUPTED');
    expect(await waitDead(Number(readFileSync(pidfile, 'utf8')))).toBe(true);
  });

  it('a cdb that crashes before the analysis is a DUMP_CDB_FAILED naming the signal', async () => {
    const err = await failure(runCdbAnalysis(dump, { cdbPath: cdb, env: env('crash') }));
    expect(err.code).toBe('DUMP_CDB_FAILED');
    expect(err.message).toMatch(/SIGSEGV/);
  });

  it('a cdb that crashes after printing the analysis gives the facts with a warning', async () => {
    const report = await runCdbAnalysis(dump, { cdbPath: cdb, env: env('crash-after-analysis') });
    expect(report.imageName).toBe('exampledrv.sys');
    expect(report.warnings.map((w) => w.message).join('\n')).toMatch(/did not run to its end .*SIGSEGV/);
  });

  it('a non-zero exit without an analysis quotes the last output', async () => {
    const err = await failure(runCdbAnalysis(dump, { cdbPath: cdb, env: env('exit3') }));
    expect(err.code).toBe('DUMP_CDB_FAILED');
    expect(err.message).toMatch(/exited with code 3.*Debuggee initialization failed/);
  });

  it('a non-zero exit after a complete analysis keeps the facts and warns', async () => {
    const report = await runCdbAnalysis(dump, { cdbPath: cdb, env: env('replay-exit1') });
    expect(report.bugcheck?.code).toBe('0x000000D1');
    expect(report.warnings).toContainEqual({ code: 'DUMP_CDB_EXIT', message: 'cdb: exited with code 1 after the analysis' });
  });

  it('garbage output is DUMP_CDB_NO_ANALYSIS, not a made-up report', async () => {
    const err = await failure(runCdbAnalysis(dump, { cdbPath: cdb, env: env('garbage') }));
    expect(err.code).toBe('DUMP_CDB_NO_ANALYSIS');
  });

  it('a file cdb cannot open is DUMP_NOT_A_DUMP with cdb\'s words', async () => {
    const e = env('replay');
    // The fake says what real cdb says for a file that is not a dump; here: it vanished after our check.
    const notThere = join(dir, 'gone.dmp');
    writeFileSync(notThere, 'x');
    const p = runCdbAnalysis(notThere, { cdbPath: cdb, env: e });
    rmSync(notThere);
    const err = await failure(p);
    expect(err.code).toBe('DUMP_NOT_A_DUMP');
    expect(err.message).toMatch(/Could not open dump file/);
  });

  it('symbol errors with no analysis say what to do about the symbol path', async () => {
    const err = await failure(runCdbAnalysis(dump, { cdbPath: cdb, env: env('symbols'), symbols: 'C:\\nowhere' }));
    expect(err.code).toBe('DUMP_CDB_SYMBOLS');
    expect(err.message).toMatch(/Kernel symbols are WRONG|Symbol file could not be found/);
    expect(err.message).toMatch(/C:\\nowhere/);
    expect(err.message).toMatch(/srv\*<cache folder>\*https:\/\/msdl\.microsoft\.com\/download\/symbols/);
  });

  it('output beyond the bound is cut in the middle; the analysis at the end survives', async () => {
    const report = await runCdbAnalysis(dump, { cdbPath: cdb, env: env('flood'), maxOutputBytes: 1024 * 1024 });
    expect(report.imageName).toBe('exampledrv.sys');
    expect(report.warnings.map((w) => w.message).join('\n')).toMatch(/bytes in the middle were not kept/);
  });

  it('strict: the debugger\'s own warning lines (in every real cdb run) and how cdb ended stay warnings', async () => {
    const lenient = await runCdbAnalysis(dump, { cdbPath: cdb, env: env('replay-exit1') });
    const strict = await runCdbAnalysis(dump, { cdbPath: cdb, env: env('replay-exit1'), strict: true });
    expect(strict.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['DUMP_DEBUGGER_WARNING', 'DUMP_CDB_EXIT']));
    expect(strict).toEqual(lenient);
  });

  it('strict: an analysis cdb did not finish, or output cut in the middle, is the error (damage)', async () => {
    const unfinished = await failure(runCdbAnalysis(dump, { cdbPath: cdb, env: env('crash-after-analysis'), strict: true }));
    expect(unfinished).toMatchObject({ code: 'DUMP_CDB_INCOMPLETE', file: dump });
    expect(unfinished.message).toMatch(/did not run to its end .*SIGSEGV/);
    const cut = await failure(runCdbAnalysis(dump, { cdbPath: cdb, env: env('flood'), maxOutputBytes: 1024 * 1024, strict: true }));
    expect(cut).toMatchObject({ code: 'DUMP_CDB_OUTPUT_CUT', file: dump });
  });

  it('strict with --engine auto: that error is the answer, not a cdb failure the native reader answers for', async () => {
    // A dump the native reader can read, so a fallback would have given a report.
    const readable = fixturePath('dump', 'synthetic-triage-x64.dmp');
    const strict = await failure(analyzeDump(readable, { engine: 'auto', cdbPath: cdb, env: env('crash-after-analysis'), strict: true }));
    expect(strict).toMatchObject({ code: 'DUMP_CDB_INCOMPLETE' });
    // A cdb that fails outright still falls back, strict or not.
    const fellBack = await analyzeDump(readable, { engine: 'auto', cdbPath: cdb, env: env('garbage'), strict: true });
    expect(fellBack.warnings[0]?.code).toBe('DUMP_CDB_FALLBACK');
  });

  it('a missing dump is our FILE_UNREADABLE, before cdb runs', async () => {
    const err = await failure(runCdbAnalysis(join(dir, 'nope.dmp'), { cdbPath: cdb, env: env('replay') }));
    expect(err.code).toBe('FILE_UNREADABLE');
  });
});

describe('runCdbAnalysis without cdb', () => {
  it('DUMP_CDB_NOT_FOUND with install advice when nothing is found', async () => {
    const err = await failure(runCdbAnalysis('x.dmp', { env: { PATH: '' }, platform: 'linux' }));
    expect(err.code).toBe('DUMP_CDB_NOT_FOUND');
    expect(err.message).toMatch(/Debugging Tools for Windows/);
  });

  it('a --cdb that does not exist is an error, not a silent fallback', async () => {
    const err = await failure(runCdbAnalysis('x.dmp', { cdbPath: '/no/such/cdb', env: {} }));
    expect(err.code).toBe('DUMP_CDB_NOT_FOUND');
    expect(err.message).toMatch(/--cdb names \/no\/such\/cdb/);
  });
});

describe('symbolPath', () => {
  it('uses the option, then _NT_SYMBOL_PATH, then Microsoft\'s server with a local cache', () => {
    expect(symbolPath({ symbols: 'srv*C:\\s*https://x', env: { _NT_SYMBOL_PATH: 'other' } })).toBe('srv*C:\\s*https://x');
    expect(symbolPath({ env: { _NT_SYMBOL_PATH: 'cache*D:\\c;srv*https://y' } })).toBe('cache*D:\\c;srv*https://y');
    expect(symbolPath({ env: { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, platform: 'win32' })).toBe(
      'srv*C:\\Users\\me\\AppData\\Local\\analyze\\symbols*https://msdl.microsoft.com/download/symbols',
    );
    expect(symbolPath({ env: { XDG_CACHE_HOME: '/home/me/.cache' }, platform: 'linux' })).toBe('srv*/home/me/.cache/analyze/symbols*https://msdl.microsoft.com/download/symbols');
  });

  it('cdbArguments is an argument array that ends the session with q', () => {
    const a = cdbArguments('C:\\dumps\\a b&c.dmp', 'srv*C:\\s*https://m');
    expect(a).toEqual(['-z', 'C:\\dumps\\a b&c.dmp', '-y', 'srv*C:\\s*https://m', '-c', `!analyze -v; .echo ${DONE_MARKER}; q`]);
  });
});
