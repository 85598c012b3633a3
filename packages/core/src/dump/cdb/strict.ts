/**
 * `--strict` for the text and cdb engines: the first warning that reports damage (dump/damage.ts: a text read
 * in part, cdb's output cut or its analysis unfinished) becomes the error. Notes are not escalated: a
 * debugger's own warning line (`*** WARNING: Unable to verify timestamp ...`), elided lines and partial
 * arguments are in nearly every real cdb output and saved `!analyze -v`, and made errors they refused 9 of
 * the 15 fixture texts, and every cdb run, under --strict.
 */
import { AnalyzeError, type Warning } from '../../errors.js';
import { isDamageWarning } from '../damage.js';

/** The error --strict made of a damage warning: with `--engine auto` it is the answer, not a cdb failure to fall back from. */
export class StrictDamageError extends AnalyzeError {}

/**
 * Throw the first damage warning of `warnings` as an AnalyzeError of its code (with its offset); notes pass.
 * @example failOnDamage(report.warnings, 'analysis.txt'); // throws DUMP_TEXT_CUT, never DUMP_DEBUGGER_WARNING
 */
export function failOnDamage(warnings: readonly Warning[], file: string | undefined): void {
  const damage = warnings.find((w) => isDamageWarning(w.code));
  if (damage !== undefined) throw new StrictDamageError(damage.code, damage.message, { file, ...(damage.offset === undefined ? {} : { offset: damage.offset }) });
}
