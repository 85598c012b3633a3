/**
 * The debugger engine of `analyze dump`: find cdb, run `!analyze -v` safely, and read its text — cdb's live
 * output or an analysis someone saved or pasted out of WinDbg (every era since 6.x).
 */
export { locateCdb, cdbCandidates, CDB_ENV, CDB_INSTALL_ADVICE } from './locate.js';
export type { LocateCdbOptions } from './locate.js';
export { runCdbAnalysis, symbolPath, cdbArguments, defaultSymbolCache, DEFAULT_CDB_TIMEOUT_MS, DEFAULT_MAX_OUTPUT_BYTES, DONE_MARKER, MICROSOFT_SYMBOL_SERVER } from './run.js';
export type { RunCdbOptions } from './run.js';
export { parseAnalyzeText } from './parse.js';
export { parseAnalyzeTextFile, MAX_ANALYSIS_TEXT_BYTES, TEXT_CUT } from './text-file.js';
export type { ParseAnalyzeOptions } from './parse.js';
export { looksLikeAnalyzeText, normaliseAnalyzeText } from './detect.js';
