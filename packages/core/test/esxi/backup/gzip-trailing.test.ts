/**
 * A whole gzip layer followed by bytes that are not gzip (audit esxi finding 8: "trailing garbage ignored" for
 * GNU gzip, but `esxi show` printed only "gzip data is damaged (incorrect header check) (at byte 1922)" and
 * nothing of the backup). The backup is read in full, with ESXI_GZIP_TRAILING_DATA at the offset where the
 * junk starts (compressed bytes); zero padding stays silent; real damage is still the error it was.
 */
import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { showBackup } from '../../../src/api/esxi.js';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { inflateSlices, INFLATE_SLICE } from '../../../src/io/gzip-members.js';
import { analyzeErrorOf } from '../../helpers/errors.js';
// @ts-expect-error plain JS fixture builders (no types)
import * as G from '../../../../../fixtures/gen/esxi/lib.mjs';

const lib = G as {
  localTgz(files: object): Buffer;
  stateTgz(members: Record<string, Buffer>): Buffer;
  configBundle(manifest: string, state: Buffer): Buffer;
  manifest(o: { uuid: string }): string;
  makeTar(entries: object[]): Buffer;
  gzip(b: Buffer): Buffer;
  etc67(): Record<string, unknown>;
  UUID67: string;
};

const LOCAL = lib.localTgz(lib.etc67());
const STATE = lib.stateTgz({ 'local.tgz': LOCAL });
const JUNK = Buffer.from('GARBAGEGARBAGE');
const TRAILING = 'ESXI_GZIP_TRAILING_DATA';

const show = (data: Buffer, strict = false) => showBackup(data, { name: 'b.tgz', strict });
const paths = (r: { files: { path: string }[] }) => r.files.map((f) => f.path);

describe('esxi: data after the end of the gzip stream', () => {
  it('local.tgz + junk: the same files as without it, one warning at the byte where the junk starts', async () => {
    const clean = await show(LOCAL);
    const r = await show(Buffer.concat([LOCAL, JUNK]));
    expect(r.error).toBeUndefined();
    expect(paths(r)).toEqual(paths(clean));
    expect(paths(r)).toHaveLength(15);
    expect(r.hostName.value).toBe('esx67.lab.example');
    expect(r.users.map((u) => u.name)).toEqual(['root', 'admin']);
    expect(r.warnings).toEqual([{ code: TRAILING, message: expect.stringMatching(/^14 byte\(s\) after the end of the gzip data are not gzip .*ignored, as gzip does$/), file: 'b.tgz', offset: LOCAL.length }]);
    expect(clean.warnings).toEqual([]);
  });

  it('state.tgz + junk: both layers, the host, the warning at the end of the outer gzip', async () => {
    const clean = await show(STATE);
    const r = await show(Buffer.concat([STATE, Buffer.from([0xff])]));
    expect(r.error).toBeUndefined();
    expect(r.layers).toEqual(['state.tgz', 'local.tgz']);
    expect(r.outer).toEqual(clean.outer);
    expect(paths(r)).toEqual(paths(clean));
    expect(r.warnings.map((w) => [w.code, w.offset])).toEqual([[TRAILING, STATE.length]]);
  });

  it('a local.tgz with junk inside a state.tgz, inside a configBundle: named by its layer, offset in that inner stream', async () => {
    const state = lib.stateTgz({ 'local.tgz': Buffer.concat([LOCAL, JUNK]) });
    const bundle = lib.configBundle(lib.manifest({ uuid: lib.UUID67 }), state);
    for (const [input, where] of [[state, 'local.tgz'], [bundle, 'state.tgz › local.tgz']] as const) {
      const r = await show(input);
      expect(r.error).toBeUndefined();
      expect(paths(r)).toEqual(paths(await show(LOCAL)));
      expect(r.warnings).toEqual([expect.objectContaining({ code: TRAILING, offset: LOCAL.length })]);
      expect(r.warnings[0]!.message).toBe(`${where}: 14 byte(s) after the end of the gzip data are not gzip (appended to the file?): ignored, as gzip does (offset in this inner gzip stream)`);
    }
    // junk after the bundle's state.tgz member
    const r = await show(lib.configBundle(lib.manifest({ uuid: lib.UUID67 }), Buffer.concat([STATE, JUNK])));
    expect(r.layers).toEqual(['configBundle', 'state.tgz', 'local.tgz']);
    expect(r.warnings.map((w) => [w.code, w.offset, w.message.split(':')[0]])).toEqual([[TRAILING, STATE.length, 'state.tgz']]);
  });

  it('multi-member gzip + junk: every member read, the warning after the last one', async () => {
    const tar = lib.makeTar(Object.entries(lib.etc67()).map(([name, v]) => ({ name, data: typeof v === 'string' ? v : (v as { data: Buffer }).data })));
    const two = Buffer.concat([lib.gzip(tar.subarray(0, 2048)), lib.gzip(tar.subarray(2048))]);
    expect((await show(two)).warnings).toEqual([]);
    const r = await show(Buffer.concat([two, JUNK]));
    expect(paths(r)).toEqual(paths(await show(LOCAL)));
    expect(r.warnings.map((w) => [w.code, w.offset])).toEqual([[TRAILING, two.length]]);
  });

  it('--strict: the warning is the error, after the report of the whole backup; the other commands refuse it', async () => {
    const input = Buffer.concat([STATE, JUNK]);
    const r = await show(input, true);
    expect(r.error).toMatchObject({ code: TRAILING, offset: STATE.length });
    expect(paths(r)).toEqual(paths(await show(STATE)));
    expect(analyzeErrorOf(() => openBackup(input, { name: 'b.tgz', strict: true }))).toMatchObject({ code: TRAILING, offset: STATE.length });
    expect(openBackup(input, { name: 'b.tgz' }).warnings.map((w) => w.code)).toEqual([TRAILING]);
  });

  it('zero padding after the stream stays silent (one byte or a block); zeros then junk is trailing data', async () => {
    for (const pad of [1, 4096, 10_000]) {
      const r = await show(Buffer.concat([LOCAL, Buffer.alloc(pad)]));
      expect(r.warnings).toEqual([]);
      expect(paths(r)).toHaveLength(15);
    }
    const r = await show(Buffer.concat([LOCAL, Buffer.alloc(512), JUNK]));
    expect(r.warnings.map((w) => [w.code, w.offset])).toEqual([[TRAILING, LOCAL.length]]);
  });
});

describe('esxi: real gzip damage is still the error, after what was read', () => {
  it('cut inside the deflate data: ESXI_GZIP_TRUNCATED at the compressed length, the members before the cut listed', async () => {
    const big = lib.localTgz({ ...lib.etc67(), 'etc/big': Buffer.from(Array.from({ length: 60_000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('')) });
    const cut = big.subarray(0, big.length - 2000);
    const r = await show(cut);
    expect(r.error).toMatchObject({ code: 'ESXI_GZIP_TRUNCATED', offset: cut.length });
    expect(paths(r)).toContain('etc/vmware/esx.conf');
    expect(r.warnings).toEqual([]);
  });

  it('cut inside the trailer: every member read, ESXI_GZIP_TRUNCATED', async () => {
    const r = await show(LOCAL.subarray(0, LOCAL.length - 3));
    expect(r.error).toMatchObject({ code: 'ESXI_GZIP_TRUNCATED', offset: LOCAL.length - 3 });
    expect(paths(r)).toHaveLength(15);
  });

  it('a second member cut after its magic or whose header is broken: damage, not trailing data', async () => {
    const cut = await show(Buffer.concat([LOCAL, Buffer.from([0x1f, 0x8b, 8])]));
    expect(cut.error).toMatchObject({ code: 'ESXI_GZIP_TRUNCATED', offset: LOCAL.length + 3 });
    expect(paths(cut)).toHaveLength(15);
    const bad = await show(Buffer.concat([LOCAL, Buffer.from([0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3])]));
    expect(bad.error).toMatchObject({ code: 'ESXI_GZIP_CORRUPT', offset: LOCAL.length + 2 });
    expect(bad.error!.message).toMatch(/unknown compression method/);
    expect(paths(bad)).toHaveLength(15);
  });

  it('a CRC mismatch in the first of two members is found at that member\'s trailer', () => {
    const first = Buffer.from(lib.gzip(Buffer.alloc(1024)));
    first.writeUInt8(first.readUInt8(first.length - 8) ^ 1, first.length - 8);
    const e = analyzeErrorOf(() => openBackup(Buffer.concat([first, LOCAL]), { name: 'b.tgz' }));
    expect(e).toMatchObject({ code: 'ESXI_GZIP_CORRUPT', offset: first.length - 8 });
  });
});

describe('inflateSlices (gunzip.ts)', () => {
  const data = Buffer.from(Array.from({ length: 3 * INFLATE_SLICE }, (_, i) => (i * 2654435761) >>> 24));
  const inflate = (gz: Buffer) => {
    const out: Buffer[] = [];
    const r = inflateSlices(gz, Number.MAX_SAFE_INTEGER, (c: Buffer) => (out.push(Buffer.from(c)), true));
    return { r, out: Buffer.concat(out) };
  };

  it('finds the end of a body that ends anywhere around a slice boundary', () => {
    // stored (level 0) blocks: the body is the data plus 5 bytes, so its end moves one byte at a time
    for (let n = INFLATE_SLICE - 40; n < INFLATE_SLICE + 10; n++) {
      const gz = gzipSync(data.subarray(0, n), { level: 0 });
      for (const tail of [Buffer.alloc(0), Buffer.alloc(7), JUNK]) {
        const { r, out } = inflate(Buffer.concat([gz, tail]));
        expect(r).toEqual({ ok: true, produced: n, trailing: tail === JUNK ? gz.length : undefined });
        expect(out.equals(data.subarray(0, n))).toBe(true);
      }
    }
  });

  it('an FEXTRA, FNAME, FCOMMENT and FHCRC header is skipped', () => {
    const gz = gzipSync(data);
    const header = Buffer.from([0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3, ...Buffer.from('name\0comment\0'), 0xaa, 0xbb]);
    const { r, out } = inflate(Buffer.concat([header, gz.subarray(10), JUNK]));
    expect(r).toMatchObject({ ok: true, trailing: header.length + gz.length - 10 });
    expect(out.equals(data)).toBe(true);
  });

  it('stops at the output limit', () => {
    expect(inflateSlices(gzipSync(data), 1000, () => true)).toMatchObject({ ok: false, code: 'LIMIT' });
  });
});
