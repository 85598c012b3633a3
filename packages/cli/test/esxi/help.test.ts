// Every esxi subcommand's --help shows examples whose command column is not wrapped (copyable as-is).
import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/main.js';
import { esxiSpec } from '../../src/commands/esxi/spec.js';
import { captureIo } from '../helpers/io.js';

describe('analyze esxi <subcommand> --help', () => {
  for (const sub of ['show', 'extract', 'diff', 'check', 'restore-plan']) {
    it(`${sub}: examples, each command on one line`, async () => {
      const io = captureIo();
      expect(await main(['esxi', sub, '--help'], io, [esxiSpec])).toBe(0);
      const examples = io.stdout.split('Examples:\n')[1];
      expect(examples).toBeDefined();
      const lines = examples!.split('\n').filter((l) => /^ {2}\S/.test(l));
      expect(lines.length).toBeGreaterThanOrEqual(1);
      // a wrapped command would leave its tail as a line of its own, not starting with the program name
      for (const l of lines) expect(l).toMatch(new RegExp(`^ {2}analyze esxi ${sub} \\S`));
    });
  }

  it('esxi --help and analyze --help have examples too, each command on one line', async () => {
    for (const argv of [['esxi', '--help'], ['--help']]) {
      const io = captureIo();
      expect(await main(argv, io)).toBe(0);
      const lines = (io.stdout.split('Examples:\n')[1] ?? '').split('\n').filter((l) => /^ {2}\S/.test(l));
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const l of lines) expect(l).toMatch(/^ {2}analyze \S/);
    }
  });
});
