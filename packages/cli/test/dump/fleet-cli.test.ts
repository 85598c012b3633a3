import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetRow } from '@analyze/core/dump/fleet';
import { main } from '../../src/main.js';
import { dumpSpec } from '../../src/commands/dump/spec.js';
import { captureIo } from '../helpers/io.js';
import { corpusPath } from '../../../core/test/helpers/corpus.js';

const REPO = join(import.meta.dirname, '..', '..', '..', '..');
const BIN = join(REPO, 'packages', 'cli', 'bundle', 'bin.js');
const specs = [dumpSpec];

interface Fleet {
  folder: string;
  zip: string;
  tgz: string;
}
let fleet: Fleet;
let attack: (name: string) => string;
beforeAll(async () => {
  // The same test fleet as core's tests (corpus dumps of seven causes, one unreadable, one not a dump).
  const tree = (await import(join(REPO, 'packages', 'core', 'test', 'dump', 'fleet', 'tree.ts'))) as { makeFleet(): Promise<Fleet>; attack(n: string): string };
  fleet = await tree.makeFleet();
  attack = tree.attack;
});

const run = async (...args: string[]) => {
  const io = captureIo({ env: { PATH: '' } });
  const code = await main(['dump', ...args], io, specs);
  return { code, out: io.stdout, err: io.stderr };
};

describe('analyze dump over a folder or an archive of dumps', () => {
  it('a folder: the summary, the causes largest first and a table of dumps; exit 1 (crashes found)', async () => {
    const r = await run(fleet.folder, '--engine', 'native', '--workers', '0');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^10 dumps found from 2007-02-14 to 2020-05-13: 8 crashes from 7 distinct causes/);
    expect(r.out).toMatch(/Causes \(largest first\)\n {2}1\. 2× \(25 %\) EXCEPTION_ACCESS_VIOLATION 0xC0000005 {2}crashme\.exe {2}\[user\]/);
    expect(r.out).toMatch(/DRIVER_VERIFIER_DETECTED_VIOLATION 0x000000C4 {2}MyDriver \(MyDriver!HandleISR\+0x140\) {2}\[kernel\]\n.*\n {5}third-party driver\n/);
    expect(r.out).toMatch(/\n {2}2018-07-06 22:16:05 {2}0x000000E2 {2}MANUALLY_INITIATED_CRASH +0x0 0x0 0x0 0x0 +kbdhid\.sys +0x[0-9a-f]{8} +10\.0\.17134 +native +\S+070618-1\.dmp\n/);
    expect(r.out).toMatch(/unreadable +\S+broken\.dmp: none of the streams .* \[DUMP_NO_STREAMS\]/);
    // Rows by crash time: the 2007 dump first.
    const table = r.out.slice(r.out.indexOf('Dumps (by crash time)'));
    expect(table.split('\n')[2]).toMatch(/^ {2}2007-02-14 19:13:55 .*020121-3\.dmp$/);
  });

  it('a damaged archive: its row names the byte where the damage was found', async () => {
    const zip = readFileSync(fleet.zip);
    const truncated = join(mkdtempSync(join(tmpdir(), 'analyze-fleet-cli-')), 'truncated.zip');
    writeFileSync(truncated, zip.subarray(0, zip.length - 30));
    const r = await run(truncated, '--engine', 'native', '--workers', '0');
    // and on stderr, as every command names a file it cannot read
    expect(r.err).toBe(`analyze: ${truncated}: not a readable zip: End of central directory record signature not found. Either not a zip file, or file is truncated. (at byte ${zip.length - 30})\n`);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(new RegExp(`unreadable +\\S+truncated\\.zip: not a readable zip: .* \\(at byte ${zip.length - 30}\\) \\[DUMP_FLEET_ARCHIVE_INVALID\\]`));
  });

  it('25 unreadable dumps: the first 20 named on stderr, the rest counted; all are rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-fleet-cli-'));
    const broken = readFileSync(join(fleet.folder, 'PC3', 'broken.dmp')); // a dump without the streams a verdict needs
    for (let i = 0; i < 25; i++) writeFileSync(join(dir, `bad${String(i).padStart(2, '0')}.dmp`), broken);
    const r = await run(dir, '--engine', 'native', '--workers', '0', '--json');
    expect(r.code).toBe(2);
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines.slice(0, 20).every((l) => /^analyze: \S+bad\d\d\.dmp: none of the streams .* \(at byte 2\)$/.test(l))).toBe(true);
    expect(lines[20]).toBe('analyze: 5 more files could not be read (each is a row of the report)');
    expect((JSON.parse(r.out) as { rows: unknown[] }).rows).toHaveLength(25);
  });

  it('--json: the rows and the groups, with schemaVersion', async () => {
    const r = await run(fleet.folder, '--engine', 'native', '--json', '--workers', '0');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { schemaVersion: string; rows: Array<Record<string, unknown>>; groups: Array<Record<string, unknown>>; totals: Record<string, number>; summary: string };
    expect(doc.schemaVersion).toBe('1.0');
    expect(doc.rows).toHaveLength(10);
    expect(doc.groups).toHaveLength(7);
    expect(doc.totals).toEqual({ files: 11, dumps: 10, crashes: 8, noCrash: 1, errors: 1, skipped: 1, duplicates: 0, groups: 7 });
    expect(doc.groups[0]).toMatchObject({ code: '0xC0000005', culprit: 'crashme.exe', count: 2 });
    expect(Object.keys(doc.rows[0]!).sort()).toEqual(
      ['address', 'archive', 'code', 'crashTime', 'culprit', 'culpritTimestamp', 'culpritVersion', 'damage', 'engine', 'error', 'file', 'folder', 'format', 'kind', 'member', 'name', 'osBuild', 'parameters', 'process', 'symbol', 'warnings'].sort(),
    );
  });

  it('--csv FILE: one line per dump, in crash-time order, quoted where needed', async () => {
    const csvFile = join(mkdtempSync(join(tmpdir(), 'analyze-csv-')), 'crashes.csv');
    const r = await run(fleet.zip, '--engine', 'native', '--csv', csvFile, '--quiet');
    expect(r.code).toBe(1);
    const lines = readFileSync(csvFile, 'utf8').split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('file,archive,member,folder,crash_time,kind,code,name,p1,p2,p3,p4,address,culprit,culprit_version,culprit_timestamp,symbol,process,os_build,engine,format,error_code,error_message,error_offset,warnings,damage');
    expect(lines[1]).toMatch(/^[^,]+!PC1\/Minidump\/020121-3\.dmp,[^,]+fleet\.zip,PC1\/Minidump\/020121-3\.dmp,[^,]+!PC1\/Minidump,2007-02-14T19:13:55\.000Z,user,0xC0000005,EXCEPTION_ACCESS_VIOLATION,,,,,0x45,test_app\.exe,/);
    const e2 = lines.find((l) => l.includes('0x000000E2'))!;
    expect(e2).toMatch(/,kernel,0x000000E2,MANUALLY_INITIATED_CRASH,0x0,0x0,0x0,0x0,,kbdhid\.sys,,0x[0-9a-f]{8},/);
    // The error message has commas, so it is quoted.
    expect(lines.find((l) => l.includes('DUMP_NO_STREAMS'))).toMatch(/,DUMP_NO_STREAMS,"none of the streams a verdict needs \(SystemInfo, Exception, ModuleList, ThreadList\)/);
    // ... and the byte offset of the damage follows it (the JSON row's error.offset: lost in CSV before).
    const json = JSON.parse((await run(fleet.zip, '--engine', 'native', '--json', '--workers', '0')).out) as { rows: FleetRow[] };
    const broken = json.rows.find((row) => row.error?.code === 'DUMP_NO_STREAMS')!;
    expect(broken.error!.offset).toEqual(expect.any(Number));
    expect(lines.find((l) => l.includes('DUMP_NO_STREAMS'))).toMatch(new RegExp(`,DUMP_NO_STREAMS,"[^"]*",${broken.error!.offset},\\d+,\\d+$`));
    // A row read without error leaves the three error cells empty.
    expect(e2).toMatch(/,,,,\d+,\d+$/);
  });

  it('names from the dumps with control characters or a bidi override: escaped in the CSV (--csv -) and in the table, never raw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-names-'));
    const dump = Buffer.from(readFileSync(join(fleet.folder, 'PC1', 'Minidump', '020121-1.dmp')));
    const at = dump.indexOf(Buffer.from('crashme.exe', 'utf16le'));
    expect(at).toBeGreaterThan(0);
    Buffer.from('\u001b[31m\u202ex', 'utf16le').copy(dump, at); // "crashme" (7 characters) -> ESC [31m RLO x
    writeFileSync(join(dir, 'bidi\u202eexe.dmp'), dump);
    writeFileSync(join(dir, 'plain.dmp'), readFileSync(join(fleet.folder, 'PC1', 'Minidump', '020121-2.dmp')));
    const csv = await run(dir, '--engine', 'native', '--workers', '0', '--csv', '-');
    expect(csv.code).toBe(1);
    expect(csv.out).not.toMatch(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u202e]/); // CRLF line ends only
    expect(csv.out).toContain('bidi\\u202eexe.dmp,');
    expect(csv.out).toContain(',\\x1b[31m\\u202ex.exe,');
    const text = await run(dir, '--engine', 'native', '--workers', '0');
    expect(text.out).not.toContain('\u202e');
    expect(text.out).toContain('bidi\\u202eexe.dmp');
    expect(text.out).toContain('\\x1b[31m\\u202ex.exe');
    const single = await run(join(dir, 'bidi\u202eexe.dmp'), '--engine', 'native');
    expect(single.out).not.toContain('\u202e');
    expect(single.out).toMatch(/bidi\\u202eexe\.dmp .*\n.*, blamed on \\x1b\[31m\\u202ex\.exe\n/);
  });

  it('- in the fleet view is a usage error (the fleet walks paths; standard input is one dump, read alone)', async () => {
    const r = await run('-', fleet.zip, '--engine', 'native');
    expect(r.code).toBe(2);
    expect(r.err).toContain('- (standard input) is read as one dump on its own');
  });

  it('--csv -: the same bytes on stdout as in the file (CRLF line ends, not "\\x0d")', async () => {
    const csvFile = join(mkdtempSync(join(tmpdir(), 'analyze-csv-')), 'crashes.csv');
    await run(fleet.zip, '--engine', 'native', '--csv', csvFile, '--quiet');
    const r = await run(fleet.zip, '--engine', 'native', '--csv', '-', '--quiet');
    expect(r.out).toBe(readFileSync(csvFile, 'utf8'));
    expect(r.out).not.toContain('\\x0d');
  });

  it('--group forces the table for one dump; --no-group gives one report per file', async () => {
    const one = join(fleet.folder, 'PC2', 'Minidump', '070618-1.dmp');
    const grouped = await run(one, '--engine', 'native', '--group', '--workers', '0');
    expect(grouped.out).toMatch(/^1 dump found on 2018-07-06: 1 crash from 1 distinct cause\./);
    const single = await run(one, '--engine', 'native');
    expect(single.out).toMatch(/crash: MANUALLY_INITIATED_CRASH \(0x000000E2\) in kbdhid\.sys/);
    const perFile = await run(one, join(fleet.folder, 'PC1', 'Minidump', '020121-1.dmp'), '--engine', 'native', '--no-group');
    expect(perFile.out.match(/^\S.*\(engine: native, /gm)).toHaveLength(2);
    expect(perFile.out).not.toMatch(/Causes/);
  });

  it('a file named, then again by a pattern (a.dmp \'dir/*.dmp\'): one row, the duplicate counted and said', async () => {
    const minidumps = join(fleet.folder, 'PC1', 'Minidump');
    const r = await run(join(minidumps, '020121-1.dmp'), join(minidumps, '*.dmp'), '--engine', 'native', '--workers', '0', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { rows: FleetRow[]; totals: Record<string, number>; summary: string };
    expect(doc.rows.map((x) => x.file).sort()).toEqual(['020121-1.dmp', '020121-2.dmp', '020121-3.dmp'].map((f) => join(minidumps, f)));
    expect(doc.totals).toMatchObject({ files: 4, dumps: 3, crashes: 3, skipped: 1, duplicates: 1 });
    expect(doc.summary).toMatch(/^3 dumps found .*; 1 duplicate skipped \(a file named again through a link or overlapping paths, counted once\)\./);
  });

  it('one gzip-compressed dump named alone is one file, not an archive: the one-line error, no table; a .tgz alone is the fleet', async () => {
    const gz = join(REPO, 'fixtures', 'corpus', 'dumps', 'kernel', 'kdlibcpp_win10_arm64_mem.dmp.gz');
    const r = await run(gz, '--engine', 'native');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`analyze: ${gz}: this file is gzip-compressed; decompress it first (gunzip, 7-Zip), then name the dump (at byte 0)\n`);
    const tgz = await run(fleet.tgz, '--engine', 'native', '--workers', '0');
    expect(tgz.code).toBe(1);
    expect(tgz.out).toMatch(/^10 dumps found /);
  });

  it('an archive with nothing but unsafe members and a note: no crash, exit 2', async () => {
    const r = await run(attack('traversal.zip'));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/DUMP_FLEET_UNSAFE_MEMBER/);
  });

  it('marks a dump read only in part (cut short) in the table, and says what to run for the details', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-partial-'));
    const whole = readFileSync(join(fleet.folder, 'PC1', 'Minidump', '020121-3.dmp'));
    writeFileSync(join(dir, 'whole.dmp'), whole);
    writeFileSync(join(dir, 'cut.dmp'), whole.subarray(0, 5000));
    const r = await run(dir, '--engine', 'native', '--workers', '0');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\S+cut\.dmp \(read in part: \d+ warnings of damage\)\n/);
    expect(r.out).toMatch(/\S+whole\.dmp\n/); // a whole dump is not marked
    expect(r.out).toMatch(/1 dump was read only in part \(damaged or cut short\): its row shows what could be read; `analyze dump FILE` names the damage and its byte offset\.\n$/);
    const rows = (JSON.parse((await run(dir, '--engine', 'native', '--json', '--workers', '0')).out) as { rows: { file: string; warnings: number; damage: number }[] }).rows;
    expect(rows.find((row) => row.file.endsWith('cut.dmp'))!.damage).toBeGreaterThan(0);
  });

  it('a debugger warning line in a saved analysis is a note, not damage: only damaged dumps are "read in part", and two are "their rows"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-partial-'));
    const whole = readFileSync(join(fleet.folder, 'PC1', 'Minidump', '020121-3.dmp'));
    writeFileSync(join(dir, 'cut1.dmp'), whole.subarray(0, 5000));
    writeFileSync(join(dir, 'cut2.dmp'), whole.subarray(0, 6000));
    // `*** WARNING: Unable to verify timestamp for exampledrv.sys`: the warning of nearly every real cdb output
    writeFileSync(join(dir, 'analysis.txt'), readFileSync(join(REPO, 'fixtures', 'dump', 'analyze-v-d1-exampledrv.txt')));
    const r = await run(dir, '--engine', 'native', '--workers', '0');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\S+analysis\.txt\n/);
    expect(r.out).toMatch(/\S+cut1\.dmp \(read in part: \d+ warnings? of damage\)\n/);
    expect(r.out).toMatch(/\n {2}2 dumps were read only in part \(damaged or cut short\): their rows show what could be read; /);
    const rows = (JSON.parse((await run(dir, '--engine', 'native', '--json', '--workers', '0')).out) as { rows: { file: string; warnings: number; damage: number }[] }).rows;
    expect(rows.find((row) => row.file.endsWith('analysis.txt'))).toMatchObject({ warnings: 1, damage: 0 });
  });

  it('crash dumps whose crash cannot be read (exception stream cut off, kernel header cut) are rows that could not be read, not "no crash": exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-lost-'));
    const mdmp = readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_null_read_av.dmp'));
    writeFileSync(join(dir, 'a.dmp'), mdmp.subarray(0, 400));
    writeFileSync(join(dir, 'b.dmp'), readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_ascii_write_av.dmp')).subarray(0, 500));
    writeFileSync(join(dir, 'k.dmp'), readFileSync(join(fleet.folder, 'PC2', 'Minidump', '070618-1.dmp')).subarray(0, 0x1500));
    const r = await run(dir, '--engine', 'native', '--workers', '0', '--json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.out) as { totals: Record<string, number>; rows: { file: string; error: { code: string } | null; osBuild: string | null }[] };
    expect(doc.totals).toMatchObject({ dumps: 3, crashes: 0, noCrash: 0, errors: 3 });
    const codes = Object.fromEntries(doc.rows.map((row) => [row.file.replace(/^.*[\\/]/, ''), row.error?.code]));
    expect(codes).toEqual({ 'a.dmp': 'DUMP_CRASH_UNREADABLE', 'b.dmp': 'DUMP_CRASH_UNREADABLE', 'k.dmp': 'DUMP_TRUNCATED' });
    expect(doc.rows.find((row) => row.file.endsWith('a.dmp'))!.osBuild).toBe('6.1.7600'); // what was read stays in the row
    const text = await run(dir, '--engine', 'native', '--workers', '0');
    expect(text.out).toMatch(/^3 dumps found on 2010-09-29: 0 crashes from 0 distinct causes, 3 that could not be read\./);
    expect(text.out).not.toMatch(/no crash recorded/);
    // ... and in the table too: the OS build and engine of the row, as in the JSON and the CSV
    expect(text.out).toMatch(/\n {2}2010-09-29 \S+ +unreadable +6\.1\.7600 +native +\S+a\.dmp: .*\[DUMP_CRASH_UNREADABLE\]\n/);
  });

  it('--csv FILE / --html FILE inside a named input folder (a dump found by walking it, or a new file there) is refused: exit 2, nothing written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'analyze-overwrite-'));
    const dir = join(root, 'fk');
    mkdirSync(dir);
    const dump = readFileSync(join(fleet.folder, 'PC1', 'Minidump', '020121-1.dmp'));
    writeFileSync(join(dir, 'a.dmp'), dump);
    writeFileSync(join(dir, 'b.dmp'), dump);
    for (const [option, target] of [['--html', 'fk/b.dmp'], ['--csv', 'fk/a.dmp'], ['--csv', 'fk/../fk/new.csv'], ['--html', 'fk/new.html']] as const) {
      const io = captureIo({ env: { PATH: '' }, cwd: root });
      const code = await main(['dump', 'fk', option, target, '--engine', 'native', '--workers', '0'], io, specs);
      expect({ option, code, stdout: io.stdout }).toEqual({ option, code: 2, stdout: '' });
      expect(io.stderr).toMatch(new RegExp(`^analyze: ${option} ${target.replace(/\./g, '\\.')} lies inside the input folder fk, whose files are all read: write it outside that folder\n`));
    }
    expect(readFileSync(join(dir, 'a.dmp')).equals(dump) && readFileSync(join(dir, 'b.dmp')).equals(dump)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['a.dmp', 'b.dmp']);
    // Beside the folder is fine.
    const io = captureIo({ env: { PATH: '' }, cwd: root });
    expect(await main(['dump', 'fk', '--csv', 'all.csv', '--engine', 'native', '--workers', '0', '-q'], io, specs)).toBe(1);
    expect(readFileSync(join(root, 'all.csv'), 'utf8')).toMatch(/^file,/);
  });

  it('a folder with no dump at all: exit 2 and says so', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'analyze-empty-'));
    const r = await run(empty);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no dump found/);
  });

  it('rejects a nonsensical --workers', async () => {
    expect((await run(fleet.folder, '--workers', '-3')).code).toBe(2);
  });
});

/** stderr without the line naming the fleet's one unreadable dump (in the folder and in the tgz): what is left is a warning or a stack. */
const otherStderr = (stderr: string) => stderr.replace(/^analyze: \S+broken\.dmp: none of the streams .* \(at byte 2\)\n/gm, '');

describe('the built CLI on worker threads', () => {
  it('prints the same JSON with 1 worker and with 2', () => {
    const go = (workers: string) => {
      try {
        execFileSync(process.execPath, [BIN, 'dump', fleet.folder, fleet.tgz, '--engine', 'native', '--json', '--workers', workers], { encoding: 'utf8', env: { PATH: '' } });
        throw new Error('expected exit 1');
      } catch (e) {
        const err = e as { status: number; stdout: string; stderr: string };
        // With stderr, so that a failure says why (a warning from Node, a stack).
        expect({ workers, status: err.status, stderr: otherStderr(err.stderr) }).toEqual({ workers, status: 1, stderr: '' });
        return err.stdout;
      }
    };
    const one = go('1');
    expect(JSON.parse(one).totals.dumps).toBe(20);
    expect(go('2')).toBe(one);
  }, 30_000);
});

describe('the built CLI exits with its report, run after run', () => {
  // Regression: the pool once unreferenced its idle workers, and their terminate() at the end of a run then
  // sometimes never settled (Node 20): the process exited with 13 ("unsettled top-level await") and no
  // report, in about one run in 30 with an empty environment and three runs at a time. Before the fix, 8
  // rounds of this test failed in 2 of 10 tries (16 rounds now): it catches the regression often, not always.
  const cli = (workers: string): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((done) => {
      const child = spawn(process.execPath, [BIN, 'dump', fleet.folder, fleet.tgz, '--engine', 'native', '--json', '--workers', workers], { env: { PATH: '' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => done({ status, stdout, stderr }));
    });

  it('16 rounds of 3 concurrent runs with 1 and 2 workers: each prints the JSON report and exits 1', async () => {
    for (let round = 0; round < 16; round++) {
      const runs = await Promise.all(['1', '2', String(1 + (round % 2))].map(cli));
      for (const r of runs) {
        expect({ round, status: r.status, stderr: otherStderr(r.stderr) }).toEqual({ round, status: 1, stderr: '' });
        expect((JSON.parse(r.stdout) as { totals: { dumps: number } }).totals.dumps).toBe(20);
      }
    }
  }, 60_000);
});

describe('analyze dump over a fleet with --engine cdb and no cdb', () => {
  it('says so once and exits 2, instead of a table of errors', async () => {
    const r = await run(fleet.folder, '--engine', 'cdb');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^analyze: cdb\.exe was not found \(--engine cdb\)/);
    expect(r.out).toBe('');
  });
});
