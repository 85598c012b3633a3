/**
 * What `esxi diff` reports: one Change per semantic difference (a key, a user, a hosts entry, a JSON field),
 * never per line. Secret values are left out of the model itself unless the caller opted in.
 */

/** Where a change belongs, for grouping (issue 6: network, devices and passthrough, advanced, storage, system…). */
export type ChangeArea = 'network' | 'devices' | 'advanced' | 'storage' | 'system' | 'users' | 'services' | 'security' | 'files' | 'noise';

/** Display order of the areas. */
export const AREA_ORDER: readonly ChangeArea[] = ['network', 'devices', 'advanced', 'storage', 'system', 'users', 'services', 'security', 'files', 'noise'];

/** Readable area titles. */
export const AREA_TITLES: Record<ChangeArea, string> = {
  network: 'Network',
  devices: 'Devices and passthrough',
  advanced: 'Advanced settings',
  storage: 'Storage',
  system: 'System',
  users: 'Users and passwords',
  services: 'Services',
  security: 'Certificates, keys and licence',
  files: 'Other files',
  noise: 'Noise',
};

export type ChangeKind = 'added' | 'removed' | 'modified';

/**
 * What of a file a change is about, when not its contents: its permission bits (`mode`), what the path is
 * (`type`: a regular file replaced by a symlink…) or where a link points (`target`). A restore writes all
 * three, and a symlink has no contents to compare.
 */
export type ChangeAspect = 'mode' | 'type' | 'target';

/**
 * Longest label and value (`before` / `after`) a listed change quotes whole; longer ones are cut, saying so.
 * Real ones are a line or a field of a few dozen characters. A ConfigStore value may hold 1 MiB and an esx.conf
 * line 4 MiB: sixteen changed values of 880 KB, each also quoted in its label, made `esxi diff --json` an
 * 86 MB document peaking at 630 MB, and `--html` 730 MB.
 */
export const MAX_CHANGE_LABEL = 1024;
export const MAX_CHANGE_VALUE = 4096;

export interface Change {
  area: ChangeArea;
  /** The file inside local.tgz, e.g. "etc/vmware/esx.conf". */
  path: string;
  /** What changed inside the file (esx.conf key, user, hosts address, ConfigStore row#field); absent for whole files. */
  key?: string;
  change: ChangeKind;
  /** Set for a change of the file's mode, type or link target (`before`/`after` say from what to what); absent for contents. */
  aspect?: ChangeAspect;
  /** One readable line: "vSwitch0: uplink vmnic1 added". */
  label: string;
  /** Old / new value; omitted for secrets unless showSecrets. */
  before?: string;
  after?: string;
  /** The value is secret: only "changed"/"unchanged" is reported by default. */
  secret?: true;
  /** Whole file present on one side only: the other side has the image default (local.tgz stores only changed files). */
  onlyIn?: 'before' | 'after';
}

export interface DiffOptions {
  /** Print secret values (hashes, keys, licence) instead of "changed". */
  showSecrets?: boolean;
  /** List noise (.backup.counter, random-seed, leases, ConfigStore cached values) instead of summarising it. */
  all?: boolean;
}

/** Creates Changes for one file, honouring showSecrets. */
export interface ChangeSink {
  add(c: Change): void;
}
