/**
 * The CLI only prints what the library returns (issue 16): for every command and every fixture, `--json`
 * equals the library call's result serialised; `-` on standard input gives the same report as the file;
 * the JSON carries every warning the text output shows; `--strict` turns a warning into exit 2.
 */
import { describe, expect, it } from '@jest/globals';
import { isDamageWarning } from '@analyze/core/dump';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  analyzeCapture,
  analyzeDump,
  analyzeProfiles,
  analyzePsod,
  checkBackup,
  diffBackups,
  errorReport,
  extractBackup,
  lookupCode,
  restorePlan,
  showBackup,
} from '@analyze/core';
import { analyzeDumpFleet } from '@analyze/core/dump/fleet';
import { analyzeEvents } from '@analyze/core/events';
import { fixChecksums } from '@analyze/core/pcap/fix';
import { corpusPath } from '../../core/test/helpers/corpus.js';
import { main } from '../src/main.js';
import { captureIo } from './helpers/io.js';

const REPO = new URL('../../../', import.meta.url).pathname;

/** Fixture files under fixtures/<dir>, as paths relative to the repository (how a user types them). */
function fixtures(dir: string, keep: (name: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (keep(name)) out.push(relative(REPO, p));
    }
  };
  walk(join(REPO, 'fixtures', dir));
  return out;
}

async function cli(argv: string[], stdin?: Buffer) {
  const io = captureIo({ cwd: REPO, ...(stdin === undefined ? {} : { stdin }) });
  const exit = await main(argv, io);
  return { exit, out: io.stdout, err: io.stderr };
}

/** What the runner prints for a library call: its report, or the error document naming the file. */
async function library(call: () => Promise<object>, file: string): Promise<unknown> {
  const doc = await call().catch((e: unknown) => errorReport(e, { file: (e as { file?: string }).file ?? file }));
  return JSON.parse(JSON.stringify(doc));
}

/** The warning codes a text run printed on stderr (`... [CODE]`). */
function stderrWarningCodes(err: string): string[] {
  return [...err.matchAll(/warning: .*\[([A-Z0-9_]+)\]$/gm)].map((m) => m[1]!);
}

interface Case {
  /** The command line without the file. */
  argv: string[];
  file: string;
  /** The same job through the library, for `name` (the file as typed, or `-`). */
  lib: (input: string | Buffer, name: string) => Promise<object>;
}

const at = (f: string) => join(REPO, f);
const psodCases: Case[] = fixtures('psod').map((file) => ({ argv: ['psod'], file, lib: (i, name) => analyzePsod(i, { name }) }));
const profilesCases: Case[] = fixtures('windows').map((file) => ({ argv: ['profiles'], file, lib: (i, name) => analyzeProfiles(i, { name }) }));
// Archives of dumps (fixtures/dump/fleet) give the fleet report (docs/json-dump-fleet.md), every other fixture the per-dump one.
const isArchive = (f: string) => /\.(zip|tgz|tar)$/.test(f);
const dumpCases: Case[] = fixtures('dump', (n) => !isArchive(n)).map((file) => ({ argv: ['dump', '--engine', 'native'], file, lib: (i, name) => analyzeDump(i, { name, engine: 'native' }) }));
const fleetCases: Case[] = fixtures('dump', isArchive).map((file) => ({ argv: ['dump', '--engine', 'native'], file, lib: (_i, name) => analyzeDumpFleet([name], { engine: 'native', cwd: REPO }) }));
const pcapCases: Case[] = fixtures('pcap').map((file) => ({ argv: ['pcap'], file, lib: (i, name) => analyzeCapture(i, { name }) }));
const backups = fixtures('esxi', (n) => n.endsWith('.tgz') || n.endsWith('.bin')).filter((f) => !f.includes('/pairs/'));
const esxiCases: Case[] = backups.flatMap((file): Case[] => [
  { argv: ['esxi', 'show'], file, lib: (i, name) => showBackup(i, { name }) },
  { argv: ['esxi', 'check'], file, lib: (i, name) => checkBackup(i, { name }) },
  { argv: ['esxi', 'restore-plan'], file, lib: (i, name) => restorePlan(i, { name }) },
]);
// --fix-checksums writes its copy to one scratch file (the report names it as typed: the same for both).
const FIX_OUT = join(mkdtempSync(join(tmpdir(), 'parity-fix-')), 'fixed.pcap');
const fixCases: Case[] = fixtures('pcap').map((file) => ({
  argv: ['pcap', '--fix-checksums', FIX_OUT],
  file,
  lib: (i, name) => fixChecksums(i, FIX_OUT, { name, outputName: FIX_OUT }),
}));
/** One events input through the library, named `name` (bytes are streamed, as standard input is). */
const eventsInput = (i: string | Buffer, name: string) =>
  typeof i === 'string'
    ? { name, path: i }
    : {
        name,
        stream: (async function* () {
          yield i;
        })(),
      };
// The events fixtures made here, and every real log of the corpus (gzip-stored ones unpacked by corpusPath).
const evtxCorpus = readdirSync(join(REPO, 'fixtures/corpus/evtx'))
  .filter((n) => /\.evtx(\.gz)?$/.test(n))
  .sort()
  .map((n) => relative(REPO, corpusPath('evtx', n.replace(/\.gz$/, ''))));
const eventsCases: Case[] = [...fixtures('events', (n) => n.endsWith('.evtx')), ...evtxCorpus].map((file) => ({
  argv: ['events'],
  file,
  lib: (i, name) => analyzeEvents([eventsInput(i, name)]),
}));
const ALL: Case[] = [...psodCases, ...profilesCases, ...dumpCases, ...fleetCases, ...pcapCases, ...fixCases, ...esxiCases, ...eventsCases];

describe('CLI --json equals the library call, for every command and fixture', () => {
  it.each(ALL.map((c) => [`${c.argv.join(' ')} ${c.file}`, c] as const))('%s', async (_label, c) => {
    const r = await cli([...c.argv, c.file, '--json']);
    expect(JSON.parse(r.out)).toEqual(await library(() => c.lib(at(c.file), c.file), c.file));
  });

  it('esxi diff, for every pair', async () => {
    for (const pair of readdirSync(join(REPO, 'fixtures/esxi/pairs')).sort()) {
      const [before, after] = ['before', 'after'].map((s) => `fixtures/esxi/pairs/${pair}/${s}.tgz`) as [string, string];
      const r = await cli(['esxi', 'diff', before, after, '--json']);
      expect(JSON.parse(r.out)).toEqual(await library(() => diffBackups(at(before), at(after), { names: { before, after } }), before));
    }
  });

  it('esxi extract, for every backup (same files written, same skips)', async () => {
    for (const file of backups) {
      const [a, b] = [mkdtempSync(join(tmpdir(), 'parity-a-')), mkdtempSync(join(tmpdir(), 'parity-b-'))];
      try {
        const r = await cli(['esxi', 'extract', file, '--to', a, '--json']);
        const lib = await library(() => extractBackup(at(file), b, { name: file }), file);
        const doc = JSON.parse(r.out) as Record<string, unknown>;
        // The destinations differ, and messages name them.
        expect(doc).toEqual(JSON.parse(JSON.stringify(lib).split(b).join(a)));
      } finally {
        rmSync(a, { recursive: true, force: true });
        rmSync(b, { recursive: true, force: true });
      }
    }
  });

  it('events over several files and a folder: one document, files named as typed (FOLDER/name)', async () => {
    const r = await cli(['events', 'fixtures/events', evtxCorpus[0]!, '--json']);
    const lib = await analyzeEvents([eventsInput(at('fixtures/events'), 'fixtures/events'), eventsInput(at(evtxCorpus[0]!), evtxCorpus[0]!)]);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(JSON.stringify(lib)));
    expect(lib.files.map((f) => f.file)).toEqual([...fixtures('events', (n) => n.endsWith('.evtx')), evtxCorpus[0]]);
  });

  it('code, for known, unknown, wrapped and malformed codes', async () => {
    for (const code of ['0x800B0001', '0x12345678', '0x80070005', 'c0000374', '0x7E', 'ERROR_ACCESS_DENIED']) {
      const r = await cli(['code', code, '--json']);
      expect(JSON.parse(r.out)).toEqual(JSON.parse(JSON.stringify(await lookupCode(code))));
    }
    const bad = await cli(['code', '0xZZ', '--json']);
    expect(JSON.parse(bad.out)).toEqual(await lookupCode('0xZZ').catch((e: unknown) => errorReport(e, { input: '0xZZ' })));
  });
});

describe('- reads standard input and gives the same report as the file', () => {
  // One fixture per command and kind of input is enough here: the parity above covers every fixture.
  const picks = [
    ...psodCases,
    ...profilesCases,
    ...dumpCases,
    ...pcapCases.filter((c) => /checksums-example|offload-broken|truncated-mid\.pcap\.gz|sections\.pcapng\.gz|garbage/.test(c.file)),
    ...esxiCases.filter((c) => /state-6\.7|configBundle-esx70|evil-absolute-path/.test(c.file)),
    ...fixCases.filter((c) => /checksums-example|truncated-tail|mix\.pcapng\.gz|garbage/.test(c.file)),
    ...eventsCases.filter((c) => !c.file.startsWith('node_modules') && /events\/|bad_chunk|no_crc32|malformed/.test(c.file)),
  ];
  it.each(picks.map((c) => [`${c.argv.join(' ')} - < ${c.file}`, c] as const))('%s', async (_label, c) => {
    const data = readFileSync(at(c.file));
    const r = await cli([...c.argv, '-', '--json'], data);
    const fromStdin = JSON.parse(r.out) as object;
    expect(fromStdin).toEqual(await library(() => c.lib(data, '-'), '-'));
    // The same report as for the file, the name aside.
    const fromFile = JSON.parse((await cli([...c.argv, c.file, '--json'])).out) as Record<string, unknown>;
    const sameName = (doc: object) => JSON.parse(JSON.stringify(doc).split(JSON.stringify(c.file)).join('"-"')) as Record<string, unknown>;
    if (c.argv[1] === 'restore-plan') {
      // The steps name the backup file; from standard input it has none, so its kind names it (never `scp -`).
      expect(JSON.stringify(fromStdin)).not.toMatch(/ - |\$ \S+ - /);
      for (const k of ['steps', 'alternative']) delete (fromStdin as Record<string, unknown>)[k], delete fromFile[k];
    }
    expect(fromStdin).toEqual(sameName(fromFile));
  });

  it('pcap - reads a stream in pieces, gzip included, never asking for all of it', async () => {
    const file = 'fixtures/pcap/reader/sections.pcapng.gz';
    const data = readFileSync(at(file));
    let pulled = 0;
    async function* pieces() {
      for (let i = 0; i < data.length; i += 7) {
        pulled = i;
        yield data.subarray(i, i + 7);
      }
    }
    const r = await analyzeCapture(pieces(), { name: '-' });
    expect(pulled).toBeGreaterThan(0);
    expect(r.gzip).toBe(true);
    expect(JSON.stringify(r)).toBe(JSON.stringify(await analyzeCapture(at(file), { name: '-' })));
  });
});

/** Inputs that warn, for the commands whose fixtures never do (made here, fed through standard input). */
const WARNING_INPUTS: Array<{ argv: string[]; data: Buffer }> = [
  // A second crash after the first: PSOD_MORE_CRASHES.
  { argv: ['psod'], data: Buffer.from(readFileSync(at('fixtures/psod/e1000.txt'), 'utf8').repeat(2)) },
  // A small dump cut short (damage: --strict escalates only damage for dumps; a text's notes stay warnings).
  { argv: ['dump'], data: readFileSync(at('fixtures/dump/synthetic-triage-x64.dmp')).subarray(0, 9000) },
  // A .reg export with a value before any key: REGFILE_VALUE_OUTSIDE_KEY.
  {
    argv: ['profiles'],
    data: Buffer.from(
      'Windows Registry Editor Version 5.00\r\n\r\n"Stray"="x"\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\S-1-5-21-1-2-3-1001]\r\n"ProfileImagePath"="C:\\\\Users\\\\alice"\r\n',
    ),
  },
];

describe('warnings: the JSON carries every warning the text shows, and --strict makes each one exit 2', () => {
  const runs = [
    ...ALL.map((c) => ({ label: `${c.argv.join(' ')} ${c.file}`, argv: [...c.argv, c.file], stdin: undefined as Buffer | undefined })),
    ...WARNING_INPUTS.map((w) => ({ label: `${w.argv.join(' ')} - (made to warn)`, argv: [...w.argv, '-'], stdin: w.data })),
    // diff reports the warnings of both sides.
    { label: 'esxi diff (a side that warns)', argv: ['esxi', 'diff', 'fixtures/esxi/state-6.7.tgz', 'fixtures/esxi/evil-absolute-path.tgz'], stdin: undefined },
  ];
  const warned = new Set<string>();
  it.each(runs.map((x) => [x.label, x] as const))('%s', async (_label, x) => {
    const text = await cli(x.argv, x.stdin);
    const json = await cli([...x.argv, '--json'], x.stdin);
    const doc = JSON.parse(json.out) as { warnings?: Array<{ code: string }> } | Array<{ warnings?: Array<{ code: string }> }>;
    const jsonCodes = (Array.isArray(doc) ? doc : [doc]).flatMap((d) => (d.warnings ?? []).map((w) => w.code));
    expect(jsonCodes).toEqual(stderrWarningCodes(text.err));
    if (jsonCodes.length === 0) return;
    const strict = await cli([...x.argv, '--strict'], x.stdin);
    if (x.argv[0] === 'dump' && !jsonCodes.some(isDamageWarning)) {
      // Notes only (a debugger's own warning lines): --strict leaves the answer as it was.
      expect(strict.exit).toBe(text.exit);
      return;
    }
    warned.add(x.argv[0] === 'esxi' ? `esxi ${x.argv[1]}` : x.argv.includes('--fix-checksums') ? 'pcap --fix-checksums' : x.argv[0]!);
    expect(strict.exit).toBe(2);
    expect(strict.err).toMatch(/^analyze: /m);
  });
  it('every command that reads a file had a warning to escalate', () => {
    expect([...warned].sort()).toEqual(['dump', 'esxi check', 'esxi diff', 'esxi restore-plan', 'esxi show', 'events', 'pcap', 'pcap --fix-checksums', 'profiles', 'psod']);
  });
});

describe('usage errors with --json are JSON on stdout', () => {
  it.each([
    [['pcap', 'fixtures/pcap/checksums-example.pcapng', '--limit', 'x', '--json']],
    [['code', '--search', 'access', '--limit', 'x', '--json']],
    [['dump', 'fixtures/dump/analyze-v-d1-exampledrv.txt', '--timeout', '0', '--json']],
    [['pcap', '--jsno', 'x', '--json']],
    [['dump', 'fixtures/dump/fleet', '--workers', 'x', '--json']],
    [['dump', 'fixtures/dump/analyze-v-d1-exampledrv.txt', '--workers', '-3', '--json']],
    [['dump', 'fixtures/dump/fleet', '--csv', '-', '--json']],
    [['events', 'fixtures/events/value-types.evtx', '--records', '--json']],
    [['pcap', 'fixtures/pcap/checksums-example.pcapng', '--fix-checksums', '-', '--json']],
  ])('%p', async (argv) => {
    const r = await cli(argv);
    expect(r.exit).toBe(2);
    const doc = JSON.parse(r.out) as { schemaVersion: string; error: { code: string; message: string } };
    expect(doc).toEqual({ schemaVersion: '1.0', error: { code: 'USAGE', message: expect.any(String) } });
    expect(doc.error.message).not.toMatch(/NaN/);
  });
});
