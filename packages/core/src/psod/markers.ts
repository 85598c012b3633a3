/**
 * What marks a line as part of a crash, tested on raw lines (log prefixes, markdown escapes and flattened
 * records still in place) while a whole input streams past. Loose on purpose: supersets of what the parser
 * reads, so a line the parser would read is never left out of the window. Each pattern is linear.
 */

/** A crash header: a CPU exception (`#PF Exception 14`, `\#GP Exception(13)`) or a `BlueScreen:` message. */
export const CRASH_HEADER = /#[A-Z]{2}\s*Exception|BlueScreen:/;
/** The line that opens a backtrace; after frames it starts another crash, as a header does. */
export const BACKTRACE_START = /Backtrace for current CPU/;
/** A bracketed instruction pointer (`[0x41802e47b71a]`, markdown `\[0x..\]`, masked `[0x####]`): a frame. */
export const FRAME_MARK = /\[0x[0-9a-fA-F#?xXlIoO]{1,32}\\?\]/;
// Never two `\s*` around an optional part: on a long run of spaces they split it every way (quadratic).
/** The screen's first line: `VMware ESXi 7.0.3 [Releasebuild-17630552 x86_64]`, `VMware ESX [Releasebuild-164009`. */
export const BANNER = /VMware (ESXi?)\s*(?:([\d.]+)\s*)?\[Releasebuild-(\d+)/i;
