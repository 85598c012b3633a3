/**
 * A saved `!analyze -v` text read from a file of any size. An analysis is a few KB, but a `.logopen` session
 * log holding one (beside `!process 0 7` or `lm v`, and twice the size as UTF-16 from `-logou`) passes 16 MiB
 * easily, and was refused (FILE_TOO_LARGE) while `--help` promised any size. Beyond MAX_ANALYSIS_TEXT_BYTES
 * its head and its tail are read, as cdb's own output is kept (run.ts): the analysis is near the start of a
 * session log or at its end; a DUMP_TEXT_CUT warning says how much of the middle was not read.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { Warnings, type Warning } from '../../errors.js';
import { openFile } from '../../io/files.js';
import type { DumpReport } from '../report.js';
import { analyzeTextEncoding, decodeAnalyzeText } from './detect.js';
import { parseAnalyzeText } from './parse.js';

/** Read whole up to this size (the parser's bounds keep its memory flat: hostile-text.test.ts). */
export const MAX_ANALYSIS_TEXT_BYTES = 16 * 1024 * 1024;
/** Of a longer text, the head kept (the start of a session log); the rest of the budget is its tail. */
const HEAD_BYTES = MAX_ANALYSIS_TEXT_BYTES / 16;
/** The code of the warning that a text was read in part (damage.ts counts it as such). */
export const TEXT_CUT = 'DUMP_TEXT_CUT';

/**
 * Parse the analysis text in `file`, read whole or by its head and tail (a warning, an error with `strict`).
 * @example parseAnalyzeTextFile('session.log', { strict: false }).bugcheck?.code
 */
export function parseAnalyzeTextFile(file: string, opts: { strict: boolean }): DumpReport {
  const fd = openFile(file);
  try {
    const size = fstatSync(fd).size;
    if (size <= MAX_ANALYSIS_TEXT_BYTES) return parseAnalyzeText(readAt(fd, 0, size), { file, strict: opts.strict });
    const head = readAt(fd, 0, HEAD_BYTES);
    const encoding = analyzeTextEncoding(head);
    let tailFrom = size - (MAX_ANALYSIS_TEXT_BYTES - HEAD_BYTES);
    if (encoding === 'utf16le' && tailFrom % 2 === 1) tailFrom++; // a UTF-16 tail starts on a character
    const tail = readAt(fd, tailFrom, size - tailFrom);
    const cut: Warning = {
      code: TEXT_CUT,
      message: `text: the file is ${size} bytes; its first ${HEAD_BYTES} and last ${size - tailFrom} were read (a saved analysis is near the start or the end of a session log), the ${tailFrom - HEAD_BYTES} between were not`,
      offset: HEAD_BYTES,
    };
    new Warnings(opts.strict, file).warn(cut.code, cut.message, cut.offset); // --strict: the error
    // Whole lines only on either side of the gap, and a blank line between, so nothing spans it.
    const h = decodeAnalyzeText(head, encoding);
    const t = decodeAnalyzeText(tail, encoding);
    const text = `${h.slice(0, Math.max(h.lastIndexOf('\n'), h.lastIndexOf('\r')) + 1)}\n\n${t.slice(firstLineEnd(t) + 1)}`;
    const report = parseAnalyzeText(text, { file, strict: opts.strict });
    return { ...report, warnings: [cut, ...report.warnings] };
  } finally {
    closeSync(fd);
  }
}

function firstLineEnd(text: string): number {
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}
