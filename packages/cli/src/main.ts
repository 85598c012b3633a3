import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { errorReport } from '@analyze/core/api/report';
import { UsageError } from '@analyze/core/errors';
import type { CommandSpec } from './command.js';
import { commands } from './commands/index.js';
import { EXIT_INVALID, EXIT_OK, type Context, type GlobalArgs, type HtmlTarget } from './context.js';
import type { ReportKind } from './render/html/index.js';
import { processIo, type Io } from './io.js';
import { colorEnabled, makeColors } from './render/color.js';
import { makeProgress } from './render/progress.js';
import { printable, reportError } from './output.js';
import { safeForTerminal } from './render/printable.js';
import { closest } from './suggest.js';
import { expandFilePatterns } from './expand.js';
import { inputs, refuseInputOverwrite, refuseStdinTwice } from './inputs.js';
import { refuseEmptyNumbers } from './number-options.js';

export type { Io } from './io.js';
export type { Context } from './context.js';
export type { CommandSpec } from './command.js';

/** yargs drops a lone `-` (stdin) from positional lists; it travels through the parser under this name instead. */
const STDIN_TOKEN = '\u0000stdin';

/**
 * Words after `--` are operands whatever they look like (a dump named `-x.dmp`): yargs would put them in `_`,
 * where no command looks for its files. Each travels through the parser behind this prefix instead, which
 * no option starts with, and lands in the command's positionals in order.
 */
const OPERAND_TOKEN = '\u0000operand:';

/** `-` as the stdin token; the words after the first `--` as operands (OPERAND_TOKEN), the `--` itself dropped. */
function protectArgs(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  const stdin = (a: string) => (a === '-' ? STDIN_TOKEN : a);
  if (end < 0) return argv.map(stdin);
  return [...argv.slice(0, end).map(stdin), ...argv.slice(end + 1).map((a) => (a === '-' ? STDIN_TOKEN : OPERAND_TOKEN + a))];
}

/** A word as the user typed it (undoing protectArgs). */
function typed(word: string): string {
  return word === STDIN_TOKEN ? '-' : word.startsWith(OPERAND_TOKEN) ? word.slice(OPERAND_TOKEN.length) : word;
}

/** Put the `-` and `--` operands back where yargs parsed their stand-in tokens. */
function restoreStdinArgs(args: Record<string, unknown>): Record<string, unknown> {
  const back = (v: unknown): unknown => (typeof v === 'string' ? typed(v) : Array.isArray(v) ? v.map(back) : v);
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, back(v)]));
}

/** A message of the parser's, with the stand-in tokens shown as typed. */
function typedMessage(msg: string): string {
  return msg.replace(/\u0000operand:/g, '').replace(/\u0000stdin/g, '-');
}

const GLOBAL_OPTIONS = ['json', 'html', 'quiet', 'strict', 'color', 'no-color', 'debug', 'help', 'version'];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the yargs parser; exported so tests can inspect it. `setExit` receives the command's exit code. */
export function buildCli(argv: string[], io: Io, setExit: (code: number) => void, specs: readonly CommandSpec[] = commands): Argv {
  const y = yargs(argv)
    .scriptName('analyze')
    .usage('$0 <command> FILE... [options]\n\nTurn the files an infrastructure failure leaves behind into a clear verdict.')
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (see docs/json.md)' })
    .option('html', { type: 'string', requiresArg: true, describe: 'Also write the report as one self-contained HTML page to FILE (- for stdout)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only results: no warnings or progress' })
    .option('strict', { type: 'boolean', default: false, describe: 'Treat warnings (damaged tails, odd entries) as errors' })
    .option('color', { type: 'boolean', describe: 'Colour the output (--no-color or NO_COLOR turn it off)' })
    .option('debug', { type: 'boolean', default: false, describe: 'Show error codes and stack traces' })
    .group(['json', 'html', 'quiet', 'strict', 'color', 'debug', 'help', 'version'], 'Global options:')
    .example('$0 pcap capture.pcapng', 'bad checksums, and whether they are offload artifacts or real damage')
    .example('$0 dump C:\\Windows\\Minidump', 'every crash dump of a folder, grouped by cause')
    .example('$0 code 0x800F0922 --json', 'a Windows error number explained, as JSON')
    .example('$0 pcap --help', 'options and examples of one command')
    .version(version())
    .help()
    .alias('h', 'help')
    .strict()
    .recommendCommands()
    .demandCommand(1, 'Name a command: see analyze --help')
    .wrap(Math.min(100, io.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // yargs' own parse errors (`--html` without its FILE) come as a YError: the user's mistake, not ours.
      if (err && err.name !== 'YError') throw err;
      // yargs writes some messages on two lines ("Invalid values:\n  Argument: ..."): one line, as every error.
      const oneLine = (msg ?? err?.message ?? 'invalid arguments').replace(/:?\s*\n\s*/g, ': ');
      throw new UsageError(typedMessage(withSuggestion(oneLine, y, argv, specs)));
    })
    .middleware(() => refuseEmptyNumbers(argv))
    .epilogue('Exit codes: 0 nothing wrong found, 1 a problem found, 2 usage error or unreadable input.\nDocs: README.md; JSON output: docs/json.md');
  for (const spec of specs) register(y, spec, io, setExit);
  return y;
}

function register(y: Argv, spec: CommandSpec, io: Io, setExit: (code: number) => void, parent = ''): void {
  const name = `${parent} ${spec.command.split(' ')[0]!}`.trim();
  y.command(
    spec.command,
    spec.describe,
    (sub) => {
      const withOptions = spec.builder ? spec.builder(sub) : sub;
      if (spec.subcommands) {
        for (const child of spec.subcommands) register(withOptions, child, io, setExit, name);
        withOptions.demandCommand(1, `Name a subcommand: see analyze ${spec.command.split(' ')[0]} --help`);
      }
      return withOptions;
    },
    async (args) => {
      if (!spec.load) return;
      refuseRepeatedOptions(args);
      const mod = await spec.load();
      const given = restoreStdinArgs(args);
      if (Array.isArray(given['files'])) given['files'] = expandFilePatterns(given['files'].map(String), io.cwd);
      refuseStdinTwice(given);
      const page = await htmlTarget(args, name, inputs(given), io);
      setExit(await mod.run(given, makeContext(args as unknown as GlobalArgs, io, page)));
    },
  );
}

/** Positionals that take several words; every option takes one value. */
const LIST_POSITIONALS = new Set(['_', '$0', 'files', 'codes']);

/**
 * An option given twice arrives as an array (`--fix-checksums a --fix-checksums b`), which no command reads:
 * which one was meant is the user's to say (it reached the commands as an internal error).
 */
function refuseRepeatedOptions(args: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(args)) {
    if (LIST_POSITIONALS.has(key) || !Array.isArray(value) || /[A-Z]/.test(key)) continue;
    const shown = value.map((v) => typed(String(v))).join(', ');
    throw new UsageError(`--${key} was given ${value.length} times (${shown}): give it once`);
  }
}

/** `--html FILE`: where the page goes; the renderers are loaded only then. */
async function htmlTarget(args: Record<string, unknown>, kind: string, inputWords: readonly string[], io: Io): Promise<HtmlTarget | undefined> {
  if (args['html'] === undefined) return undefined;
  const file = args['html'] === STDIN_TOKEN ? '-' : String(args['html']);
  if (file === '') throw new UsageError('--html needs a file name (or - for stdout)');
  if (file === '-' && args['json'] === true) throw new UsageError('--html - and --json would both print on stdout: give --html a file name');
  refuseInputOverwrite('--html', file, inputWords, io);
  const { HtmlPage, renderHtml } = await import('./render/html/index.js');
  return { file, kind, alsoJson: args['json'] === true, render: (k, doc) => renderHtml(k as ReportKind, doc), begin: (k) => new HtmlPage(k as ReportKind) };
}

function makeContext(args: GlobalArgs, io: Io, page?: HtmlTarget): Context {
  if (page) args = { ...args, json: true };
  const colors = makeColors(colorEnabled({ json: args.json, colorFlag: args.color, isTTY: io.stdoutIsTTY, env: io.env }));
  // Text reports repeat what files contain (names, messages): keep their control characters from acting on the
  // terminal. The filter also turns the colours' markers into escape sequences (render/color.ts).
  const shown: Io = args.json ? io : { ...io, out: (t) => io.out(safeForTerminal(t, colors.enabled)), err: (t) => io.err(safeForTerminal(t, colors.enabled)) };
  return { ...args, io: shown, data: (t) => io.out(t), colors, progress: makeProgress(io, !args.json && !args.quiet), ...(page ? { page } : {}) };
}

/** yargs says "Unknown argument: jsno"; add "did you mean --json?" from the options it knows. */
function withSuggestion(msg: string, y: Argv, argv: readonly string[], specs: readonly CommandSpec[]): string {
  const first = argv.find((a) => !a.startsWith('-'));
  // yargs' recommendCommands says only "Did you mean pcap?" (or "show?" for `esxi shwo`): name what was typed.
  if (/^Did you mean \S+\?$/.test(msg) && first !== undefined) return `Unknown command: ${typedCommand(argv, specs)}. ${msg}`;
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!m) return msg;
  if (first !== undefined && m[1]!.split(', ')[0] === first && !specs.some((s) => s.command.split(' ')[0] === first)) {
    const near = closest(first, specs.map((s) => s.command.split(' ')[0]!));
    return `Unknown command: ${first}${near ? `. Did you mean ${near}?` : ''}`;
  }
  const known = new Set(GLOBAL_OPTIONS);
  const opts = (y as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions();
  for (const k of Object.keys(opts.key)) known.add(k);
  // yargs strips the dashes; only words the user typed as options get an option suggested.
  const typedAsOption = (word: string) => argv.some((a) => a.replace(/^-+/, '').split('=')[0] === word && a.startsWith('-'));
  const hints = m[1]!.split(', ').map((word) => {
    if (!typedAsOption(word)) return undefined;
    const option = closest(word, [...known].filter((k) => k.length > 1));
    return option === undefined ? undefined : `--${option}`;
  });
  const hint = hints.find((h) => h !== undefined);
  return hint ? `${msg}. Did you mean ${hint}?` : msg;
}

/**
 * The command words as typed, up to the one no command knows: `pcp` for `analyze pcp x`, `esxi shwo` for
 * `analyze esxi shwo x` (the subcommand, not `esxi`, is the unknown word).
 */
function typedCommand(argv: readonly string[], specs: readonly CommandSpec[]): string {
  const words = argv.filter((a) => !a.startsWith('-')).map(typed);
  const named: string[] = [];
  let level: readonly CommandSpec[] | undefined = specs;
  for (const word of words) {
    named.push(word);
    const spec: CommandSpec | undefined = level?.find((s) => s.command.split(' ')[0] === word);
    if (spec === undefined) break;
    level = spec.subcommands;
  }
  return named.join(' ');
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. Never calls process.exit. */
export async function main(argv: string[], io: Io = processIo(), specs: readonly CommandSpec[] = commands): Promise<number> {
  let exit: number | undefined;
  argv = protectArgs(argv);
  const y = buildCli(argv, io, (code) => (exit = code), specs);
  try {
    let printed = false;
    await y.parseAsync(argv, {}, (err, _args, output) => {
      // --help and --version arrive here as text; errors are thrown by .fail() and handled below.
      if (!err && output) {
        io.out(`${output}\n`);
        printed = true;
      }
    });
    if (exit !== undefined) return exit;
    // yargs only rejects unknown commands once some are registered; say it ourselves in every case.
    if (!printed) throw new UsageError(`Unknown command: ${typed(argv.find((a) => !a.startsWith('-')) ?? '')}`);
    return EXIT_OK;
  } catch (e) {
    const debug = argv.includes('--debug');
    // --json means JSON on stdout for every outcome: a usage error too (docs/json.md, "Errors").
    if (argv.includes('--json')) io.out(`${JSON.stringify(errorReport(e), null, 2)}\n`);
    const ctx = makeContext({ json: false, quiet: false, strict: false, color: !argv.includes('--no-color') && undefined, debug }, io);
    if (e instanceof UsageError) {
      io.err(`analyze: ${printable(e.message)}\n`);
      if (!argv.includes('--json')) io.err('Run analyze --help for usage.\n');
      return EXIT_INVALID;
    }
    return reportError(ctx, e);
  }
}
