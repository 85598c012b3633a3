/**
 * `!analyze -v` text -> DumpReport, for every era of the debugger's output (docs/dump.md, "Reading the text"):
 *
 * - 2020+ (WinDbg 10.0.2xxxx, the WinDbg app): BUGCHECK_CODE, BUGCHECK_P1..P4, OS_VERSION, KEY_VALUES blocks;
 * - 2016-2019 (10.0.1xxxx): no BUGCHECK_CODE but BUGCHECK_STR `0x1E_c0000005_R`, DEFAULT_BUCKET_ID, BUILDOSVER_STR;
 * - 6.x: the name line `NAME (code)`, `Arg1:`..`Arg4:`, FAULTING_IP, `BugCheck 1E, {...}` summaries and
 *   `Probably caused by : x.sys ( sym )`;
 * - user-mode analyses (`Exception Analysis`, EXCEPTION_RECORD, ExceptionCode), texts with symbol errors,
 *   and partial pastes (no banner, elided with `...`, indented, CRLF or UTF-16).
 *
 * Each fact has an ordered list of sources; the first one present wins. The parser never throws: a text with
 * nothing recognisable gives a report of nulls with a warning saying so.
 */
import { Warnings, type Warning } from '../../errors.js';
import { bugcheckName, exceptionName } from '../../tables/index.js';
import type { BugcheckInfo, DumpEngine, DumpReport, ExceptionInfo } from '../report.js';
import { decodeAnalyzeText } from './detect.js';
import { failOnDamage } from './strict.js';

export interface ParseAnalyzeOptions {
  /** The file name to put in the report, as the user named it. */
  file?: string;
  /** 'text' for a saved analysis, 'cdb' when the text is cdb's live output. */
  engine?: Extract<DumpEngine, 'cdb' | 'text'>;
  /**
   * The first warning that reports damage becomes an error (AnalyzeError with its code); notes (a debugger's
   * warning line, elided lines) stay warnings (strict.ts).
   */
  strict?: boolean;
}

/**
 * The warning codes of the text and cdb engines (stable, docs/json-dump.md). The text carries no byte
 * offsets of the dump, so these warnings have none.
 */
export const TEXT_WARNING = {
  /** A line the debugger printed as a warning or error (`*** WARNING`, `Unable to get ...`). */
  debugger: 'DUMP_DEBUGGER_WARNING',
  /** The debugger could not load the right symbols: the culprit may be wrong. */
  symbols: 'DUMP_SYMBOLS_WRONG',
  /** No `Bugcheck Analysis` / `Exception Analysis` banner: a partial paste. */
  noBanner: 'DUMP_TEXT_NO_BANNER',
  /** Parts of the text were elided with `...`. */
  elided: 'DUMP_TEXT_ELIDED',
  /** Neither a bugcheck, an exception nor a culprit was found. */
  noFacts: 'DUMP_TEXT_NO_FACTS',
  /** Two sources of the bugcheck code disagree; the first one read wins. */
  conflict: 'DUMP_TEXT_CONFLICT',
  /** Only some bugcheck arguments are shown, so the parameters are left empty. */
  partialArgs: 'DUMP_TEXT_PARTIAL_ARGS',
  /** The stack is longer than the frames kept. */
  stackCut: 'DUMP_TEXT_STACK_CUT',
} as const;

/** A stack longer than this is cut (a corrupt stack can unwind into thousands of garbage frames). */
const MAX_STACK_FRAMES = 256;
/** Distinct debugger warnings kept; the Cobalt Strike corpus texts repeat one TEB warning 20 times. */
const MAX_DEBUGGER_WARNINGS = 20;
/** Lines longer than this are cut before matching: keeps every regex linear on hostile input. */
const MAX_LINE_CHARS = 4096;
/**
 * Lines kept per block (STACK_TEXT and the like; MAX_STACK_FRAMES are used) and distinct keys kept (a real
 * analysis prints ~100): a 16 MB text of one block or of distinct keys held every line (~300 MB).
 */
const MAX_BLOCK_LINES = 1024;
const MAX_KEYS = 4096;

/** A KEY: value line of the Debugging Details section (`^([A-Z][A-Z0-9_]+):\s*(.*)$`, docs/formats/windows-dumps.md §9). */
const KEY_LINE = /^([A-Z][A-Z0-9_]{1,79}):(.*)$/;
/** Keys whose value is the following lines rather than the rest of the line. */
const BLOCK_KEYS = new Set(['STACK_TEXT', 'FAULTING_IP', 'FOLLOWUP_IP', 'EXCEPTION_RECORD', 'FAILED_INSTRUCTION_ADDRESS', 'IP_IN_PAGED_CODE']);
/** All-caps words that start debugger messages, not analysis keys. */
const NOT_KEYS = new Set(['WARNING', 'ERROR', 'NOTE']);
/** Bugchecks whose first parameter is the unhandled exception's code (msdocs bug-check pages). */
const EXCEPTION_IN_P1 = new Set([0x1e, 0x7e, 0x8e, 0x3b, 0x1000001e, 0x1000007e, 0x1000008e]);
/** Lines that report symbol or dump-reading trouble; kept as warnings. */
const TROUBLE_LINE =
  /^(\*\*\*\s*(WARNING|ERROR)\b|WARNING:|ERROR:|Kernel symbols are WRONG|Symbol file could not be found|Unable to load image|Unable to get |Page [0-9a-f]+ not present in the dump file|Type referenced: .* not found|Your debugger is not using the correct symbols|\*\*\* Either you specified an unqualified symbol)/;
/**
 * `Probably caused by : image ( symbol )`. The `(?!\S)` keeps the image whole: the `.*$` fails on a line holding
 * U+2028 (a line end to `.` and `$`), and `\S+` giving back one character at a time before each retry was
 * quadratic (a 4,096-character line took 16 ms, 4 MB of them 17 s).
 */
const CAUSED_BY = /^Probably caused by\s*:\s*(\S+)(?!\S)(.*)$/;
/** Lines that mean the symbols were wrong or missing (the analysis then blames the wrong module). */
export const SYMBOL_TROUBLE =
  /Kernel symbols are WRONG|Symbol file could not be found|symbols could not be loaded|Your debugger is not using the correct symbols|WRONG_SYMBOLS|Defaulted to export symbols for (ntdll|ntoskrnl|ntkrnlmp)/i;

interface Scan {
  mode: 'kernel' | 'user' | null;
  banner: boolean;
  keys: Map<string, string>;
  blocks: Map<string, string[]>;
  kv: Map<string, string>;
  nameLine: { name: string | null; code: string } | null;
  args: (string | undefined)[];
  summary: { code: string; params: string[] } | null;
  causedBy: { image: string; symbol: string | null } | null;
  record: { code: string; address: string | null } | null;
  builtBy: string | null;
  elided: boolean;
  troubles: string[];
  troubleCount: number;
}

/**
 * Read the facts out of a `!analyze -v` text (cdb's live output or a saved paste): bugcheck, exception,
 * culprit, bucket, OS and stack; warnings (DUMP_TEXT_*, DUMP_DEBUGGER_WARNING) through `Warnings`; `strict`
 * stops at the first that reports damage (none of the parser's own codes does: they are notes).
 * @example parseAnalyzeText(text, { file: 'analysis.txt', strict: true }).bugcheck?.name
 */
export function parseAnalyzeText(input: string | Uint8Array, opts: string | ParseAnalyzeOptions = {}): DumpReport {
  const o: ParseAnalyzeOptions = typeof opts === 'string' ? { file: opts } : opts;
  const scan = scanLines(decodeAnalyzeText(input));
  const report = buildReport(scan, o.file ?? '', o.engine ?? 'text');
  // --strict stops at damage only; then through the shared Warnings, which keep at most MAX_WARNINGS.
  if (o.strict === true) failOnDamage(report.warnings, o.file);
  const warnings = new Warnings();
  for (const w of report.warnings) warnings.warn(w.code, w.message, w.offset);
  report.warnings = warnings.list;
  return report;
}

function scanLines(text: string): Scan {
  const s: Scan = {
    mode: null,
    banner: false,
    keys: new Map(),
    blocks: new Map(),
    kv: new Map(),
    nameLine: null,
    args: [],
    summary: null,
    causedBy: null,
    record: null,
    builtBy: null,
    elided: false,
    troubles: [],
    troubleCount: 0,
  };
  let block: string | null = null;
  let blockLines: string[] = [];
  let pendingKey: string | null = null;
  let inRecord = false;

  const closeBlock = () => {
    if (block !== null && !s.blocks.has(block)) s.blocks.set(block, blockLines);
    block = null;
    blockLines = [];
  };

  // Line by line, ending at LF, CRLF or a lone CR, never all lines at once (a 16 MB text of empty lines is 16 M of them).
  for (let start = 0; start <= text.length; ) {
    let end = start;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 0x0a || c === 0x0d) break;
      end++;
    }
    const line = text.slice(start, Math.min(end, start + MAX_LINE_CHARS)).trim();
    start = end + (text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? 2 : 1);

    if (line === '') {
      // A block ends at the first blank line after its content (STACK_TEXT may be followed by one blank first).
      if (block !== null && blockLines.length > 0) closeBlock();
      pendingKey = null;
      inRecord = false;
      continue;
    }
    if (line === '...') s.elided = true;

    if (TROUBLE_LINE.test(line)) {
      s.troubleCount++;
      if (!s.troubles.includes(line) && s.troubles.length < MAX_DEBUGGER_WARNINGS) s.troubles.push(line);
      continue;
    }

    const banner = /^\*+\s+(Bugcheck|Exception) Analysis\s+\*+$/.exec(line);
    if (banner) {
      s.banner = true;
      s.mode ??= banner[1] === 'Bugcheck' ? 'kernel' : 'user';
      continue;
    }
    if (s.mode === null) {
      if (/^(\d+: )?kd> ?/.test(line)) s.mode = 'kernel';
      else if (/^\d+:\d+(:[a-z0-9]+)?> ?/i.test(line)) s.mode = 'user';
    }

    const key = KEY_LINE.exec(line);
    if (key && !NOT_KEYS.has(key[1]!)) {
      closeBlock();
      inRecord = false;
      const name = key[1]!;
      const value = key[2]!.trim();
      if (!s.keys.has(name) && s.keys.size < MAX_KEYS) s.keys.set(name, value);
      if (BLOCK_KEYS.has(name)) {
        block = name;
        blockLines = [];
      }
      if (name === 'EXCEPTION_RECORD') inRecord = true;
      continue;
    }

    if (block !== null && blockLines.length < MAX_BLOCK_LINES) blockLines.push(line);

    // Facts that may appear anywhere (outside Debugging Details, or in pasted fragments).
    if (s.nameLine === null) {
      const named = /^([A-Z][A-Z0-9_]{2,}) \(([0-9a-fA-F]{1,8})\)$/.exec(line);
      const unknown = /^Unknown bugcheck code \(([0-9a-fA-F]{1,8})\)$/.exec(line);
      if (named) s.nameLine = { name: named[1]!, code: named[2]! };
      else if (unknown) s.nameLine = { name: null, code: unknown[1]! };
    }
    const arg = /^Arg([1-4]): ?([0-9a-fA-F`]{1,17})(?:,|$|\s)/.exec(line);
    if (arg && s.args[Number(arg[1]) - 1] === undefined) {
      s.args[Number(arg[1]) - 1] = arg[2]!;
      continue;
    }
    const summary = /^BugCheck ([0-9A-Fa-f]{1,8}), \{([^}]{0,200})\}/.exec(line);
    if (summary && s.summary === null) {
      s.summary = { code: summary[1]!, params: summary[2]!.split(',').map((p) => p.trim()) };
      continue;
    }
    const caused = CAUSED_BY.exec(line);
    if (caused && s.causedBy === null) {
      s.causedBy = { image: caused[1]!, symbol: causedBySymbol(caused[2]!) };
      continue;
    }
    const code = /^ExceptionCode: ([0-9a-fA-F]{1,8})(?: \((.*)\))?$/.exec(line);
    if (code && (inRecord || s.record === null)) {
      // The EXCEPTION_RECORD block's record wins over `.exr` output elsewhere in the text.
      if (s.record === null || inRecord) s.record = { code: code[1]!, address: s.record?.address ?? null };
      continue;
    }
    const address = /^ExceptionAddress: ([0-9a-fA-F`]{1,17})/.exec(line);
    if (address && (s.record === null || inRecord)) {
      s.record = { code: s.record?.code ?? '', address: address[1]! };
      continue;
    }
    const keyName = /^Key\s*: (\S+)$/.exec(line);
    if (keyName) {
      pendingKey = keyName[1]!;
      continue;
    }
    const value = /^Value: (.*)$/.exec(line);
    if (value && pendingKey !== null) {
      if (!s.kv.has(pendingKey) && s.kv.size < MAX_KEYS) s.kv.set(pendingKey, value[1]!.trim());
      pendingKey = null;
      continue;
    }
    const built = /^Built by: (\S+)/.exec(line);
    if (built && s.builtBy === null) s.builtBy = built[1]!;
  }
  closeBlock();
  return s;
}

/**
 * The symbol of `( symbol )` after the culprit's image, trimmed; null when the rest is not one parenthesised
 * symbol. A scan, not `^\s*\(\s*(.*?)\s*\)\s*$`: that split a run of spaces every way (cubic: one line of 4,000
 * spaces took 15 s).
 */
function causedBySymbol(rest: string): string | null {
  const t = rest.trim();
  if (t.length < 2 || !t.startsWith('(') || !t.endsWith(')')) return null;
  const symbol = t.slice(1, -1).trim();
  return symbol === '' ? null : symbol;
}

function buildReport(s: Scan, file: string, engine: 'cdb' | 'text'): DumpReport {
  const warnings: Warning[] = [];
  const key = (k: string): string | null => {
    const v = s.keys.get(k);
    return v === undefined || v === '' ? null : v;
  };

  // Kernel or user mode: the banner/prompt, else what the facts look like.
  const bugcheckStr = key('BUGCHECK_STR');
  const mode =
    s.mode ??
    (key('BUGCHECK_CODE') !== null || s.nameLine !== null || s.summary !== null || (bugcheckStr !== null && /^0x/i.test(bugcheckStr))
      ? 'kernel'
      : s.record !== null || key('EXCEPTION_CODE_STR') !== null
        ? 'user'
        : null);

  const bugcheck = mode === 'kernel' ? readBugcheck(s, key, warnings) : null;
  const exception = readException(s, key, bugcheck);

  // FOLLOWUP_IP's first line is the frame !analyze followed up on (what SYMBOL_NAME is made from).
  const followup = /^[A-Za-z0-9_.$-]+!\S+$/.exec(s.blocks.get('FOLLOWUP_IP')?.[0] ?? '')?.[0] ?? null;
  const imageName = key('IMAGE_NAME') ?? s.causedBy?.image ?? null;
  const symbolName = key('SYMBOL_NAME') ?? s.causedBy?.symbol ?? followup;
  const moduleName = key('MODULE_NAME') ?? (symbolName?.includes('!') ? symbolName.split('!')[0]! : null);
  const failureBucket = key('FAILURE_BUCKET_ID') ?? s.kv.get('Failure.Bucket') ?? key('BUCKET_ID') ?? key('DEFAULT_BUCKET_ID') ?? null;
  const osVersion = readOsVersion(s, key);
  const stack = readStack(s.blocks.get('STACK_TEXT') ?? [], warnings);

  const culpritModule = imageName ?? moduleName;
  const evidence: string[] = [];
  if (key('IMAGE_NAME') !== null) evidence.push(`!analyze names IMAGE_NAME ${key('IMAGE_NAME')}${symbolName ? ` (SYMBOL_NAME ${symbolName})` : ''}`);
  else if (s.causedBy) evidence.push(`!analyze says "Probably caused by : ${s.causedBy.image}${s.causedBy.symbol ? ` ( ${s.causedBy.symbol} )` : ''}"`);
  else if (key('MODULE_NAME') !== null) evidence.push(`!analyze names MODULE_NAME ${moduleName}`);
  else if (followup !== null) evidence.push(`!analyze follows up on ${followup} (FOLLOWUP_IP)`);
  else if (culpritModule !== null) evidence.push(`!analyze names SYMBOL_NAME ${symbolName}`);
  else evidence.push(noCulpritEvidence(engine, s.elided));

  // Warnings: the debugger's own (deduplicated), then what the text lacks.
  warnings.unshift(...s.troubles.map((t) => note(TEXT_WARNING.debugger, `debugger: ${t}`)));
  if (s.troubleCount > s.troubles.length) {
    warnings.push(note(TEXT_WARNING.debugger, `debugger: ${s.troubleCount - s.troubles.length} more warning line(s) repeat or follow the ones above`));
  }
  if (s.troubles.some((t) => SYMBOL_TROUBLE.test(t)) || (failureBucket !== null && /WRONG_SYMBOLS/.test(failureBucket))) {
    warnings.push(
      note(
        TEXT_WARNING.symbols,
        'symbols: the debugger could not load the right symbols, so the analysis may blame the wrong module; set the symbol path to srv*<cache folder>*https://msdl.microsoft.com/download/symbols (--symbols or _NT_SYMBOL_PATH) and rerun',
      ),
    );
  }
  if (!s.banner) warnings.push(note(TEXT_WARNING.noBanner, 'text: no "Bugcheck Analysis" / "Exception Analysis" banner: read as a partial paste'));
  if (s.elided) warnings.push(note(TEXT_WARNING.elided, 'text: parts of the output were elided ("..."): facts not shown in it are null'));
  if (bugcheck === null && exception === null && culpritModule === null) warnings.push(note(TEXT_WARNING.noFacts, 'text: no bugcheck, exception or culprit found in the text'));

  const os = readOs(s, key, osVersion);
  const crashTime = readTime(key('TARGET_TIME'));

  return {
    file,
    engine,
    format: null,
    bugcheck,
    exception,
    imageName,
    moduleName,
    symbolName,
    processName: key('PROCESS_NAME'),
    failureBucket,
    osVersion,
    stack,
    warnings,
    os,
    modules: [],
    drivers: [],
    threads: [],
    // Always the object, as the native engine gives it: no module named is `module: null` with the reason.
    culprit: { module: culpritModule, evidence },
    crashTime,
  };
}

type KeyFn = (k: string) => string | null;

/** Why no module is blamed: the analysis names none, or names it in a part of the text not shown. */
function noCulpritEvidence(engine: 'cdb' | 'text', elided: boolean): string {
  const who = engine === 'cdb' ? "cdb's analysis" : 'The text';
  const none = `${who} names no module to blame: no IMAGE_NAME, MODULE_NAME, SYMBOL_NAME, "Probably caused by" or FOLLOWUP_IP line`;
  return elided ? `${none} is shown (parts of it were elided with "...": the full analysis may name one).` : `${none}.`;
}

const note = (code: string, message: string): Warning => ({ code, message });

function readBugcheck(s: Scan, key: KeyFn, warnings: Warning[]): BugcheckInfo | null {
  const fromStr = /^0x([0-9a-fA-F]{1,8})(?:_|$)/.exec(key('BUGCHECK_STR') ?? '');
  const sources: [string, string | null | undefined][] = [
    ['BUGCHECK_CODE', key('BUGCHECK_CODE')],
    ['BUGCHECK_STR', fromStr?.[1]],
    ['the name line', s.nameLine?.code],
    ['the BugCheck summary', s.summary?.code],
  ];
  let code: number | null = null;
  for (const [where, raw] of sources) {
    const v = hexNumber(raw);
    if (v === null) continue;
    if (code === null) code = v;
    else if (v !== code) warnings.push(note(TEXT_WARNING.conflict, `text: ${where} says bugcheck ${codeHex(v)}, but ${codeHex(code)} was read first`));
  }
  if (code === null) return null;

  const p = [1, 2, 3, 4].map((i) => key(`BUGCHECK_P${i}`));
  let parameters: string[] = [];
  if (p.every((x) => x !== null && hexNumberBig(x) !== null)) parameters = p.map((x) => paramHex(x!));
  else if (s.args.length === 4 && s.args.every((a) => a !== undefined)) parameters = s.args.map((a) => paramHex(a!));
  else if (s.summary && s.summary.params.length === 4 && s.summary.params.every((x) => hexNumberBig(x) !== null)) parameters = s.summary.params.map(paramHex);
  else {
    const known = s.args.map((a, i) => (a === undefined ? null : `Arg${i + 1} = ${paramHex(a)}`)).filter((x) => x !== null);
    if (known.length > 0) warnings.push(note(TEXT_WARNING.partialArgs, `text: only some bugcheck arguments are shown (${known.join(', ')}); parameters left empty`));
  }

  const textName = s.nameLine !== null && hexNumber(s.nameLine.code) === code ? s.nameLine.name : null;
  return { code: codeHex(code), name: bugcheckName(code) ?? textName, parameters };
}

function readException(s: Scan, key: KeyFn, bugcheck: BugcheckInfo | null): ExceptionInfo | null {
  const ntstatus = (v: string | null) => /^(?:\(NTSTATUS\)\s*)?(?:0x)?([0-9a-fA-F]{1,8})\b/.exec(v ?? '')?.[1];
  const errorCode = key('ERROR_CODE');
  const userStr = /^[0-9a-fA-F]{8}$/.test(key('BUGCHECK_STR') ?? '') && bugcheck === null ? key('BUGCHECK_STR') : null;
  const fromP1 = bugcheck !== null && EXCEPTION_IN_P1.has(Number(bugcheck.code)) && bugcheck.parameters[0] !== undefined ? low32(bugcheck.parameters[0]) : null;
  const candidates = [
    key('EXCEPTION_CODE_STR'),
    ntstatus(key('EXCEPTION_CODE')),
    errorCode !== null && errorCode.startsWith('(NTSTATUS)') ? ntstatus(errorCode) : undefined,
    s.record?.code,
    userStr,
    fromP1,
  ];
  let code: number | null = null;
  for (const c of candidates) {
    code = hexNumber(c);
    if (code !== null) break;
  }
  if (code === null) return null;

  // The record's address belongs to this exception only when the record carries the same code.
  const recordMatches = s.record !== null && hexNumber(s.record.code) === code;
  // For 0x1E/0x7E/0x8E/0x3B the second parameter is the exception address.
  const p2 = bugcheck !== null && EXCEPTION_IN_P1.has(Number(bugcheck.code)) ? (bugcheck.parameters[1] ?? null) : null;
  const addr = recordMatches && s.record!.address ? paramHex(s.record!.address) : p2;
  return { code: codeHex(code), name: exceptionName(code) ?? null, address: addr, threadId: null };
}

function readOsVersion(s: Scan, key: KeyFn): string | null {
  const direct = key('OS_VERSION') ?? s.kv.get('WER.OS.Version');
  if (direct) return direct;
  const build = key('BUILDOSVER_STR');
  if (build) return /^\d+\.\d+\.\d+\.\d+/.exec(build)?.[0] ?? build;
  return s.builtBy ?? key('BUILD_VERSION_STRING');
}

function readOs(s: Scan, key: KeyFn, version: string | null): NonNullable<DumpReport['os']> | null {
  const platform = key('OSNAME');
  const architecture = key('OSPLATFORM_TYPE');
  const cpus = key('CPU_COUNT');
  const processors = cpus !== null && /^\d{1,4}$/.test(cpus) ? Number(cpus) : null;
  const buildPart = version !== null ? /^(?:\d+\.\d+\.)?(\d{4,5})\./.exec(version)?.[1] : undefined;
  const build = buildPart !== undefined ? Number(buildPart) : key('OSBUILD') !== null && /^\d+$/.test(key('OSBUILD')!) ? Number(key('OSBUILD')) : null;
  if (platform === null && architecture === null && processors === null && version === null) return null;
  return { platform, version, build, architecture, processors };
}

function readTime(v: string | null): string | null {
  if (v === null || !/^\d{4}-\d\d-\d\dT/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** One frame per STACK_TEXT line: `module!function+offset`, or the raw address when unsymbolised. */
function readStack(lines: string[], warnings: Warning[]): string[] {
  const frames: string[] = [];
  for (const line of lines) {
    if (!/^[0-9a-fA-F`]{8,}\s/.test(line)) continue;
    let site: string | undefined;
    const parts = line.split(' : ');
    if (parts.length >= 3) site = parts.slice(2).join(' : ').trim();
    else site = line.split(/\s+/).find((t) => !/^[0-9a-fA-F`]+$/.test(t));
    if (site === undefined || site === '') continue;
    const src = site.indexOf(' [');
    if (src > 0) site = site.slice(0, src);
    if (frames.length === MAX_STACK_FRAMES) {
      warnings.push(note(TEXT_WARNING.stackCut, `text: the stack has more than ${MAX_STACK_FRAMES} frames; the rest are left out`));
      break;
    }
    frames.push(site.trim());
  }
  return frames;
}

/** A hex number of at most 32 bits (codes), with or without 0x and backticks; null if it is not one. */
function hexNumber(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  const t = raw.replace(/`/g, '').replace(/^0x/i, '').replace(/^0+(?=.)/, '');
  if (!/^[0-9a-fA-F]{1,8}$/.test(t)) return null;
  return parseInt(t, 16);
}

function hexNumberBig(raw: string): bigint | null {
  const t = raw.replace(/`/g, '').replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{1,16}$/.test(t)) return null;
  return BigInt(`0x${t}`);
}

/** `0x` + 8 upper-case digits: the form bugcheck and exception codes are written in (0x0000007E). */
export function codeHex(v: number): string {
  return `0x${(v >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Parameters and addresses: `0x` + lower-case hex without leading zeros (BUGCHECK_P1's own form). */
export function paramHex(raw: string): string {
  const v = hexNumberBig(raw);
  return v === null ? raw : `0x${v.toString(16)}`;
}

/** The exception code inside a sign-extended 64-bit parameter (ffffffffc0000005 -> c0000005). */
function low32(param: string): string | null {
  const v = hexNumberBig(param);
  return v === null ? null : (v & 0xffffffffn).toString(16);
}
