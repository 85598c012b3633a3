/**
 * Which archive members are held in memory while a backup is read. Only the files the analysis reads
 * are required (each capped at MAX_HELD_MEMBER, a larger one is an error naming it); other small files
 * are held for text diffs within a total budget; everything else is only sized and hashed as it
 * streams by, so a member inflating to gigabytes costs no memory.
 */
import { CONFIGSTORE_PATH } from '../config/configstore.js';
import type { HeldKind } from './retain.js';
import type { HoldRule } from './tarball.js';

/** Nested layers and the outer layers' own files: read to open the backup. */
const LAYER_FILES = new Set(['Manifest.txt', 'state.tgz', 'local.tgz', 'local.tgz.ve', 'encryption.info', '.#encryption.info']);

/** Configuration files that show, check and diff parse by name. */
const CONFIG_FILES = new Set([
  'etc/vmware/esx.conf',
  CONFIGSTORE_PATH,
  'etc/hosts',
  'etc/passwd',
  'etc/shadow',
  'etc/group',
  'etc/resolv.conf',
]);

/** The text files among CONFIG_FILES (the ConfigStore database has bounds of its own, config/configstore.ts). */
const CONFIG_TEXTS = new Set([...CONFIG_FILES].filter((p) => p !== CONFIGSTORE_PATH));

/**
 * What a held member is to the budgets of retain.ts: a configuration text the analysis parses into entries
 * (MAX_CONFIG_TEXT, MAX_CONFIG_TEXT_TOTAL), the ConfigStore database, or another file.
 */
export function heldKind(path: string): HeldKind {
  if (CONFIG_TEXTS.has(path)) return 'text';
  return path === CONFIGSTORE_PATH ? 'store' : 'file';
}

/** The hold rule of a member, by its normalised path (the same in every layer: the kind of a layer is known only at its end). */
export function holdRule(path: string): HoldRule {
  if (LAYER_FILES.has(path) || CONFIG_FILES.has(path)) return 'required';
  return 'optional';
}
