import { beforeAll, describe, expect, it } from '@jest/globals';
import { interpretAs } from '../../../src/codes/index.js';
import { analyzeDumpFleet, MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_INFLATED, MAX_FLEET_DUMPS, MAX_FLEET_FILES, MAX_FLEET_NAME_WEIGHT, type FleetReport, type FleetRow } from '../../../src/dump/fleet/index.js';
import { MAX_MEMBER_NAME_CHARS } from '../../../src/dump/fleet/archives.js';
import { Header, Pax } from 'tar';
import { DEFAULT_MAX_INFLATED } from '../../../src/esxi/backup/model.js';
import { MAX_TAR_ENTRIES } from '../../../src/esxi/backup/tarball.js';
import { attack, makeFleet, NOTE, TREE, type Fleet } from './tree.js';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { corpusPath } from '../../helpers/corpus.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const { gzipStream } = (await import(fileURLToPath(new URL('../../../../../fixtures/gen/big-inputs.mjs', import.meta.url)))) as { gzipStream: (parts: Array<Buffer | { zeros: number }>, level?: number) => Promise<Buffer> };

let fleet: Fleet;
beforeAll(async () => {
  fleet = await makeFleet();
});

const inline = { engine: 'native' as const, workers: 0 };
/** The member path (archives) or the path inside the fleet folder (folders): the same key for every layout. */
const where = (r: FleetRow) => r.member ?? r.file.replace(/^.*?fleet\//, '');
const byWhere = (rows: readonly FleetRow[]) => Object.fromEntries(rows.map((r) => [where(r), r]));
/** What a group is, without the paths (which differ between the folder and the archives). */
const causes = (r: FleetReport) => r.groups.map((g) => ({ code: g.code, culprit: g.culprit, symbol: g.symbol, count: g.count, thirdParty: g.thirdParty }));

describe('analyzeDumpFleet over a folder of dumps', () => {
  let report: FleetReport;
  beforeAll(async () => {
    report = await analyzeDumpFleet([fleet.folder], inline);
  });

  it('counts the dumps, crashes, causes, the unreadable dump and the file that is not a dump', () => {
    expect(report.schemaVersion).toBe('1.0');
    expect(report.totals).toEqual({ files: 11, dumps: 10, crashes: 8, noCrash: 1, errors: 1, skipped: 1, duplicates: 0, groups: 7 });
    expect(report.rows.map(where)).not.toContain(NOTE);
  });

  it('dangling links, links to folders and pipes are counted as skipped, never opened (a pipe would block)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-links-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'fleet-links-target-'));
    try {
      copyFileSync(corpusPath('dumps', 'mdmp/breakpad_ascii_write_av.dmp'), join(dir, 'a.dmp'));
      mkdirSync(join(dir, 'sub'));
      copyFileSync(corpusPath('dumps', 'mdmp/breakpad_null_read_av.dmp'), join(dir, 'sub', 'b.dmp'));
      copyFileSync(corpusPath('dumps', 'mdmp/breakpad_exec_av_on_stack.dmp'), join(elsewhere, 'c.dmp'));
      symlinkSync(join(dir, 'missing.dmp'), join(dir, 'dangling.dmp'));
      symlinkSync(join(dir, 'sub'), join(dir, 'folder-link'));
      symlinkSync(join(elsewhere, 'c.dmp'), join(dir, 'file-link.dmp'));
      expect(spawnSync('mkfifo', [join(dir, 'pipe.dmp')]).status).toBe(0);
      const r = await analyzeDumpFleet([dir], inline);
      // a.dmp, sub/b.dmp and the link to a dump outside the folder are read; the dangling link, the folder link and the pipe are skipped
      expect(r.totals).toMatchObject({ files: 6, dumps: 3, skipped: 3, duplicates: 0 });
      expect(r.rows.map((x) => x.file.slice(dir.length + 1)).sort()).toEqual(['a.dmp', 'file-link.dmp', join('sub', 'b.dmp')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('one row per dump, with code, name, parameters, culprit, its version and the OS build', () => {
    const rows = byWhere(report.rows);
    expect(Object.keys(rows).sort()).toEqual(Object.keys(TREE).sort());
    expect(rows['PC2/Minidump/070618-1.dmp']).toMatchObject({
      kind: 'kernel', code: '0x000000E2', name: 'MANUALLY_INITIATED_CRASH', culprit: 'kbdhid.sys', osBuild: '10.0.17134', engine: 'native', format: 'kernel-small',
      crashTime: '2018-07-06T22:16:05.318Z', folder: expect.stringMatching(/fleet[\\/]PC2[\\/]Minidump$/), error: null,
    });
    expect(rows['PC2/Minidump/070618-1.dmp']!.parameters).toHaveLength(4);
    expect(rows['PC2/Minidump/070618-1.dmp']!.culpritTimestamp).toMatch(/^0x[0-9a-f]{8}$/);
    expect(rows['PC1/Minidump/020121-1.dmp']).toMatchObject({ kind: 'user', code: '0xC0000005', culprit: 'crashme.exe', address: '0x41414141', culpritTimestamp: '0x4ca3b53b', osBuild: '6.1.7600' });
    expect(rows['PC3/analysis-c4.txt']).toMatchObject({ kind: 'kernel', code: '0x000000C4', culprit: 'MyDriver', symbol: 'MyDriver!HandleISR+0x140', engine: 'text' });
    expect(rows['PC2/Minidump/071618-1.dmp']).toMatchObject({ kind: null, code: null, error: null, crashTime: '2018-07-16T20:15:13.913Z' });
    expect(rows['PC3/broken.dmp']).toMatchObject({ kind: null, error: { code: 'DUMP_NO_STREAMS' } });
  });

  it('sorts the rows by crash time, rows without one last', () => {
    const times = report.rows.map((r) => r.crashTime);
    const known = times.filter((t) => t !== null);
    expect(known).toEqual([...known].sort());
    expect(times.slice(known.length).every((t) => t === null)).toBe(true);
    expect(known.length).toBe(6);
  });

  it('groups the crashes by code + culprit (+ symbol), largest first, with share, period, folders and examples', () => {
    expect(causes(report)[0]).toEqual({ code: '0xC0000005', culprit: 'crashme.exe', symbol: null, count: 2, thirdParty: null });
    expect(causes(report).slice(1).map((g) => g.count)).toEqual([1, 1, 1, 1, 1, 1]);
    const top = report.groups[0]!;
    expect(top.share).toBeCloseTo(2 / 8);
    expect(top).toMatchObject({ firstCrash: '2010-09-29T21:53:07.000Z', lastCrash: '2010-09-29T21:54:22.000Z', folderCount: 1, versions: { min: '0x4ca3b53b', max: '0x4ca3b58a' } });
    expect(top.examples.map((f) => f.replace(/^.*?fleet\//, ''))).toEqual(['PC1/Minidump/020121-1.dmp', 'PC1/Minidump/020121-2.dmp']);
    // Two exception groups with the same code stay apart: the culprit differs.
    expect(report.groups.filter((g) => g.code === '0xC0000005').map((g) => g.culprit).sort()).toEqual(['crashme.exe', 'test_app.exe']);
  });

  it("names each group's rows by index: every crash row in exactly one group, with the group's code and culprit", () => {
    const seen = report.groups.flatMap((g) => g.rowIndexes);
    expect(seen.length).toBe(report.totals.crashes);
    expect(new Set(seen).size).toBe(seen.length);
    for (const g of report.groups) {
      expect(g.rowIndexes).toHaveLength(g.count);
      for (const i of g.rowIndexes) expect(report.rows[i]).toMatchObject({ code: g.code, culprit: g.culprit });
    }
    expect(report.groups[0]!.rowIndexes.map((i) => report.rows[i]!.file)).toEqual(report.groups[0]!.examples);
  });

  it('calls a culprit outside Windows a third-party driver, and a Windows one a Windows module', () => {
    const c4 = report.groups.find((g) => g.code === '0x000000C4')!;
    expect(c4).toMatchObject({ culprit: 'MyDriver', symbol: 'MyDriver!HandleISR+0x140', thirdParty: true });
    expect(c4.advice.steps[0]).toMatch(/^Update MyDriver from its vendor/);
    expect(report.groups.find((g) => g.code === '0x000000E2')!.thirdParty).toBe(false);
    expect(report.groups.find((g) => g.code === '0x00000133')!.thirdParty).toBe(false);
  });

  it("takes each group's advice from the code tables", () => {
    const c4 = report.groups.find((g) => g.code === '0x000000C4')!;
    expect(c4.advice.docUrl).toMatch(/^https:\/\/learn\.microsoft\.com\/.*bug-check-0xc4/);
    expect(c4.advice.meaning).toBe(interpretAs('bugcheck', 0xc4).message);
    expect(c4.advice.steps.at(-1)).toBe(`Microsoft's page for this stop code: ${c4.advice.docUrl}`);
    const e2 = report.groups.find((g) => g.code === '0x000000E2')!;
    expect(e2.advice.steps[0]).toMatch(/started on purpose/);
    const noDriver = report.groups.find((g) => g.code === '0x00000116')!;
    expect(noDriver.culprit).toBeNull();
    expect(noDriver.advice.steps[0]).toMatch(/No driver was named/);
  });

  it('summarises in one paragraph: how many, the period, the causes and the top one with what to do', () => {
    expect(report.summary).toMatch(/^10 dumps found from 2007-02-14 to 2020-05-13: 8 crashes from 7 distinct causes, 1 with no crash recorded, 1 that could not be read; 1 other file skipped \(not dumps\)\./);
    expect(report.summary).toMatch(/The most frequent cause is EXCEPTION_ACCESS_VIOLATION \(0xC0000005\), blamed on crashme\.exe: 2 of 8 \(25 %\), last on 2010-09-29\. crashme\.exe crashed in its own code/);
    expect(report.summary).not.toMatch(/\n/);
  });

  it('says the leading causes are tied when they are, instead of naming one of them the most frequent', async () => {
    const pc1 = join(fleet.folder, 'PC1', 'Minidump');
    const two = await analyzeDumpFleet([join(pc1, '020121-1.dmp'), join(pc1, '020121-3.dmp')], inline);
    expect(two.summary).toBe(
      '2 dumps found from 2007-02-14 to 2010-09-29: 2 crashes from 2 distinct causes. 2 causes are tied as the most frequent, with 1 of 2 crashes (50 %) each: ' +
        'EXCEPTION_ACCESS_VIOLATION (0xC0000005), blamed on crashme.exe; EXCEPTION_ACCESS_VIOLATION (0xC0000005), blamed on test_app.exe. What to do is listed with each cause.',
    );
    // 1 + 1 + 1 + 1 + 1 + 1 behind a leader of 2: not a tie.
    expect(report.summary).toMatch(/The most frequent cause is /);
  });
});

describe('analyzeDumpFleet over archives, read in place', () => {
  it('a zip of the same tree gives the same rows and causes, each row naming its member', async () => {
    const folder = await analyzeDumpFleet([fleet.folder], inline);
    const zip = await analyzeDumpFleet([fleet.zip], inline);
    expect(zip.totals).toEqual(folder.totals);
    expect(causes(zip)).toEqual(causes(folder));
    const strip = (r: FleetRow) => ({ ...r, file: where(r), archive: null, member: null, folder: null });
    expect(zip.rows.map(strip)).toEqual(folder.rows.map(strip));
    const row = zip.rows.find((r) => r.member === 'PC1/Minidump/020121-1.dmp')!;
    expect(row).toMatchObject({ archive: fleet.zip, file: `${fleet.zip}!PC1/Minidump/020121-1.dmp`, folder: `${fleet.zip}!PC1/Minidump` });
  });

  it('a tgz of the same tree too', async () => {
    const folder = await analyzeDumpFleet([fleet.folder], inline);
    const tgz = await analyzeDumpFleet([fleet.tgz], inline);
    expect(tgz.totals).toEqual(folder.totals);
    expect(causes(tgz)).toEqual(causes(folder));
  });

  it('path traversal: members named ../ or with an absolute path are rows with an error, never read', async () => {
    const r = await analyzeDumpFleet([attack('traversal.zip')], inline);
    expect(r.rows.map((x) => [x.member, x.error?.code])).toEqual([
      ['../../escape.dmp', 'DUMP_FLEET_UNSAFE_MEMBER'],
      ['/abs/evil.dmp', 'DUMP_FLEET_UNSAFE_MEMBER'],
    ]);
    expect(r.totals).toMatchObject({ dumps: 2, errors: 2, skipped: 1, crashes: 0 });
  });

  it('decompression bomb, honest headers: the member is refused from its declared size, nothing inflated', async () => {
    const r = await analyzeDumpFleet([attack('bomb-honest.zip')], inline);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]!.error).toMatchObject({ code: 'DUMP_FLEET_MEMBER_TOO_LARGE', message: expect.stringMatching(/declared as 209715200 bytes/) });
  });

  it('decompression bomb, lying headers: inflating stops past the declared size', async () => {
    const before = process.memoryUsage().rss;
    const r = await analyzeDumpFleet([attack('bomb-lying.zip')], inline);
    expect(r.rows[0]!.error?.code).toBe('DUMP_FLEET_SIZE_MISMATCH');
    // 200 MiB of zeros were never held: far less than that was added to the process.
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it("decompression bomb in a tgz: the archive's inflate cap stops it (esxi's cap by default)", async () => {
    // The default is esxi's 1 GiB; a lower cap keeps the test quick (the fixture inflates to 1.1 GiB).
    expect(MAX_ARCHIVE_INFLATED).toBe(DEFAULT_MAX_INFLATED);
    const r = await analyzeDumpFleet([attack('bomb.tgz')], { ...inline, maxArchiveInflated: 64 * 1024 * 1024 });
    expect(r.rows.map((x) => x.error?.code).sort()).toEqual(['DUMP_FLEET_INFLATE_CAP', 'DUMP_FLEET_MEMBER_TOO_LARGE']);
    expect(r.rows.find((x) => x.error?.code === 'DUMP_FLEET_INFLATE_CAP')!.error!.message).toMatch(/more than 67108864 bytes inflated/);
  });

  it('1 GiB of zeros after the end-of-archive marker (a 1 MB .gz): the rest is not read, no quadratic buffering', async () => {
    // tar's Parser copied its whole buffer on every chunk after the marker: this ran for minutes and grew past 300 MB
    const dir = mkdtempSync(join(tmpdir(), 'analyze-fleet-zeros-'));
    try {
      const file = join(dir, 'zeros.gz');
      writeFileSync(file, await gzipStream([{ zeros: 1024 * 1024 * 1024 }], 9));
      const before = Date.now();
      const r = await analyzeDumpFleet([file], inline);
      expect(r.totals).toMatchObject({ dumps: 0, errors: 0 });
      expect(Date.now() - before).toBeLessThan(20_000); // a second or two; minutes before the fix
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gzip inside gzip is refused (tar would inflate the inner layer outside the budget)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-fleet-twice-'));
    try {
      const file = join(dir, 'twice.tgz');
      writeFileSync(file, gzipSync(gzipSync(Buffer.alloc(300 * 1024 * 1024))));
      const r = await analyzeDumpFleet([file], inline);
      expect(r.rows.map((x) => x.error?.code)).toEqual(['DUMP_FLEET_ARCHIVE_INVALID']);
      expect(r.rows[0]!.error!.message).toMatch(/compressed twice/);
      expect(r.rows[0]!.error!.offset).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a damaged archive is named with the byte where it was found; what was read before is still reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-fleet-damaged-'));
    try {
      const zip = readFileSync(fleet.zip);
      const whole = await analyzeDumpFleet([fleet.zip], inline);
      // truncated: the directory's end record, read from the end, is missing
      const truncated = join(dir, 'truncated.zip');
      writeFileSync(truncated, zip.subarray(0, zip.length - 30));
      const t = await analyzeDumpFleet([truncated], inline);
      expect(t.rows.map((x) => [x.error?.code, x.error?.offset])).toEqual([['DUMP_FLEET_ARCHIVE_INVALID', zip.length - 30]]);
      // the last central directory entry damaged: every member before it is read, then the entry is named
      const last = zip.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'));
      const damaged = Buffer.from(zip);
      damaged.write('XX', last, 'latin1');
      const damagedFile = join(dir, 'damaged.zip');
      writeFileSync(damagedFile, damaged);
      const d = await analyzeDumpFleet([damagedFile], inline);
      const archiveErrors = d.rows.filter((x) => x.error?.code === 'DUMP_FLEET_ARCHIVE_INVALID');
      expect(archiveErrors.map((x) => x.error!.offset)).toEqual([last]);
      const members = (rows: readonly FleetRow[]) => rows.filter((x) => x.member !== null).map((x) => x.member).sort();
      // the last entry is the note (PC3/notes.txt, not a dump): every dump's row is there
      expect(zip.toString('latin1', last + 46, last + 46 + NOTE.length)).toBe(NOTE);
      expect(members(d.rows)).toEqual(members(whole.rows));
      expect(d.rows).toHaveLength(whole.rows.length + 1);
      // a gzip stream that is not one: found within the compressed bytes read (the whole small file here)
      const garbage = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('garbagegarbage')]);
      const badGzip = join(dir, 'bad.tgz');
      writeFileSync(badGzip, garbage);
      const g = await analyzeDumpFleet([badGzip], inline);
      expect(g.rows.map((x) => [x.error?.code, x.error?.offset])).toEqual([['DUMP_FLEET_ARCHIVE_INVALID', garbage.length]]);
      expect(g.rows[0]!.error!.message).toMatch(/^not a valid gzip stream: .* \(damaged at or before this offset of the compressed file\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one gzip-compressed dump (memory.dmp.gz) is named as such, not as a broken .tgz', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-fleet-dmpgz-'));
    try {
      const file = join(dir, 'crash.dmp.gz');
      writeFileSync(file, gzipSync(readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_linux_null_read_av.dmp'))));
      const r = await analyzeDumpFleet([file], inline);
      expect(r.rows.map((x) => x.error?.code)).toEqual(['DUMP_NOT_A_DUMP']);
      expect(r.rows[0]!.error!.message).toBe('this file is a gzip-compressed dump, not a .tgz archive; decompress it first');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("too many members: reading stops at the entry cap (esxi's by default), with a row saying so", async () => {
    expect(MAX_ARCHIVE_ENTRIES).toBe(MAX_TAR_ENTRIES);
    for (const archive of [fleet.zip, fleet.tgz]) {
      const r = await analyzeDumpFleet([archive], { ...inline, maxArchiveEntries: 3 });
      const capped = r.rows.filter((x) => x.error?.code === 'DUMP_FLEET_TOO_MANY_ENTRIES');
      expect(capped).toHaveLength(1);
      expect(capped[0]!.error!.message).toBe(`more than 3 members; the rest is not read${archive === fleet.tgz ? ' (offset in the inflated tar stream)' : ''}`);
      expect(capped[0]!.error!.offset).toBeGreaterThan(0); // the header of the member past the cap
      expect(r.totals.dumps + r.totals.skipped).toBe(3 + 1);
    }
  });
});

describe('analyzeDumpFleet on worker threads', () => {
  it('the same report from 1 worker and from 2 as inline', async () => {
    const paths = [fleet.folder, fleet.zip];
    const none = await analyzeDumpFleet(paths, inline);
    const one = await analyzeDumpFleet(paths, { engine: 'native', workers: 1 });
    const two = await analyzeDumpFleet(paths, { engine: 'native', workers: 2 });
    expect(one).toEqual(none);
    expect(two).toEqual(none);
    expect(two.totals.dumps).toBe(20);
  }, 30_000);

  it('a worker that dies fails only its jobs: each is a row with the error, a new worker takes over, the run ends', async () => {
    const workerUrl = new URL('./crashing-worker.mjs', import.meta.url);
    const r = await analyzeDumpFleet([fleet.folder], { engine: 'native', workers: 2, workerUrl });
    // Every file went to a worker that died (the note too: the job decides what is a dump).
    expect(r.rows).toHaveLength(11);
    expect(new Set(r.rows.map((x) => x.error?.code))).toEqual(new Set(['DUMP_FLEET_JOB_FAILED']));
    expect(r.rows[0]!.error!.message).toMatch(/worker crashed on purpose/);
  }, 30_000);

  it('a path that does not exist is a row with its error; the others are still read', async () => {
    const r = await analyzeDumpFleet([`${fleet.folder}/no-such-folder`, fleet.zip], { engine: 'native', workers: 2 });
    expect(r.rows.find((x) => x.error?.code === 'FILE_UNREADABLE')?.file).toBe(`${fleet.folder}/no-such-folder`);
    expect(r.totals.crashes).toBe(8);
  }, 30_000);
});

describe('analyzeDumpFleet on inputs whose cost is out of proportion to their size', () => {
  const TEXT = 'BUGCHECK_CODE:  d1\nIMAGE_NAME:  x.sys\nMODULE_NAME: x\n';

  it(`at most ${MAX_FLEET_DUMPS} dumps in one run, over all inputs; a row says the rest was not read (100,000 tiny texts peaked at 427-899 MB)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-many-'));
    try {
      for (const part of ['a', 'b']) {
        mkdirSync(join(dir, part));
        for (let i = 0; i < MAX_FLEET_DUMPS / 2 + 3; i++) writeFileSync(join(dir, part, `${i}.txt`), TEXT);
      }
      const r = await analyzeDumpFleet([join(dir, 'a'), join(dir, 'b')], inline);
      const capped = r.rows.filter((x) => x.error?.code === 'DUMP_FLEET_TOO_MANY_DUMPS');
      expect(capped).toHaveLength(1);
      expect(capped[0]!.error!.message).toBe(`more than ${MAX_FLEET_DUMPS} dumps in one run: the first ${MAX_FLEET_DUMPS} were read, this file and the rest were not (name fewer folders or archives at a time)`);
      expect(r.rows).toHaveLength(MAX_FLEET_DUMPS + 1);
      expect(r.totals).toMatchObject({ files: MAX_FLEET_DUMPS + 1, dumps: MAX_FLEET_DUMPS + 1, skipped: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it(`files that are not dumps do not count against the ${MAX_FLEET_DUMPS}-dump cap: a dump after 10,500 logs is read, and the totals add up`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-logs-'));
    try {
      for (let i = 0; i < 10_500; i++) writeFileSync(join(dir, `a${i}.log`), 'service started\n');
      writeFileSync(join(dir, 'z.dmp'), readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_null_read_av.dmp')));
      const r = await analyzeDumpFleet([dir], inline);
      expect(r.rows.map((x) => [x.file.slice(dir.length + 1), x.code, x.error])).toEqual([['z.dmp', '0xC0000005', null]]);
      expect(r.totals).toMatchObject({ files: 10_501, dumps: 1, crashes: 1, errors: 0, skipped: 10_500 });
      expect(r.summary).toMatch(/^1 dump found on 2010-09-29: 1 crash from 1 distinct cause; 10500 other files skipped \(not dumps\)\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it(`at most ${MAX_FLEET_FILES} files and members looked at in one run, dumps or not: a row says where it stopped, and the totals add up`, async () => {
    // Two archives of empty members (the per-archive cap is ${MAX_ARCHIVE_ENTRIES}): one dump, then logs.
    const dump = readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_null_read_av.dmp'));
    const archive = (first: Buffer | null, logs: number) => {
      const blocks: Buffer[] = [];
      const member = (name: string, data: Buffer) => {
        const h = Buffer.alloc(512);
        new Header({ path: name, size: data.length, type: 'File', mode: 0o644, mtime: new Date(0) }).encode(h);
        blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
      };
      if (first) member('crash.dmp', first);
      for (let i = 0; i < logs; i++) member(`${i}.log`, Buffer.alloc(0));
      blocks.push(Buffer.alloc(1024));
      return gzipSync(Buffer.concat(blocks), { level: 1 });
    };
    const dir = mkdtempSync(join(tmpdir(), 'fleet-files-'));
    try {
      const half = MAX_FLEET_FILES / 2;
      writeFileSync(join(dir, 'a.tgz'), archive(dump, half - 1));
      writeFileSync(join(dir, 'b.tgz'), archive(null, half + 5));
      const r = await analyzeDumpFleet([join(dir, 'a.tgz'), join(dir, 'b.tgz')], inline);
      const capped = r.rows.filter((x) => x.error?.code === 'DUMP_FLEET_TOO_MANY_FILES');
      expect(capped).toHaveLength(1);
      expect(capped[0]!.file).toBe(`${join(dir, 'b.tgz')}!${half}.log`);
      expect(r.rows.find((x) => x.code === '0xC0000005')).toBeDefined();
      expect(r.totals).toMatchObject({ files: MAX_FLEET_FILES + 1, dumps: 2, crashes: 1, errors: 1, skipped: MAX_FLEET_FILES - 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it(`members whose names weigh more than ${MAX_FLEET_NAME_WEIGHT} together: the walk stops at the one that crosses it (10,000 names of 4,000 characters peaked at 265-999 MB)`, async () => {
    const data = Buffer.from(TEXT);
    const blocks: Buffer[] = [];
    const name = (i: number) => `${'\u0001'.repeat(4000)}${i}.txt`; // weight 8,000 + digits + 4
    for (let i = 0; i < 300; i++) {
      const h = Buffer.alloc(512);
      new Header({ path: `x${i}.txt`, size: data.length, type: 'File', mode: 0o644, mtime: new Date(0) }).encode(h);
      blocks.push(new Pax({ path: name(i) }).encode(), h, data, Buffer.alloc(512 - data.length));
    }
    blocks.push(Buffer.alloc(1024));
    const dir = mkdtempSync(join(tmpdir(), 'fleet-names-'));
    try {
      const file = join(dir, 'names.tgz');
      writeFileSync(file, gzipSync(Buffer.concat(blocks)));
      const r = await analyzeDumpFleet([file], inline);
      const weight = (i: number) => `${file}!`.length + 2 * 4000 + String(i).length + 4;
      let taken = 0;
      for (let sum = weight(0); sum <= MAX_FLEET_NAME_WEIGHT; sum += weight(taken)) taken++;
      const stopped = r.rows.filter((x) => x.error?.code === 'DUMP_FLEET_NAMES_TOO_LONG');
      expect(stopped).toHaveLength(1);
      expect(stopped[0]!.error!.message).toBe(`the names of the files and members add up to more than ${MAX_FLEET_NAME_WEIGHT} characters after ${taken} of them (real ones are a few dozen each): the rest not read`);
      expect(stopped[0]!.file.length).toBeLessThan(300); // the name that crossed it, cut
      expect(r.rows).toHaveLength(taken + 1);
      expect(r.totals.files).toBe(taken + 1); // the rows (the one that stopped the walk too) + skipped
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tar links, devices and pipes are counted as skipped members; folders are not files', async () => {
    const entry = (path: string, type: 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice', extra: { linkpath?: string } = {}) => {
      const h = Buffer.alloc(512);
      new Header({ path, size: 0, type, mode: 0o644, mtime: new Date(0), ...extra }).encode(h);
      return h;
    };
    const dump = readFileSync(corpusPath('dumps', 'mdmp/breakpad_ascii_write_av.dmp'));
    const file = Buffer.alloc(512);
    new Header({ path: 'd/a.dmp', size: dump.length, type: 'File', mode: 0o644, mtime: new Date(0) }).encode(file);
    const tar = Buffer.concat([
      entry('d/', 'Directory'),
      file,
      dump,
      Buffer.alloc((512 - (dump.length % 512)) % 512),
      entry('d/soft.dmp', 'SymbolicLink', { linkpath: 'a.dmp' }),
      entry('d/hard.dmp', 'Link', { linkpath: 'd/a.dmp' }),
      entry('d/pipe', 'FIFO'),
      entry('d/tty', 'CharacterDevice'),
      Buffer.alloc(1024),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'fleet-tar-links-'));
    try {
      writeFileSync(join(dir, 'links.tgz'), gzipSync(tar));
      const r = await analyzeDumpFleet([join(dir, 'links.tgz')], inline);
      expect(r.totals).toMatchObject({ files: 5, dumps: 1, skipped: 4 });
      expect(r.rows.map((x) => x.member)).toEqual(['d/a.dmp']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`a member named by a pax header of 500 KB is not read, and its name is carried cut (250 of them peaked at 1.75 GB)`, async () => {
    const long = `dumps/${'n'.repeat(500_000)}.txt`; // tar's parser takes pax headers up to 1 MiB
    const data = Buffer.from(TEXT);
    const h = Buffer.alloc(512);
    new Header({ path: 'x.txt', size: data.length, type: 'File', mode: 0o644, mtime: new Date(0) }).encode(h);
    const tar = Buffer.concat([new Pax({ path: long }).encode(), h, data, Buffer.alloc(512 - data.length), Buffer.alloc(1024)]);
    const dir = mkdtempSync(join(tmpdir(), 'fleet-pax-'));
    try {
      const file = join(dir, 'long.tgz');
      writeFileSync(file, gzipSync(tar));
      const r = await analyzeDumpFleet([file], inline);
      const row = r.rows.find((x) => x.error?.code === 'DUMP_FLEET_UNSAFE_MEMBER')!;
      expect(row.error!.message).toContain(`a name of ${long.length} characters (at most ${MAX_MEMBER_NAME_CHARS} are read)`);
      expect(row.member!.length).toBeLessThan(300);
      // at its own header, after the pax header and its 500 KB of name (offsets in the inflated stream)
      expect(row.error!.offset).toBe(512 + Math.ceil(new Pax({ path: long }).encode().length / 512) * 512 - 512);
      expect(row.error!.message).toContain('(offset in the inflated tar stream)');
      expect(JSON.stringify(r).length).toBeLessThan(10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
