/**
 * Options that write a file (--html FILE, --csv FILE) must not destroy an input named on the same command
 * line: `analyze pcap a.pcap --html a.pcap` would replace the capture with its own report. Checked before
 * any work, by file identity (a link or another spelling of the input counts too).
 */
import { resolve } from 'node:path';
import { UsageError } from '@analyze/core/errors';
import { sameFile } from '@analyze/core/io';
import { printable } from './render/printable.js';

/** The input paths a command's arguments name (`-`, standard input, is none). */
export function inputPaths(args: Record<string, unknown>): string[] {
  const words = [args['files'], args['file'], args['before'], args['after']].flat();
  return words.filter((w): w is string => typeof w === 'string' && w !== '-');
}

/** Throws a UsageError when `target`, written by `option`, is one of `inputs` (paths as typed, from `cwd`). */
export function refuseInputOverwrite(option: string, target: string, inputs: readonly string[], cwd: string): void {
  if (target === '-') return;
  const to = resolve(cwd, target);
  for (const input of inputs) {
    if (sameFile(resolve(cwd, input), to)) throw new UsageError(`${option} ${printable(target)} would overwrite the input ${printable(input)}: write to another file`);
  }
}
