/**
 * A backup with its configuration parsed once, for diff, check and restore-plan: esx.conf model,
 * ConfigStore rows and the identity facts (release, build, UUID, host name).
 */
import { AnalyzeError, Warnings, type Warning } from '../../errors.js';
import type { Backup } from '../backup/model.js';
import { CONFIGSTORE_PATH, readConfigStore, rowsNotReadWarning, valuesKeptAsTextWarning, type ConfigStore } from '../config/configstore.js';
import { hostName, parseEsxConf, releaseVersion, systemUuid, type EsxConf } from '../config/esxconf.js';
import { ESXCONF_PATH } from './esxconf.js';

export interface ParsedBackup {
  backup: Backup;
  /** undefined when esx.conf is not in the backup (or the backup could not be decrypted). */
  esxConf: EsxConf | undefined;
  configStore: ConfigStore | undefined;
  /** Product version: Manifest RELEASELEVEL, else esx.conf /resourceGroups/version. */
  version: string | undefined;
  /** Build number (Manifest only: esx.conf does not record it). */
  build: string | undefined;
  uuid: string | undefined;
  hostName: string | undefined;
  warnings: Warning[];
}

/**
 * Parse an opened backup's configuration once (esx.conf, ConfigStore, identity) for diff, check and restore-plan.
 * @example const parsed = await parseBackup(openBackup('state.tgz'));
 */
export async function parseBackup(backup: Backup, opts: { strict?: boolean } = {}): Promise<ParsedBackup> {
  const w = new Warnings(opts.strict ?? false, backup.source);
  const conf = backup.files.get(ESXCONF_PATH)?.data;
  const esxConf = conf === undefined ? undefined : parseEsxConf(conf.toString('utf8'), w);
  let configStore: ConfigStore | undefined;
  const cs = backup.files.get(CONFIGSTORE_PATH)?.data;
  if (cs !== undefined && cs.length > 0) {
    try {
      configStore = await readConfigStore(cs, backup.source);
      for (const partly of [rowsNotReadWarning(configStore), valuesKeptAsTextWarning(configStore)]) if (partly) w.warn(partly.code, partly.message);
    } catch (e) {
      if (!(e instanceof AnalyzeError)) throw e;
      w.warn(e.code, `${e.message}; compared by bytes only`);
    }
  }
  return {
    backup,
    esxConf,
    configStore,
    version: backup.manifest?.version ?? (esxConf ? releaseVersion(esxConf) : undefined),
    build: backup.manifest?.build,
    uuid: backup.manifest?.uuid ?? (esxConf ? systemUuid(esxConf) : undefined),
    hostName: esxConf ? hostName(esxConf) : undefined,
    warnings: [...backup.warnings, ...w.list],
  };
}

/** The summary of one side printed above a diff / check. */
export interface BackupSummary {
  source: string;
  kind: Backup['kind'];
  layers: Backup['layers'];
  version?: string;
  build?: string;
  uuid?: string;
  hostName?: string;
  encrypted: boolean;
  encryptionMode?: string;
  decrypted: boolean;
  files: number;
}

/**
 * The one-line summary of a side (kind, layers, version, host, encryption) as diff and check print it.
 * @example summarize(parsed).version
 */
export function summarize(p: ParsedBackup): BackupSummary {
  const s: BackupSummary = {
    source: p.backup.source,
    kind: p.backup.kind,
    layers: p.backup.layers,
    encrypted: p.backup.encryption.encrypted,
    decrypted: p.backup.encryption.decrypted,
    files: p.backup.files.size,
  };
  if (p.version !== undefined) s.version = p.version;
  if (p.build !== undefined) s.build = p.build;
  if (p.uuid !== undefined) s.uuid = p.uuid;
  if (p.hostName !== undefined) s.hostName = p.hostName;
  if (p.backup.encryption.mode !== undefined) s.encryptionMode = p.backup.encryption.mode;
  return s;
}
