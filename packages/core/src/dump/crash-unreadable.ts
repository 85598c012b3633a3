/**
 * A dump that records a crash whose facts could not be read (a minidump whose Exception stream is cut off or
 * too short: a partial copy, a damaged file) is not a dump without a crash. The reader says so with this
 * warning, first in the list; `analyze dump` then exits 2 (could not be analysed) and the fleet counts the
 * dump as unreadable, never as "no crash recorded".
 */
export const CRASH_UNREADABLE = 'DUMP_CRASH_UNREADABLE';

/**
 * True when the report's reader found a crash it could not read (one of its warnings says so).
 * @example if (crashUnreadable(report)) process.exitCode = 2;
 */
export function crashUnreadable(report: { warnings: readonly { code: string }[] }): boolean {
  return report.warnings.some((w) => w.code === CRASH_UNREADABLE);
}
