import { AnalyzeError, inputLimitError, type Warning } from '@analyze/core/errors';
import { REPORT_SCHEMA_VERSION } from '@analyze/core/report';
import { EXIT_INVALID, type Context } from './context.js';
import { printable } from './render/printable.js';

export { printable };

/** Print one JSON document (or an array of them), each object stamped with schemaVersion. */
export function printJson(ctx: Context, doc: object | object[]): void {
  const stamp = (d: object) => ({ schemaVersion: REPORT_SCHEMA_VERSION, ...d });
  const value = Array.isArray(doc) ? doc.map(stamp) : stamp(doc);
  ctx.io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** `analyze: FILE: message (at byte N)`; the stack only with --debug. Returns the exit code for it. */
export function reportError(ctx: Context, caught: unknown, file?: string): number {
  const e = inputLimitError(caught, file) ?? caught;
  if (e instanceof AnalyzeError) {
    if (e.file === undefined && file !== undefined) e.file = file;
    ctx.io.err(`analyze: ${ctx.colors.red(printable(e.describe()))}${ctx.debug ? ` [${e.code}]` : ''}\n`);
  } else {
    const message = e instanceof Error ? e.message : String(e);
    ctx.io.err(`analyze: ${file === undefined ? '' : printable(`${file}: `)}${ctx.colors.red(printable(`internal error: ${message}`))}\n`);
  }
  if (ctx.debug && e instanceof Error && e.stack) ctx.io.err(`${e.stack}\n`);
  return EXIT_INVALID;
}

/** Warnings go to stderr, one line each, unless --quiet. */
export function reportWarnings(ctx: Context, warnings: readonly Warning[]): void {
  if (ctx.quiet || ctx.json) return;
  for (const w of warnings) {
    const where = w.offset === undefined ? '' : ` (at byte ${w.offset})`;
    ctx.io.err(`analyze: ${ctx.colors.yellow('warning')}: ${printable(`${w.file === undefined ? '' : `${w.file}: `}${w.message}`)}${where} [${w.code}]\n`);
  }
}

/** The JSON form of an error, for a file that failed inside a multi-file --json run. */
export function errorJson(caught: unknown, file: string): { file: string; error: { code: string; message: string; offset?: number } } {
  const e = inputLimitError(caught, file) ?? caught;
  if (e instanceof AnalyzeError) {
    return { file, error: { code: e.code, message: e.message, ...(e.offset === undefined ? {} : { offset: e.offset }) } };
  }
  return { file, error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } };
}
