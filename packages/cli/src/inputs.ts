/**
 * Checks on the inputs named on a command line, made before any work: standard input named once at most,
 * and no file an option writes (--html FILE, --csv FILE, --fix-checksums OUT) that is one of them (`analyze pcap a.pcap --html
 * a.pcap` would replace the capture with its own report), by file identity: a link or another spelling of
 * the input counts too.
 */
import { resolve } from 'node:path';
import { UsageError } from '@analyze/core/errors';
import { fileIdentity, sameFile, type FileIdentity } from '@analyze/core/io';
import type { Io } from './io.js';
import { printable } from './render/printable.js';

/** The input words of a command's arguments: file paths, and `-` for standard input. */
export function inputs(args: Record<string, unknown>): string[] {
  return [args['files'], args['file'], args['before'], args['after']].flat().filter((w): w is string => typeof w === 'string');
}

/** Standard input can be read once: `analyze esxi diff - -` would compare a backup with nothing. */
export function refuseStdinTwice(args: Record<string, unknown>): void {
  if (inputs(args).filter((w) => w === '-').length > 1) throw new UsageError('- (standard input) can be named only once');
}

/**
 * Throws a UsageError when `target`, written by `option`, is one of `inputWords` (as typed, from the cwd;
 * `-` is standard input, which may be redirected from the very file: `analyze pcap - --fix-checksums a.pcap < a.pcap`).
 */
export function refuseInputOverwrite(option: string, target: string, inputWords: readonly string[], io: Pick<Io, 'cwd' | 'stdinIdentity'>): void {
  if (target === '-') return;
  const to = resolve(io.cwd, target);
  for (const input of inputWords) {
    const same = input === '-' ? sameIdentity(io.stdinIdentity?.(), fileIdentity(to)) : sameFile(resolve(io.cwd, input), to);
    if (same) throw new UsageError(`${option} ${printable(target)} would overwrite ${input === '-' ? 'the file standard input is read from' : `the input ${printable(input)}`}: write to another file`);
  }
}

function sameIdentity(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}
