import type { CommandSpec } from '../../command.js';
import { PROFILES_REG_CAP, SIZE_CAPS } from '../../caps.js';

const MiB = 1024 * 1024;

/**
 * A hive on standard input (MAX_PROFILES_STREAM_INPUT: the stream's own buffers cost some 40 MB more at the peak
 * than a file). Repeated here, as in caps.ts, so that `--help` loads no parser; test/profiles checks it against core.
 */
export const PROFILES_STREAM_CAP = 128 * MiB;

/**
 * The FILE argument's help: three caps, as the library applies them (a hive file, a hive on standard input, a .reg
 * export either way), where every other command has one for files and standard input alike.
 */
export function profilesInputHelp(what: string): string {
  const mib = (bytes: number) => `${bytes / MiB} MiB`;
  return `${what}, or - for standard input. Size cap: ${mib(SIZE_CAPS.profiles)} for a hive, ${mib(PROFILES_REG_CAP)} for a .reg export (a hive on standard input: ${mib(PROFILES_STREAM_CAP)})`;
}

/** `analyze profiles FILE...`: why Windows signs a user in with a temporary profile (ProfileList). */
export const profilesSpec: CommandSpec = {
  command: 'profiles <files..>',
  describe: 'Find why Windows signs a user in with a temporary profile, from a SOFTWARE hive or a ProfileList .reg export',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: profilesInputHelp('Offline SOFTWARE hive(s) or .reg export(s) of ProfileList (recognised by content)') })
      .example('$0 profiles fixtures/windows/temp-profile.reg', 'the .bak/TEMP keys and the reg commands that put the profile back')
      .example('$0 profiles D:\\Windows\\System32\\config\\SOFTWARE', 'an offline SOFTWARE hive from a machine that will not sign in')
      .example('$0 profiles ProfileList.reg --json', 'profiles and findings as JSON (docs/json-profiles.md)'),
  load: () => import('./run.js'),
};
