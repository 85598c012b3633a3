import type { Argv } from 'yargs';
import type { CommandSpec } from '../../command.js';

/** Options shared by the subcommands that open a backup. */
export function backupOptions(y: Argv): Argv {
  return y
    .option('keystore', { type: 'string', describe: 'encryption.info for a bare local.tgz.ve (default: the one beside it)' })
    .option('max-inflated', { type: 'string', default: '1G', describe: 'Refuse archives that inflate to more than this (bytes, or K/M/G)' });
}

const showSpec: CommandSpec = {
  command: 'show <files..>',
  describe: 'What a backup is and what it holds: kind, version, host, encryption, files, network, users',
  builder: (y) =>
    backupOptions(y)
      .positional('files', { type: 'string', array: true, describe: 'configBundle-*.tgz, state.tgz, local.tgz or local.tgz.ve (recognised by content)' })
      .example('$0 esxi show fixtures/esxi/configBundle-esx67.tgz', 'version, host, vSwitches, VMkernel NICs, users (no hashes) and files')
      .example('$0 esxi show /mnt/bootbank/state.tgz', 'a 7.0 U2+ state.tgz: local.tgz.ve is decrypted in memory when its keystore mode is NONE')
      .example('$0 esxi show local.tgz.ve --keystore encryption.info --json', 'the report as JSON (docs/json-esxi.md)'),
  load: () => import('./show-run.js'),
};

const extractSpec: CommandSpec = {
  command: 'extract <file>',
  describe: 'Write the host files of a backup under a folder, safely (decrypted; no links, no escapes)',
  builder: (y) =>
    backupOptions(y)
      .positional('file', { type: 'string', describe: 'the backup (any kind)' })
      .option('to', { type: 'string', demandOption: true, describe: 'Destination folder (created if missing)' })
      .option('force', { type: 'boolean', default: false, describe: 'Replace existing regular files' })
      .example('$0 esxi extract state.tgz --to ./host-etc', 'etc/... and the ConfigStore database under ./host-etc; skipped entries are listed'),
  load: () => import('./extract-run.js'),
};

/** `analyze esxi <subcommand>`: ESXi configuration backups. diff/check/restore-plan are added by their issue. */
export const esxiSpec: CommandSpec = {
  command: 'esxi',
  describe: 'ESXi configuration backups (configBundle, state.tgz, local.tgz, encrypted local.tgz.ve)',
  subcommands: [showSpec, extractSpec],
};
