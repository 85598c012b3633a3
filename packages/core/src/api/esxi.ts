/**
 * The `analyze esxi` jobs: show, extract, diff, check and restore-plan of ESXi configuration backups
 * (docs/json-esxi.md). Each opens its input(s) in memory (configBundle, state.tgz, local.tgz, .ve).
 */
import type { Warning } from '../errors.js';
import type { Backup, OpenOptions } from '../esxi/backup/model.js';
import { keystoreBeside, MAX_INPUT_BYTES, openBackup } from '../esxi/backup/open.js';
import { extractBackup as extractInto, type ExtractReport } from '../esxi/backup/extract.js';
import { diffBackups as diffParsed, type DiffResult } from '../esxi/diff/backups.js';
import type { DiffOptions } from '../esxi/diff/model.js';
import { parseBackup, summarize, type BackupSummary, type ParsedBackup } from '../esxi/diff/parsed.js';
import { checkBackup as checkParsed } from '../esxi/findings/check.js';
import type { Finding } from '../esxi/findings/model.js';
import { restorePlan as planFor, type RestorePlan } from '../esxi/restore-plan.js';
import { showBackup as showOpened, type ShowReport } from '../esxi/show.js';
import { checkInput, checkOptions, checkPositive, checkString } from './check.js';
import { inputName, naming, readInput, warningsJson, type Input, type JobOptions } from './input.js';
import { stamped } from './report.js';

/** Options for opening a backup: the inflate cap and the keystore of a bare local.tgz.ve. */
export interface BackupJobOptions extends JobOptions, Pick<OpenOptions, 'maxInflated' | 'encryptionInfo'> {}

/** A second backup (the target host's own) and the name its messages use. */
export interface TargetOption {
  target?: Input;
  targetName?: string;
}

/** The report of `showBackup` (`esxi show --json`). */
export interface ShowJson extends ShowReport {
  schemaVersion: string;
}
/** The report of `extractBackup` (`esxi extract --json`). */
export interface ExtractJson extends ExtractReport {
  schemaVersion: string;
  file: string;
  kind: Backup['kind'];
  layers: Backup['layers'];
  encryption: Backup['encryption'];
  warnings: Warning[];
}
/** The report of `diffBackups` (`esxi diff --json`): what restoring AFTER onto the BEFORE host changes. */
export interface DiffJson extends DiffResult {
  schemaVersion: string;
  /** Warnings of both sides, each naming its file. */
  warnings: Warning[];
  /** Present (true) only with `showSecrets`: the values of secret changes are in clear in this report. */
  secretsShown?: true;
}
/** The report of `checkBackup` (`esxi check --json`). */
export interface CheckJson {
  schemaVersion: string;
  file: string;
  backup: BackupSummary;
  target?: BackupSummary;
  findings: Finding[];
  warnings: Warning[];
}
/** The report of `restorePlan` (`esxi restore-plan --json`). */
export interface RestorePlanJson extends RestorePlan {
  schemaVersion: string;
  file: string;
  warnings: Warning[];
}

/** Wrong arguments from JavaScript are usage errors naming the argument (a NaN maxInflated switched the bomb cap off). */
function checkBackupArgs(job: string, input: unknown, opts: unknown): void {
  checkInput(input, job);
  checkOptions(opts, job);
  const o = (opts ?? {}) as Record<string, unknown>;
  checkPositive(o.maxInflated, `${job}: maxInflated`);
  if (o.encryptionInfo !== undefined && !(typeof o.encryptionInfo === 'string' || Buffer.isBuffer(o.encryptionInfo))) {
    checkString(o.encryptionInfo, `${job}: encryptionInfo (a path or a Buffer)`);
  }
  if (o.target !== undefined) checkInput(o.target, `${job}: target`);
}

/**
 * The keystore files opening `input` may read: an error about one of them names it, not the backup
 * (the CLI's --keystore names its file too).
 */
function keystoreFiles(input: Input, opts: BackupJobOptions): string[] {
  if (typeof opts.encryptionInfo === 'string') return [opts.encryptionInfo];
  if (opts.encryptionInfo !== undefined || typeof input !== 'string') return [];
  const beside = keystoreBeside(input);
  return beside === undefined ? [] : [beside];
}

/** Open one backup, named as the caller knows it; a path is read up to MAX_INPUT_BYTES, like a stream. */
async function open(input: Input, opts: BackupJobOptions, name: string, partial = false): Promise<Backup> {
  const data = typeof input === 'string' ? input : await readInput(input, MAX_INPUT_BYTES, name);
  const o: OpenOptions = { name, strict: opts.strict ?? false, partial };
  if (opts.maxInflated !== undefined) o.maxInflated = opts.maxInflated;
  if (opts.encryptionInfo !== undefined) o.encryptionInfo = opts.encryptionInfo;
  return openBackup(data, o);
}

async function parsed(input: Input, opts: BackupJobOptions, name: string): Promise<ParsedBackup> {
  return naming(name, async () => parseBackup(await open(input, opts, name), { strict: opts.strict ?? false }), keystoreFiles(input, opts));
}

async function targetOf(opts: BackupJobOptions & TargetOption): Promise<ParsedBackup | undefined> {
  if (opts.target === undefined) return undefined;
  return parsed(opts.target, opts, inputName(opts.target, opts.targetName));
}

/**
 * What a backup is and holds: kind, version, host, UUID, encryption, network, passthrough devices, users
 * (hash algorithm only), non-default advanced settings and the files. Secrets are never in the report.
 * A damaged backup does not throw once its kind is known: the report holds what was read before the
 * damage and `error` says where it is.
 * @example
 *   const r = await showBackup('fixtures/esxi/state-6.7.tgz');
 *   r.version.release; // '6.7.0'
 *   r.network.vSwitches.map((v) => v.name); // ['vSwitch0', ...]
 */
export async function showBackup(input: Input, opts: BackupJobOptions = {}): Promise<ShowJson> {
  checkBackupArgs('showBackup', input, opts);
  const file = inputName(input, opts.name);
  return naming(
    file,
    async () => {
      // a damaged backup is still shown up to the damage; `error` says where it stops (exit 2)
      const report = await showOpened(await open(input, opts, file, true), { strict: opts.strict ?? false });
      return stamped({ ...report, file, warnings: warningsJson(report.warnings, file) });
    },
    keystoreFiles(input, opts),
  );
}

/**
 * Write the host files of a backup under `to` (created if missing): regular files and folders only,
 * nothing outside `to`, no setuid/sticky bits; links, special files and unsafe paths are listed in `skipped`.
 * @example
 *   const r = await extractBackup('fixtures/esxi/state-6.7.tgz', '/tmp/esx01-etc');
 *   r.written.length; // files written
 */
export async function extractBackup(input: Input, to: string, opts: BackupJobOptions & { force?: boolean } = {}): Promise<ExtractJson> {
  checkBackupArgs('extractBackup', input, opts);
  checkString(to, 'extractBackup: to (the folder to write into)', true);
  const file = inputName(input, opts.name);
  return naming(
    file,
    async () => {
      const backup = await open(input, opts, file);
      const report = extractInto(backup, to, { force: opts.force ?? false });
      return stamped({ file, kind: backup.kind, layers: backup.layers, encryption: backup.encryption, ...report, warnings: warningsJson(backup.warnings, file) });
    },
    keystoreFiles(input, opts),
  );
}

/**
 * What restoring AFTER onto the BEFORE host changes, by key and entry, grouped by area, with the traps
 * of that restore as findings. Secret values (hashes, keys, licences) only with `showSecrets`.
 * @example
 *   const r = await diffBackups('before.tgz', 'after.tgz', { names: { before: 'fresh', after: 'bundle' } });
 *   r.changes.filter((c) => c.area === 'network').map((c) => c.label);
 */
export async function diffBackups(
  before: Input,
  after: Input,
  opts: BackupJobOptions & DiffOptions & { names?: { before?: string; after?: string } } = {},
): Promise<DiffJson> {
  checkBackupArgs('diffBackups', before, opts);
  checkInput(after, 'diffBackups: after');
  const a = await parsed(before, opts, inputName(before, opts.names?.before));
  const b = await parsed(after, opts, inputName(after, opts.names?.after));
  const result = diffParsed(a, b, { ...(opts.all === undefined ? {} : { all: opts.all }), ...(opts.showSecrets === undefined ? {} : { showSecrets: opts.showSecrets }) });
  return stamped({
    ...result,
    ...(opts.showSecrets ? { secretsShown: true as const } : {}),
    warnings: [...warningsJson(a.warnings, a.backup.source), ...warningsJson(b.warnings, b.backup.source)],
  });
}

/**
 * The traps a restore of this backup holds: release/build/UUID mismatch with `target`, TPM encryption,
 * passthrough of the boot HBA or management NIC, an empty esx.conf. Each finding has a fix.
 * @example
 *   const r = await checkBackup('bundle.tgz', { target: 'fresh-state.tgz' });
 *   r.findings.filter((f) => f.severity === 'error');
 */
export async function checkBackup(input: Input, opts: BackupJobOptions & TargetOption = {}): Promise<CheckJson> {
  checkBackupArgs('checkBackup', input, opts);
  const target = await targetOf(opts);
  const b = await parsed(input, opts, inputName(input, opts.name));
  return stamped({
    file: b.backup.source,
    backup: summarize(b),
    ...(target ? { target: summarize(target) } : {}),
    findings: checkParsed(b, target),
    warnings: [...(target ? warningsJson(target.warnings, target.backup.source) : []), ...warningsJson(b.warnings, b.backup.source)],
  });
}

/**
 * The exact restore steps for this backup and its kind (vim-cmd for a configBundle, state.tgz into
 * /bootbank otherwise), blocking findings first.
 * @example
 *   const r = await restorePlan('fixtures/esxi/state-6.7.tgz');
 *   r.route;   // 'state.tgz'
 *   r.steps[0].title;
 */
export async function restorePlan(input: Input, opts: BackupJobOptions & TargetOption & { keystoreName?: string } = {}): Promise<RestorePlanJson> {
  checkBackupArgs('restorePlan', input, opts);
  const target = await targetOf(opts);
  const b = await parsed(input, opts, inputName(input, opts.name));
  // the commands name the keystore of a bare .ve as the user gave it (its bytes may come as a Buffer)
  const keystore = opts.keystoreName ?? (typeof opts.encryptionInfo === 'string' ? opts.encryptionInfo : undefined);
  return stamped({
    file: b.backup.source,
    ...planFor(b, target, keystore === undefined ? {} : { keystore }),
    warnings: [...(target ? warningsJson(target.warnings, target.backup.source) : []), ...warningsJson(b.warnings, b.backup.source)],
  });
}
