/**
 * Run `cdb -z DUMP -y SYMBOLS -c "!analyze -v; .echo MARK; q"` and turn what it prints into a DumpReport.
 *
 * Safety (docs/dump.md, "Driving cdb"):
 * - spawned without a shell, with an argument array: a dump named `a & del x; %PATH%.dmp` is one argument;
 * - a timeout (default 10 minutes: the first run downloads tens of MB of symbols) and an AbortSignal (Ctrl-C)
 *   that kill the whole process tree (POSIX: the process group of a detached child; Windows: taskkill /T /F);
 * - output kept within a bound (its head, where open and symbol errors appear, and its tail, where the
 *   analysis is), so a debugger that floods its console cannot exhaust memory;
 * - success is decided from the output (cdb documents no exit-code contract), and every failure has its own
 *   error code and says what to do.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve, win32 } from 'node:path';
import { AnalyzeError, type Warning } from '../../errors.js';
import { openFile } from '../../io/files.js';
import type { DumpReport } from '../report.js';
import { CDB_INSTALL_ADVICE, locateCdb } from './locate.js';
import { parseAnalyzeText, SYMBOL_TROUBLE, TEXT_WARNING } from './parse.js';
import { failOnDamage } from './strict.js';

export interface RunCdbOptions {
  /** cdb to run; located (ANALYZE_CDB, PATH, Windows Kits ...) when absent. */
  cdbPath?: string;
  /** Symbol path for -y; else _NT_SYMBOL_PATH; else Microsoft's server with a local cache. */
  symbols?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  /** Keep at most this many bytes of cdb's output (head + tail). */
  maxOutputBytes?: number;
  /**
   * The first warning that reports damage (cdb's output cut, its analysis unfinished) becomes the error;
   * the debugger's own warning lines and how cdb ended are notes and stay warnings (strict.ts).
   */
  strict?: boolean;
}

/** 10 minutes: a cold symbol cache means downloading ntoskrnl's PDB (tens of MB) before analysing. */
export const DEFAULT_CDB_TIMEOUT_MS = 10 * 60 * 1000;
/** cdb's whole output with -v is 10-200 KB; noisy symbol loading (-n, !sym noisy) stays far below this. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Of the bounded output, the head kept: open errors and symbol-path lines come first. */
const HEAD_SHARE = 1 / 16;
/** After killing the tree, wait this long for the pipes to close before giving up on them. */
const KILL_GRACE_MS = 2000;
/** Printed by `.echo` after the analysis: its presence proves the analysis ran to the end. */
export const DONE_MARKER = 'ANALYZE_CDB_ANALYSIS_DONE';
/** The public symbol server (docs/formats/windows-dumps.md §10). */
export const MICROSOFT_SYMBOL_SERVER = 'https://msdl.microsoft.com/download/symbols';

/** The symbol cache folder: %LOCALAPPDATA%\analyze\symbols on Windows, $XDG_CACHE_HOME/analyze/symbols elsewhere.
 * @example const cache = defaultSymbolCache(process.env, process.platform);
 */
export function defaultSymbolCache(env: Record<string, string | undefined>, platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    const local = env['LOCALAPPDATA'] ?? (env['USERPROFILE'] ? win32.join(env['USERPROFILE'], 'AppData', 'Local') : 'C:\\');
    return win32.join(local, 'analyze', 'symbols');
  }
  const cache = env['XDG_CACHE_HOME'] ?? join(env['HOME'] ?? homedir(), '.cache');
  return join(cache, 'analyze', 'symbols');
}

/** The -y argument: the option, else _NT_SYMBOL_PATH, else `srv*<cache>*https://msdl.microsoft.com/download/symbols`.
 * @example const symbols = symbolPath({ symbols: 'srv*C:\\symbols*https://msdl.microsoft.com/download/symbols' });
 */
export function symbolPath(opts: { symbols?: string | undefined; env?: Record<string, string | undefined>; platform?: NodeJS.Platform } = {}): string {
  const env = opts.env ?? process.env;
  if (opts.symbols !== undefined && opts.symbols !== '') return opts.symbols;
  const fromEnv = env['_NT_SYMBOL_PATH'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return `srv*${defaultSymbolCache(env, opts.platform ?? process.platform)}*${MICROSOFT_SYMBOL_SERVER}`;
}

/** The argument array (never a command line: nothing here is parsed by a shell).
 * @example spawn(cdbPath, cdbArguments('MEMORY.DMP', symbolPath()));
 */
export function cdbArguments(dumpFile: string, symbols: string): string[] {
  return ['-z', dumpFile, '-y', symbols, '-c', `!analyze -v; .echo ${DONE_MARKER}; q`];
}

/** Keeps the first `head` bytes and the last `tail` bytes of a stream. */
class BoundedCapture {
  private headChunks: Buffer[] = [];
  private headSize = 0;
  private tailChunks: Buffer[] = [];
  private tailSize = 0;
  dropped = 0;
  constructor(
    private readonly headMax: number,
    private readonly tailMax: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.headSize < this.headMax) {
      const take = chunk.subarray(0, this.headMax - this.headSize);
      this.headChunks.push(take);
      this.headSize += take.length;
      chunk = chunk.subarray(take.length);
      if (chunk.length === 0) return;
    }
    this.tailChunks.push(chunk);
    this.tailSize += chunk.length;
    while (this.tailSize > this.tailMax && this.tailChunks.length > 0) {
      const first = this.tailChunks[0]!;
      const excess = this.tailSize - this.tailMax;
      if (first.length <= excess) {
        this.tailChunks.shift();
        this.tailSize -= first.length;
        this.dropped += first.length;
      } else {
        this.tailChunks[0] = first.subarray(excess);
        this.tailSize -= excess;
        this.dropped += excess;
      }
    }
  }

  text(): string {
    const head = Buffer.concat(this.headChunks).toString('utf8');
    const tail = Buffer.concat(this.tailChunks).toString('utf8');
    return this.dropped > 0 ? `${head}\n\n${tail.slice(tail.indexOf('\n') + 1)}` : head + tail;
  }
}

interface CdbRun {
  output: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  dropped: number;
}

/** Kill cdb and everything it started. */
function killTree(child: ChildProcess, platform: NodeJS.Platform): void {
  if (child.pid === undefined) return;
  if (platform === 'win32') {
    execFile('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true }, (err) => {
      if (err) child.kill('SIGKILL');
    });
    return;
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function runProcess(cdb: string, args: string[], opts: Required<Pick<RunCdbOptions, 'timeoutMs' | 'maxOutputBytes'>> & RunCdbOptions, file: string): Promise<CdbRun> {
  const platform = opts.platform ?? process.platform;
  const headMax = Math.floor(opts.maxOutputBytes * HEAD_SHARE);
  const capture = new BoundedCapture(headMax, opts.maxOutputBytes - headMax);

  return new Promise<CdbRun>((resolvePromise, reject) => {
    if (opts.signal?.aborted) {
      reject(new AnalyzeError('DUMP_CDB_INTERRUPTED', 'interrupted before cdb started', { file }));
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(cdb, args, {
        shell: false,
        windowsHide: true,
        // Its own process group on POSIX, so that the whole tree can be killed at once.
        detached: platform !== 'win32',
        stdio: ['pipe', 'pipe', 'pipe'],
        env: opts.env ?? process.env,
      });
    } catch (e) {
      reject(spawnError(e, cdb, file));
      return;
    }

    let settled = false;
    let stopReason: 'timeout' | 'abort' | null = null;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let graceTimer: NodeJS.Timeout | undefined;

    const finish = (err: AnalyzeError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (err) reject(err);
      else resolvePromise({ output: capture.text(), exitCode, signal: exitSignal, dropped: capture.dropped });
    };

    const stop = (why: 'timeout' | 'abort') => {
      if (settled || stopReason !== null) return;
      stopReason = why;
      killTree(child, platform);
      // A grandchild that left the group could hold the pipes open: do not wait for them forever.
      graceTimer = setTimeout(() => finish(stopError()), KILL_GRACE_MS);
    };
    const stopError = () =>
      stopReason === 'timeout'
        ? new AnalyzeError(
            'DUMP_CDB_TIMEOUT',
            `cdb did not finish within ${Math.round(opts.timeoutMs / 1000)} s and was stopped with its child processes; the first run downloads symbols (tens of MB) — give more time with --timeout SECONDS, or check that the symbol server is reachable`,
            { file },
          )
        : new AnalyzeError('DUMP_CDB_INTERRUPTED', 'interrupted: cdb and its child processes were stopped', { file });

    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onAbort = () => stop('abort');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout?.on('data', (c: Buffer) => capture.push(c));
    child.stderr?.on('data', (c: Buffer) => capture.push(c));
    // If cdb ever reaches its prompt (an old cdb ignoring `q` in -c), this `q` ends it.
    child.stdin?.on('error', () => {});
    child.stdin?.end('q\n');

    child.on('error', (e) => finish(spawnError(e, cdb, file)));
    child.on('exit', (code, sig) => {
      exitCode = code;
      exitSignal = sig;
    });
    child.on('close', (code, sig) => {
      exitCode ??= code;
      exitSignal ??= sig;
      finish(stopReason === null ? null : stopError());
    });
  });
}

function spawnError(e: unknown, cdb: string, file: string): AnalyzeError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new AnalyzeError('DUMP_CDB_NOT_FOUND', `cdb was not found at ${cdb}; ${CDB_INSTALL_ADVICE}`, { file, cause: e });
  if (code === 'EACCES' || code === 'EPERM') return new AnalyzeError('DUMP_CDB_NOT_RUNNABLE', `cdb at ${cdb} cannot be run (permission denied)`, { file, cause: e });
  return new AnalyzeError('DUMP_CDB_FAILED', `cdb at ${cdb} could not be started: ${(e as Error).message}`, { file, cause: e });
}

/** The last few non-empty lines, to quote in an error. */
function lastLines(text: string, n = 3): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== DONE_MARKER);
  const tail = lines.slice(-n).join(' | ');
  return tail === '' ? '(no output)' : tail.length > 300 ? `${tail.slice(0, 300)}...` : tail;
}

function describeExit(run: CdbRun): string {
  if (run.signal !== null) return `was killed by ${run.signal}`;
  const c = run.exitCode ?? -1;
  // Windows reports a crash as an NTSTATUS exit code (0xC0000005 ...).
  return c > 0x7fffffff || c < 0 ? `exited with code 0x${(c >>> 0).toString(16).toUpperCase()}` : `exited with code ${c}`;
}

/** Run cdb's `!analyze -v` on a dump and parse what it prints.
 * @example const report = await runCdbAnalysis('MEMORY.DMP', { symbols: 'C:\\symbols' });
 */
export async function runCdbAnalysis(dumpFile: string, opts: RunCdbOptions = {}): Promise<DumpReport> {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const cdb = locateCdb({ ...(opts.cdbPath === undefined ? {} : { cdbPath: opts.cdbPath }), env, platform });
  if (cdb === null) throw new AnalyzeError('DUMP_CDB_NOT_FOUND', `cdb.exe was not found; ${CDB_INSTALL_ADVICE}`, { file: dumpFile });
  closeSync(openFile(dumpFile)); // a missing or unreadable dump is our error to report, not cdb's

  const timeoutMs = opts.timeoutMs ?? DEFAULT_CDB_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new AnalyzeError('DUMP_CDB_BAD_TIMEOUT', `the timeout must be positive (got ${timeoutMs} ms)`);
  const symbols = symbolPath({ symbols: opts.symbols, env, platform });
  const args = cdbArguments(resolve(dumpFile), symbols);
  const run = await runProcess(cdb, args, { ...opts, env, platform, timeoutMs, maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES }, dumpFile);
  const report = interpretCdbOutput(run, dumpFile, symbols);
  if (opts.strict === true) failOnDamage(report.warnings, dumpFile);
  return report;
}

/** Decide, from what cdb printed and how it ended, between a report and a precise error. */
function interpretCdbOutput(run: CdbRun, file: string, symbols: string): DumpReport {
  const out = run.output;
  const openFailure = /^.*(Could not open dump file \[|Could not match Dump File signature|is not a valid (crash )?dump file|Failed to open dump file).*$/m.exec(out);
  if (openFailure) {
    throw new AnalyzeError('DUMP_NOT_A_DUMP', `cdb could not open it as a crash dump: ${openFailure[0].trim()}`, { file });
  }

  const report = parseAnalyzeText(out, { file, engine: 'cdb' });
  const found = report.bugcheck !== null || report.exception !== null || report.imageName !== null || report.symbolName !== null;
  if (!found) {
    const symbolLine = /^.*(Kernel symbols are WRONG|Symbol file could not be found|symbols could not be loaded|Your debugger is not using the correct symbols).*$/im.exec(out);
    if (symbolLine) {
      throw new AnalyzeError(
        'DUMP_CDB_SYMBOLS',
        `cdb could not load the symbols it needs ("${symbolLine[0].trim()}"); the symbol path was ${symbols}: use srv*<cache folder>*${MICROSOFT_SYMBOL_SERVER} (--symbols or _NT_SYMBOL_PATH), make sure this machine reaches msdl.microsoft.com (or your symbol proxy) and that the cache folder is writable, then rerun`,
        { file },
      );
    }
    if (run.signal !== null || run.exitCode !== 0) {
      throw new AnalyzeError('DUMP_CDB_FAILED', `cdb ${describeExit(run)} before printing an analysis; its last output: ${lastLines(out)}`, { file });
    }
    throw new AnalyzeError('DUMP_CDB_NO_ANALYSIS', `cdb's output holds no !analyze result; its last output: ${lastLines(out)}`, { file });
  }

  const warnings: Warning[] = [...report.warnings];
  const note = (code: string, message: string) => warnings.push({ code, message });
  if (!new RegExp(`^${DONE_MARKER}$`, 'm').test(out)) {
    note('DUMP_CDB_INCOMPLETE', `cdb: the analysis did not run to its end (cdb ${describeExit(run)}); the facts shown are those printed before`);
  } else if (run.signal !== null || (run.exitCode !== null && run.exitCode !== 0)) note('DUMP_CDB_EXIT', `cdb: ${describeExit(run)} after the analysis`);
  if (run.dropped > 0) note('DUMP_CDB_OUTPUT_CUT', `cdb: its output was longer than the bound; ${run.dropped} bytes in the middle were not kept`);
  if (!warnings.some((w) => w.code === TEXT_WARNING.symbols) && SYMBOL_TROUBLE.test(out)) {
    note(TEXT_WARNING.symbols, `symbols: cdb reported symbol problems with the symbol path ${symbols}; the culprit may be wrong`);
  }
  // The text engine's banner note does not apply to cdb's own output (load messages precede the banner).
  return { ...report, warnings: warnings.filter((w) => w.code !== TEXT_WARNING.noBanner) };
}
