import type { Io } from './io.js';
import type { Colors } from './render/color.js';
import type { Progress } from './render/progress.js';

/** Exit codes shared by every command (README "Exit codes"). */
export const EXIT_OK = 0;
/** Analysed, and a problem was found (each command says what counts). */
export const EXIT_PROBLEM = 1;
/** Usage error, unreadable or invalid input. */
export const EXIT_INVALID = 2;

/** The global options every command accepts. */
export interface GlobalArgs {
  json: boolean;
  quiet: boolean;
  strict: boolean;
  color: boolean | undefined;
  debug: boolean;
}

/** What a command's `run` receives besides its own arguments. */
export interface Context extends GlobalArgs {
  io: Io;
  colors: Colors;
  progress: Progress;
}
