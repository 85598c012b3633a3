import type { CommandSpec } from '../command.js';

/**
 * Every command, in the order `analyze --help` lists them. Each spec lives in `commands/<name>/spec.ts`
 * (options and examples only) and imports its worker lazily from `commands/<name>/run.ts`.
 */
import { codeSpec } from './code/spec.js';
import { psodSpec } from './psod/spec.js';
import { profilesSpec } from './profiles/spec.js';
import { dumpSpec } from './dump/spec.js';
import { esxiSpec } from './esxi/spec.js';
import { pcapSpec } from './pcap/spec.js';
export const commands: CommandSpec[] = [codeSpec, psodSpec, profilesSpec, dumpSpec, esxiSpec, pcapSpec];
