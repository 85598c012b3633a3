/**
 * What a backup keeps in memory, over all its members and layers (audit: a 48 KB state.tgz of 3,800
 * files of 64 KiB peaked at 345 MB, 99,000 small files at 418 MB, diff of two at 487 MB). Asserted on
 * the bytes the reader keeps rather than on RSS: contents held, copies of streamed files, names.
 */
import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { Header, Pax } from 'tar';
import { AnalyzeError, Warnings } from '../../../src/errors.js';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { DIFF_COST, MAX_CONFIG_TEXT, MAX_CONFIG_TEXT_TOTAL, MAX_HELD_TOTAL, MAX_NAME_CHARS, MAX_OPTIONAL_TOTAL, MAX_TAR_ENTRIES, NAME_CHARS_IN_MEMBER, Retention, SHOW_COST } from '../../../src/esxi/backup/retain.js';
import { nameWeight } from '../../../src/io/name-weight.js';
import { readTar, type TarMember } from '../../../src/esxi/backup/tarball.js';
import { CONFIGSTORE_PATH } from '../../../src/esxi/config/configstore.js';
import { analyzeErrorOf } from '../../helpers/errors.js';

type Entry = { path: string; data?: Buffer | string; size?: number };

/** An uncompressed tar; `size` without data writes that many 'x' bytes; paths over 100 characters get a pax header. */
function tarOf(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(e.size ?? 0, 'x') : Buffer.from(e.data);
    if (e.path.length > 100) blocks.push(new Pax({ path: e.path }).encode());
    const h = Buffer.alloc(512);
    new Header({ path: e.path.slice(0, 100), size: data.length, type: 'File', mode: 0o644, mtime: new Date(0) }).encode(h);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
const tgz = (entries: Entry[]) => gzipSync(tarOf(entries), { level: 1 });

const ESXCONF = { path: 'etc/vmware/esx.conf', data: '/adv/Misc/HostName = "h"\n' };
const many = (n: number, size: number, dir = 'etc/many') => Array.from({ length: n }, (_, i) => ({ path: `${dir}/f${String(i).padStart(6, '0')}.conf`, size }));

/** Bytes of every Buffer a member keeps (contents, or any copy of a streamed file's start). */
function kept(members: TarMember[]): number {
  let n = 0;
  for (const m of members) for (const v of Object.values(m)) if (Buffer.isBuffer(v)) n += v.length;
  return n;
}

function read(tar: Buffer, hold: 'optional' | 'required' | 'stream', retention = new Retention()): TarMember[] {
  return readTar(tar, { where: '', file: 't.tar', budget: { max: Number.MAX_SAFE_INTEGER, used: 0 }, warnings: new Warnings(), hold: () => hold, retention });
}

const refused = (input: Buffer): AnalyzeError => analyzeErrorOf(() => openBackup(input, { name: 'b.tgz' }));

describe('esxi: what a backup keeps in memory is bounded over all its members', () => {
  it('heads: 400 files of 64 KiB keep at most MAX_OPTIONAL_TOTAL, nothing of the files past it (each held a 64 KiB copy)', () => {
    const members = read(tarOf(many(400, 64 * 1024)), 'optional');
    expect(members).toHaveLength(400);
    expect(kept(members)).toBeLessThanOrEqual(MAX_OPTIONAL_TOTAL);
    const streamed = members.filter((m) => m.data === undefined);
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed.every((m) => m.sha256 !== undefined && m.secretContent === false)).toBe(true);
  });

  it('files streamed past the budget are still checked for secrets, and one ESXI_HOLD_LIMIT warning names the first', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n';
    const b = openBackup(tgz([ESXCONF, ...many(200, 64 * 1024), { path: 'etc/late.conf', data: key }]), { name: 'b.tgz' });
    const limits = b.warnings.filter((w) => w.code === 'ESXI_HOLD_LIMIT');
    expect(limits).toHaveLength(1);
    expect(limits[0]!.message).toMatch(/compared by hash only, from "etc\/many\/f000128\.conf" on/);
    expect(b.files.get('etc/late.conf')!.data).toBeUndefined();
    expect(b.files.get('etc/late.conf')!.secret).toBe(true);
    expect(b.files.get('etc/many/f000000.conf')!.data).toHaveLength(64 * 1024);
  });

  it('the optional budget is shared by the layers: a state.tgz\'s own small files leave less for its local.tgz', () => {
    const local = tgz([ESXCONF, ...many(6, 1024 * 1024, 'etc/local')]);
    const state = tgz([...many(6, 1024 * 1024, 'junk'), { path: 'local.tgz', data: local }]);
    const b = openBackup(state, { name: 'state.tgz' });
    const held = [...b.files.values()].filter((f) => f.path.startsWith('etc/local/') && f.data !== undefined);
    expect(held.length).toBeLessThan(6);
    expect(6 + held.length).toBeLessThanOrEqual(MAX_OPTIONAL_TOTAL / (1024 * 1024));
    expect(b.warnings.map((w) => w.code)).toContain('ESXI_HOLD_LIMIT');
  });

  it('a held file repeated under one name keeps only its last copy', () => {
    const retention = new Retention();
    const members = read(tarOf(Array.from({ length: 5 }, (_, i) => ({ path: 'etc/hosts', data: `copy ${i}\n`.repeat(100_000) }))), 'required', retention);
    expect(members.filter((m) => m.data !== undefined).map((m) => m.data!.subarray(0, 6).toString())).toEqual(['copy 4']);
    expect(retention.held).toBe(members[4]!.size);
  });

  it('required files together past MAX_HELD_TOTAL stop the read with ESXI_MEMBER_TOO_LARGE, naming the one that crossed it', () => {
    const each = 15 * 1024 * 1024;
    // required files that are not configuration texts (those have a lower cap of their own, below)
    const names = ['Manifest.txt', 'encryption.info', '.#encryption.info', CONFIGSTORE_PATH];
    expect(names.length * each).toBeGreaterThan(MAX_HELD_TOTAL);
    const e = refused(tgz(names.map((path) => ({ path, size: each }))));
    expect(e.code).toBe('ESXI_MEMBER_TOO_LARGE');
    expect(e.message).toContain(`"${CONFIGSTORE_PATH}" is ${each} bytes: with the ${3 * each} bytes already held`);
    expect(e.offset).toBe(3 * (512 + each));
  });

  it(`members are counted over all layers: ${MAX_TAR_ENTRIES} in all, not per layer`, () => {
    const half = Math.ceil(MAX_TAR_ENTRIES / 2) + 10;
    const local = tgz([ESXCONF, ...many(half, 0)]);
    const e = refused(tgz([...many(half, 0, 'junk'), { path: 'local.tgz', data: local }]));
    expect(e.code).toBe('ESXI_TOO_MANY_ENTRIES');
    expect(e.message).toMatch(/^local\.tgz: more than 100000 members/);
  });

  it(`names past ${MAX_NAME_CHARS} characters in all (5,000 pax names of 2,000) stop the read with ESXI_NAMES_TOO_LONG`, () => {
    const long = Array.from({ length: 5000 }, (_, i) => ({ path: `etc/${'d'.repeat(2000)}/${i}`, size: 0 }));
    const e = refused(tgz([ESXCONF, ...long]));
    expect(e.code).toBe('ESXI_NAMES_TOO_LONG');
    expect(e.offset).toBeGreaterThan(0);
  });

  it('the retained-bytes counter of a large but legal backup stays within its caps', () => {
    const retention = new Retention();
    read(tarOf([ESXCONF, ...many(3000, 8 * 1024)]), 'optional', retention);
    expect(retention.entries).toBe(3001);
    expect(retention.held).toBeLessThanOrEqual(MAX_OPTIONAL_TOTAL);
    expect(retention.bytes).toBeLessThanOrEqual(MAX_HELD_TOTAL + MAX_NAME_CHARS);
  });

  it(`configuration texts: each at most ${MAX_CONFIG_TEXT} bytes, together ${MAX_CONFIG_TEXT_TOTAL} (an esx.conf of 15 MB peaked show at 469 MB)`, () => {
    const one = refused(tgz([ESXCONF, { path: 'etc/passwd', size: MAX_CONFIG_TEXT + 1 }]));
    expect(one).toMatchObject({ code: 'ESXI_MEMBER_TOO_LARGE' });
    expect(one.message).toContain(`"etc/passwd" is ${MAX_CONFIG_TEXT + 1} bytes, more than the ${MAX_CONFIG_TEXT}-byte limit for a configuration text`);
    const half = MAX_CONFIG_TEXT_TOTAL / 2 - 100; // esx.conf and two of these fit
    const both = refused(tgz([ESXCONF, { path: 'etc/passwd', size: half }, { path: 'etc/shadow', size: half }, { path: 'etc/group', size: 1000 }]));
    expect(both.message).toContain(`"etc/group" is 1000 bytes: with the ${ESXCONF.data.length + 2 * half} bytes of configuration text already held`);
    // the same bytes in a file that is not parsed are within the budgets; a repeated text counts once
    expect(openBackup(tgz([ESXCONF, { path: 'etc/passwd', size: half }, { path: 'etc/vmware/other.conf', size: half + 1000 }]), { name: 'b.tgz' }).files.size).toBe(3);
    const repeated = openBackup(tgz([ESXCONF, { path: 'etc/passwd', size: half }, { path: 'etc/passwd', size: half }, { path: 'etc/shadow', size: half }]), { name: 'b.tgz' });
    expect(repeated.files.get('etc/passwd')!.data).toHaveLength(half);
  });
});

describe('esxi: the bounds together are weighed by what they cost (SHOW_COST, DIFF_COST)', () => {
  it('every bound alone is within both cost budgets', () => {
    const alone = (entries: number, text: number, store: number) => {
      const r = new Retention();
      r.entries = entries;
      r.configText = text;
      r.store = store;
      return r.cost();
    };
    for (const c of [alone(MAX_TAR_ENTRIES, 0, 0), alone(100, MAX_CONFIG_TEXT_TOTAL, 0), alone(100, 0, 16 * 1024 * 1024)]) {
      expect(c.show).toBeLessThanOrEqual(SHOW_COST.budget);
      expect(c.diff).toBeLessThanOrEqual(DIFF_COST.budget);
    }
  });

  it('members and configuration text, each within its limit, together over the show budget: ESXI_BACKUP_TOO_LARGE at the member that crosses it', () => {
    const text = 3 * 1024 * 1024; // passwd and shadow: 6 MiB of the 6.25 allowed
    const room = Math.floor((SHOW_COST.budget - 2 * text * SHOW_COST.textByte) / SHOW_COST.member);
    const members = [ESXCONF, { path: 'etc/passwd', size: text }, { path: 'etc/shadow', size: text }, ...many(room + 10, 0)];
    const e = refused(tgz(members));
    expect(e.code).toBe('ESXI_BACKUP_TOO_LARGE');
    expect(e.message).toMatch(/members \(names of \d+ characters\), \d+ bytes of configuration text and 0 bytes of ConfigStore are each within their limits but together more/);
    // at the member whose record crosses it: the K-th, an empty one (one header block) after esx.conf, passwd and shadow
    const k = Math.floor((SHOW_COST.budget - (ESXCONF.data.length + 2 * text) * SHOW_COST.textByte) / SHOW_COST.member) + 1;
    expect(e.offset).toBe(2 * 512 + 2 * (512 + text) + (k - 4) * 512);
    // either alone is read
    expect(openBackup(tgz(members.slice(0, 3)), { name: 'b.tgz' }).files.size).toBe(3);
    expect(openBackup(tgz([ESXCONF, ...many(room + 10, 0)]), { name: 'b.tgz' }).files.size).toBe(room + 11);
  });

  it('a ConfigStore held after many members: over the diff budget (two such backups), refused by the database', () => {
    const store = 15 * 1024 * 1024;
    const n = Math.ceil((DIFF_COST.budget - store * DIFF_COST.storeByte) / DIFF_COST.member) + 100;
    expect(n * SHOW_COST.member + store * SHOW_COST.storeByte).toBeLessThan(SHOW_COST.budget); // show alone could hold it
    const e = refused(tgz([ESXCONF, ...many(n, 0), { path: CONFIGSTORE_PATH, size: store }]));
    expect(e.code).toBe('ESXI_BACKUP_TOO_LARGE');
    expect(e.message).toMatch(new RegExp(`^${n + 2} members \\(names of \\d+ characters\\), ${ESXCONF.data.length} bytes of configuration text and ${store} bytes of ConfigStore`));
    expect(e.offset).toBe(512 + 512 + n * 512);
  });

  it('names: a character weighs 1, 2 outside printable ASCII, and every one twice more in a name with one past U+00FF', () => {
    expect(nameWeight(undefined)).toBe(0);
    expect(nameWeight('etc/hosts')).toBe(9);
    expect(nameWeight('etc/\u0001\u007f')).toBe(6 + 2);
    expect(nameWeight('etc/é')).toBe(5 + 1); // Latin-1: one byte a character in V8
    expect(nameWeight('etc/中x')).toBe(2 * 6 + 1); // the whole string is two-byte
  });

  it('members with long names: refused where the names past NAME_CHARS_IN_MEMBER cross the diff budget (99,000 of 55 CJK characters peaked diff at 276 MB)', () => {
    const dir = `etc/${'中'.repeat(40)}`; // 'etc/' + 40 + '/f000000.conf': 57 characters, weight 2 * 57 + 40
    const weight = nameWeight(`${dir}/f000000.conf`);
    expect(weight).toBe(154);
    const perMember = DIFF_COST.member + (weight - NAME_CHARS_IN_MEMBER) * DIFF_COST.nameChar;
    const room = Math.floor(DIFF_COST.budget / perMember);
    const e = refused(tgz([...many(room + 10, 0, dir)]));
    expect(e.code).toBe('ESXI_BACKUP_TOO_LARGE');
    expect(e.message).toContain(`${room + 1} members (names of ${57 * (room + 1)} characters), 0 bytes of configuration text`);
    // names of real length cost only the member (at most NAME_CHARS_IN_MEMBER characters each)
    expect(nameWeight('etc/many/f000000.conf')).toBeLessThanOrEqual(NAME_CHARS_IN_MEMBER);
  });

  it('a superseded copy of a text gives its cost back', () => {
    const text = 3 * 1024 * 1024;
    const b = openBackup(tgz([ESXCONF, { path: 'etc/passwd', size: text }, { path: 'etc/passwd', size: text }, { path: 'etc/shadow', size: text }]), { name: 'b.tgz' });
    expect(b.files.get('etc/shadow')!.data).toHaveLength(text);
  });
});
