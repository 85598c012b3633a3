/**
 * `analyze dump`: one entry point, three engines.
 *
 * - a saved `!analyze -v` text (recognised by content)        -> engine 'text'   (cdb/ text parser)
 * - a dump, engine 'auto' and cdb found                         -> engine 'cdb', with the native facts beside it
 *                                                                 (cdb failing -> engine 'native', with a warning why)
 * - a dump, engine 'auto' without cdb, or engine 'native'       -> engine 'native' (native/ readers)
 * - a dump, engine 'cdb'                                        -> engine 'cdb' (fails clearly when cdb is missing)
 */
import { AnalyzeError } from '../errors.js';
import { readHead } from '../io/files.js';
import { CDB_INSTALL_ADVICE, looksLikeAnalyzeText, parseAnalyzeText, parseAnalyzeTextFile, locateCdb, runCdbAnalysis } from './cdb/index.js';
import { analyzeNativeFile } from './native/index.js';
import { detectDumpFormat } from './native/detect.js';
import { StrictDamageError } from './cdb/strict.js';
import type { DumpReport } from './report.js';

export type * from './report.js';
export { analyzeNativeFile, analyzeNativeBuffer } from './native/index.js';
export { detectDumpFormat } from './native/detect.js';
export { isDamageWarning } from './damage.js';
export { CRASH_UNREADABLE, crashUnreadable } from './crash-unreadable.js';

export interface AnalyzeDumpOptions {
  engine: 'auto' | 'native' | 'cdb';
  cdbPath?: string;
  symbols?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  strict?: boolean;
  env?: Record<string, string | undefined>;
  /** Where cdb is looked for and how a missing one is explained (tests); default process.platform. */
  platform?: NodeJS.Platform;
}

/** Bytes sniffed to tell a dump from a saved analysis text. */
const SNIFF_BYTES = 64 * 1024;

/**
 * The engine choice over a dump file or a saved `!analyze -v` text (the reader behind the `analyzeDump`
 * job of `@analyze/core`, which adds the JSON shape and takes bytes and streams too).
 * @example
 *   import { analyzeDump } from '@analyze/core/dump';
 *   const r = await analyzeDump('MEMORY.DMP', { engine: 'native' }); // r.bugcheck?.code
 */
export async function analyzeDump(file: string, opts: AnalyzeDumpOptions): Promise<DumpReport> {
  const head = readHead(file, SNIFF_BYTES);
  const kind = detectDumpFormat(head);

  if (kind === null) {
    if (looksLikeAnalyzeText(head)) {
      // Any size: a long session log is read by its head and tail (cdb/text-file.ts).
      if (head.length < SNIFF_BYTES) return parseAnalyzeText(head, { file, strict: opts.strict === true });
      return parseAnalyzeTextFile(file, { strict: opts.strict === true });
    }
    // Let the native reader produce the precise "not a dump" error (it knows ELF, CAB, USERDUMP ...).
    return analyzeNativeFile(file, nativeOpts(opts));
  }

  if (opts.engine === 'native') return analyzeNativeFile(file, nativeOpts(opts));

  const cdbPath = locateCdb({
    ...(opts.cdbPath === undefined ? {} : { cdbPath: opts.cdbPath }),
    ...(opts.env === undefined ? {} : { env: opts.env }),
    ...(opts.platform === undefined ? {} : { platform: opts.platform }),
  });
  if (opts.engine === 'auto' && cdbPath === null) return analyzeNativeFile(file, nativeOpts(opts));
  if (cdbPath === null) {
    // Off Windows there is nothing to install: say so instead of pointing at the Windows SDK.
    const message =
      (opts.platform ?? process.platform) === 'win32'
        ? `cdb.exe was not found; ${CDB_INSTALL_ADVICE}`
        : 'cdb.exe was not found: it runs only on Windows, and neither --cdb, ANALYZE_CDB nor PATH names one here; use --engine native (or --engine auto, which falls back to it)';
    throw new AnalyzeError('DUMP_CDB_NOT_FOUND', message, { file });
  }

  let cdbReport: DumpReport;
  try {
    cdbReport = await runCdbAnalysis(file, {
      cdbPath,
      strict: opts.strict === true,
      ...(opts.symbols === undefined ? {} : { symbols: opts.symbols }),
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      ...(opts.env === undefined ? {} : { env: opts.env }),
    });
  } catch (e) {
    // auto promises an answer whenever one can be had: when cdb fails (symbols offline, a crash, a timeout),
    // the native reader answers and says why cdb did not. Ctrl-C means stop, and --engine cdb means cdb only.
    // --strict's own error (cdb's output cut or its analysis unfinished) is the answer asked for, not a failure to work around.
    if (opts.engine !== 'auto' || !(e instanceof AnalyzeError) || e.code === 'DUMP_CDB_INTERRUPTED') throw e;
    if (e instanceof StrictDamageError) throw e;
    const native = await analyzeNativeFile(file, nativeOpts(opts)).catch(() => {
      throw e;
    });
    const fellBack = { code: 'DUMP_CDB_FALLBACK', message: `cdb failed (${e.code}: ${e.message}); the native reader answered instead` };
    return { ...native, warnings: [fellBack, ...native.warnings] };
  }

  // Beside cdb's answer, the native facts (a failure of the native reader is a warning, never fatal here).
  let native: DumpReport | null = null;
  try {
    native = await analyzeNativeFile(file, { strict: false });
  } catch (e) {
    // Its code stays in the message; the offset, when it has one, is a byte of the same file.
    const why = e instanceof AnalyzeError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    const offset = e instanceof AnalyzeError && e.offset !== undefined ? { offset: e.offset } : {};
    const unread = { code: 'DUMP_NATIVE_UNREADABLE', message: `native reader could not read the dump: ${why}`, ...offset };
    return { ...cdbReport, native: null, disagreements: [], warnings: [...cdbReport.warnings, unread] };
  }
  return { ...cdbReport, native, disagreements: compareReports(cdbReport, native) };
}

function nativeOpts(opts: AnalyzeDumpOptions): { strict: boolean } {
  return { strict: opts.strict === true };
}

/** Where cdb and the native reader disagree, one sentence each (compared only when both know the fact).
 * @example const differences = compareReports(await runCdbAnalysis('MEMORY.DMP'), await analyzeNativeFile('MEMORY.DMP'));
 */
export function compareReports(cdb: DumpReport, native: DumpReport): string[] {
  const out: string[] = [];
  const norm = (s: string) => s.toLowerCase().replace(/^0x0*/, '');
  if (cdb.bugcheck && native.bugcheck) {
    if (norm(cdb.bugcheck.code) !== norm(native.bugcheck.code)) {
      // Different stop codes: their parameters mean different things, so comparing them only adds noise.
      out.push(`bugcheck code: cdb says ${cdb.bugcheck.code}, the dump header says ${native.bugcheck.code}`);
    } else {
      cdb.bugcheck.parameters.forEach((p, i) => {
        const n = native.bugcheck?.parameters[i];
        if (n !== undefined && norm(p) !== norm(n)) out.push(`bugcheck parameter ${i + 1}: cdb says ${p}, the dump header says ${n}`);
      });
    }
  }
  if (cdb.exception && native.exception && norm(cdb.exception.code) !== norm(native.exception.code)) {
    out.push(`exception code: cdb says ${cdb.exception.code}, the dump says ${native.exception.code}`);
  }
  const cdbCulprit = cdb.imageName ?? cdb.culprit?.module ?? null;
  const nativeCulprit = native.culprit?.module ?? native.imageName;
  if (cdbCulprit && nativeCulprit && !sameImage(cdbCulprit, nativeCulprit)) {
    out.push(`culprit: cdb names ${cdbCulprit}, the native heuristic names ${nativeCulprit}`);
  }
  return out;
}

/** cdb names the kernel ntkrnlmp.exe / nt; the driver list says ntoskrnl.exe: the same image. */
function sameImage(a: string, b: string): boolean {
  const canon = (s: string) => {
    const base = s.toLowerCase().replace(/^.*[\\/]/, '');
    return /^(nt|ntoskrnl|ntkrnlmp|ntkrnlpa|ntkrpamp)(\.exe)?$/.test(base) ? 'nt' : base.replace(/\.(sys|dll|exe)$/, '');
  };
  return canon(a) === canon(b);
}
