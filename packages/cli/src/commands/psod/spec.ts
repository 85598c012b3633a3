import type { CommandSpec } from '../../command.js';
import { inputHelp } from '../../caps.js';

/** `analyze psod FILE|-`: what crashed an ESXi host, from its purple-screen text or vmkernel log. */
export const psodSpec: CommandSpec = {
  command: 'psod <files..>',
  describe: 'Read an ESXi purple-screen (PSOD) text or vmkernel log and say what crashed',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: inputHelp('Text files (pasted screen, vmkernel.log, vmkernel-zdump log, .gz)', 'psod') })
      .example('$0 psod fixtures/psod/e1000.txt', 'e1000 receive-ring crash: switch the VM to vmxnet3')
      .example('pbpaste | $0 psod -', 'a screen pasted from a web page or chat (one-line pastes are fine)'),
  load: () => import('./run.js'),
};
