/**
 * `esxi restore-plan`: the exact steps for this backup and its kind, blocking findings first. Two routes
 * (docs/formats/esxi.md §3): vim-cmd restore_config for a configBundle (checks release
 * and UUID, needs maintenance mode, reboots by itself), and the scp route that puts state.tgz into
 * /bootbank and reboots with -f so the shutdown backup cannot overwrite it (what firmwareConfig.sh does).
 */
import type { ParsedBackup } from './diff/parsed.js';
import { checkBackup } from './findings/check.js';
import type { Finding } from './findings/model.js';

export interface RestoreStep {
  title: string;
  /** Commands to run, in order ("workstation$" or "host#" prompts say where). */
  commands: string[];
  note?: string;
}

export interface RestorePlan {
  route: 'vim-cmd' | 'state.tgz';
  /** An error-severity finding exists: fix those first or the restore fails / breaks the host. */
  blocked: boolean;
  /** Error findings first, then the rest. */
  findings: Finding[];
  prerequisites: string[];
  steps: RestoreStep[];
  /** The other route, when it applies to this kind. */
  alternative?: { route: 'vim-cmd' | 'state.tgz'; steps: RestoreStep[] };
}

const HOST = 'HOST';

/** The backup's file name for the commands; read from standard input (`-`) it has none, so its kind names it. */
function fileName(source: string, kind: ParsedBackup['backup']['kind']): string {
  if (source === '-' || source === '<buffer>') return kind === 'configBundle' ? 'configBundle.tgz' : kind;
  return source.split(/[\\/]/).pop() ?? source;
}

function stateSteps(b: ParsedBackup): RestoreStep[] {
  const name = fileName(b.backup.source, b.backup.kind);
  const steps: RestoreStep[] = [];
  if (b.backup.kind === 'configBundle') {
    steps.push({ title: 'Take state.tgz out of the bundle', commands: [`workstation$ tar xzf ${name} state.tgz`] });
  } else if (b.backup.kind === 'local.tgz') {
    steps.push({ title: 'Wrap the bare local.tgz into a state.tgz', commands: [`workstation$ cp ${name} local.tgz && tar czf state.tgz local.tgz`] });
  } else if (b.backup.kind === 'local.tgz.ve') {
    steps.push({
      title: 'Wrap local.tgz.ve with its keystore into a state.tgz',
      commands: ['workstation$ tar czf state.tgz local.tgz.ve encryption.info'],
      note: 'encryption.info must be the one that was beside local.tgz.ve in the original state.tgz',
    });
  }
  const src = b.backup.kind === 'state.tgz' ? name : 'state.tgz';
  steps.push(
    { title: 'Put the host in maintenance mode (power off or migrate its VMs first)', commands: [`host# vim-cmd hostsvc/maintenance_mode_enter`] },
    { title: 'Copy the backup to the host', commands: [`workstation$ scp ${src} root@${HOST}:/tmp/state.tgz`] },
    {
      title: 'Keep the fresh configuration, then replace it with the backup',
      commands: ['host# cp /bootbank/state.tgz /tmp/state.tgz.fresh', 'host# cp /tmp/state.tgz /bootbank/state.tgz', 'host# sync'],
      note: 'to undo before rebooting: cp /tmp/state.tgz.fresh /bootbank/state.tgz',
    },
    {
      title: 'Reboot at once, without the shutdown backup',
      commands: ['host# reboot -f'],
      note: 'a normal reboot runs /sbin/backup.sh first and overwrites /bootbank/state.tgz with the running (fresh) configuration',
    },
  );
  return steps;
}

function vimCmdSteps(b: ParsedBackup): RestoreStep[] {
  const name = fileName(b.backup.source, b.backup.kind);
  return [
    { title: 'Copy the bundle to the host', commands: [`workstation$ scp ${name} root@${HOST}:/tmp/configBundle.tgz`] },
    { title: 'Enter maintenance mode (power off or migrate its VMs first)', commands: ['host# vim-cmd hostsvc/maintenance_mode_enter'] },
    {
      title: 'Restore; the host reboots by itself',
      commands: ['host# vim-cmd hostsvc/firmware/restore_config /tmp/configBundle.tgz'],
      note: 'if the host UUID differs (new hardware, reinstall): PowerCLI Set-VMHostFirmware -VMHost HOST -Restore -Force -SourcePath configBundle.tgz -HostUser root -HostPassword …',
    },
  ];
}

/**
 * The restore steps for a parsed backup (its kind picks the route), its blocking findings first.
 * @example restorePlan(await parseBackup(openBackup('state.tgz'))).steps
 */
export function restorePlan(b: ParsedBackup, target?: ParsedBackup): RestorePlan {
  const findings = checkBackup(b, target);
  const blocked = findings.some((f) => f.severity === 'error');
  const release = b.version === undefined ? 'the release the backup was taken on' : `ESXi ${b.version}${b.build ? ` build ${b.build}` : ''}`;
  const prerequisites = [
    `the target runs ${release} (same build: vmware -vl), freshly installed with a management IP and root password`,
    'SSH enabled on the target (DCUI › Troubleshooting Options, or vim-cmd hostsvc/enable_ssh)',
    'after the reboot the root password, IPs and host name are the ones in the backup, not the ones set at install',
  ];
  if (b.backup.kind === 'configBundle') {
    return { route: 'vim-cmd', blocked, findings, prerequisites, steps: vimCmdSteps(b), alternative: { route: 'state.tgz', steps: stateSteps(b) } };
  }
  return { route: 'state.tgz', blocked, findings, prerequisites, steps: stateSteps(b) };
}
