import type { CommandSpec } from '../command.js';
import { codeSpec } from './code/spec.js';
import { dumpSpec } from './dump/spec.js';
import { esxiSpec } from './esxi/spec.js';
import { eventsSpec } from './events/spec.js';
import { pcapSpec } from './pcap/spec.js';
import { profilesSpec } from './profiles/spec.js';
import { psodSpec } from './psod/spec.js';

/**
 * Every command, in the order `analyze --help` lists them. Each spec lives in `commands/<name>/spec.ts`
 * (options and examples only) and imports its worker lazily, so `--help` never loads a parser.
 */
export const commands: CommandSpec[] = [pcapSpec, dumpSpec, esxiSpec, psodSpec, codeSpec, profilesSpec, eventsSpec];
