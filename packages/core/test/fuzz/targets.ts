/**
 * What the fuzzer feeds, and to what: for every format, seed inputs the repository makes (fixtures/ and
 * small builders), the mutations that fit it, and the core entry point(s) of each command that reads it,
 * called in-process exactly as the CLI calls them.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { lookupCode, searchCodes } from '../../src/codes/index.js';
import { analyzeDump } from '../../src/dump/index.js';
import { analyzeNativeBuffer } from '../../src/dump/native/index.js';
import { extractBackup } from '../../src/esxi/backup/extract.js';
import { openBackup } from '../../src/esxi/backup/open.js';
import { checkBackup } from '../../src/esxi/findings/check.js';
import { diffBackups } from '../../src/esxi/diff/backups.js';
import { parseBackup, type ParsedBackup } from '../../src/esxi/diff/parsed.js';
import { restorePlan } from '../../src/esxi/restore-plan.js';
import { showBackup } from '../../src/esxi/show.js';
import { analyzeCapture } from '../../src/pcap/analyze.js';
import { analyzePsod, readPsodWindow } from '../../src/psod/index.js';
import { analyzeProfiles } from '../../src/windows/profiles/analyze.js';
import { analyzeDumpFleet, detectArchive } from '../../src/dump/fleet/index.js';
import { analyzeEvents, recordJson } from '../../src/events/index.js';
import { fixChecksums } from '../../src/pcap/fix/index.js';
import { corpusPath } from '../helpers/corpus.js';
import { ARCHIVE } from './mutate-archive.js';
import { EVTX } from './mutate-evtx.js';
import { BINARY, bombWithinCap, regzip, TEXT, type Mutation } from './mutate.js';

const fixtures = fileURLToPath(new URL('../../../../fixtures/', import.meta.url));
const fx = (...p: string[]) => readFileSync(join(fixtures, ...p));

export interface Target {
  seeds: () => Buffer[];
  mutations: Mutation[];
  /** Runs the command's core entry point(s) on one input; returns the report(s), which must serialise. */
  run: (input: Buffer, scratch: Scratch) => Promise<unknown>;
}

/** A temporary folder for inputs that the core reads by path (pcap, dump) and for extraction. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'analyze-fuzz-'));
  private n = 0;
  file(data: Buffer, name = 'input'): string {
    const p = join(this.dir, `${name}-${this.n++ % 8}`);
    writeFileSync(p, data);
    return p;
  }
  /** Every file under the scratch folder (to see what a call wrote). */
  listing(): string[] {
    return (readdirSync(this.dir, { recursive: true }) as string[]).sort();
  }
  folder(): string {
    const p = join(this.dir, `out-${this.n++}`);
    return p;
  }
  clean(path: string): void {
    rmSync(path, { recursive: true, force: true });
  }
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function minidump(): Buffer {
  const info = Buffer.alloc(56);
  info.writeUInt16LE(9, 0);
  info.writeUInt32LE(10, 8);
  info.writeUInt32LE(19041, 16);
  info.writeUInt32LE(2, 20);
  const exc = Buffer.alloc(168);
  exc.writeUInt32LE(1234, 0);
  exc.writeUInt32LE(0xc0000005, 8);
  const streams = [
    { type: 7, data: info },
    { type: 6, data: exc },
  ];
  const dirRva = 32;
  let at = dirRva + streams.length * 12;
  const b = Buffer.alloc(at + streams.reduce((s, x) => s + x.data.length, 0));
  b.write('MDMP', 0, 'latin1');
  b.writeUInt32LE(0xa793, 4);
  b.writeUInt32LE(streams.length, 8);
  b.writeUInt32LE(dirRva, 12);
  streams.forEach((s, i) => {
    b.writeUInt32LE(s.type, dirRva + i * 12);
    b.writeUInt32LE(s.data.length, dirRva + i * 12 + 4);
    b.writeUInt32LE(at, dirRva + i * 12 + 8);
    s.data.copy(b, at);
    at += s.data.length;
  });
  return b;
}

function kernelDump(): Buffer {
  const b = Buffer.alloc(0x2100, 'PAGE');
  b.write('PAGEDU64', 0, 'latin1');
  b.writeUInt32LE(0xf, 8);
  b.writeUInt32LE(22621, 12);
  b.writeUInt32LE(0x8664, 0x30);
  b.writeUInt32LE(8, 0x34);
  b.writeUInt32LE(0xd1, 0x38);
  b.writeBigUInt64LE(0xfffff80412345678n, 0x58);
  b.writeUInt32LE(4, 0xf98);
  b.writeUInt32LE(0x2000 + 0xf0, 0x2008);
  b.write('TRGD', 0x20f0, 'latin1');
  return b;
}

let esxiBase: ParsedBackup | undefined;

/** A ustar archive of (name, data) members (the fleet seeds; node has no tar writer). */
function makeTar(members: { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const h = Buffer.alloc(512);
    h.write(m.name, 0, 'latin1');
    h.write('0000644\0', 100, 'latin1');
    h.write(`${m.data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('00000000000\0', 136, 'latin1');
    h.write('0', 156, 'latin1');
    h.write('ustar\u000000', 257, 'latin1');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const c of h) sum += c;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    parts.push(h, m.data, Buffer.alloc((512 - (m.data.length % 512)) % 512));
  }
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

let zipWriter: ((m: { name: string; data: Buffer; deflate?: boolean }[]) => Buffer) | undefined;

/** Small zip and tgz fleets: two PCs' minidumps and a kernel dump, stored and deflated, a nested .tgz in a .zip. */
async function fleetSeeds(): Promise<Buffer[]> {
  zipWriter ??= ((await import(join(fixtures, 'gen', 'dump', 'zip.mjs'))) as { makeZip: typeof zipWriter }).makeZip;
  const members = [
    { name: 'PC1/Minidump/120125-1.dmp', data: minidump() },
    { name: 'PC2/MEMORY.DMP', data: kernelDump() },
    { name: 'PC2/notes.txt', data: Buffer.from('not a dump\n') },
  ];
  const tgz = gzipSync(makeTar(members));
  return [
    zipWriter!(members),
    zipWriter!(members.map((m) => ({ ...m, deflate: false }))),
    zipWriter!([...members, { name: 'inner.tgz', data: tgz, deflate: false }]),
    tgz,
    makeTar(members),
  ];
}
let fleetSeedList: Buffer[] = [];

/** Every .evtx the repository holds that is small enough to mutate thousands of times (the gzip-stored corpus unpacked). */
function eventSeeds(): Buffer[] {
  const corpus = ['fukusuket__Microsoft-Windows-User_Profile_Service%4Operational.evtx', 'omerbenamram__Application_no_crc32.evtx', 'omerbenamram__Security_short_selected.evtx', 'williballenthin__dns_log_malformed.evtx', 'sans-blue-team__metasploit-psexec-powershell-target-system.evtx', 'log2timeline__System2.evtx', 'omerbenamram__sample_with_a_bad_chunk_magic.evtx'];
  return [...['application-temp-profile.evtx', 'system-crash-storage-update.evtx', 'value-types.evtx'].map((n) => fx('events', n)), ...corpus.map((n) => readFileSync(corpusPath('evtx', n)))];
}

/** The length of a capture once inflated, or undefined when it does not inflate whole. */
function plainLength(input: Buffer): number | undefined {
  if (input.length < 2 || input[0] !== 0x1f || input[1] !== 0x8b) return input.length;
  try {
    return gunzipSync(input, { maxOutputLength: 64 * 1024 * 1024 }).length;
  } catch {
    return undefined;
  }
}

export const TARGETS: Record<string, Target> = {
  pcap: {
    seeds: () => ['clean.pcap', 'offload-broken.pcap', 'wire-corruption.pcapng', 'offload-zero-flags.pcapng'].map((n) => fx('pcap', 'scenarios', n)).concat([fx('pcap', 'reader', 'sections.pcapng'), fx('pcap', 'reader', 'edge-cases.pcap')]),
    mutations: [...BINARY, regzip(BINARY)],
    run: async (input, s) => analyzeCapture(s.file(input, 'capture'), { limit: 50 }),
  },
  dump: {
    seeds: () => [minidump(), kernelDump(), fx('dump', 'analyze-v-d1-exampledrv.txt')],
    mutations: [...BINARY, ...TEXT],
    run: async (input, s) => [analyzeNativeBufferOrText(input), await analyzeDump(s.file(input, 'dump'), { engine: 'native' })],
  },
  esxi: {
    seeds: () => ['state-6.7.tgz', 'configBundle-esx70.tgz', 'local-repack-ustar.tgz', 'state-7.0.3-encrypted.tgz'].map((n) => fx('esxi', n)),
    mutations: [...BINARY, regzip(BINARY), regzip(BINARY), regzip(TEXT), bombWithinCap(32 * 1024 * 1024)],
    run: async (input, s) => {
      const backup = openBackup(input, { name: 'fuzz.tgz' });
      const parsed = await parseBackup(backup);
      esxiBase ??= await parseBackup(openBackup(fx('esxi', 'state-6.7.tgz'), { name: 'base.tgz' }));
      const out = s.folder();
      try {
        const extracted = extractBackup(backup, out);
        return [await showBackup(backup), checkBackup(parsed), diffBackups(esxiBase, parsed), restorePlan(parsed, esxiBase), extracted];
      } finally {
        s.clean(out);
      }
    },
  },
  psod: {
    seeds: () => [fx('psod', 'e1000.txt')],
    mutations: [...TEXT, regzip(TEXT)],
    // the job's path: bytes streamed through the crash window
    run: async (input) => analyzePsod(await readPsodWindow([input], 'fuzz.txt')),
  },
  profiles: {
    seeds: () => ['temp-profile.reg', 'hostile-deep-chain.hive', 'hostile-subkey-loop.hive'].map((n) => fx('windows', n)),
    mutations: [...BINARY, ...TEXT],
    run: async (input) => analyzeProfiles(input, { file: 'fuzz' }),
  },
  events: {
    seeds: eventSeeds,
    mutations: EVTX,
    run: async (input, s) => {
      const path = s.file(input, 'log.evtx');
      const shown: unknown[] = [];
      const report = await analyzeEvents([path, { name: 'stdin', stream: chunked(input) }], { onRecord: (r) => void (shown.length < 20 && shown.push(recordJson(r))) });
      return [report, shown, await analyzeEvents([path], { strict: true })];
    },
  },
  fleet: {
    seeds: () => fleetSeedList,
    mutations: ARCHIVE,
    run: async (input, s) => {
      const before = s.listing();
      const kind = detectArchive(input.subarray(0, 512)) ?? 'zip';
      const path = s.file(input, `fleet.${kind}`);
      // os.tmpdir() follows TMPDIR: a scratch folder of its own shows any temporary file the reader makes
      const tmp = s.folder();
      const savedTmp = process.env['TMPDIR'];
      process.env['TMPDIR'] = tmp;
      let report;
      try {
        report = await analyzeDumpFleet([path], { engine: 'native', workers: 0, cwd: tmp });
      } finally {
        if (savedTmp === undefined) delete process.env['TMPDIR'];
        else process.env['TMPDIR'] = savedTmp;
      }
      const wrote = s.listing().filter((f) => !before.includes(f) && f !== relative(s.dir, path));
      if (wrote.length > 0) throw new Error(`the fleet reader wrote to disk: ${wrote.join(', ')}`);
      return report;
    },
  },
  fixsums: {
    seeds: () => ['clean.pcap', 'offload-broken.pcap', 'offload-zero-flags.pcapng', 'offload-artifact.pcap'].map((n) => fx('pcap', 'scenarios', n)).concat([fx('pcap', 'reader', 'sections.pcapng'), fx('pcap', 'reader', 'edge-cases.pcap'), fx('pcap', 'reader', 'truncated-tail.pcap')]),
    mutations: [...BINARY, regzip(BINARY)],
    run: async (input, s) => {
      const src = s.file(input, 'capture');
      const out = join(s.folder(), 'fixed.pcap');
      mkdirSync(dirname(out));
      const before = s.listing();
      let report;
      let got = -1;
      try {
        report = await fixChecksums(src, out, { fixLengths: true, limit: 50 });
        got = existsSync(out) ? statSync(out).size : -1;
      } finally {
        const outName = relative(s.dir, out);
        const wrote = s.listing().filter((f) => !before.includes(f) && f !== outName && !outName.startsWith(f));
        s.clean(dirname(out));
        if (wrote.length > 0) throw new Error(`fixChecksums wrote more than its output: ${wrote.join(', ')}`);
      }
      // packets after the damage are copied unchanged, so the output is as long as the (inflated) input
      const want = plainLength(input);
      if (report.bytesWritten !== got) throw new Error(`the report says ${report.bytesWritten} bytes written, the file holds ${got}`);
      if (want !== undefined && got !== want) throw new Error(`output is ${got} bytes, input ${want}${report.error ? ` (damage: ${report.error.message})` : ''}`);
      return report;
    },
  },
  code: {
    seeds: () => ['0xC0000005', 'STATUS_ACCESS_VIOLATION', '80070005', 'E_ACCESSDENIED', 'bugcheck 0xD1', '-1073741819'].map((t) => Buffer.from(t)),
    mutations: [...TEXT],
    run: async (input) => {
      const text = input.toString('utf8').slice(0, 4096);
      return [lookupCode(text), searchCodes(text)];
    },
  },
};

/** The input fed as a stream in uneven pieces (as stdin arrives). */
async function* chunked(input: Buffer): AsyncIterable<Uint8Array> {
  for (let at = 0, n = 1; at < input.length; at += n, n = (n * 7 + 4093) % 70_000) yield input.subarray(at, at + n);
}

/** The fleet seeds are built asynchronously (the zip writer is an .mjs module): call once before fuzzing `fleet`. */
export async function prepareTargets(): Promise<void> {
  if (fleetSeedList.length === 0) fleetSeedList = await fleetSeeds();
}

/** A saved analysis text is not a native dump: the buffer reader refuses it with an AnalyzeError, which is the contract. */
function analyzeNativeBufferOrText(input: Buffer): unknown {
  return analyzeNativeBuffer(input, 'fuzz.dmp');
}
