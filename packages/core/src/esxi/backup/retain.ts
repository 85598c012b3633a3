/**
 * What one opened backup keeps in memory, over all its layers together: the member contents the
 * analysis holds and one record (name, size, hash...) per member. `diff` holds two backups at once, so
 * each must stay well under half of the 256 MB budget whatever the input. Members that are not held
 * cost nothing beyond their record: they are sized, hashed and checked for secrets as they stream by.
 */

/**
 * Most members recorded over all layers of one backup. A real local.tgz holds 25-40 files and OVH-style
 * whole-/etc repacks a few hundred; 100,000 is only reachable on purpose. A record costs ~0.5 KB, so this
 * bounds the records to ~50 MB (a state.tgz of 99,000 junk members around a local.tgz of 99,000 was twice that).
 */
export const MAX_TAR_ENTRIES = 100_000;
/**
 * Characters of member names (paths, link targets) recorded over all layers: 100,000 names of 80. Real
 * names are ~30 characters; pax headers allow 1 MiB each, so without this 100,000 long names took ~300 MB.
 */
export const MAX_NAME_CHARS = 8 * 1024 * 1024;
/**
 * Member contents held over all layers. Real backups hold a few MB (state.tgz, local.tgz, esx.conf
 * ~100 KB, a ConfigStore a few MB); a required file past this stops the read with ESXI_MEMBER_TOO_LARGE.
 */
export const MAX_HELD_TOTAL = 48 * 1024 * 1024;
/**
 * Of those, small files held only for text diffs. Past it they are compared by hash only, and one
 * ESXI_HOLD_LIMIT warning says so.
 */
export const MAX_OPTIONAL_TOTAL = 8 * 1024 * 1024;

/** Why a member could not be recorded or held: the reader adds the layer and offset. */
export interface RetainRefusal {
  code: string;
  message: string;
}

/** The running totals of one backup (shared by its layers, like the inflate budget). */
export class Retention {
  entries = 0;
  nameChars = 0;
  held = 0;
  optional = 0;
  /** Optional members not held for lack of room (compared by hash only). */
  optionalRefused = 0;

  /** Bytes this backup keeps: contents held plus names (records aside). Tests assert on it. */
  get bytes(): number {
    return this.held + this.nameChars;
  }

  /** Count one member's record (`names`: the characters of its path and link target). */
  record(names: number): RetainRefusal | undefined {
    this.entries++;
    this.nameChars += names;
    if (this.entries > MAX_TAR_ENTRIES) return { code: 'ESXI_TOO_MANY_ENTRIES', message: `more than ${MAX_TAR_ENTRIES} members (all layers together)` };
    if (this.nameChars > MAX_NAME_CHARS) {
      return { code: 'ESXI_NAMES_TOO_LONG', message: `member names add up to more than ${MAX_NAME_CHARS} characters after ${this.entries} members (real ones are ~30 characters each: generated or damaged)` };
    }
    return undefined;
  }

  /** Hold a required member of `size` bytes (the analysis reads it), unless that crosses MAX_HELD_TOTAL. */
  takeRequired(size: number, path: string): RetainRefusal | undefined {
    if (this.held + size > MAX_HELD_TOTAL) {
      return {
        code: 'ESXI_MEMBER_TOO_LARGE',
        message: `member "${path}" is ${size} bytes: with the ${this.held} bytes already held that is more than the ${MAX_HELD_TOTAL}-byte limit for the files the analysis reads into memory (real backups hold a few MB)`,
      };
    }
    this.held += size;
    return undefined;
  }

  /** Hold an optional member of `size` bytes when it fits; refusals are counted (the reader warns at the first). */
  takeOptional(size: number): boolean {
    if (this.optional + size > MAX_OPTIONAL_TOTAL || this.held + size > MAX_HELD_TOTAL) {
      this.optionalRefused++;
      return false;
    }
    this.optional += size;
    this.held += size;
    return true;
  }

  /** Give back a held member's bytes (superseded by a later copy of the same path). */
  release(size: number, optional: boolean): void {
    this.held -= size;
    if (optional) this.optional -= size;
  }
}
