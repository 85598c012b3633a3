/**
 * Which warnings say that a dump was read only in part (damaged or cut short), and which are notes about the
 * analysis. A fleet row is marked "read in part" for damage only: a debugger's own warning line (`*** WARNING:
 * Unable to verify timestamp ...`, in nearly every real cdb output and saved `!analyze -v`) marked every dump
 * read through cdb, and most saved texts, as damaged.
 */

/**
 * The notes: debugger warning lines, symbol advice, what a pasted text lacks (banner, arguments, elided lines:
 * the reader read all there was), the stack kept, how cdb ended after its analysis, cdb failing (the native
 * reader answered: its own warnings follow), the native facts beside cdb's, a CPU whose registers are not
 * decoded. Every other warning is damage: the native reader's (a stream, list, name or context cut off or
 * malformed), cdb's output cut or its analysis unfinished, a saved text read in part.
 */
const NOTES: ReadonlySet<string> = new Set([
  'DUMP_DEBUGGER_WARNING',
  'DUMP_SYMBOLS_WRONG',
  'DUMP_TEXT_NO_BANNER',
  'DUMP_TEXT_ELIDED',
  'DUMP_TEXT_NO_FACTS',
  'DUMP_TEXT_CONFLICT',
  'DUMP_TEXT_PARTIAL_ARGS',
  'DUMP_TEXT_STACK_CUT',
  'DUMP_CDB_EXIT',
  'DUMP_CDB_FALLBACK',
  'DUMP_NATIVE_UNREADABLE',
  'DUMP_UNKNOWN_MACHINE',
]);

/**
 * True when a warning of this code means part of the dump (or of the analysis text) could not be read.
 * @example isDamageWarning('DUMP_STREAM_OUT_OF_FILE') // true; isDamageWarning('DUMP_DEBUGGER_WARNING') // false
 */
export function isDamageWarning(code: string): boolean {
  return !NOTES.has(code);
}
