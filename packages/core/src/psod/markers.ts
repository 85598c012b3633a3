/**
 * What marks a line as part of a crash, tested on raw lines (log prefixes, markdown escapes and flattened
 * records still in place) while a whole input streams past. Loose on purpose: supersets of what the parser
 * reads, so a line the parser would read is never left out of the window. Each pattern is linear.
 */

/**
 * The crash messages the purple screen prints as they are, without the log's `@BlueScreen:` (KB 324947, 343033,
 * 2000091, 333947, 385615, 316522): only their sentence shapes, so that an ordinary log line saying "locked up",
 * "heartbeat" or "NMI" elsewhere (`Heartbeat: 627: PCPU 23 didn't have a heartbeat ... *may* be locked up`,
 * `NMI: 1951: NMI IPI received`) is not one. Paths are `[^\s:]+:\d+`, which cannot backtrack; no shape runs to
 * the line's end (`.*$` fails on a U+2028 and is retried from every start: quadratic).
 */
const SCREEN_MESSAGE_SHAPES = [
  'PCPU [\\d#]+ locked up\\b', // PCPU 6 locked up. Failed to ack TLB invalidate.
  'PCPU [\\d#]+: no heartbeat\\b', // PCPU 57: no heartbeat (2/2 IPIs received)
  'LINT1/NMI \\(motherboard nonmaskable interrupt\\)',
  'NMI IPI: Panic requested by another PCPU\\b',
  'NOT_IMPLEMENTED [^\\s:]+:\\d+', // NOT_IMPLEMENTED bora/vmkernel/main/world.c:2307
  'ASSERT [^\\s:]+:\\d+', // ASSERT bora/vmkernel/main/pframe_int.h:527
  'Spin count exceeded\\b.{0,160}possible deadlock', // bounded: an unbounded `.*` rescans the line from each start
].join('|');
/**
 * Where a screen message may stand: at the start of a line (indented in a pasted quote), after a vmkernel.log
 * prefix `cpu22:10487)`, or after the banner's `[Releasebuild-702118 x86_64]` on the same line (the log form of
 * KB 324947). Bounded inside the brackets: a line of `[Releasebuild-` without `]` would be rescanned from each.
 */
const SCREEN_MESSAGE_AFTER = '(?:^|cpu[\\d#]+:[\\d#]+\\)|\\[Releasebuild-[^\\]]{0,64}\\])\\s*';
/** A crash message in its on-screen form; group 1 is the start of the message (it runs to the line's end). */
export const SCREEN_HEADER = new RegExp(`${SCREEN_MESSAGE_AFTER}(${SCREEN_MESSAGE_SHAPES})`);
/**
 * A log record that is a screen message (a log prefix removed before it), the banner perhaps before it on the
 * same record: its prefix names the crash's CPU and world (normalize.ts).
 */
export const SCREEN_RECORD = new RegExp(`^\\s*(?:VMware ESX[^\\[]{0,40}\\[Releasebuild-[^\\]]{0,64}\\]\\s*)?(?:${SCREEN_MESSAGE_SHAPES})`);
/**
 * A crash header: a CPU exception (`#PF Exception 14`, `\#GP Exception(13)`), a `BlueScreen:` message, or a
 * message in its on-screen form (SCREEN_HEADER).
 */
export const CRASH_HEADER = new RegExp(`#[A-Z]{2}\\s*Exception|BlueScreen:|${SCREEN_MESSAGE_AFTER}(?:${SCREEN_MESSAGE_SHAPES})`);
/** The line that opens a backtrace; after frames it starts another backtrace, as a header does. */
export const BACKTRACE_START = /Backtrace for current CPU/;
/** A bracketed instruction pointer (`[0x41802e47b71a]`, markdown `\[0x..\]`, masked `[0x####]`): a frame. */
export const FRAME_MARK = /\[0x[0-9a-fA-F#?xXlIoO]{1,32}\\?\]/;
/** The function of the first frame on a raw line (markdown `\_` escapes still in it: removed by the reader). */
export const FRAME_FUNCTION = /\[0x[0-9a-fA-F#?xXlIoO]{1,32}\\?\]\s*([\w\\]+)/;
// Never two `\s*` around an optional part: on a long run of spaces they split it every way (quadratic).
/**
 * The screen's first line: `VMware ESXi 7.0.3 [Releasebuild-17630552 x86_64]`, `VMware ESX [Releasebuild-164009`,
 * `VMware ESX Server [Releasebuild-52542]`; digits may be masked (`VMware ESXi #.#.# [Releasebuild-########]`).
 */
export const BANNER = /VMware (ESXi?)(?: Server)?\s*(?:([\d#.]+)\s*)?\[Releasebuild-([\d#]+)/i;
