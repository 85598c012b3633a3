import type { CommandSpec } from '../../command.js';

/** `analyze events FILE...`: crashes, temporary profiles, update, service and storage failures from .evtx logs. */
export const eventsSpec: CommandSpec = {
  command: 'events <files..>',
  describe: 'Read Windows event logs (.evtx) and say what an admin needs: crashes, temp profiles, update, service and disk failures',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: '.evtx files, folders of them (C:\\Windows\\System32\\winevt\\Logs), or - for stdin' })
      .option('records', { type: 'boolean', default: false, describe: 'Print every record as JSON Lines (recordId, eventId, qualifiers, level, time, provider, channel, computer, data) instead of findings' })
      .example('$0 events System.evtx', 'blue screens, unexpected restarts, update, service and disk failures, newest first')
      .example('$0 events C:\\Windows\\System32\\winevt\\Logs', 'every log of a machine (or a copied Logs folder)')
      .example('$0 events --records Application.evtx | jq -c "select(.eventId==1000)"', 'the records themselves, for scripts')
      .example('$0 events --json System.evtx Application.evtx', 'the findings document (docs/json-events.md)'),
  load: () => import('./run.js'),
};
