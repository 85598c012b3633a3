/**
 * `esxi diff BEFORE AFTER`: every file of the two local.tgz trees compared with the parser that knows it.
 * local.tgz holds only files changed from the installed image, so a file on one side only means "the other
 * side has the image default", never "deleted". Noise files are summarised unless `all`.
 */
import { createHash } from 'node:crypto';
import { cutForMessage } from '../../errors.js';
import type { BackupFile } from '../backup/model.js';
import { CONFIGSTORE_PATH } from '../config/configstore.js';
import { checkBackup } from '../findings/check.js';
import type { Finding } from '../findings/model.js';
import { redactChange, redactText } from '../secrets.js';
import { diffCertificates, hasPemCertificate } from './certs.js';
import { configStoreChanges } from './configstore.js';
import { diffEsxConf, ESXCONF_PATH } from './esxconf.js';
import { describeEntry, entryChange, modeChange } from './entries.js';
import { diffGroup, diffHosts, diffPasswd, diffResolv, diffShadow } from './etc.js';
import { AREA_ORDER, MAX_CHANGE_LABEL, MAX_CHANGE_VALUE, type Change, type ChangeArea, type DiffOptions } from './model.js';
import { summarize, type BackupSummary, type ParsedBackup } from './parsed.js';
import { diffChkconfig, diffLines, diffXml, MAX_TEXT_COMPARE } from './text.js';

/** Files rewritten by the host on its own (backup.sh counter, RNG seed, DHCP leases, IPMI SEL stamp). */
const NOISE_FILES = [/^etc\/vmware\/\.backup\.counter$/, /^etc\/random-seed$/, /^etc\/dhclient-[^/]*\.leases$/, /^etc\/vmware\/hostd\/IpmiSelDate\.bin$/];

/**
 * Files the host rewrites on its own (.backup.counter, random-seed, leases): summarised, not listed.
 * @example isNoiseFile('etc/random-seed') // true
 */
export function isNoiseFile(path: string): boolean {
  return NOISE_FILES.some((re) => re.test(path));
}

/** Area of a whole file, for files without a per-key comparison.
 * @example fileArea('etc/passwd'); // 'users'
 */
export function fileArea(path: string): ChangeArea {
  if (isNoiseFile(path)) return 'noise';
  if (/^etc\/(passwd|shadow|group)$|^etc\/security\/|keys-root|authorization\.xml$/.test(path)) return 'users';
  if (/^etc\/ssh\/|^etc\/vmware\/ssl\/|license\.cfg$|vmware\.lic$|encryption\.info$|krb5\.keytab$|likewise\//.test(path)) return 'security';
  if (/^etc\/(hosts|resolv\.conf|ntp\.conf|krb5\.conf)$|firewall\/|^etc\/vmware\/(vpxa\/|dvsdata)/.test(path)) return 'network';
  if (/chkconfig\.db$|hostsvc\.xml$|^etc\/init\.d\/|^etc\/rc\.local\.d\/|snmp\.xml$|syslog/.test(path)) return 'services';
  if (/passthru\.map$/.test(path)) return 'devices';
  if (/locker\.conf$|^etc\/vmware\/(nas|vmkiscsid)\/|vmInventory\.xml$/.test(path)) return 'storage';
  return 'system';
}

/**
 * Changes a diff lists at most. A restore between two real configurations of one host changes tens or
 * hundreds of things; past this the two backups are unrelated, no one reads the list, and holding it broke
 * the 256 MB budget (200,000 line changes: 390 MB in text, 1 GB as JSON). The rest are counted
 * (`changesNotListed`); findings are computed from the parsed backups, not from this list.
 */
export const MAX_CHANGES_LISTED = 10_000;

/**
 * The orders changes are listed in, made once: localeCompare with a locale or options builds an ICU collator
 * on every call, and sorting 10,000 changes took 0.5 s and left ~80 MB of native memory behind (esxi diff of
 * 44,000 changed ConfigStore fields peaked at 160 MB, 68 MB without them).
 */
const PATH_ORDER = new Intl.Collator();
const KEY_ORDER = new Intl.Collator('en', { numeric: true });

/** `c` with its label and values cut to MAX_CHANGE_LABEL / MAX_CHANGE_VALUE (a new object only when one is longer). */
function boundedChange(c: Change): Change {
  const long = c.label.length > MAX_CHANGE_LABEL || (c.before?.length ?? 0) > MAX_CHANGE_VALUE || (c.after?.length ?? 0) > MAX_CHANGE_VALUE;
  if (!long) return c;
  const out: Change = { ...c, label: cutForMessage(c.label, MAX_CHANGE_LABEL) };
  if (c.before !== undefined) out.before = cutForMessage(c.before, MAX_CHANGE_VALUE);
  if (c.after !== undefined) out.after = cutForMessage(c.after, MAX_CHANGE_VALUE);
  return out;
}

export interface DiffResult {
  before: BackupSummary;
  after: BackupSummary;
  /** Sorted by area, then path, then key. Noise changes are included only with `all`. */
  changes: Change[];
  /**
   * Changes found beyond the MAX_CHANGES_LISTED in `changes` (0 for any real pair of backups): counted, not
   * kept. Two unrelated backups of 100,000 files each differ in as many lines, which held as changes took 1 GB.
   */
  changesNotListed: number;
  /** Noise that was summarised: how many changes in which files. */
  noise: { changes: number; files: string[] };
  /** checkBackup(AFTER, target = BEFORE): the traps of restoring AFTER onto the BEFORE host. */
  findings: Finding[];
  /**
   * The sides whose files could not be read because they are encrypted and were not decrypted (TPM
   * mode, missing keystore). Then no file is compared at all: an empty side would otherwise read as
   * "everything is the image default", which is not what it holds.
   */
  notCompared?: Array<'before' | 'after'>;
}

/**
 * What restoring `after` onto the `before` host changes, over two parsed backups. The `diffBackups` job of
 * `@analyze/core` opens and parses both inputs and adds their warnings.
 * @example diffBackups(await parseBackup(openBackup('a.tgz')), await parseBackup(openBackup('b.tgz'))).changes
 */
export function diffBackups(before: ParsedBackup, after: ParsedBackup, opts: DiffOptions = {}): DiffResult {
  const showSecrets = opts.showSecrets ?? false;
  const shown: Change[] = [];
  let notListed = 0;
  let noiseChanges = 0;
  const noiseFiles = new Set<string>();
  const a = before.backup.files;
  const b = after.backup.files;
  const sealed = (['before', 'after'] as const).filter((side) => {
    const enc = (side === 'before' ? before : after).backup.encryption;
    return enc.encrypted && !enc.decrypted;
  });
  // File by file, in path order: the first MAX_CHANGES_LISTED changes are kept (redacted), the rest counted.
  for (const path of sealed.length > 0 ? [] : unionInOrder(a, b)) {
    for (const c of diffFile(path, a.get(path), b.get(path), before, after, showSecrets)) {
      if (c.area === 'noise') {
        noiseChanges++;
        noiseFiles.add(c.path);
        if (!opts.all) continue;
      }
      if (shown.length < MAX_CHANGES_LISTED) shown.push(boundedChange(showSecrets ? c : redactChange(c)));
      else notListed++;
    }
  }
  shown.sort((x, y) => AREA_ORDER.indexOf(x.area) - AREA_ORDER.indexOf(y.area) || PATH_ORDER.compare(x.path, y.path) || KEY_ORDER.compare(x.key ?? '', y.key ?? ''));
  const findings = checkBackup(after, before).map((f) => (showSecrets ? f : { ...f, message: redactText(f.message), fix: redactText(f.fix) }));
  const result: DiffResult = {
    before: summarize(before),
    after: summarize(after),
    changes: shown,
    changesNotListed: notListed,
    noise: { changes: noiseChanges, files: [...noiseFiles] },
    findings,
  };
  if (sealed.length > 0) result.notCompared = sealed;
  return result;
}

/**
 * The paths of both sides once each, in sort order, merged from each side's sorted paths: no set and
 * array of the union (two backups of 100,000 files each made 12 MB more of them at the diff's peak).
 */
function* unionInOrder(a: Map<string, unknown>, b: Map<string, unknown>): Generator<string> {
  const x = [...a.keys()].sort();
  const y = [...b.keys()].sort();
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    const p = x[i];
    const q = y[j];
    if (q === undefined || (p !== undefined && p < q)) {
      yield p!;
      i++;
    } else if (p === undefined || q < p) {
      yield q;
      j++;
    } else {
      yield p;
      i++;
      j++;
    }
  }
}

function text(f: BackupFile): string {
  return (f.data ?? Buffer.alloc(0)).toString('utf8');
}

/** A file that was not held (streamed: too big, or past the held budget) is compared by hash only. */
function isText(f: BackupFile): boolean {
  if (f.data === undefined && f.size > 0) return false;
  const d = f.data ?? Buffer.alloc(0);
  return d.length <= MAX_TEXT_COMPARE && !d.subarray(0, 8192).includes(0);
}

function sameContent(x: BackupFile, y: BackupFile): boolean {
  if (x.data !== undefined && y.data !== undefined) return x.data.equals(y.data);
  return x.size === y.size && fullDigest(x) === fullDigest(y);
}

function fullDigest(f: BackupFile): string {
  return f.sha256 ?? createHash('sha256').update(f.data ?? Buffer.alloc(0)).digest('hex');
}

function digest(f: BackupFile): string {
  return fullDigest(f).slice(0, 12);
}

function* diffFile(path: string, x: BackupFile | undefined, y: BackupFile | undefined, before: ParsedBackup, after: ParsedBackup, showSecrets: boolean): Generator<Change> {
  // a folder is in the area of what it holds (etc/ssh: security)
  const area = fileArea((x ?? y)?.type === 'directory' ? `${path}/` : path);
  if (!x || !y) {
    if (x?.type === 'directory' || y?.type === 'directory') return;
    const side = x ? 'before' : 'after';
    const other = x ? 'after' : 'before';
    const f = (x ?? y) as BackupFile;
    const c: Change = {
      area,
      path,
      change: x ? 'removed' : 'added',
      onlyIn: side,
      label: `${path}: only in ${side.toUpperCase()} (${f.type === 'file' ? `${f.size} bytes` : describeEntry(f)}); ${other.toUpperCase()} has the image default`,
    };
    if (f.secret) c.secret = true;
    yield c;
    return;
  }
  // what the path is first: a symlink has no contents, and a file replaced by one is that change, not its lines
  const entry = entryChange(path, area, x, y);
  if (entry) {
    yield entry;
    return;
  }
  // a restore writes the modes too (a private key 0400 → 0644 read as "No configuration changes")
  const mode = modeChange(path, area, x, y);
  if (mode) yield mode;
  if (x.type === 'file' && !sameContent(x, y)) yield* contentChanges(path, area, x, y, before, after, showSecrets);
}

/** The changes of a regular file's contents, by the parser that knows the file. */
function contentChanges(path: string, area: ChangeArea, x: BackupFile, y: BackupFile, before: ParsedBackup, after: ParsedBackup, showSecrets: boolean): Iterable<Change> {
  if (area === 'noise') return [{ area, path, change: 'modified', label: `${path}: rewritten by the host (noise)` }];
  if (path === ESXCONF_PATH && before.esxConf && after.esxConf) return diffEsxConf(before.esxConf, after.esxConf, showSecrets);
  // one change at a time: two ConfigStores can differ in a million fields, of which MAX_CHANGES_LISTED are kept
  if (path === CONFIGSTORE_PATH && before.configStore && after.configStore) return configStoreChanges(before.configStore, after.configStore, showSecrets);
  if (isText(x) && isText(y)) {
    const tx = text(x);
    const ty = text(y);
    switch (path) {
      case 'etc/shadow':
        return diffShadow(path, tx, ty, showSecrets);
      case 'etc/passwd':
        return diffPasswd(path, tx, ty, showSecrets);
      case 'etc/group':
        return diffGroup(path, tx, ty);
      case 'etc/hosts':
        return diffHosts(path, tx, ty);
      case 'etc/resolv.conf':
        return diffResolv(path, tx, ty);
      case 'etc/chkconfig.db':
        return diffChkconfig(path, tx, ty);
      default:
        break;
    }
    if (!(x.secret || y.secret) || showSecrets) {
      const byElement = path.endsWith('.xml') ? diffXml(path, area, tx, ty, showSecrets) : undefined;
      const byCertificate = hasPemCertificate(tx) && hasPemCertificate(ty) ? diffCertificates(path, area, tx, ty) : undefined;
      const changes = byElement ?? byCertificate ?? diffLines(path, area, tx, ty);
      if (changes.length > 0) return changes;
      // same elements/lines, other bytes: say so rather than print a hash pair that looks like a real change
      const same = byElement ? 'same elements and values' : byCertificate ? 'same certificates' : 'same lines';
      return [{ area, path, change: 'modified', label: `${path}: only layout or order changed (${same}; ${x.size} → ${y.size} bytes)` }];
    }
  }
  const c: Change = {
    area,
    path,
    change: 'modified',
    label: x.secret || y.secret ? `${path}: changed (secret content not shown)` : `${path}: content changed (${x.size} → ${y.size} bytes, sha256 ${digest(x)} → ${digest(y)})`,
  };
  if (x.secret || y.secret) c.secret = true;
  return [c];
}
