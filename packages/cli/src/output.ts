import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AnalyzeError, inputLimitError, type Warning } from '@analyze/core/errors';
import { REPORT_SCHEMA_VERSION } from '@analyze/core/report';
import { EXIT_INVALID, type Context } from './context.js';
import { jsonPieces } from './json-pieces.js';
import { printable } from './render/printable.js';

export { printable };

/** A document as --json prints it: stamped with schemaVersion. */
export const stamp = (d: object): object => ({ schemaVersion: REPORT_SCHEMA_VERSION, ...d });

/** Print one JSON document (or an array of them), each object stamped with schemaVersion. */
export async function printJson(ctx: Context, doc: object | object[]): Promise<void> {
  const value = Array.isArray(doc) ? doc.map(stamp) : stamp(doc);
  if (ctx.page) {
    // The page is rendered from the very document --json prints (plain data: what JSON drops, undefined
    // fields, the renderers treat as absent), without a second parsed copy of a report that may be large.
    writePage(ctx, ctx.page.render(ctx.page.kind, value));
    // --html alone prints no JSON; a failed file's line on stderr is the caller's, as with --json
    if (!ctx.page.alsoJson) return;
  }
  await writePieces(ctx, value, '');
  ctx.io.out('\n');
}

/**
 * A value as JSON on stdout in pieces, each taken by stdout before the next is made: a large report is never
 * one string (json-pieces.ts), nor queued whole for a pipe.
 */
async function writePieces(ctx: Context, value: unknown, indent: string): Promise<void> {
  for (const piece of jsonPieces(value, indent)) {
    ctx.io.out(piece);
    await ctx.io.drained();
  }
}

/**
 * The JSON array of several documents printed one by one as they come, each stamped like printJson's: the same
 * text as printJson(ctx, docs), without holding every report until the last (300 captures of 1,000 bad frames
 * each peaked `pcap --json` at 376 MB). With --html the runner makes the page apart (HtmlPage).
 */
export class JsonArrayPrinter {
  private count = 0;

  constructor(private readonly ctx: Context) {}

  async add(doc: object): Promise<void> {
    this.ctx.io.out(this.count++ === 0 ? '[\n  ' : ',\n  ');
    await writePieces(this.ctx, stamp(doc), '  ');
  }

  end(): void {
    this.ctx.io.out(this.count === 0 ? '[]\n' : '\n]\n');
  }
}

/** Write the --html page to its file (or stdout for `-`). */
export function writePage(ctx: Context, html: string): void {
  const target = ctx.page!.file;
  if (target === '-') return ctx.io.out(html);
  const path = resolve(ctx.io.cwd, target);
  try {
    writeFileSync(path, html);
  } catch (e) {
    throw new AnalyzeError('HTML_WRITE', `cannot write the page: ${e instanceof Error ? e.message : String(e)}`, { file: target, cause: e });
  }
  if (!ctx.quiet) ctx.io.err(`analyze: page written to ${printable(target)}\n`);
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

/** Files that could not be read named one by one on stderr; past this, the rest are counted in one line. */
export const MAX_ERROR_LINES = 20;

/** A file that could not be read, as a report lists it. */
export interface FailedFile {
  file: string;
  error: { code: string; message: string; offset?: number | undefined };
}

/**
 * Each file of a many-file report that could not be read, on stderr whatever the output (the first
 * MAX_ERROR_LINES, then how many more: a folder of 100,000 broken logs printed 100,000 lines). INTERNAL (a
 * bug, not the input) is said as the runner says it for the other commands.
 */
export function reportFailedFiles(ctx: Context, failed: readonly FailedFile[], where: string): void {
  for (const f of failed.slice(0, MAX_ERROR_LINES)) {
    const e = f.error;
    reportError(ctx, e.code === 'INTERNAL' ? new Error(e.message) : new AnalyzeError(e.code, e.message, { file: f.file, ...(e.offset === undefined ? {} : { offset: e.offset }) }), f.file);
  }
  if (failed.length > MAX_ERROR_LINES) ctx.io.err(`analyze: ${failed.length - MAX_ERROR_LINES} more files could not be read (${where})\n`);
}

/** Warnings go to stderr, one line each, unless --quiet. */
export function reportWarnings(ctx: Context, warnings: readonly Warning[]): void {
  if (ctx.quiet || ctx.json) return;
  for (const w of warnings) {
    const where = w.offset === undefined ? '' : ` (at byte ${w.offset})`;
    ctx.io.err(`analyze: ${ctx.colors.yellow('warning')}: ${printable(`${w.file === undefined ? '' : `${w.file}: `}${w.message}`)}${where} [${w.code}]\n`);
  }
}
