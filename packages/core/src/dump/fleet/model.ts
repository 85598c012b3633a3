/**
 * The fleet report of `analyze dump PATH...` over many dumps (docs/json-dump-fleet.md): one row per dump,
 * the crashes grouped by cause, a one-paragraph summary. Plain JSON-serialisable data.
 */
import type { ArchiveKind } from './archive-kind.js';
import type { DumpEngine } from '../report.js';

/** Version of the fleet document; bumped when a key changes meaning or disappears. */
export const FLEET_SCHEMA_VERSION = '1.0';

/** What one per-file job is given: a file on disk, or the bytes of an archive member. */
export type FleetInput =
  | { kind: 'path'; path: string; display: string; folder: string }
  | { kind: 'bytes'; bytes: Uint8Array; display: string; folder: string; archive: string; member: string };

export interface FleetRowError {
  code: string;
  message: string;
  offset?: number;
}

/** One dump (or one input that could not be read as one): a line of the table. */
export interface FleetRow {
  /** The file as named (path given + path inside a folder), or `archive!member/path`. */
  file: string;
  /** The archive holding it, as named, and the member path inside; null for files on disk. */
  archive: string | null;
  member: string | null;
  /** Where it came from (the folder, or `archive!folder`): the machine, for a tree of Minidump folders. */
  folder: string;
  engine: DumpEngine | null;
  format: string | null;
  /** ISO 8601 crash time as the dump records it; null when it does not. */
  crashTime: string | null;
  /** kernel = a bugcheck; user = an exception in a process; null = no crash recorded, or unreadable. */
  kind: 'kernel' | 'user' | null;
  /** Bugcheck code (kernel) or exception code (user), `0x` + 8 hex digits. */
  code: string | null;
  name: string | null;
  /** Bugcheck P1..P4 (`[]` for user-mode crashes). */
  parameters: string[];
  /** User mode: the faulting address; kernel 0x1E/0x7E/0x8E/0x3B: the exception address. */
  address: string | null;
  /** The module to blame (culprit driver, or the module of the faulting instruction). */
  culprit: string | null;
  /** The culprit's file version and PE timestamp where the dump records them. */
  culpritVersion: string | null;
  culpritTimestamp: string | null;
  /** cdb / saved text: SYMBOL_NAME. */
  symbol: string | null;
  process: string | null;
  /** OS version and build, e.g. `10.0.19041`. */
  osBuild: string | null;
  /** Why it could not be read; null when it was. */
  error: FleetRowError | null;
  /** How many warnings the reader gave (the per-file `analyze dump` shows them). */
  warnings: number;
  /**
   * How many of them report damage (a part of the dump cut off or malformed, cdb's output or a saved text read
   * in part: damage.ts), not notes such as a debugger's own warning line; above 0, the row was read in part.
   */
  damage: number;
}

/**
 * What one per-file job returns: a row, "not a dump" (skipped and counted), or "an archive" (a path input
 * only: the fleet run then opens it and sends its members as jobs of their own).
 */
export type FleetJobResult = { status: 'dump'; row: FleetRow } | { status: 'skipped'; display: string } | { status: 'archive'; archive: ArchiveKind };

/** What to do about a group's code, from the code tables (`analyze code`) and the culprit. */
export interface FleetAdvice {
  /** The code's documented meaning (Microsoft's text, or ReactOS's for bugchecks). */
  meaning: string | null;
  /** Microsoft's page for the bugcheck. */
  docUrl: string | null;
  /** What to do, in order. */
  steps: string[];
}

/** One cause: the same code, culprit module and (when cdb gave one) symbol. */
export interface FleetGroup {
  kind: 'kernel' | 'user';
  code: string;
  name: string | null;
  culprit: string | null;
  symbol: string | null;
  count: number;
  /** count / all crashes, 0..1. */
  share: number;
  firstCrash: string | null;
  lastCrash: string | null;
  /** Folders (machines) it came from, sorted; at most MAX_GROUP_FOLDERS, `folderCount` says how many in all. */
  folders: string[];
  folderCount: number;
  /** The first few files of the group, in crash-time order. */
  examples: string[];
  /** Every row of the group, as its index in the report's `rows` (crash-time order). */
  rowIndexes: number[];
  /**
   * Kernel crashes: true when the culprit is not a Windows inbox module (by name), false when it is; null for
   * user-mode crashes and when no culprit was named.
   */
  thirdParty: boolean | null;
  /** Lowest and highest culprit version (file version, else PE timestamp) seen in the group; null when none recorded. */
  versions: { min: string; max: string } | null;
  advice: FleetAdvice;
}

export interface FleetTotals {
  /** Files looked at (on disk and in archives). */
  files: number;
  /** Rows: dumps and saved analyses read, plus those that failed. */
  dumps: number;
  /** Rows with a bugcheck or exception. */
  crashes: number;
  /** Rows read without error that record no crash (a live `.dump /m`, a dump taken on demand). */
  noCrash: number;
  /** Rows that could not be read. */
  errors: number;
  /**
   * Files that are not dumps (by content), and names not read: links to folders, dangling links, pipes, devices,
   * tar link members, and duplicates.
   */
  skipped: number;
  /**
   * Of `skipped`, the names of a file already taken under another name (same device and inode: a link to a dump
   * in the walked folder, a hard link, overlapping paths such as `a.dmp dir/*.dmp`): each file is one row.
   */
  duplicates: number;
  /** Distinct causes. */
  groups: number;
}

export interface FleetReport {
  schemaVersion: string;
  /** The paragraph a person reads first (WhoCrashed-style). */
  summary: string;
  totals: FleetTotals;
  /** Earliest and latest crash time over all rows. */
  period: { first: string | null; last: string | null };
  /** Sorted by crash time (rows without one last), then file. */
  rows: FleetRow[];
  /** Largest first. */
  groups: FleetGroup[];
}
