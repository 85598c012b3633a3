/**
 * Find cdb.exe, the console debugger of the Debugging Tools for Windows (docs/formats/windows-dumps.md §10). In order:
 * `--cdb PATH` (a file, or the Debuggers folder holding cdb.exe), the ANALYZE_CDB variable, PATH, the
 * Windows Kits `Debuggers\{x64,x86,arm64}` folders, the old standalone install, and the WinDbg app's
 * execution aliases in %LOCALAPPDATA%\Microsoft\WindowsApps. Environment, file system and platform are
 * injectable so every branch is tested on any OS.
 */
import { lstatSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { AnalyzeError } from '../../errors.js';

export interface LocateCdbOptions {
  /** What the user gave with --cdb: a path to cdb(.exe) or to the folder that holds it. */
  cdbPath?: string;
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  /** Host CPU (`process.arch`): picks the Debuggers folder to try first. */
  arch?: string;
  /** True when `path` is an existing file (app execution aliases are reparse points, hence lstat). */
  exists?: (path: string) => boolean;
  isDirectory?: (path: string) => boolean;
}

/** The variable that names cdb explicitly (mcp-windbg uses CDB_PATH for the same; ours is namespaced). */
export const CDB_ENV = 'ANALYZE_CDB';

/** Execution aliases the WinDbg app (Store / winget Microsoft.WinDbg) puts in WindowsApps. */
const WINDBG_APP_ALIASES = ['cdbX64.exe', 'cdbARM64.exe', 'cdbX86.exe'];

function defaultExists(p: string): boolean {
  try {
    return !lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function defaultIsDirectory(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Environment lookup that ignores case on Windows (an injected plain object is case-sensitive). */
function envGet(env: Record<string, string | undefined>, name: string, windows: boolean): string | undefined {
  const direct = env[name];
  if (direct !== undefined || !windows) return direct;
  const k = Object.keys(env).find((key) => key.toUpperCase() === name.toUpperCase());
  return k === undefined ? undefined : env[k];
}

/** Every place cdb may be, in the order they are tried (for `--debug` and tests).
 * @example const paths = cdbCandidates({ platform: 'win32', env: process.env });
 */
export function cdbCandidates(opts: LocateCdbOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const windows = platform === 'win32';
  const path = windows ? win32 : posix;
  const out: string[] = [];

  const names = windows ? ['cdb.exe', ...WINDBG_APP_ALIASES] : ['cdb', 'cdb.exe'];
  const pathVar = envGet(env, 'PATH', windows) ?? '';
  for (const dir of pathVar.split(windows ? ';' : ':')) {
    const d = dir.trim().replace(/^"(.*)"$/, '$1');
    if (d === '') continue;
    for (const n of names) out.push(path.join(d, n));
  }
  if (!windows) return out;

  const arch = opts.arch ?? process.arch;
  const archDirs = arch === 'arm64' ? ['arm64', 'x64', 'x86'] : arch === 'ia32' ? ['x86', 'x64', 'arm64'] : ['x64', 'x86', 'arm64'];
  const roots = [envGet(env, 'ProgramFiles(x86)', true), envGet(env, 'ProgramFiles', true), envGet(env, 'ProgramW6432', true), 'C:\\Program Files (x86)', 'C:\\Program Files'];
  const seen = new Set<string>();
  for (const root of roots) {
    if (root === undefined || seen.has(root.toLowerCase())) continue;
    seen.add(root.toLowerCase());
    for (const kit of ['10', '8.1']) for (const a of archDirs) out.push(win32.join(root, 'Windows Kits', kit, 'Debuggers', a, 'cdb.exe'));
    out.push(win32.join(root, 'Debugging Tools for Windows (x64)', 'cdb.exe'), win32.join(root, 'Debugging Tools for Windows (x86)', 'cdb.exe'));
  }
  const local = envGet(env, 'LOCALAPPDATA', true);
  if (local !== undefined) for (const alias of WINDBG_APP_ALIASES) out.push(win32.join(local, 'Microsoft', 'WindowsApps', alias));
  return out;
}

/**
 * The cdb to run, or null when none is installed. An explicit choice (--cdb, ANALYZE_CDB) that does not
 * exist is an error rather than a silent fallback: the user asked for that debugger.
 * @example const cdb = locateCdb(); // null when no cdb is installed
 */
export function locateCdb(opts: LocateCdbOptions = {}): string | null {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const windows = platform === 'win32';
  const exists = opts.exists ?? defaultExists;
  const isDirectory = opts.isDirectory ?? defaultIsDirectory;

  const explicit = (given: string, source: string): string => {
    if (exists(given)) return given;
    if (isDirectory(given)) {
      const inside = (windows ? win32 : posix).join(given, windows ? 'cdb.exe' : 'cdb');
      if (exists(inside)) return inside;
      throw new AnalyzeError('DUMP_CDB_NOT_FOUND', `${source} names the folder ${given}, which has no ${windows ? 'cdb.exe' : 'cdb'}`);
    }
    throw new AnalyzeError('DUMP_CDB_NOT_FOUND', `${source} names ${given}, which does not exist`);
  };

  if (opts.cdbPath !== undefined && opts.cdbPath !== '') return explicit(opts.cdbPath, '--cdb');
  const fromEnv = envGet(env, CDB_ENV, windows);
  if (fromEnv !== undefined && fromEnv !== '') return explicit(fromEnv, CDB_ENV);
  for (const c of cdbCandidates({ ...opts, env, platform })) if (exists(c)) return c;
  return null;
}

/** What to tell someone who has no cdb. */
export const CDB_INSTALL_ADVICE =
  'install the Debugging Tools for Windows (Windows SDK installer, feature "Debugging Tools for Windows", or `winget install Microsoft.WinDbg`), then give --cdb PATH or set ANALYZE_CDB; or use --engine native';
