import { describe, expect, it } from '@jest/globals';
import yargs, { type Argv } from 'yargs';
import type { CommandSpec } from '../src/command.js';
import { commands } from '../src/commands/index.js';
import { main } from '../src/main.js';
import { NUMBER_OPTIONS, refuseEmptyNumbers } from '../src/number-options.js';
import { captureIo } from './helpers/io.js';

/** The number options each command declares, read off its builder (yargs' getOptions is untyped). */
function declaredNumbers(specs: readonly CommandSpec[]): string[] {
  const names: string[] = [];
  for (const spec of specs) {
    if (spec.builder) {
      const y = spec.builder(yargs([])) as Argv & { getOptions(): { number: string[] } };
      names.push(...y.getOptions().number);
    }
    if (spec.subcommands) names.push(...declaredNumbers(spec.subcommands));
  }
  return names;
}

describe('number options given an empty value', () => {
  it('NUMBER_OPTIONS lists every number option of every command', () => {
    expect([...new Set(declaredNumbers(commands))].sort()).toEqual([...NUMBER_OPTIONS].sort());
  });

  it('an empty or blank value is refused in either spelling; a value that looks empty after -- is positional', () => {
    expect(() => refuseEmptyNumbers(['pcap', 'a.pcap', '--limit', ''])).toThrow('--limit needs a number (got an empty value)');
    expect(() => refuseEmptyNumbers(['dump', 'dir', '--workers='])).toThrow('--workers needs a number');
    expect(() => refuseEmptyNumbers(['dump', 'a.dmp', '--timeout', '  '])).toThrow('--timeout needs a number');
    expect(() => refuseEmptyNumbers(['pcap', '--limit', '0', 'a.pcap'])).not.toThrow();
    expect(() => refuseEmptyNumbers(['pcap', '--', '--limit', ''])).not.toThrow();
    expect(() => refuseEmptyNumbers(['pcap', '--limitless', ''])).not.toThrow();
  });

  it('the commands exit 2 with the one-line usage error (yargs alone read them as 0)', async () => {
    for (const argv of [
      ['pcap', 'missing.pcap', '--limit', ''],
      ['code', '--search', 'denied', '--limit='],
      ['dump', 'missing-folder', '--workers', ''],
    ]) {
      const io = captureIo();
      expect(await main(argv, io)).toBe(2);
      expect(io.stderr).toMatch(/^analyze: --(limit|workers) needs a number \(got an empty value\)\n/);
    }
  });
});
