import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { main } from '../src/main.js';
import { colorEnabled, makeColors } from '../src/render/color.js';
import { safeForTerminal } from '../src/render/printable.js';
import { closest } from '../src/suggest.js';
import type { CommandSpec } from '../src/command.js';
import type { Context } from '../src/context.js';
import { captureIo } from './helpers/io.js';

// A command that exists only in this test, to exercise the frame (option parsing, lazy loading, exit codes).
const loaded: string[] = [];
const testCommands: CommandSpec[] = [
  {
    command: 'echo <files..>',
    describe: 'print the file names',
    builder: (y) => y.option('upper', { type: 'boolean', default: false }).example('$0 echo a b', 'prints a and b'),
    load: async () => {
      loaded.push('echo');
      return {
        run: async (args, ctx) => {
          const files = args['files'] as string[];
          ctx.io.out(`${files.map((f) => (args['upper'] ? f.toUpperCase() : f)).join(' ')}\n`);
          return files.includes('bad') ? 1 : 0;
        },
      };
    },
  },
];

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('analyze (global behaviour)', () => {
  it('--version prints the package version and exits 0', async () => {
    const io = captureIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists the global options and exit codes on stdout', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout).toContain('--json');
    expect(io.stdout).toContain('--strict');
    expect(io.stdout).toContain('Exit codes');
    expect(io.stderr).toBe('');
  });

  it('no command is a usage error (exit 2)', async () => {
    const io = captureIo();
    expect(await main([], io)).toBe(2);
    expect(io.stderr).toMatch(/Name a command/);
  });

  it('rejects an unknown option with a suggestion', async () => {
    const io = captureIo();
    expect(await main(['echo', 'a', '--jsno'], io, testCommands)).toBe(2);
    expect(io.stderr).toMatch(/Unknown argument: jsno\. Did you mean --json\?/);
    const io2 = captureIo();
    expect(await main(['echo', 'a', '--uper'], io2, testCommands)).toBe(2);
    expect(io2.stderr).toMatch(/Did you mean --upper\?/);
  });

  it('an option without its value is a usage error, not an internal one', async () => {
    const io = captureIo();
    expect(await main(['echo', 'a', '--html'], io, testCommands)).toBe(2);
    expect(io.stderr).toBe('analyze: Not enough arguments following: html\nRun analyze --help for usage.\n');
  });

  it('a value outside an option\'s choices: one readable line (yargs writes two, shown as \\x0a)', async () => {
    const io = captureIo();
    const { dumpSpec } = await import('../src/commands/dump/spec.js');
    expect(await main(['dump', 'x.dmp', '--engine', 'foo'], io, [dumpSpec])).toBe(2);
    expect(io.stderr).toBe('analyze: Invalid values: Argument: engine, Given: "foo", Choices: "auto", "native", "cdb"\nRun analyze --help for usage.\n');
  });

  it('an option given twice is a usage error naming both values; several files are not', async () => {
    const io = captureIo();
    expect(await main(['echo', 'a', '--html', 'x.html', '--html', '-'], io, testCommands)).toBe(2);
    expect(io.stderr).toBe('analyze: --html was given 2 times (x.html, -): give it once\nRun analyze --help for usage.\n');
    const io2 = captureIo();
    expect(await main(['echo', 'a', 'b', '-'], io2, testCommands)).toBe(0);
    expect(io2.stdout).toBe('a b -\n');
  });

  it('rejects an unknown command, with or without registered commands', async () => {
    const io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr).toMatch(/Unknown command: frobnicate/);
    const io2 = captureIo();
    expect(await main(['ech', 'x'], io2, testCommands)).toBe(2);
    expect(io2.stderr).toMatch(/^analyze: Unknown command: ech\. Did you mean echo\?\n/);
    const io3 = captureIo();
    expect(await main(['pcp', 'x.pcap'], io3)).toBe(2);
    expect(io3.stderr).toMatch(/^analyze: Unknown command: pcp\. Did you mean pcap\?\n/);
  });

  it('runs a command, loads it only when used, and returns its exit code', async () => {
    loaded.length = 0;
    const help = captureIo();
    expect(await main(['--help'], help, testCommands)).toBe(0);
    expect(loaded).toEqual([]);
    expect(help.stdout).toContain('echo <files..>');
    const io = captureIo();
    expect(await main(['echo', 'a', 'b', '--upper'], io, testCommands)).toBe(0);
    expect(io.stdout).toBe('A B\n');
    expect(loaded).toEqual(['echo']);
    expect(await main(['echo', 'bad'], captureIo(), testCommands)).toBe(1);
  });

  it('keeps a lone - (stdin) among the files, which yargs alone would drop', async () => {
    const io = captureIo();
    expect(await main(['echo', 'a', '-', 'b'], io, testCommands)).toBe(0);
    expect(io.stdout).toBe('a - b\n');
  });

  it('takes every word after -- as a file, whatever it looks like, and keeps - as stdin there', async () => {
    const io = captureIo();
    expect(await main(['echo', 'a', '--', '-x.dmp', '--upper', '-', 'b'], io, testCommands)).toBe(0);
    expect(io.stdout).toBe('a -x.dmp --upper - b\n');
    const only = captureIo();
    expect(await main(['echo', '--upper', '--', '-y'], only, testCommands)).toBe(0);
    expect(only.stdout).toBe('-Y\n');
    // A command's own words after -- too: the real commands read their files from the same positional.
    const code = captureIo();
    expect(await main(['code', '--json', '--', '-2146762751'], code)).toBe(0);
    expect(JSON.parse(code.stdout).interpretations[0].value).toBe('0x800B0001');
    const missing = captureIo();
    expect(await main(['pcap', '--', '-missing.pcap'], missing)).toBe(2);
    expect(missing.stderr).toMatch(/^analyze: -missing\.pcap: no such file/);
  });

  it('names the mistyped subcommand, not its parent', async () => {
    const io = captureIo();
    expect(await main(['esxi', 'shwo', 'x.tgz'], io)).toBe(2);
    expect(io.stderr).toMatch(/^analyze: Unknown command: esxi shwo\. Did you mean show\?\n/);
  });

  it('refuses two outputs on stdout: --csv - with --html -', async () => {
    const io = captureIo();
    expect(await main(['dump', 'a.dmp', 'b.dmp', '--csv', '-', '--html', '-'], io)).toBe(2);
    expect(io.stderr).toMatch(/^analyze: --csv - and --html - would both print on stdout/);
    expect(io.stdout).toBe('');
  });

  it('shows per-command help with examples', async () => {
    const io = captureIo();
    expect(await main(['echo', '--help'], io, testCommands)).toBe(0);
    expect(io.stdout).toContain('prints a and b');
  });
});

describe('colour decision', () => {
  const base = { json: false, colorFlag: undefined, isTTY: true, env: {} };
  it('is on for a TTY and off for a pipe', () => {
    expect(colorEnabled(base)).toBe(true);
    expect(colorEnabled({ ...base, isTTY: false })).toBe(false);
  });
  it('respects NO_COLOR, --no-color, --json and FORCE_COLOR', () => {
    expect(colorEnabled({ ...base, env: { NO_COLOR: '1' } })).toBe(false);
    expect(colorEnabled({ ...base, colorFlag: false })).toBe(false);
    expect(colorEnabled({ ...base, json: true })).toBe(false);
    expect(colorEnabled({ ...base, isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(colorEnabled({ ...base, env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(colorEnabled({ ...base, isTTY: false, colorFlag: true })).toBe(true);
    expect(colorEnabled({ ...base, json: true, colorFlag: true })).toBe(false);
  });
  it('writes no escape codes when off', () => {
    expect(makeColors(false).red('x')).toBe('x');
    expect(safeForTerminal(makeColors(true).red('x'))).toBe('\u001b[31mx\u001b[39m');
  });
});

describe('closest', () => {
  it('suggests near names only', () => {
    expect(closest('jsno', ['json', 'quiet'])).toBe('json');
    expect(closest('zzzzzz', ['json', 'quiet'])).toBeUndefined();
  });
});

describe('progress line', () => {
  it('draws on a terminal, erases itself, and stays off for pipes and TERM=dumb', async () => {
    const { makeProgress } = await import('../src/render/progress.js');
    const tty = captureIo({ tty: true });
    const p = makeProgress(tty, true);
    p.update('reading 1 MiB');
    p.done();
    expect(tty.stderr).toBe('\r\u001b[2Kreading 1 MiB\r\u001b[2K');
    expect(tty.stdout).toBe('');
    for (const io of [captureIo({ tty: false }), captureIo({ tty: true, env: { TERM: 'dumb' } })]) {
      const q = makeProgress(io, true);
      q.update('x');
      q.done();
      expect(io.stderr).toBe('');
    }
    const off = captureIo({ tty: true });
    makeProgress(off, false).update('x');
    expect(off.stderr).toBe('');
  });
});

describe('terminal safety', () => {
  it('control characters from arguments, file names and messages are shown as \\xNN, never sent to the terminal', async () => {
    const io = captureIo();
    expect(await main(['code', '0x\u001b[31m1'], io)).toBe(2);
    expect(io.stderr).not.toContain('\u001b');
    expect(io.stderr).toContain('\\x1b[31m');
    const io2 = captureIo();
    expect(await main(['psod', 'no-such\u001b]0;title\u0007file.txt'], io2)).toBe(2);
    expect(io2.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/); // only the final line break
    expect(io2.stderr).toContain('no-such\\x1b]0;title\\x07file.txt');
    const io3 = captureIo();
    expect(await main(['fr\u001bobnicate'], io3)).toBe(2);
    expect(io3.stderr).not.toContain('\u001b');
  });
});

describe('terminal safety of reports', () => {
  it('text reports show control characters as \\xNN and keep only colour sequences; JSON is left to JSON escaping', async () => {
    // The test command prints its file names: stand-ins for names read out of a hostile file.
    const hostile = 'ev\u001b]52;c;ZXZpbA==\u0007il\u001b[2J\u009b';
    const io = captureIo();
    expect(await main(['echo', hostile, 'plain'], io, testCommands)).toBe(0);
    expect(io.stdout).toBe('ev\\x1b]52;c;ZXZpbA==\\x07il\\x1b[2J\\x9b plain\n');
    expect(safeForTerminal(`${makeColors(true).red('red')}\tx\n`)).toBe('\u001b[31mred\u001b[39m\tx\n');
  });
  it('colour codes a file carries never colour the report, even with NO_COLOR (only the CLI\'s own marks become colour)', async () => {
    const io = captureIo({ env: { NO_COLOR: '1' } });
    expect(await main(['echo', 'evil\u001b[31mred\u001b[0m', 'mark\ue01b[31mx'], io, testCommands)).toBe(0);
    expect(io.stdout).toBe('evil\\x1b[31mred\\x1b[0m mark\\ue01b[31mx\n');
    expect(io.stdout).not.toContain('\u001b');
  });

  it('machine-readable output (ctx.data) is written as it is: CRLF and C1 characters survive', async () => {
    const io = captureIo();
    const csv: CommandSpec = { command: 'csv', describe: 'writes CSV', load: async () => ({ run: async (_a: Record<string, unknown>, ctx: Context) => (ctx.data('a,"b\u0085"\r\n'), 0) }) };
    expect(await main(['csv'], io, [csv])).toBe(0);
    expect(io.stdout).toBe('a,"b\u0085"\r\n');
  });
});
