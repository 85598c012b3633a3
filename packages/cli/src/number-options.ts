/**
 * yargs reads an empty value of a number option (`--limit ''`, `--limit=`) as 0, which is a valid value for
 * most of them (`--workers 0` runs every dump on one thread, `--limit 0` lists nothing): a value lost by a
 * script's unset variable would change the run silently. Such a value is refused instead.
 */
import { UsageError } from '@analyze/core/errors';

/** Every number option of every command (number-options.test.ts checks the list against the commands). */
export const NUMBER_OPTIONS: readonly string[] = ['limit', 'timeout', 'workers'];

/**
 * Throws a UsageError when one of the options `names` is given an empty or blank value in `argv` (the words
 * as typed, before yargs).
 * @example refuseEmptyNumbers(['pcap', 'a.pcap', '--limit', ''], ['limit']); // throws
 */
export function refuseEmptyNumbers(argv: readonly string[], names: readonly string[] = NUMBER_OPTIONS): void {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return; // what follows is positional
    if (!word.startsWith('--')) continue;
    const eq = word.indexOf('=');
    const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
    if (!names.includes(name)) continue;
    const value = eq < 0 ? argv[i + 1] : word.slice(eq + 1);
    if (value !== undefined && value.trim() === '') throw new UsageError(`--${name} needs a number (got an empty value)`);
  }
}
