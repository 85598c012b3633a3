/** `analyze psod`: ESXi purple-screen text or vmkernel log -> what crashed, where, and known fixes. */
import { parsePsod, parsePsodWindow, type ParsePsodOptions } from './parse.js';
import { matchSignature, type PsodSignature } from './signatures.js';
import type { PsodReport } from './types.js';
import type { PsodWindow } from './window.js';

export { parsePsod, parsePsodWindow, MAX_PSOD_FRAMES, type ParsePsodOptions } from './parse.js';
export { CrashWindow, psodWindow, MAX_PSOD_LINES, MAX_PSOD_CHARS, type PsodWindow } from './window.js';
export { normalizePsod } from './normalize.js';
export { chooseCulprit, MACHINERY, CORE_MODULES } from './culprit.js';
export { isLoggedBacktrace, LOG_BACKTRACE, type BacktraceSeen } from './logged.js';
export { SIGNATURES, matchSignature, type PsodSignature } from './signatures.js';
export type * from './types.js';

export interface PsodAnalysis extends PsodReport {
  signature: PsodSignature | null;
  /** True when the text holds a crash: a header, or at least one backtrace frame. */
  crashFound: boolean;
}

/**
 * A PSOD text, already read (or the crash window of a streamed one, `readPsodWindow`), to its analysis with
 * the matching signature (a model: `signature.matches` is a function). The `analyzePsod` job of `@analyze/core` reads the input and returns the JSON report.
 * @example analyzePsod(readFileSync('psod.txt', 'utf8')).culprit?.function
 */
export function analyzePsod(text: string | PsodWindow, options: ParsePsodOptions = {}): PsodAnalysis {
  const r = typeof text === 'string' ? parsePsod(text, options) : parsePsodWindow(text, options);
  return { ...r, signature: matchSignature(r) ?? null, crashFound: r.exception !== null || r.frames.length > 0 };
}
export { psodText, readPsodWindow, MAX_PSOD_INPUT } from './input.js';
