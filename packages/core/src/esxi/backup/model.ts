/**
 * The in-memory model of an ESXi configuration backup, shared by `esxi show/extract` (issue 5) and
 * `esxi diff/check/restore-plan` (issue 6). Fields may be added; existing ones are never renamed.
 */
import type { AnalyzeError, Warning } from '../../errors.js';

/**
 * What the input is, recognised by content:
 * - `configBundle`: `vim-cmd hostsvc/firmware/backup_config` output (Manifest.txt + state.tgz);
 * - `state.tgz`: /bootbank/state.tgz (local.tgz, or local.tgz.ve + encryption.info);
 * - `local.tgz`: the host's changed /etc (+ ConfigStore on 7.x);
 * - `local.tgz.ve`: an encrypted local.tgz (DataTransformEnvelope), alone or beside encryption.info.
 */
export type BackupKind = 'configBundle' | 'state.tgz' | 'local.tgz' | 'local.tgz.ve';

export type BackupFileType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface BackupFile {
  /** Normalised: no leading './' or '/', e.g. 'etc/vmware/esx.conf'. */
  path: string;
  type: BackupFileType;
  size: number;
  /** Permission bits as stored in the tar header (may include setuid/sticky bits; extract strips them). */
  mode: number;
  /** Modification time, milliseconds since the epoch (tar stores whole seconds); undefined when the archive gives none a date can hold. */
  mtime: number | undefined;
  /** Symlink / hard link target, as stored. */
  linkpath?: string | undefined;
  /**
   * Contents, for the files the analysis reads and other small files (see backup/hold.ts); undefined
   * for a file that was only sized and hashed as it streamed by (compare `sha256`).
   */
  data?: Buffer | undefined;
  /**
   * sha256 of the contents (hex), for a regular file not held in `data` (a held file's is the hash of its
   * `data`: not stored twice, 80 bytes per file).
   */
  sha256?: string | undefined;
  /** Holds secrets (shadow, private keys, license, keystore...): never print its contents by default. */
  secret: boolean;
  /** The path exactly as stored, when normalising changed it (absolute paths, './' prefixes). */
  rawPath?: string | undefined;
  /** Byte offset of the member's tar header in the inflated local.tgz stream. */
  offset?: number | undefined;
}

/** Manifest.txt of a configBundle (firmwareConfig.sh --backup). */
export interface Manifest {
  /** `RELEASELEVEL=` as written, e.g. "VMware ESXi 6.7.0 GA". */
  releaseLevel: string | undefined;
  /** Product version parsed from the release level, e.g. "6.7.0". */
  version: string | undefined;
  /** Update level parsed from the release level, e.g. "GA" or "Update 3". */
  update: string | undefined;
  /** Build number when present (`build-NNN` in RELEASELEVEL or a BUILD= line). */
  build: string | undefined;
  /** `UUID=` host system UUID (esxcfg-info -u). */
  uuid: string | undefined;
  /** `KERNELOPTS=` boot.cfg kernelopt (trimmed). */
  kernelOpts: string | undefined;
  /** `USEROPTS=` user boot options (trimmed). */
  userOpts: string | undefined;
  /** Every KEY=value line, in file order (unknown keys included). */
  entries: Array<{ key: string; value: string }>;
}

export interface BackupEncryption {
  /** The host's local.tgz is stored as local.tgz.ve. */
  encrypted: boolean;
  /** `mode` from encryption.info: 'NONE' | 'TPM' | ...; undefined when unencrypted or encryption.info is missing. */
  mode?: string | undefined;
  /** The envelope was opened and `files` holds its contents. */
  decrypted: boolean;
  /** Key UUID (`vmware.keyInfo`) when known. */
  keyId?: string;
  /** Why it could not be decrypted, in plain words, when encrypted && !decrypted. */
  reason?: string;
  /**
   * When encryption.info itself is why it was not decrypted: 'missing' (none in the backup, beside the
   * file or given), 'unreadable' (there, but no `mode = "..."` line: binary junk or damaged).
   */
  keystore?: 'missing' | 'unreadable';
}

export interface Backup {
  /** The file name (or the `name` option for buffers). */
  source: string;
  kind: BackupKind;
  /** Outer to inner, e.g. ['configBundle', 'state.tgz', 'local.tgz']. */
  layers: BackupKind[];
  manifest: Manifest | undefined;
  encryption: BackupEncryption;
  /** The host's /etc tree (and var/lib/vmware/configstore) from local.tgz, keyed by normalised path. */
  files: Map<string, BackupFile>;
  warnings: Warning[];
  /** Members of the outer layers (configBundle / state.tgz), for reports: path, size, type. */
  outer?: Array<{ layer: BackupKind; path: string; size: number; type: BackupFileType }>;
  /** Bytes of local.tgz (decrypted when it was encrypted), for hashing; undefined when unavailable. */
  localTgz?: Buffer;
  /**
   * Opened with `partial` only: the damage that stopped the read (truncated or corrupt archive, a cap
   * crossed). Everything above holds what was read before it; a member the damage cut is listed with
   * the size its header gives.
   */
  error?: AnalyzeError;
}

export interface OpenOptions {
  /** Warnings become errors. */
  strict?: boolean;
  /** Cap on bytes inflated over all layers together (default DEFAULT_MAX_INFLATED). */
  maxInflated?: number;
  /** Name to report for a Buffer input. */
  name?: string;
  /**
   * encryption.info for a bare local.tgz.ve (a path or its contents). Without it, a bare .ve input is
   * paired with `encryption.info` or `.#encryption.info` in the same folder when there is one.
   */
  encryptionInfo?: string | Buffer;
  /**
   * Damage does not throw once a layer is recognised: the backup holds what was read before it and
   * `error` says where reading stopped (`esxi show`). Without it (the default) damage throws.
   */
  partial?: boolean;
}

/**
 * Default cap on inflated bytes over all layers (256 MiB). Real backups inflate to < 1 MB (7.0.2 sample:
 * 694 KB; a state.tgz is a few MB), so this is hundreds of times what a host writes. Members stream by
 * and are not held, so the cap bounds time (~1 s to inflate and hash 256 MiB here), not memory.
 */
export const DEFAULT_MAX_INFLATED = 256 * 1024 * 1024;
