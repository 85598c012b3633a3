import { CODE_STDIN_CAP } from '../../caps.js';
import type { CommandSpec } from '../../command.js';

/** `analyze code CODE...`: name, meaning and remedy of Windows error/status/update/bugcheck codes. */
export const codeSpec: CommandSpec = {
  command: 'code [codes..]',
  describe: 'Name and explain Windows error, NTSTATUS, Windows Update and bugcheck codes',
  builder: (y) =>
    y
      // Words after `--` (how -2146762751 is passed) would otherwise be turned into numbers: 0x7E into 126.
      .parserConfiguration({ 'parse-positional-numbers': false })
      // Strings, so 00000050 keeps its leading zeros and 80070005 is not turned into a float.
      .positional('codes', { type: 'string', array: true, describe: `Codes: 0x800B0001, 800B0001, -2146762751, c0000374, 7E, or a name; - reads them from standard input (separated by spaces, commas or lines). Size cap: ${CODE_STDIN_CAP / (1024 * 1024)} MiB` })
      .option('search', { type: 'string', describe: 'Find codes whose name or message contains these words (quotes optional)' })
      .option('limit', { type: 'number', default: 50, describe: 'At most this many --search results' })
      .example('$0 code 0x800B0001', 'TRUST_E_PROVIDER_UNKNOWN, its message and the DISM repair')
      .example('$0 code c0000374 0x7E -2147024891', 'several codes at once')
      .example('$0 code --search "access denied"', 'codes whose name or message mention both words')
      .example('$0 code -- -2146762751', 'a negative decimal after --')
      .example("grep -o '0x[0-9A-Fa-f]\\{8\\}' CBS.log | sort -u | $0 code -", 'every code a log mentions, from standard input'),
  load: () => import('./run.js'),
};
