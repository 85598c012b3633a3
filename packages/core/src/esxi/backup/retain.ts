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

/**
 * Largest configuration text the analysis parses (esx.conf, hosts, passwd, shadow, group, resolv.conf), and
 * the most of them together. Real ones are a few KB (esx.conf ~100 KB); parsed, such a text takes ~20-25
 * times its size: an esx.conf of 15 MB (800,000 settings) peaked `esxi show` at 469 MB, and six texts of
 * 4 MiB each at 453 MB (the budget is 256); at 6.25 MiB together the worst (passwd and shadow naming
 * different users: 230,000 in the report) peaks at 218-233 MB through a pipe, at 7 MiB it reached 262. A
 * 100,000-line file of each kind fits alone (~2-3.6 MB), and 100,000 users with 100,000 settings (6.15 MiB).
 */
export const MAX_CONFIG_TEXT = 4 * 1024 * 1024;
export const MAX_CONFIG_TEXT_TOTAL = 6.25 * 1024 * 1024;

/**
 * One budget over the bounds above together. Each holds the 256 MB budget alone, but they do not add up:
 * one crafted backup at several at once (95,000 members, 6.2 MiB of passwd and shadow, a 16 MB ConfigStore)
 * peaked `esxi show --json` at 337 MiB, and `diff` of two with members and a ConfigStore at 300 MiB. So a
 * backup is also weighed by what it costs the two heaviest commands that hold it, estimated per member and per
 * byte held from peaks measured one kind at a time (peak RSS above the ~62 MiB of a small backup, 2026-12-07):
 * - `show --json` holds one backup and reports all of it: 99,000 members +157 MiB (~1.6 KB each), 6.2 MiB of
 *   passwd and shadow +165 MiB (~27 bytes per byte: every user in the report), a 16 MB ConfigStore +89 MiB;
 * - `diff` holds two, so each gets half of what is left: 2 x 99,000 members +171 MiB (~0.9 KB each), two
 *   ConfigStores of 16 MB +128 MiB (~4 bytes per byte), 2 x 6.2 MiB of users +29 MiB (~2.3 per byte).
 * Peak RSS is then ~62 MiB + the cost, so the budgets leave ~10 MiB of the 256 MB (244 MiB) for error: a backup
 * refused where it crosses the show budget peaked at 234 MiB. Every bound above alone stays within both (100,000
 * members: 157 and 86 MiB; 6.25 MiB of text: 169 and 16 MiB); only their sum can cross.
 */
export const SHOW_COST = { member: 1650, nameChar: 4, textByte: 27, storeByte: 5.6, budget: 172 * 1024 * 1024 };
export const DIFF_COST = { member: 900, nameChar: 6, textByte: 2.5, storeByte: 4, budget: 87 * 1024 * 1024 };

/**
 * Weighed characters of member names that `member` above already pays for (those peaks had ~21-character
 * names; real ones are ~30). Each character past them costs `nameChar` more: 99,000 members of 81-character
 * names peaked `diff --json` at 271 MB (2.5 bytes more per character than 21-character names), of 55 two-byte
 * characters (CJK) at 276 MB (~2.5 per weighed character), and `show --json` ~1.5 per character, ~4 per weighed
 * CJK one (2026-12-07); nameWeight (io/name-weight.ts) says what a character weighs.
 */
export const NAME_CHARS_IN_MEMBER = 32;


/** What a held member is to the budgets: a configuration text, the ConfigStore database, or any other file. */
export type HeldKind = 'text' | 'store' | 'file';

/** Why a member could not be recorded or held: the reader adds the layer and offset. */
export interface RetainRefusal {
  code: string;
  message: string;
}

/** The running totals of one backup (shared by its layers, like the inflate budget). */
export class Retention {
  entries = 0;
  nameChars = 0;
  /** Weighed name characters past NAME_CHARS_IN_MEMBER per member (the cost budgets). */
  longNames = 0;
  held = 0;
  optional = 0;
  /** Bytes of configuration text held (MAX_CONFIG_TEXT_TOTAL). */
  configText = 0;
  /** Bytes of ConfigStore database held. */
  store = 0;
  /** Optional members not held for lack of room (compared by hash only). */
  optionalRefused = 0;

  /** Bytes this backup keeps: contents held plus names (records aside). Tests assert on it. */
  get bytes(): number {
    return this.held + this.nameChars;
  }

  /** Count one member's record (`names`: the characters of its path and link target; `weight`: their nameWeight). */
  record(names: number, weight = names): RetainRefusal | undefined {
    this.entries++;
    this.nameChars += names;
    if (weight > NAME_CHARS_IN_MEMBER) this.longNames += weight - NAME_CHARS_IN_MEMBER;
    if (this.entries > MAX_TAR_ENTRIES) return { code: 'ESXI_TOO_MANY_ENTRIES', message: `more than ${MAX_TAR_ENTRIES} members (all layers together)` };
    if (this.nameChars > MAX_NAME_CHARS) {
      return { code: 'ESXI_NAMES_TOO_LONG', message: `member names add up to more than ${MAX_NAME_CHARS} characters after ${this.entries} members (real ones are ~30 characters each: generated or damaged)` };
    }
    return this.overBudget(0, 0);
  }

  /** Estimated peak cost of this backup (bytes) to `show --json` and to one side of `diff` (SHOW_COST, DIFF_COST). */
  cost(extraText = 0, extraStore = 0): { show: number; diff: number } {
    const text = this.configText + extraText;
    const store = this.store + extraStore;
    return {
      show: this.entries * SHOW_COST.member + this.longNames * SHOW_COST.nameChar + text * SHOW_COST.textByte + store * SHOW_COST.storeByte,
      diff: this.entries * DIFF_COST.member + this.longNames * DIFF_COST.nameChar + text * DIFF_COST.textByte + store * DIFF_COST.storeByte,
    };
  }

  /** The refusal when the members so far and `text` / `store` more bytes cost more than a budget. */
  private overBudget(text: number, store: number): RetainRefusal | undefined {
    const c = this.cost(text, store);
    if (c.show <= SHOW_COST.budget && c.diff <= DIFF_COST.budget) return undefined;
    const mib = (n: number) => `${Math.round(n / (1024 * 1024))} MiB`;
    return {
      code: 'ESXI_BACKUP_TOO_LARGE',
      message: `${this.entries} members (names of ${this.nameChars} characters), ${this.configText + text} bytes of configuration text and ${this.store + store} bytes of ConfigStore are each within their limits but together more than the analysis can hold within its memory budget (estimated ${mib(c.show)} for show, limit ${mib(SHOW_COST.budget)}; ${mib(c.diff)} for each side of a diff, limit ${mib(DIFF_COST.budget)}): real backups are far smaller, generated or damaged?`,
    };
  }

  /**
   * Hold a required member of `size` bytes (the analysis reads it), unless that crosses MAX_HELD_TOTAL, the
   * cost budgets (SHOW_COST, DIFF_COST) or, for a configuration text, MAX_CONFIG_TEXT or MAX_CONFIG_TEXT_TOTAL.
   */
  takeRequired(size: number, path: string, kind: HeldKind = 'file'): RetainRefusal | undefined {
    const text = kind === 'text';
    if (text && size > MAX_CONFIG_TEXT) {
      return { code: 'ESXI_MEMBER_TOO_LARGE', message: `member "${path}" is ${size} bytes, more than the ${MAX_CONFIG_TEXT}-byte limit for a configuration text the analysis parses (real ones are a few KB: a decompression bomb?)` };
    }
    if (text && this.configText + size > MAX_CONFIG_TEXT_TOTAL) {
      return {
        code: 'ESXI_MEMBER_TOO_LARGE',
        message: `member "${path}" is ${size} bytes: with the ${this.configText} bytes of configuration text already held that is more than the ${MAX_CONFIG_TEXT_TOTAL}-byte limit for them together (real ones are a few KB each)`,
      };
    }
    if (this.held + size > MAX_HELD_TOTAL) {
      return {
        code: 'ESXI_MEMBER_TOO_LARGE',
        message: `member "${path}" is ${size} bytes: with the ${this.held} bytes already held that is more than the ${MAX_HELD_TOTAL}-byte limit for the files the analysis reads into memory (real backups hold a few MB)`,
      };
    }
    const over = this.overBudget(text ? size : 0, kind === 'store' ? size : 0);
    if (over !== undefined) return over;
    this.held += size;
    if (text) this.configText += size;
    if (kind === 'store') this.store += size;
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
  release(size: number, optional: boolean, kind: HeldKind = 'file'): void {
    this.held -= size;
    if (optional) this.optional -= size;
    if (kind === 'text') this.configText -= size;
    if (kind === 'store') this.store -= size;
  }
}
