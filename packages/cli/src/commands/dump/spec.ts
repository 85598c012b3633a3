import type { CommandSpec } from '../../command.js';
import { inputHelp } from '../../caps.js';

/** `analyze dump FILE...`: the bugcheck or exception behind a Windows crash dump, and the module to blame. */
export const dumpSpec: CommandSpec = {
  command: 'dump <files..>',
  describe: 'Name the crash in a Windows dump (bugcheck/exception, culprit driver or module), with cdb or natively; also reads a saved !analyze -v text',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: inputHelp('MEMORY.DMP, minidump (.dmp/.mdmp), a saved !analyze -v text, a folder of them, or a .zip/.tgz/.tar', 'dump') })
      .option('engine', { choices: ['auto', 'native', 'cdb'] as const, default: 'auto', describe: 'auto: cdb when installed (native facts beside it), else native' })
      .option('cdb', { type: 'string', describe: 'Path to cdb.exe (or its Debuggers folder); default: ANALYZE_CDB, PATH, Windows Kits, WinDbg app' })
      .option('symbols', { type: 'string', describe: 'Symbol path for cdb (-y); default: _NT_SYMBOL_PATH, else srv*<cache>*https://msdl.microsoft.com/download/symbols' })
      .option('timeout', { type: 'number', default: 600, describe: 'Seconds before cdb (and its children) are stopped' })
      .option('group', { type: 'boolean', describe: 'Table of dumps and their causes (default with several dumps, a folder or an archive); --no-group: one report per file' })
      .option('csv', { type: 'string', describe: 'Also write the table of dumps to this CSV file (- for stdout)' })
      .option('workers', { type: 'number', describe: 'Worker threads for a folder or archive of dumps (default: the number of cores; 0: none)' })
      // Example commands stay within 40 characters (with "analyze "): yargs gives the command column at most half
      // of an 80-column terminal and wraps longer ones mid-word (test/dump/help.test.ts).
      .example('$0 dump C:\\Windows\\MEMORY.DMP', 'BSOD: stop code, parameters and the driver to blame')
      .example('$0 dump Mini*.dmp --engine native', 'small dumps (C:\\Windows\\Minidump) without the Debugging Tools, also on Linux/macOS')
      .example('$0 dump crash.dmp --symbols C:\\sym', 'cdb with symbols from a local folder (--symbols above shows the srv*cache*server form)')
      .example('$0 dump analysis.txt', 'a !analyze -v output someone pasted out of WinDbg')
      .example('$0 dump app.dmp --json', 'the whole report as JSON (docs/json-dump.md)')
      .example('$0 dump app.dmp --html crash.html', 'a page to send: crash card, stack, modules (docs/html.md)')
      .example('$0 dump C:\\Windows\\Minidump', 'every dump in a folder: table, causes, summary')
      .example('$0 dump fleet.zip --csv crashes.csv', 'a zip of Minidump folders; the table also as CSV'),
  load: () => import('./run.js'),
};
