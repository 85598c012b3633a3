/**
 * Open any kind of ESXi configuration backup in memory, recognised by content (not by file name):
 * configBundle (Manifest.txt + state.tgz) › state.tgz (local.tgz, or local.tgz.ve + encryption.info)
 * › local.tgz (the host's changed /etc + ConfigStore). Nested archives are read from memory; an
 * encrypted local.tgz.ve is decrypted when its keystore mode is NONE. Nothing is written to disk.
 */
import { otherKindHint } from '../../io/other-kinds.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AnalyzeError, Warnings } from '../../errors.js';
import { isGzip, readSmallFile } from '../../io/files.js';
import { parseManifest } from '../config/manifest.js';
import { decryptEnvelope, isEnvelope, parseEncryptionInfo, parseEnvelopeHeader, type EncryptionInfo } from './envelope.js';
import { DEFAULT_MAX_INFLATED, type Backup, type BackupEncryption, type BackupFile, type BackupKind, type OpenOptions } from './model.js';
import { isSecretFile, isSecretPath } from '../secrets.js';
import { heldKind, holdRule } from './hold.js';
import { Retention } from './retain.js';
import { INPUT_ORIGIN, layerPrefix, looksLikeTar, nested, readTarPartial, type InflateBudget, type LayerOrigin, type TarMember } from './tarball.js';

/**
 * Largest backup file we read into memory. Real ones are 7 KB - 1 MB compressed (docs/formats/esxi.md §1); a
 * configBundle of a host with a big ConfigStore stays far below this. The input, its nested state.tgz
 * and local.tgz may all be held at once (each at most this or MAX_HELD_MEMBER), within the 256 MB budget.
 */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;
/** encryption.info is ~200 bytes. */
const MAX_KEYSTORE_BYTES = 64 * 1024;
/** configBundle › state.tgz › local.tgz(.ve) is the deepest real nesting. */
const MAX_LAYERS = 4;

/** Nesting order: an inner layer must be of a later kind than its parent (stops state-in-state loops). */
const KIND_ORDER: Record<BackupKind, number> = { configBundle: 0, 'state.tgz': 1, 'local.tgz.ve': 2, 'local.tgz': 3 };

const KEYSTORE_NAMES = ['encryption.info', '.#encryption.info'];

interface OpenState {
  source: string;
  warnings: Warnings;
  budget: InflateBudget;
  retention: Retention;
  backup: Backup;
  /** Damage does not throw: the backup keeps what was read before it (OpenOptions.partial). */
  partial: boolean;
  keystore: Buffer | undefined;
}

/**
 * Open a backup of any kind in memory (a model: `files` is a Map of Buffers). The esxi jobs of
 * `@analyze/core` (showBackup, diffBackups ...) call this and return plain reports.
 * @example openBackup('configBundle-esx01.tgz', { name: 'bundle' }).layers // ['configBundle', 'state.tgz', 'local.tgz']
 */
export function openBackup(input: string | Buffer, opts: OpenOptions = {}): Backup {
  // Messages and warnings name the input as the caller knows it (the path as typed, `-` for stdin).
  const source = opts.name ?? (typeof input === 'string' ? input : '<buffer>');
  const data = typeof input === 'string' ? readSmallFile(input, MAX_INPUT_BYTES) : input;
  const warnings = new Warnings(opts.strict ?? false, source);
  const backup: Backup = {
    source,
    kind: 'local.tgz',
    layers: [],
    manifest: undefined,
    encryption: { encrypted: false, mode: undefined, decrypted: false },
    files: new Map(),
    warnings: warnings.list,
    outer: [],
  };
  const partial = opts.partial ?? false;
  const st: OpenState = { source, warnings, budget: { max: opts.maxInflated ?? DEFAULT_MAX_INFLATED, used: 0 }, retention: new Retention(), backup, keystore: keystoreFor(input, opts), partial };
  try {
    openLayer(st, data, '', undefined, INPUT_ORIGIN);
  } catch (e) {
    // nothing recognisable read before the damage: only the error
    if (!partial || !(e instanceof AnalyzeError) || backup.layers.length === 0) throw e;
    backup.error = e;
  }
  backup.kind = backup.layers[0]!;
  return backup;
}

/** The keystore for a bare .ve: the option, else encryption.info / .#encryption.info beside the input file. */
function keystoreFor(input: string | Buffer, opts: OpenOptions): Buffer | undefined {
  const given = opts.encryptionInfo;
  if (Buffer.isBuffer(given)) return given;
  if (typeof given === 'string') return readSmallFile(given, MAX_KEYSTORE_BYTES);
  if (typeof input !== 'string') return undefined;
  const beside = keystoreBeside(input);
  return beside === undefined ? undefined : readSmallFile(beside, MAX_KEYSTORE_BYTES);
}

/**
 * The path of the encryption.info (or `.#encryption.info`) beside a bare .ve, as opening it finds it.
 * @example keystoreBeside('backups/local.tgz.ve') // 'backups/encryption.info' when there is one
 */
export function keystoreBeside(path: string): string | undefined {
  return KEYSTORE_NAMES.map((name) => join(dirname(path), name)).find((p) => existsSync(p));
}

function pushLayer(st: OpenState, kind: BackupKind, where: string, parent: BackupKind | undefined, origin: LayerOrigin): void {
  if (st.backup.layers.length >= MAX_LAYERS || (parent !== undefined && KIND_ORDER[kind] <= KIND_ORDER[parent])) {
    throw new AnalyzeError('ESXI_NESTING', `${layerPrefix(where)}a ${kind} nested inside a ${parent ?? 'backup'} is not how ESXi writes backups; refusing to unpack further${origin.note}`, {
      file: st.source,
      offset: origin.offset,
    });
  }
  st.backup.layers.push(kind);
}

/**
 * Where the entry `m` of the layer `where` starts: its header in that layer's tar stream (inflated when the
 * layer, `data`, is gzip; a plain tar is its own stream).
 */
function entryOrigin(m: TarMember, where: string, data: Buffer): LayerOrigin {
  return { offset: m.offset, note: ` (offset of the ${m.path} entry in the ${isGzip(data) ? 'inflated ' : ''}${where === '' ? '' : `${where} `}tar stream)` };
}

function openLayer(st: OpenState, data: Buffer, where: string, parent: BackupKind | undefined, origin: LayerOrigin): void {
  if (isEnvelope(data)) {
    pushLayer(st, 'local.tgz.ve', where, parent, origin);
    openEnvelope(st, data, st.keystore, undefined, where);
    return;
  }
  if (!isGzip(data) && !looksLikeTar(data)) {
    const head = data.subarray(0, 8).toString('hex').replace(/(..)/g, '$1 ').trim();
    throw new AnalyzeError(
      'ESXI_NOT_A_BACKUP',
      `${layerPrefix(where)}not an ESXi backup: neither gzip, tar nor an encrypted local.tgz.ve (first bytes: ${head || 'none, the file is empty'})${otherKindHint(data, 'esxi')}`,
      { file: st.source, offset: 0 },
    );
  }
  const read = readTarPartial(data, { where, file: st.source, budget: st.budget, warnings: st.warnings, origin, hold: holdRule, heldKind, retention: st.retention });
  if (read.error === undefined) return useLayer(st, read.members, data, where, parent, origin, false);
  if (!st.partial) throw read.error;
  // damaged: what was read before the damage is kept (and a whole nested layer opened); the damage is what is reported
  try {
    useLayer(st, read.members, data, where, parent, origin, true);
  } catch (e) {
    if (!(e instanceof AnalyzeError)) throw e;
  }
  throw read.error;
}

/** Record one layer's members in the model and open its nested layer. `damaged`: the read stopped early, so a missing member may be past the damage. */
function useLayer(st: OpenState, members: TarMember[], data: Buffer, where: string, parent: BackupKind | undefined, origin: LayerOrigin, damaged: boolean): void {
  const byPath = new Map<string, TarMember>();
  for (const m of members) if (m.type === 'file') byPath.set(m.path, m);
  const kind = classify(byPath, members);
  if (kind === undefined && damaged) return;
  if (kind === undefined && parent === 'configBundle') {
    // the bundle's state.tgz without local.tgz: nothing to restore, which `check` reports (ESXI_NO_LOCAL_TGZ)
    pushLayer(st, 'state.tgz', where, parent, origin);
    for (const m of members) st.backup.outer!.push({ layer: 'state.tgz', path: m.path, size: m.size, type: m.type });
    st.warnings.warn('ESXI_NO_LOCAL_TGZ', `${layerPrefix(where)}holds no local.tgz or local.tgz.ve: the backup has no host configuration`);
    return;
  }
  if (kind === undefined) {
    const names = members.slice(0, 5).map((m) => m.path).join(', ');
    throw new AnalyzeError(
      'ESXI_UNKNOWN_ARCHIVE',
      `${layerPrefix(where)}a tar archive, but not an ESXi backup: no Manifest.txt + state.tgz, no local.tgz or local.tgz.ve, no etc/ files (members: ${names || 'none'})`,
      { file: st.source, offset: 0 },
    );
  }
  pushLayer(st, kind, where, parent, origin);
  if (kind === 'local.tgz') {
    st.backup.localTgz = data;
    collectFiles(st, members, where);
    return;
  }
  for (const m of members) st.backup.outer!.push({ layer: kind, path: m.path, size: m.size, type: m.type });
  if (kind === 'configBundle') {
    const manifest = byPath.get('Manifest.txt');
    if (manifest?.data) st.backup.manifest = parseManifest(manifest.data.toString('utf8'));
    else if (!damaged) st.warnings.warn('ESXI_MANIFEST_MISSING', `${layerPrefix(where)}no Manifest.txt: a restore with vim-cmd fails with "Invalid Bundle: Missing Manifest File"`);
    const state = byPath.get('state.tgz')!;
    if (state.cut) return;
    openLayer(st, state.data ?? Buffer.alloc(0), `${nested(where)}state.tgz`, kind, entryOrigin(state, where, data));
    return;
  }
  // state.tgz
  const ve = byPath.get('local.tgz.ve');
  if ((ve ?? byPath.get('local.tgz'))?.cut) return;
  if (ve) {
    const keystore = KEYSTORE_NAMES.map((n) => byPath.get(n)).find((m) => m !== undefined);
    if (damaged && keystore === undefined) return; // encryption.info may be past the damage: not "missing"
    st.backup.layers.push('local.tgz.ve');
    openEnvelope(st, ve.data ?? Buffer.alloc(0), keystore?.data ?? st.keystore, keystore?.data === undefined ? undefined : entryOrigin(keystore, where, data), `${nested(where)}local.tgz.ve`);
    return;
  }
  const local = byPath.get('local.tgz')!;
  openLayer(st, local.data ?? Buffer.alloc(0), `${nested(where)}local.tgz`, kind, entryOrigin(local, where, data));
}

function classify(byPath: Map<string, TarMember>, members: TarMember[]): BackupKind | undefined {
  if (byPath.has('state.tgz')) return 'configBundle';
  if (byPath.has('local.tgz.ve') || byPath.has('local.tgz')) return 'state.tgz';
  if (members.some((m) => /^(etc|var\/lib\/vmware)(\/|$)/.test(m.path))) return 'local.tgz';
  return undefined;
}

/** `keystoreOrigin`: where encryption.info is in the backup (undefined when it came from beside the file or --keystore). */
function openEnvelope(st: OpenState, data: Buffer, keystore: Buffer | undefined, keystoreOrigin: LayerOrigin | undefined, where: string): void {
  const enc = st.backup.encryption;
  enc.encrypted = true;
  const header = failureIsReason(enc, () => inLayer(where, st.source, () => parseEnvelopeHeader(data, st.source)));
  if (header.keyInfo !== undefined) enc.keyId = header.keyInfo;
  if (keystore === undefined) {
    enc.keystore = 'missing';
    enc.reason = 'encryption.info is missing: it sits beside local.tgz.ve in state.tgz (or pass it with --keystore); without it the configuration cannot be decrypted';
    st.warnings.warn('ESXI_KEYSTORE_MISSING', `${layerPrefix(where)}encrypted, and no encryption.info to decrypt it with`);
    return;
  }
  const info: EncryptionInfo = parseEncryptionInfo(keystore.toString('utf8'));
  enc.mode = info.mode;
  if (info.mode === undefined) {
    // there, but not a keystore we can read: saying "mode (none given)" and asking for it would mislead
    enc.keystore = 'unreadable';
    enc.reason = `encryption.info is unreadable (${keystore.length} bytes, no mode = "..." line: damaged, or not a keystore), so the configuration cannot be decrypted`;
    st.warnings.warn('ESXI_KEYSTORE_UNREADABLE', `${layerPrefix(where)}encryption.info is there but unreadable (no mode = "..." line)${keystoreOrigin?.note ?? ''}`, keystoreOrigin?.offset);
    return;
  }
  if (info.mode.toUpperCase() !== 'NONE') {
    enc.reason =
      info.mode?.toUpperCase() === 'TPM'
        ? 'keystore mode TPM: the key is sealed in the original host\'s TPM, so only that host can open it (on the host: crypto-util envelope extract --aad ESXConfiguration local.tgz.ve local.tgz); a restore onto other hardware fails'
        : `keystore mode ${info.mode}: only mode NONE can be decrypted offline`;
    return;
  }
  if (info.configEncData['data1'] === undefined || info.configEncData['data2'] === undefined) {
    // a fault of encryption.info, not of the envelope: its offset is that of its entry, when it is in the backup
    const e = new AnalyzeError('ESXI_KEYSTORE_INVALID', `encryption.info has no ConfigEncData data1/data2 fields${keystoreOrigin?.note ?? ''}`, { file: st.source, offset: keystoreOrigin?.offset });
    enc.reason = e.message;
    throw e;
  }
  const plain = failureIsReason(enc, () => inLayer(where, st.source, () => decryptEnvelope(data, info, st.source)));
  enc.decrypted = true;
  openLayer(st, plain, where === '' ? 'decrypted local.tgz' : `${where} (decrypted)`, 'local.tgz.ve', { offset: 0, note: ' (offset in the decrypted local.tgz.ve payload)' });
}

/**
 * Runs a step of decryption; when it fails, the report's encryption says why before the error goes on
 * (a damaged or mismatched envelope stops the reading, and `show` reports up to there: "unknown reason" read
 * as if nobody knew, one line above the reason).
 */
function failureIsReason<T>(enc: BackupEncryption, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof AnalyzeError) enc.reason = e.message;
    throw e;
  }
}

/** Envelope offsets count from the start of local.tgz.ve: inside a state.tgz or bundle, the message names that layer. */
function inLayer<T>(where: string, file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (where === '' || !(e instanceof AnalyzeError)) throw e;
    const offsetNote = e.offset === undefined ? '' : ` (offset in ${where.split(' › ').pop() ?? where})`;
    throw new AnalyzeError(e.code, `${layerPrefix(where)}${e.message}${offsetNote}`, { file, offset: e.offset, cause: e });
  }
}

function collectFiles(st: OpenState, members: TarMember[], where: string): void {
  const files = st.backup.files;
  for (const m of members) {
    if (m.path === '') continue; // the archive's own "./" entry
    if (m.path.split('/').includes('..')) {
      st.warnings.warn('ESXI_UNSAFE_PATH', `${layerPrefix(where)}member "${m.stored}" climbs out of its folder with ".."`, m.offset);
    } else if (m.stored.startsWith('/')) {
      st.warnings.warn('ESXI_ABSOLUTE_PATH', `${layerPrefix(where)}member "${m.stored}" has an absolute path; read as "${m.path}"`, m.offset);
    }
    if (files.has(m.path)) st.warnings.warn('ESXI_DUPLICATE_MEMBER', `${layerPrefix(where)}"${m.path}" appears twice; the later copy is used`, m.offset);
    // The member becomes the file, not copied: a second object per member, alive until the whole layer was
    // read, was promoted garbage (~25 MB per 100,000 members: the diff of two such backups peaked past 256 MB).
    const f: BackupFile = m;
    f.secret = m.data === undefined ? isSecretPath(m.path) || m.secretContent === true : isSecretFile(m.path, m.data);
    if (m.data !== undefined) f.sha256 = undefined; // a held file's hash is its data's
    if (m.type !== 'symlink' && m.type !== 'hardlink') f.linkpath = undefined;
    if (m.stored !== m.path && m.stored !== `${m.path}/` && m.stored !== `./${m.path}`) f.rawPath = m.stored;
    files.set(m.path, f);
  }
}
