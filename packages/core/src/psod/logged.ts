/**
 * Backtraces a vmkernel.log holds that are not crashes: the vmkernel or a driver wrote its stack to the log with a
 * non-fatal warning (vmklinux's WARN_ON, `dump_stack`, a NETDEV WATCHDOG transmit timeout) and the host ran on.
 * The same rule serves the crash window (raw lines, window.ts) and the parser (parse.ts).
 */
import { MACHINERY } from './culprit.js';

/**
 * vmkapi's functions that write the current stack to the log (`vmk_LogBacktrace`, `vmk_LogBacktraceMessage`,
 * vmkapi_logging.h; vmklinux's `dump_stack` calls the latter): the top frame of a backtrace that was only logged.
 */
export const LOG_BACKTRACE = /^vmk_LogBacktrace\w*$/;
/** A vmkernel.log `WARNING:` record: on a raw line after its log prefix, or alone once the prefix is removed. */
export const WARNING_LINE = /(?:^|\))\s*WARNING:/;

/** What is known of one backtrace when it ends. */
export interface BacktraceSeen {
  /** A crash header (exception or panic message) belongs to it. */
  header: boolean;
  /** Its first frame's function; null when it has no frames or the name was lost. */
  topFunction: string | null;
  /** The record just before its first line (the backtrace line or first frame) is a WARNING line. */
  afterWarning: boolean;
}

/**
 * A backtrace that was only logged, not a crash: no crash header, and either its top frame is the logging
 * function itself, or it follows a WARNING line and its top frame is not panic/trap machinery (a crash whose
 * header was not pasted still starts with PanicvPanicInt, Int6_UD2Assert...).
 * @example isLoggedBacktrace({ header: false, topFunction: 'vmk_LogBacktraceMessage', afterWarning: true }) // true
 */
export function isLoggedBacktrace(b: BacktraceSeen): boolean {
  if (b.header || b.topFunction === null) return false;
  if (LOG_BACKTRACE.test(b.topFunction)) return true;
  return b.afterWarning && !MACHINERY.test(b.topFunction);
}
