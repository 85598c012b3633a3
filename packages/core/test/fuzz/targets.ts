/**
 * What the fuzzer feeds, and to what: for every format, seed inputs the repository makes (fixtures/ and
 * small builders), the mutations that fit it, and the core entry point(s) of each command that reads it,
 * called in-process exactly as the CLI calls them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { analyzePsod, psodText } from '../../src/psod/index.js';
import { analyzeProfiles } from '../../src/windows/profiles/analyze.js';
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
    run: async (input) => analyzePsod(psodText(input, 'fuzz.txt')),
  },
  profiles: {
    seeds: () => ['temp-profile.reg', 'hostile-deep-chain.hive', 'hostile-subkey-loop.hive'].map((n) => fx('windows', n)),
    mutations: [...BINARY, ...TEXT],
    run: async (input) => analyzeProfiles(input, { file: 'fuzz' }),
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

/** A saved analysis text is not a native dump: the buffer reader refuses it with an AnalyzeError, which is the contract. */
function analyzeNativeBufferOrText(input: Buffer): unknown {
  return analyzeNativeBuffer(input, 'fuzz.dmp');
}
