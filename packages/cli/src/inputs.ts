/**
 * Checks on the inputs named on a command line, made before any work: standard input named once at most,
 * and no file an option writes (--html FILE, --csv FILE) that is one of them (`analyze pcap a.pcap --html
 * a.pcap` would replace the capture with its own report), by file identity: a link or another spelling of
 * the input counts too.
 */
import { resolve } from 'node:path';
import { UsageError } from '@analyze/core/errors';
import { sameFile } from '@analyze/core/io';
import { printable } from './render/printable.js';

/** The input words of a command's arguments (file paths, and `-` for standard input). */
function inputWords(args: Record<string, unknown>): string[] {
  return [args['files'], args['file'], args['before'], args['after']].flat().filter((w): w is string => typeof w === 'string');
}

/** The input paths a command's arguments name (`-`, standard input, is none). */
export function inputPaths(args: Record<string, unknown>): string[] {
  return inputWords(args).filter((w) => w !== '-');
}

/** Standard input can be read once: `analyze esxi diff - -` would compare a backup with nothing. */
export function refuseStdinTwice(args: Record<string, unknown>): void {
  if (inputWords(args).filter((w) => w === '-').length > 1) throw new UsageError('- (standard input) can be named only once');
}

/** Throws a UsageError when `target`, written by `option`, is one of `inputs` (paths as typed, from `cwd`). */
export function refuseInputOverwrite(option: string, target: string, inputs: readonly string[], cwd: string): void {
  if (target === '-') return;
  const to = resolve(cwd, target);
  for (const input of inputs) {
    if (sameFile(resolve(cwd, input), to)) throw new UsageError(`${option} ${printable(target)} would overwrite the input ${printable(input)}: write to another file`);
  }
}
