/** `analyze psod`: ESXi purple-screen text or vmkernel log -> what crashed, where, and known fixes. */
import { parsePsod, type ParsePsodOptions } from './parse.js';
import { matchSignature, type PsodSignature } from './signatures.js';
import type { PsodReport } from './types.js';

export { parsePsod, type ParsePsodOptions } from './parse.js';
export { normalizePsod } from './normalize.js';
export { chooseCulprit, MACHINERY, CORE_MODULES } from './culprit.js';
export { SIGNATURES, matchSignature, type PsodSignature } from './signatures.js';
export type * from './types.js';

export interface PsodAnalysis extends PsodReport {
  signature: PsodSignature | null;
  /** True when the text holds a crash: a header, or at least one backtrace frame. */
  crashFound: boolean;
}

/**
 * A PSOD text, already read, to its analysis with the matching signature (a model: `signature.matches` is
 * a function). The `analyzePsod` job of `@analyze/core` reads the input and returns the JSON report.
 * @example analyzePsod(readFileSync('psod.txt', 'utf8')).culprit?.function
 */
export function analyzePsod(text: string, options: ParsePsodOptions = {}): PsodAnalysis {
  const r = parsePsod(text, options);
  return { ...r, signature: matchSignature(r) ?? null, crashFound: r.exception !== null || r.frames.length > 0 };
}
export { psodText, MAX_PSOD_INPUT } from './input.js';
