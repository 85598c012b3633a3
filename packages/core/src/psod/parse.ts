/**
 * PSOD text -> PsodReport. Grammar (docs/formats/esxi.md §8), ESX 3.5 to 9.x:
 *   banner    VMware ESX [Releasebuild-164009 X86_64] | VMware ESXi 7.0.3 [Releasebuild-17630552 x86_64]
 *   header    #PF Exception 14 in world WID:NAME IP 0x.. addr 0x..   (6.x+)
 *             @BlueScreen: #PF Exception(14) in world WID:NAME ip 0x.. addr 0x..   (4.x/5.0)
 *             #GP Exception(13) in world WID:NAME @ 0x..   |   #PF Exception type 14 in world .. @ 0x.. (3.x)
 *             @BlueScreen: NOT_IMPLEMENTED bora/..:N | ASSERT .. | Spin count exceeded .. | PCPU N locked up ..
 *             the same messages as the screen prints them, without `@BlueScreen:` (markers.ts SCREEN_HEADER):
 *             PCPU 6 locked up. Failed to ack TLB invalidate. | LINT1/NMI (motherboard nonmaskable interrupt), ..
 *   backtrace Backtrace for current CPU #8, worldID=2097296, fp=0x0
 *   frame     0xFRAME:[0xIP]Function@module#version+0xOFF stack: 0x.., ...   (frame address/stack optional,
 *             @module#version absent before 5.x)
 */
import { DEC, HEX, normalizePsod, type Normalized } from './normalize.js';
import { chooseCulprit } from './culprit.js';
import { isLoggedBacktrace, WARNING_LINE } from './logged.js';
import { BANNER, SCREEN_HEADER } from './markers.js';
import { OTHERS_NAMED, psodWindow, type PsodWindow } from './window.js';
import { Warnings } from '../errors.js';
import type { PsodBanner, PsodException, PsodFrame, PsodKind, PsodReport, PsodWorld } from './types.js';

// OCR'd photos put spaces around `+` and after `]`; the symbol (and those spaces) are trimmed after the match.
// No `\\s*` before the `+`: after a lazy `.*?` it would rescan a run of spaces at every step (quadratic).
const FRAME = new RegExp(`^(?:(${HEX}):)?\\[(${HEX})\\](.*?)\\+\\s*(${HEX})(?:\\s|$)`);
/** A line that holds a bracketed instruction pointer but did not parse as a frame: reported, not dropped silently. */
const FRAME_LIKE = new RegExp(`\\[${HEX}\\]`);
const OBFUSCATED = /^\[email(?:&#160;|\s)protected\]/i;
/**
 * The `#version` in the last word of an obfuscated symbol. The match starts at that word (after a space or at the
 * start): `#(\S*)$` alone scanned the rest of the word from each `#` in it (quadratic: a 64k `#` word took 4 s).
 */
const VERSION_AFTER_OBFUSCATED = /(?:^|\s)[^\s#]*#(\S*)$/;
const CPU_EXCEPTION = new RegExp(
  `#([A-Z]{2})\\s+Exception(?:\\s+type)?\\s*(?:\\(\\s*)?(\\d+)(?:\\s*\\))?\\s+in\\s+world\\s+(${DEC}):(\\S*)(?:\\s+(?:ip|IP)\\s+(${HEX})(?:\\s+addr\\s+(${HEX}))?|\\s+@\\s*(${HEX}))?`,
);
/**
 * `(?!\s)`: the message starts after the whole run of spaces. Without it a line whose message holds U+2028 (a line
 * end to `.` and `$`) failed once for each way to split the run between `\s*` and `.*` (quadratic: a line of 64k
 * spaces took 3 s, a 4 MiB crash window of them 3 minutes).
 */
const BLUESCREEN = /@?BlueScreen:\s*(?!\s)(.*)$/;
const BACKTRACE = new RegExp(`Backtrace for current CPU #(${DEC}),\\s*worldID=(${DEC})`);
const CODE_START = new RegExp(`Code start(?::|s at)\\s*(${HEX})(?:\\s+VMK uptime:\\s*([\\d:.]+))?`);
/**
 * Most frames read from one crash: a real backtrace has < 100, saved backtraces of every CPU a few thousand.
 * Each frame is an object and a JSON record: 300,000 of them (a 6 MB one-line paste) took over 300 MB.
 */
export const MAX_PSOD_FRAMES = 10_000;
/** Most frame-like lines reported as unreadable; a long log of near-misses should not flood the output. */
const MAX_UNREADABLE_REPORTED = 5;
/**
 * The current CPU, starred: `*PCPU28:33446/vmm0:VM_Name` on its own line (5.x-8.x; the name runs to the line's
 * end and may hold spaces), or `*1:4130/helper13-` in ESX 3.x's per-CPU world list (several on one line).
 */
const CURRENT_CPU_WORLD = /(?:^|\s)\*(PCPU)?(\d+):(\d+)\/(\S+)/;
/** The header's ` IP 0x...` after a world name with spaces in it (`in world 2097224:HBR Helper IP 0x...`). */
const IP_AFTER_NAME = new RegExp(`^\\s+(?:ip|IP)\\s+(${HEX})(?:\\s+addr\\s+(${HEX}))?`);

const num = (s: string | undefined | null): number | null => (s && /^\d+$/.test(s) ? Number(s) : null);

function parseFrame(line: string): PsodFrame | undefined {
  const m = FRAME.exec(line);
  if (!m) return undefined;
  const [, frameAddress, ip, symbol = '', offset] = m;
  const frame: PsodFrame = {
    function: null,
    module: null,
    version: null,
    offset: offset ?? null,
    ip: ip ?? null,
    frameAddress: frameAddress ?? null,
    obfuscated: false,
  };
  const sym = symbol.trim();
  if (OBFUSCATED.test(sym)) {
    // "Function@module" became "[email protected]"; the "#version" after it survives.
    frame.obfuscated = true;
    const v = VERSION_AFTER_OBFUSCATED.exec(sym.replace(OBFUSCATED, ''));
    frame.version = v ? (v[1] ?? null) : null;
    return frame;
  }
  const at = sym.indexOf('@');
  if (at < 0) {
    frame.function = sym || null;
    return frame;
  }
  frame.function = sym.slice(0, at) || null;
  const rest = sym.slice(at + 1);
  const hash = rest.indexOf('#');
  frame.module = hash < 0 ? rest : rest.slice(0, hash);
  frame.version = hash < 0 ? null : rest.slice(hash + 1);
  return frame;
}

/** A screen message is one short line; the location search looks no further (its `\S+` scans are per start). */
const MESSAGE_SCAN = 2000;

function classify(message: string): { kind: PsodKind; location: string | null } {
  const text = message.slice(0, MESSAGE_SCAN);
  const location = /(bora\/\S+?:\d+)/.exec(text)?.[1] ?? /(?<!\S)(\S+\.c:\d+)/.exec(text)?.[1] ?? null;
  if (/NOT_IMPLEMENTED/.test(text)) return { kind: 'not-implemented', location };
  if (/\bASSERT|Failed at|assert/i.test(text)) return { kind: 'assert', location };
  if (/Spin count exceeded/i.test(text)) return { kind: 'spin-count-exceeded', location };
  if (/heartbeat/i.test(text)) return { kind: 'heartbeat', location };
  if (/locked up|lockup/i.test(text)) return { kind: 'lockup', location };
  if (/Machine Check|\bMCE\b/i.test(text)) return { kind: 'machine-check', location };
  if (/\bNMI\b|LINT1/.test(text)) return { kind: 'nmi', location };
  return { kind: 'panic', location };
}

/** Text that names no crash of its own still tells from its frames how the vmkernel went down. */
function inferFromFrames(frames: PsodFrame[]): PsodException | null {
  const fns = frames.map((f) => f.function ?? '');
  if (fns.includes('Panic_OnAssertAt'))
    return { kind: 'assert', type: null, number: null, text: 'assertion failure (Panic_OnAssertAt in the backtrace)', location: null, inferred: true };
  if (fns.some((f) => /^SP_WaitLock/.test(f)) && fns.some((f) => /^Panic/.test(f)))
    return { kind: 'spin-count-exceeded', type: null, number: null, text: 'spin lock wait timed out (SP_WaitLock -> Panic in the backtrace)', location: null, inferred: true };
  return null;
}

/** A line quoted in a warning: short enough for one terminal line. */
function clip(line: string): string {
  return line.length > 100 ? `${line.slice(0, 100)}...` : line;
}

function world(idText: string, name: string | null): PsodWorld {
  return { id: num(idText), idText, name: name === '' ? null : name };
}

export interface ParsePsodOptions {
  /** Collects PSOD_* warnings (unreadable frame lines, a second crash); strict ones throw. */
  warnings?: Warnings;
}

/**
 * A header or backtrace line that starts another crash than the one being read (a log holding two PSODs, or a
 * warning's logged backtrace before a crash): any of them after frames, so two backtraces are never mixed.
 */
function startsAnotherCrash(line: string, r: PsodReport): boolean {
  const ex = CPU_EXCEPTION.exec(line);
  // ESX 3.x prints the same header twice (top line and @BlueScreen: line): same world, same crash.
  if (ex && r.exception) return r.frames.length > 0 || (r.world !== null && ex[3] !== r.world.idText);
  return r.frames.length > 0 && (ex !== null || BLUESCREEN.test(line) || SCREEN_HEADER.test(line) || BACKTRACE.test(line));
}

/** What one crash has shown so far; a second crash in the text starts a fresh one (the last is reported). */
interface Crash {
  report: PsodReport;
  backtraceWorld: string | null;
  backtraceLine: boolean;
  starred: { cpu: string; world: string; name: string } | null;
  cr2: string | null;
  regIp: string | null;
  /** Record where it starts: its log prefix is looked up from there. */
  start: number;
  /** Input line where it starts, for the warning that names it; null when unknown. */
  line: number | null;
  /** Its first backtrace line or frame has been read. */
  backtraceSeen: boolean;
  /** The record before that first backtrace line or frame is a WARNING line (a logged backtrace, logged.ts). */
  afterWarning: boolean;
}

function freshCrash(quirks: string[], banner: PsodBanner | null, start: number, line: number | null): Crash {
  const report: PsodReport = {
    banner,
    exception: null,
    world: null,
    cpu: null,
    ip: null,
    faultAddress: null,
    codeStart: null,
    uptime: null,
    frames: [],
    culprit: null,
    quirks,
    warnings: [],
  };
  return { report, backtraceWorld: null, backtraceLine: false, starred: null, cr2: null, regIp: null, start, line, backtraceSeen: false, afterWarning: false };
}

/**
 * Parse a purple-screen text: exception header, world, CPU, registers, backtrace frames and the culprit frame.
 * A long text is read through its crash window (window.ts): the last crash in it is reported.
 * @example parsePsod(text).frames[0]?.function
 */
export function parsePsod(text: string, options: ParsePsodOptions = {}): PsodReport {
  return parsePsodWindow(psodWindow(text), options);
}

/**
 * Parse the lines a CrashWindow kept (what `parsePsod` does after choosing them; a streamed input's path).
 * @example parsePsodWindow(window.result()).exception?.kind
 */
export function parsePsodWindow(window: PsodWindow, options: ParsePsodOptions = {}): PsodReport {
  const warnings = options.warnings ?? new Warnings();
  if (window.damaged !== undefined) warnings.warn(window.damaged.code, `${window.damaged.message}; the text before the damage was analysed`, window.damaged.offset);
  if (window.trailing !== undefined) warnings.warn('GZIP_TRAILING_DATA', 'bytes after the end of the gzip data are not gzip (appended to the file?): ignored, as gzip does', window.trailing);
  if (window.cut !== undefined) warnings.warn('PSOD_INPUT_CUT', window.cut);
  const { lines, origins, quirks, logCpu, logWorld, prefixes } = normalizePsod(window.lines);
  // the first crash starts at the window's first evidence, not at the lines kept before it
  let crash = freshCrash(quirks, null, 0, window.line);
  const read = new CrashesRead();
  let unreadable = 0;
  for (const [index, line] of lines.entries()) {
    let report = crash.report;
    const frame = parseFrame(line);
    if (frame) {
      if (report.frames.length >= MAX_PSOD_FRAMES) {
        warnings.warn('PSOD_INPUT_CUT', `the backtrace holds more than ${MAX_PSOD_FRAMES} frames; the first ${MAX_PSOD_FRAMES} are reported, the rest of the crash text was not read`);
        break;
      }
      noteBacktraceStart(crash, lines[index - 1]);
      report.frames.push(frame);
      continue;
    }
    if (startsAnotherCrash(line, report)) {
      read.add(crash);
      crash = freshCrash(quirks, report.banner, index, inputLine(window, origins[index]!));
      report = crash.report;
    }
    if (FRAME_LIKE.test(line) && ++unreadable <= MAX_UNREADABLE_REPORTED) {
      warnings.warn('PSOD_FRAME_UNREADABLE', `record ${index + 1} looks like a backtrace frame but could not be read, so it is missing from the backtrace: ${clip(line)}`);
    }
    readRecord(line, crash, lines[index - 1]);
  }
  read.add(crash);
  const reported = read.reported;
  // No crash (no evidence, or only logged backtraces): nothing of one is reported, the host banner still is.
  const report = reported === null ? freshCrash(quirks, crash.report.banner, 0, null).report : completed(reported, prefixes, { cpu: logCpu, world: logWorld });
  if (unreadable > MAX_UNREADABLE_REPORTED)
    warnings.warn('PSOD_FRAME_UNREADABLE', `${unreadable - MAX_UNREADABLE_REPORTED} more frame-like records could not be read`);
  const others = window.others + read.earlier;
  if (others > 0) warnings.warn('PSOD_MORE_CRASHES', moreCrashes(window, read.earlier, read.earlierLines, reported?.line ?? null));
  const logged = (window.logged ?? 0) + read.logged;
  if (logged > 0) warnings.warn('PSOD_LOGGED_BACKTRACE', loggedBacktraces(window, read.logged, read.loggedLines, reported !== null));
  report.exception ??= inferFromFrames(report.frames);
  report.culprit = chooseCulprit(report.frames);
  if (window.notText !== undefined && report.exception === null && report.frames.length === 0) {
    // "no PSOD" would say the crash is not there, when only the wrong kind of file was given
    warnings.warn(
      'PSOD_NOT_TEXT',
      window.notText.kind === 'tar'
        ? 'the input is a tar archive (a support bundle?): its plain-text members hold no crash, and compressed ones (such as vmkernel.*.gz) were not read; extract the vmkernel logs and analyse them'
        : window.notText.hint !== ''
          ? `the input is not text (${window.notText.seen})${window.notText.hint}`
          : `the input is not text (${window.notText.seen}): a vmkernel-zdump or other binary file? On the host, \`vmkdump_extract vmkernel-zdump.1\` writes its log as vmkernel-log.1; analyse that`,
    );
  }
  report.warnings = warnings.list;
  return report;
}

/**
 * The crash's report with what the text says around its header: world (the header names it; else the backtrace
 * line; else the starred CPU list; else the log prefix), CPU, instruction pointer and fault address.
 */
function completed(crash: Crash, prefixes: Normalized['prefixes'], firstPrefix: { cpu: string | null; world: string | null }): PsodReport {
  const report = crash.report;
  const prefix = logPrefixOf(crash.start, prefixes) ?? firstPrefix;
  const { starred } = crash;
  if (!report.world) {
    const id = crash.backtraceWorld ?? starred?.world ?? prefix.world;
    if (id !== null && id !== undefined) report.world = world(id, starred && starred.world === id ? starred.name : null);
  }
  if (report.cpu === null && !crash.backtraceLine) report.cpu = num(starred?.cpu ?? prefix.cpu);
  report.ip ??= crash.regIp;
  if (report.faultAddress === null && report.exception?.type === 'PF') report.faultAddress = crash.cr2;
  return report;
}

/** The crashes one parse has read: the one to report (the last), the crashes before it, and logged backtraces. */
class CrashesRead {
  reported: Crash | null = null;
  /** Crashes before the reported one, and the input lines where the first OTHERS_NAMED of them start (null: not known). */
  earlier = 0;
  readonly earlierLines: Array<number | null> = [];
  /** Backtraces only logged by a non-fatal warning (logged.ts), not crashes, and where the first ones start. */
  logged = 0;
  readonly loggedLines: Array<number | null> = [];

  /** One crash text read to its end (another crash starts, or the text ends). */
  add(c: Crash): void {
    const { exception, frames } = c.report;
    if (isLoggedBacktrace({ header: exception !== null, topFunction: frames[0]?.function ?? null, afterWarning: c.afterWarning })) {
      this.logged++;
      if (this.loggedLines.length < OTHERS_NAMED) this.loggedLines.push(c.line);
      return;
    }
    // no header and no frame: the lines before any crash evidence, not a crash
    if (exception === null && frames.length === 0) return;
    if (this.reported !== null) {
      this.earlier++;
      if (this.earlierLines.length < OTHERS_NAMED) this.earlierLines.push(this.reported.line);
    }
    this.reported = c;
  }
}

/** The first backtrace line or frame of a crash: is it logged right after a WARNING line (logged.ts)? */
function noteBacktraceStart(crash: Crash, previous: string | undefined): void {
  if (crash.backtraceSeen) return;
  crash.backtraceSeen = true;
  crash.afterWarning = previous !== undefined && WARNING_LINE.test(previous);
}

/** The crash message of a line that holds one in its on-screen form (SCREEN_HEADER), from its first word on. */
function screenMessage(line: string): string | undefined {
  const m = SCREEN_HEADER.exec(line);
  return m ? line.slice(m.index + m[0].length - (m[1] ?? '').length) : undefined;
}

/** One record that is not a frame: header, banner, backtrace line, code start, CPU list, registers. */
function readRecord(line: string, crash: Crash, previous: string | undefined): void {
  const report = crash.report;
  const banner = BANNER.exec(line);
  if (banner && !report.banner) report.banner = { product: `VMware ${banner[1]}`, version: banner[2] ?? null, build: banner[3] ?? null };
  const cpuEx = CPU_EXCEPTION.exec(line);
  if (cpuEx && !report.exception) {
    const [full, type, n, wid = '', name = '', ipAfterWord, addrAfterWord, atIp] = cpuEx;
    let [wname, ip, addr] = [name, ipAfterWord, addrAfterWord];
    if (ip === undefined && atIp === undefined) {
      // A world name with spaces: the IP follows on the same line, after the rest of the name.
      const nameEnd = cpuEx.index + full.length;
      const [upper, lower] = [line.indexOf(' IP 0x', nameEnd), line.indexOf(' ip 0x', nameEnd)];
      const at = upper < 0 || (lower >= 0 && lower < upper) ? lower : upper;
      const tail = at < 0 ? null : IP_AFTER_NAME.exec(line.slice(at));
      if (tail) [wname, ip, addr] = [line.slice(nameEnd - name.length, at), tail[1], tail[2]];
    }
    report.exception = { kind: 'exception', type: type ?? null, number: num(n), text: full.trim(), location: null, inferred: false };
    report.world = world(wid, wname);
    report.ip = ip ?? atIp ?? null;
    if (addr) report.faultAddress = addr;
    return;
  }
  // `@BlueScreen: PCPU 3 locked up ..` in the log, or the message as the screen prints it (after the banner)
  const message = BLUESCREEN.exec(line)?.[1] ?? screenMessage(line);
  if (message !== undefined && !report.exception) {
    const t = message.trim();
    const { kind, location } = classify(t);
    report.exception = { kind, type: null, number: null, text: t, location, inferred: false };
    return;
  }
  const bt = BACKTRACE.exec(line);
  if (bt) {
    noteBacktraceStart(crash, previous);
    crash.backtraceLine = true;
    report.cpu ??= num(bt[1]);
    crash.backtraceWorld ??= bt[2] ?? null;
    return;
  }
  const cs = CODE_START.exec(line);
  if (cs) {
    report.codeStart ??= cs[1] ?? null;
    report.uptime ??= cs[2] ?? null;
  }
  const star = CURRENT_CPU_WORLD.exec(line);
  if (star && !crash.starred) {
    const name = star[1] ? line.slice(star.index + star[0].length - (star[4] ?? '').length).trimEnd() : (star[4] ?? '');
    crash.starred = { cpu: star[2] ?? '', world: star[3] ?? '', name };
  }
  crash.regIp ??= /\bip=(0x[0-9a-f]+)/.exec(line)?.[1] ?? null;
  crash.cr2 ??= /\bcr2=(0x[0-9a-f]+)/.exec(line)?.[1] ?? null;
}

/** The log prefix of a crash that starts at record `start` (a later crash in the text); null for the first. */
function logPrefixOf(start: number, prefixes: Normalized['prefixes']): { cpu: string; world: string } | null {
  if (start === 0) return null;
  return prefixes.find((p) => p.record >= start) ?? prefixes.findLast((p) => p.record < start) ?? null;
}

/** Input line of window line `index` (from `lineNumbers`); null for a hand-built window or the banner put first. */
function inputLine(window: PsodWindow, index: number): number | null {
  const no = window.lineNumbers?.[index];
  return no === undefined || no === 0 ? null : no;
}

/**
 * PSOD_LOGGED_BACKTRACE: backtraces a non-fatal warning logged (the window's and those found inside it), named by
 * input line when every one is known; they are not crashes and were not analysed.
 */
function loggedBacktraces(window: PsodWindow, inside: number, insideLines: Array<number | null>, crash: boolean): string {
  const n = (window.logged ?? 0) + inside;
  const known = insideLines.every((l) => l !== null);
  const lines = [...(window.loggedLines ?? []), ...(known ? (insideLines as number[]) : [])].sort((x, y) => x - y).slice(0, OTHERS_NAMED);
  const more = (window.logged ?? 0) + (known ? inside : 0) > lines.length;
  const at = lines.length > 0 ? ` (line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}${more ? ', ...' : ''})` : '';
  const what = n === 1 ? `a backtrace logged by a non-fatal warning${at}, not a crash` : `${n} backtraces logged by non-fatal warnings${at}, not crashes`;
  const why = 'no crash header; the top frame is the log call, or a WARNING line comes just before';
  const verdict = crash ? `${n === 1 ? 'it is' : 'they are'} not mixed into the crash reported` : 'the text holds no crash';
  return `the text holds ${what} (${why}): ${verdict}`;
}

/**
 * PSOD_MORE_CRASHES: how many other crashes, where, and which one the report is about. `earlierLines` are where
 * the first crashes set aside inside the window start, `reported` where the reported one does.
 */
function moreCrashes(window: PsodWindow, earlier: number, earlierLines: Array<number | null>, reported: number | null): string {
  const n = window.others + earlier;
  const inside = earlierLines.filter((l): l is number => l !== null);
  // a line not known (a window built by hand) names none of the crashes found here, nor where the report starts
  const known = reported !== null && inside.length === earlierLines.length;
  const named = [...window.otherLines, ...(known ? inside : [])].sort((x, y) => x - y).slice(0, OTHERS_NAMED);
  const unnamed = window.others + (known ? earlier : 0) > named.length;
  const at = named.length > 0 ? ` (line${named.length === 1 ? '' : 's'} ${named.join(', ')}${unnamed ? ', ...' : ''})` : '';
  const where = known ? `, at line ${reported},` : '';
  const which = window.last ? `the last${where}` : `the last with a crash header${where}`;
  return `the text holds ${n === 1 ? 'another crash' : `${n} other crashes`}${at}; only ${which} is reported`;
}
