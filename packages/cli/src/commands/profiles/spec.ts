import type { CommandSpec } from '../../command.js';
import { inputHelp } from '../../caps.js';

/** `analyze profiles FILE...`: why Windows signs a user in with a temporary profile (ProfileList). */
export const profilesSpec: CommandSpec = {
  command: 'profiles <files..>',
  describe: 'Find why Windows signs a user in with a temporary profile, from a SOFTWARE hive or a ProfileList .reg export',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: inputHelp('Offline SOFTWARE hive(s) or .reg export(s) of ProfileList (recognised by content)', 'profiles') })
      .example('$0 profiles fixtures/windows/temp-profile.reg', 'the .bak/TEMP keys and the reg commands that put the profile back')
      .example('$0 profiles D:\\Windows\\System32\\config\\SOFTWARE', 'an offline SOFTWARE hive from a machine that will not sign in')
      .example('$0 profiles ProfileList.reg --json', 'profiles and findings as JSON (docs/json-profiles.md)'),
  load: () => import('./run.js'),
};
