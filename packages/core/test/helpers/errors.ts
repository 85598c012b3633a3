import { AnalyzeError } from '../../src/errors.js';

/** The AnalyzeError `fn` throws; anything else thrown is rethrown, and no throw fails the test. */
export function analyzeErrorOf(fn: () => unknown): AnalyzeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AnalyzeError) return e;
    throw e;
  }
  throw new Error('expected an AnalyzeError');
}
