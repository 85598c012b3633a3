import type { Argv } from 'yargs';
import type { CommandSpec } from '../../command.js';
import { inputHelp } from '../../caps.js';

/** Options shared by the subcommands that open a backup. */
export function backupOptions(y: Argv): Argv {
  return y
    .option('keystore', { type: 'string', describe: 'encryption.info for a bare local.tgz.ve (default: the one beside it)' })
    .option('max-inflated', { type: 'string', default: '256M', describe: 'Refuse archives that inflate to more than this (bytes, or K/M/G)' });
}

const showSpec: CommandSpec = {
  command: 'show <files..>',
  describe: 'What a backup is and what it holds: kind, version, host, encryption, files, network, users',
  builder: (y) =>
    backupOptions(y)
      .positional('files', { type: 'string', array: true, describe: inputHelp('configBundle-*.tgz, state.tgz, local.tgz or local.tgz.ve (recognised by content)', 'esxi') })
      .example('$0 esxi show configBundle-esx01.tgz', 'version, host, vSwitches, VMkernel NICs, users (no hashes) and files')
      .example('$0 esxi show state.tgz', 'a 7.0 U2+ state.tgz: local.tgz.ve is decrypted in memory when its keystore mode is NONE')
      .example('$0 esxi show local.tgz.ve --keystore enc.info', 'a bare .ve: its encryption.info is taken from beside it, or given')
      .example('$0 esxi show state.tgz --json', 'the report as JSON (docs/json-esxi.md)'),
  load: () => import('./show-run.js'),
};

const extractSpec: CommandSpec = {
  command: 'extract <file>',
  describe: 'Write the host files of a backup under a folder, safely (decrypted; no links, no escapes)',
  builder: (y) =>
    backupOptions(y)
      .positional('file', { type: 'string', describe: inputHelp('the backup (any kind)', 'esxi') })
      .option('to', { type: 'string', demandOption: true, describe: 'Destination folder (created if missing)' })
      .option('force', { type: 'boolean', default: false, describe: 'Replace existing regular files' })
      .example('$0 esxi extract state.tgz --to ./host-etc', 'etc/... and the ConfigStore database under ./host-etc; skipped entries are listed')
      .example('$0 esxi extract bundle.tgz --to out --force', 'replace regular files already in ./out (never links or folders)'),
  load: () => import('./extract-run.js'),
};

/** `analyze esxi <subcommand>`: ESXi configuration backups. diff/check/restore-plan are added by their issue. */
export const esxiSpec: CommandSpec = {
  command: 'esxi',
  describe: 'ESXi configuration backups (configBundle, state.tgz, local.tgz, encrypted local.tgz.ve)',
  builder: (y) =>
    y
      .example('$0 esxi show configBundle.tgz', 'what a backup holds: version, host, network, users, files')
      .example('$0 esxi diff before.tgz after.tgz', 'what restoring after.tgz would change, secrets redacted')
      .example('$0 esxi check state.tgz', 'traps before a restore (boot controller given to passthrough...)'),
  subcommands: [showSpec, extractSpec, ...diffSpecs()],
};

/** diff / check / restore-plan (issue 6). A function so the consts above are initialised before use. */
function diffSpecs(): CommandSpec[] {
  const target = (y: Argv) => y.option('target', { type: 'string', describe: "The target host's own backup (e.g. its fresh /bootbank/state.tgz): release, build and UUID are compared" });
  return [
    {
      command: 'diff <before> <after>',
      describe: 'What restoring AFTER onto the BEFORE host changes, by key and entry, with the traps it holds (secrets redacted)',
      builder: (y) =>
        backupOptions(y)
          .positional('before', { type: 'string', describe: inputHelp('the current host (e.g. its fresh state.tgz), any kind', 'esxi') })
          .positional('after', { type: 'string', describe: inputHelp('the backup to restore, any kind', 'esxi') })
          .option('all', { type: 'boolean', default: false, describe: 'List noise (.backup.counter, random-seed, DHCP leases, ConfigStore cache) instead of one summary line' })
          .option('show-secrets', { type: 'boolean', default: false, describe: 'Print password hashes, private keys and licence data instead of "changed"' })
          .example('$0 esxi diff fresh.tgz configBundle-esx01.tgz', 'what restoring the bundle onto the fresh host changes, by area, and its traps')
          .example('$0 esxi diff old.tgz new.tgz --all', 'also list noise (.backup.counter, random-seed, leases)')
          .example('$0 esxi diff old.tgz new.tgz --json', 'changes[] and findings[] as JSON (docs/json-esxi.md)')
          .example('$0 esxi diff old.tgz new.tgz --html d.html', 'the same as a page to hand over (docs/html.md)'),
      load: () => import('./diff-run.js'),
    },
    {
      command: 'check <files..>',
      describe: 'The traps a restore holds: release/build/UUID mismatch, TPM encryption, passthrough of the boot HBA or management NIC',
      builder: (y) =>
        target(backupOptions(y))
          .positional('files', { type: 'string', array: true, describe: inputHelp('backups to check, any kind', 'esxi') })
          .example('$0 esxi check bundle.tgz --target fresh.tgz', 'findings with severity, explanation and fix; exit 1 on an error')
          .example('$0 esxi check backups/*.tgz', 'each backup on its own: passthrough traps, TPM, empty esx.conf'),
      load: () => import('./check-run.js'),
    },
    {
      command: 'restore-plan <file>',
      describe: 'The exact restore steps for this backup and its kind, blocking findings first',
      builder: (y) =>
        target(backupOptions(y))
          .positional('file', { type: 'string', describe: inputHelp('the backup to restore, any kind', 'esxi') })
          .example('$0 esxi restore-plan state.tgz', 'the scp route: into /bootbank, then reboot -f')
          .example('$0 esxi restore-plan configBundle-esx01.tgz', 'the vim-cmd route with its prerequisites (add --target with the new host\'s state.tgz to compare builds)'),
      load: () => import('./restore-plan-run.js'),
    },
  ];
}
