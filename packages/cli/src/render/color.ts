/** A few ANSI styles; every function is the identity when colour is off, so renderers never branch on it. */
export interface Colors {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

/**
 * Colour only for a human at a terminal: never in JSON; --color and --no-color decide when given; then
 * NO_COLOR (https://no-color.org) turns it off, FORCE_COLOR=1 on and FORCE_COLOR=0 off; otherwise only
 * when stdout is a TTY.
 */
export function colorEnabled(opts: { json: boolean; colorFlag: boolean | undefined; isTTY: boolean; env: Record<string, string | undefined> }): boolean {
  if (opts.json || opts.colorFlag === false) return false;
  if (opts.colorFlag === true) return true;
  const { NO_COLOR, FORCE_COLOR } = opts.env;
  if (NO_COLOR !== undefined && NO_COLOR !== '') return false;
  if (FORCE_COLOR !== undefined && FORCE_COLOR !== '') return FORCE_COLOR !== '0';
  return opts.isTTY;
}

/**
 * Styles are written with COLOR_MARK where the escape character goes; the terminal filter
 * (printable.ts, safeForTerminal) turns only those into escape sequences, after showing every escape
 * character of the text itself as \x1b. So a file name that carries colour codes cannot colour the
 * report, even with NO_COLOR set. (A private-use character: no file content means anything by it.)
 */
export const COLOR_MARK = '\ue01b';

const style = (open: number, close: number) => (s: string) => `${COLOR_MARK}[${open}m${s}${COLOR_MARK}[${close}m`;
const identity = (s: string) => s;

export function makeColors(enabled: boolean): Colors {
  if (!enabled) return { enabled, bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity };
  return { enabled, bold: style(1, 22), dim: style(2, 22), red: style(31, 39), green: style(32, 39), yellow: style(33, 39), cyan: style(36, 39) };
}
