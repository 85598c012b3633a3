import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { dumpSpec } from '../../src/commands/dump/spec.js';
import { captureIo } from '../helpers/io.js';

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
    const r = await run(fleet.folder, '--engine', 'native', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { schemaVersion: string; rows: Array<Record<string, unknown>>; groups: Array<Record<string, unknown>>; totals: Record<string, number>; summary: string };
    expect(doc.schemaVersion).toBe('1.0');
    expect(doc.rows).toHaveLength(10);
    expect(doc.groups).toHaveLength(7);
    expect(doc.totals).toEqual({ files: 11, dumps: 10, crashes: 8, noCrash: 1, errors: 1, skipped: 1, groups: 7 });
    expect(doc.groups[0]).toMatchObject({ code: '0xC0000005', culprit: 'crashme.exe', count: 2 });
    expect(Object.keys(doc.rows[0]!).sort()).toEqual(
      ['address', 'archive', 'code', 'crashTime', 'culprit', 'culpritTimestamp', 'culpritVersion', 'engine', 'error', 'file', 'folder', 'format', 'kind', 'member', 'name', 'osBuild', 'parameters', 'process', 'symbol', 'warnings'].sort(),
    );
  });

  it('--csv FILE: one line per dump, in crash-time order, quoted where needed', async () => {
    const csvFile = join(mkdtempSync(join(tmpdir(), 'analyze-csv-')), 'crashes.csv');
    const r = await run(fleet.zip, '--engine', 'native', '--csv', csvFile, '--quiet');
    expect(r.code).toBe(1);
    const lines = readFileSync(csvFile, 'utf8').split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('file,archive,member,folder,crash_time,kind,code,name,p1,p2,p3,p4,address,culprit,culprit_version,culprit_timestamp,symbol,process,os_build,engine,format,error_code,error_message,warnings');
    expect(lines[1]).toMatch(/^[^,]+!PC1\/Minidump\/020121-3\.dmp,[^,]+fleet\.zip,PC1\/Minidump\/020121-3\.dmp,[^,]+!PC1\/Minidump,2007-02-14T19:13:55\.000Z,user,0xC0000005,EXCEPTION_ACCESS_VIOLATION,,,,,0x45,test_app\.exe,/);
    const e2 = lines.find((l) => l.includes('0x000000E2'))!;
    expect(e2).toMatch(/,kernel,0x000000E2,MANUALLY_INITIATED_CRASH,0x0,0x0,0x0,0x0,,kbdhid\.sys,,0x[0-9a-f]{8},/);
    // The error message has commas, so it is quoted.
    expect(lines.find((l) => l.includes('DUMP_NO_STREAMS'))).toMatch(/,DUMP_NO_STREAMS,"none of the streams a verdict needs \(SystemInfo, Exception, ModuleList, ThreadList\)/);
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
    const r = await run(dir, '--engine', 'native');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\S+cut\.dmp \(read in part: \d+ warnings\)\n/);
    expect(r.out).toMatch(/\S+whole\.dmp\n/); // a whole dump is not marked
    expect(r.out).toMatch(/1 dump was read only in part .*`analyze dump FILE` names the damage and its byte offset\.\n$/);
    const rows = (JSON.parse((await run(dir, '--engine', 'native', '--json')).out) as { rows: { file: string; warnings: number }[] }).rows;
    expect(rows.find((row) => row.file.endsWith('cut.dmp'))!.warnings).toBeGreaterThan(0);
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
