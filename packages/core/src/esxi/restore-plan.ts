/**
 * `esxi restore-plan`: the exact steps for this backup and its kind, blocking findings first. Two routes
 * (docs/formats/esxi.md §3): vim-cmd restore_config for a configBundle (checks release
 * and UUID, needs maintenance mode, reboots by itself), and the scp route that puts state.tgz into
 * /bootbank and reboots with -f so the shutdown backup cannot overwrite it (what firmwareConfig.sh does).
 */
import { dirname, join } from 'node:path';
import { keystoreBeside } from './backup/open.js';
import type { ParsedBackup } from './diff/parsed.js';
import { checkBackup } from './findings/check.js';
import type { Finding } from './findings/model.js';
import { powerShellString, shellPath } from './shell-quote.js';

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
/**
 * The folder the members of a state.tgz are copied into under their names, when the files given are named
 * otherwise: copied beside themselves, `cp local.tgz local.tgz` fails, and `&&` stopped before the tar.
 */
const STAGING_DIR = 'state-tgz-members';
/** The keystore's name inside state.tgz, beside local.tgz.ve. */
const KEYSTORE_MEMBER = 'encryption.info';

/** Names of the files the commands use, as the user gave them. */
export interface PlanNames {
  /** The encryption.info of a bare local.tgz.ve (`--keystore`); default: the one beside it. */
  keystore?: string;
}

/**
 * The backup's path for the commands, folder kept as given; read from standard input (`-`) it has none, so
 * its kind names it.
 */
function pathOf(source: string, kind: ParsedBackup['backup']['kind']): string {
  if (source === '-' || source === '<buffer>') return kind === 'configBundle' ? 'configBundle.tgz' : kind;
  return source;
}

/** The folder part of a path as written ('' for none), and its last name. */
function splitPath(path: string): { dir: string; base: string } {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return { dir: cut < 0 ? '' : cut === 0 ? path.slice(0, 1) : path.slice(0, cut), base: path.slice(cut + 1) };
}

/** The encryption.info for a bare .ve: the one given, else the one beside it (named as it would be). */
function keystorePath(source: string, given: string | undefined): string {
  if (given !== undefined) return given;
  if (source === '-' || source === '<buffer>') return KEYSTORE_MEMBER;
  return keystoreBeside(source) ?? join(dirname(source), KEYSTORE_MEMBER);
}

/**
 * `tar czf state.tgz` of files that must be named `as` inside it: straight from their folder when they
 * already are and share one, else copied under those names into STAGING_DIR first.
 */
function wrapCommand(members: Array<{ from: string; as: string }>): string {
  const parts = members.map((m) => ({ ...m, ...splitPath(m.from) }));
  const names = members.map((m) => m.as).join(' ');
  const dir = parts[0]!.dir;
  if (parts.every((p) => p.base === p.as && p.dir === dir)) return `workstation$ tar czf state.tgz ${dir === '' ? '' : `-C ${shellPath(dir)} `}${names}`;
  const copies = members.map((m) => `cp ${shellPath(m.from)} ${STAGING_DIR}/${m.as}`).join(' && ');
  return `workstation$ mkdir -p ${STAGING_DIR} && ${copies} && tar czf state.tgz -C ${STAGING_DIR} ${names}`;
}

function stateSteps(b: ParsedBackup, names: PlanNames): RestoreStep[] {
  const name = pathOf(b.backup.source, b.backup.kind);
  const steps: RestoreStep[] = [];
  if (b.backup.kind === 'configBundle') {
    steps.push({ title: 'Take state.tgz out of the bundle', commands: [`workstation$ tar xzf ${shellPath(name)} state.tgz`] });
  } else if (b.backup.kind === 'local.tgz') {
    steps.push({ title: 'Wrap the bare local.tgz into a state.tgz', commands: [wrapCommand([{ from: name, as: 'local.tgz' }])] });
  } else if (b.backup.kind === 'local.tgz.ve') {
    steps.push({
      title: 'Wrap local.tgz.ve with its keystore into a state.tgz',
      commands: [wrapCommand([{ from: name, as: 'local.tgz.ve' }, { from: keystorePath(b.backup.source, names.keystore), as: KEYSTORE_MEMBER }])],
      note: 'encryption.info must be the one that was beside local.tgz.ve in the original state.tgz',
    });
  }
  const src = b.backup.kind === 'state.tgz' ? shellPath(name) : 'state.tgz';
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
  const name = pathOf(b.backup.source, b.backup.kind);
  return [
    { title: 'Copy the bundle to the host', commands: [`workstation$ scp ${shellPath(name)} root@${HOST}:/tmp/configBundle.tgz`] },
    { title: 'Enter maintenance mode (power off or migrate its VMs first)', commands: ['host# vim-cmd hostsvc/maintenance_mode_enter'] },
    {
      title: 'Restore; the host reboots by itself',
      commands: ['host# vim-cmd hostsvc/firmware/restore_config /tmp/configBundle.tgz'],
      note: `if the host UUID differs (new hardware, reinstall): PowerCLI Set-VMHostFirmware -VMHost HOST -Restore -Force -SourcePath ${powerShellString(name)} -HostUser root -HostPassword …`,
    },
  ];
}

/**
 * The restore steps for a parsed backup (its kind picks the route), its blocking findings first.
 * @example restorePlan(await parseBackup(openBackup('state.tgz'))).steps
 */
export function restorePlan(b: ParsedBackup, target?: ParsedBackup, names: PlanNames = {}): RestorePlan {
  const findings = checkBackup(b, target);
  const blocked = findings.some((f) => f.severity === 'error');
  const release = b.version === undefined ? 'the release the backup was taken on' : `ESXi ${b.version}${b.build ? ` build ${b.build}` : ''}`;
  const prerequisites = [
    `the target runs ${release} (same build: vmware -vl), freshly installed with a management IP and root password`,
    'SSH enabled on the target (DCUI › Troubleshooting Options, or vim-cmd hostsvc/enable_ssh)',
    'after the reboot the root password, IPs and host name are the ones in the backup, not the ones set at install',
  ];
  if (b.backup.kind === 'configBundle') {
    return { route: 'vim-cmd', blocked, findings, prerequisites, steps: vimCmdSteps(b), alternative: { route: 'state.tgz', steps: stateSteps(b, names) } };
  }
  return { route: 'state.tgz', blocked, findings, prerequisites, steps: stateSteps(b, names) };
}
