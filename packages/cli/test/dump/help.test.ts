// `analyze dump --help` at 80 columns: every example command on one line of its own (copyable as-is).
import { describe, expect, it } from '@jest/globals';
import type { Argv } from 'yargs';
import { main } from '../../src/main.js';
import { dumpSpec } from '../../src/commands/dump/spec.js';
import { captureIo } from '../helpers/io.js';

/** The example commands the spec declares, as help prints them ($0 -> analyze). */
function declaredExamples(): string[] {
  const seen: string[] = [];
  const y: Argv = new Proxy({} as Argv, {
    get: (_target, name) =>
      (...args: unknown[]) => {
        if (name === 'example') seen.push(String(args[0]).replace('$0', 'analyze'));
        return y;
      },
  });
  dumpSpec.builder!(y);
  return seen;
}

describe('analyze dump --help', () => {
  for (const columns of [80, 100]) {
    it(`${columns} columns: each example command whole on its own line`, async () => {
      const io = captureIo();
      io.columns = columns;
      expect(await main(['dump', '--help'], io, [dumpSpec])).toBe(0);
      const examples = io.stdout.split('Examples:\n')[1];
      expect(examples).toBeDefined();
      const lines = examples!.split('\n').filter((l) => /^ {2}\S/.test(l));
      const declared = declaredExamples();
      expect(declared.length).toBeGreaterThanOrEqual(4);
      // a wrapped command leaves its tail as a line of its own (`  native ...`, `  ttps://...`)
      expect(lines).toHaveLength(declared.length);
      declared.forEach((cmd, i) => expect(lines[i]).toMatch(new RegExp(`^ {2}${cmd.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}( {2,}\\S|$)`)));
      for (const l of io.stdout.split('\n')) expect(l.length).toBeLessThanOrEqual(columns);
    });
  }
});
