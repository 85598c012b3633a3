import type { Argv } from 'yargs';
import type { Context } from './context.js';

/**
 * A command as main.ts registers it. Everything here is light (names, options, examples): the work
 * lives in the module that `load` imports, so `analyze --help` never loads a parser.
 */
export interface CommandSpec {
  /** yargs command string, e.g. `pcap <files..>`. */
  command: string;
  describe: string;
  /** Declare options and examples (`y.option(...).example(...)`). */
  builder?: (y: Argv) => Argv;
  /** Subcommands (e.g. `esxi show`, `esxi diff`); a spec has either these or `load`. */
  subcommands?: CommandSpec[];
  /** Imports the module that does the work. */
  load?: () => Promise<RunModule>;
}

export interface RunModule {
  /** Runs the command and returns the exit code (0, 1 or 2; see context.ts). */
  // yargs hands over an untyped bag; each run module narrows it to its own interface.
  run(args: Record<string, unknown>, ctx: Context): Promise<number>;
}
