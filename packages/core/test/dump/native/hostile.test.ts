/**
 * Hostile and damaged inputs, built in-test: absurd counts, RVAs past the end, self-referencing
 * directories, truncations and bit flips of real files. Every one must end in a report or an
 * AnalyzeError with a DUMP_* code and a byte offset — never another exception, a hang or a huge allocation.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyzeError } from '../../../src/errors.js';
import { analyzeNativeBuffer, analyzeNativeFile } from '../../../src/dump/native/index.js';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';
import { MAX_MODULES, MAX_UNLOADED_MODULES } from '../../../src/dump/native/minidump-streams.js';
import { analyzeErrorOf } from '../../helpers/errors.js';
import { CRASH_UNREADABLE, crashUnreadable } from '../../../src/dump/crash-unreadable.js';

/** A Windows 10 x64 small dump built by fixtures/gen/dump/triage-x64.mjs (1.1 MB, TRGD marker at its end). */
const SYNTHETIC_X64 = fixturePath('dump', 'synthetic-triage-x64.dmp');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AnalyzeError) return e.code;
    throw e;
  }
  return 'OK';
}


// ---- minidump builder --------------------------------------------------------------------------------

interface Stream {
  type: number;
  data: Buffer;
  /** Override the directory's RVA / size for this stream. */
  rva?: number;
  size?: number;
}

/** Header (32) + directory + stream data, laid out in order. */
function minidump(streams: Stream[], patch?: (b: Buffer, layout: { dirRva: number; rvas: number[] }) => void): Buffer {
  const dirRva = 32;
  let at = dirRva + streams.length * 12;
  const rvas: number[] = [];
  for (const s of streams) {
    rvas.push(at);
    at += s.data.length;
  }
  const b = Buffer.alloc(at);
  b.write('MDMP', 0, 'latin1');
  b.writeUInt32LE(0xa793, 4);
  b.writeUInt32LE(streams.length, 8);
  b.writeUInt32LE(dirRva, 12);
  b.writeUInt32LE(1_600_000_000, 20);
  streams.forEach((s, i) => {
    b.writeUInt32LE(s.type, dirRva + i * 12);
    b.writeUInt32LE(s.size ?? s.data.length, dirRva + i * 12 + 4);
    b.writeUInt32LE(s.rva ?? rvas[i]!, dirRva + i * 12 + 8);
    s.data.copy(b, rvas[i]!);
  });
  patch?.(b, { dirRva, rvas });
  return b;
}

function systemInfo(platformId = 2, cpu = 9): Buffer {
  const b = Buffer.alloc(56);
  b.writeUInt16LE(cpu, 0);
  b.writeUInt8(4, 6);
  b.writeUInt32LE(10, 8);
  b.writeUInt32LE(19041, 16);
  b.writeUInt32LE(platformId, 20);
  return b;
}

describe('hostile minidumps', () => {
  it('a minimal valid one parses (the builder is right)', () => {
    const r = analyzeNativeBuffer(minidump([{ type: 7, data: systemInfo() }]));
    expect(r.os).toEqual({ platform: 'Windows NT', version: '10.0.19041', build: 19041, architecture: 'amd64', processors: 4 });
  });

  it('NumberOfStreams = 2^32-1 is refused before anything is allocated', () => {
    const b = minidump([{ type: 7, data: systemInfo() }]);
    b.writeUInt32LE(0xffffffff, 8);
    const e = analyzeErrorOf(() => analyzeNativeBuffer(b));
    expect(e.code).toBe('DUMP_BAD_COUNT');
    expect(e.offset).toBe(8);
  });

  it('a stream directory RVA past the end of the file', () => {
    const b = minidump([{ type: 7, data: systemInfo() }]);
    b.writeUInt32LE(0xfffffff0, 12);
    const e = analyzeErrorOf(() => analyzeNativeBuffer(b));
    expect(e.code).toBe('DUMP_TRUNCATED');
    expect(e.offset).toBe(b.length);
  });

  it('ModuleList with a count of 2^32-1', () => {
    const list = Buffer.alloc(4 + 108);
    list.writeUInt32LE(0xffffffff, 0);
    expect(codeOf(() => analyzeNativeBuffer(minidump([{ type: 7, data: systemInfo() }, { type: 4, data: list }])))).toBe('DUMP_BAD_COUNT');
  });

  it('ModuleList whose count exceeds what its stream holds', () => {
    const list = Buffer.alloc(4 + 108);
    list.writeUInt32LE(50, 0);
    const e = analyzeErrorOf(() => analyzeNativeBuffer(minidump([{ type: 7, data: systemInfo() }, { type: 4, data: list }])));
    expect(e.code).toBe('DUMP_BAD_COUNT');
    expect(e.message).toMatch(/50 entries/);
  });

  it('a stream RVA past the end is a warning, and an error in strict mode', () => {
    const b = minidump([
      { type: 7, data: systemInfo() },
      { type: 6, data: Buffer.alloc(168), rva: 0x7fff0000 },
    ]);
    const r = analyzeNativeBuffer(b);
    expect(r.exception).toBeNull();
    expect(r.warnings.map((w) => w.message).join(' ')).toMatch(/Exception stream .* past the end/);
    // first, that a crash is recorded but lost (not a dump without one)
    expect(r.warnings.map((w) => w.code)).toEqual([CRASH_UNREADABLE, 'DUMP_TRUNCATED', 'DUMP_STREAM_OUT_OF_FILE']);
    expect(r.warnings[2]!.offset).toBe(32 + 12); // the directory entry that points outside
    // --strict: the first warning, that the file is cut short where it ends, is the error
    const e = analyzeErrorOf(() => analyzeNativeBuffer(b, 'x.dmp', { strict: true }));
    expect(e.code).toBe('DUMP_TRUNCATED');
    expect(e.offset).toBe(b.length);
  });

  it('a real minidump cut short is said to be, even when the streams the verdict reads survived', () => {
    const whole = readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_tiny-exe-with-cet-xsave.dmp'));
    const r = analyzeNativeBuffer(whole.subarray(0, 9273));
    expect(r.warnings.map((w) => w.code)).toContain('DUMP_TRUNCATED');
    expect(r.warnings.find((w) => w.code === 'DUMP_TRUNCATED')).toMatchObject({ offset: 9273, message: expect.stringMatching(/places 3 streams past the end .*: the dump was cut short$/) });
    expect(analyzeNativeBuffer(whole).warnings.map((w) => w.code)).not.toContain('DUMP_TRUNCATED');
  });

  it('an exception stream that cannot be read is not called a dump taken on demand', () => {
    const cut = readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_minidump2.dmp')).subarray(0, 300); // Exception stream at 220..388
    const r = analyzeNativeBuffer(cut);
    expect(r.exception).toBeNull();
    expect(r.culprit?.module).toBeNull();
    expect(r.culprit?.evidence.join(' ')).not.toMatch(/on demand/);
    expect(r.culprit?.evidence[0]).toMatch(/lists an exception stream, but it could not be read/);
  });

  it('a crash whose exception stream is cut off or too short is a crash that could not be read, never "no crash" (DUMP_CRASH_UNREADABLE, first)', () => {
    const whole = readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_null_read_av.dmp'));
    /** The directory entry of the Exception stream (type 6). */
    const entry = (b: Buffer) => {
      const dir = b.readUInt32LE(12);
      for (let i = 0; i < b.readUInt32LE(8); i++) if (b.readUInt32LE(dir + i * 12) === 6) return dir + i * 12;
      throw new Error('no Exception stream');
    };
    expect(crashUnreadable(analyzeNativeBuffer(whole))).toBe(false);
    // Cut short (a partial copy): the audit's 400 bytes keep the directory, not the stream.
    const cut = analyzeNativeBuffer(whole.subarray(0, 400));
    expect(cut.exception).toBeNull();
    expect(cut.warnings[0]).toMatchObject({ code: CRASH_UNREADABLE, offset: entry(whole), message: expect.stringMatching(/records a crash .* could not be read/) });
    // The stream too small: the directory gives it 4 bytes.
    const small = Buffer.from(whole);
    small.writeUInt32LE(4, entry(small) + 4);
    const r = analyzeNativeBuffer(small);
    expect(r.exception).toBeNull();
    expect(r.warnings.map((w) => w.code)).toEqual([CRASH_UNREADABLE, 'DUMP_BAD_STREAM']);
    // Past the warning cap (150 duplicate streams first), it is still there.
    const dup = minidump([...Array.from({ length: 150 }, () => ({ type: 7, data: systemInfo() })), { type: 6, data: Buffer.alloc(168), rva: 0x7fff0000 }]);
    expect(crashUnreadable(analyzeNativeBuffer(dup))).toBe(true);
    // A dump that lists no exception stream was taken on demand: no crash, no such warning.
    expect(crashUnreadable(analyzeNativeBuffer(minidump([{ type: 7, data: systemInfo() }])))).toBe(false);
  });

  it('directory loop: the directory RVA points at the header itself, and a stream at the directory', () => {
    // Directory at offset 0: its first "entry" is the MDMP signature itself (type 0x504D444D).
    const b = minidump([{ type: 7, data: systemInfo() }], (buf) => buf.writeUInt32LE(0, 12));
    expect(['OK', 'DUMP_NO_STREAMS']).toContain(codeOf(() => analyzeNativeBuffer(b)));
    // ModuleList pointing at the directory: its "count" is a stream type, its entries the directory.
    const c = minidump([{ type: 7, data: systemInfo() }, { type: 4, data: Buffer.alloc(0), rva: 32, size: 24 }]);
    expect(['OK', 'DUMP_BAD_COUNT']).toContain(codeOf(() => analyzeNativeBuffer(c)));
  });

  it('a module name RVA pointing at itself / at a 4 GB length is a warning, not a read of 4 GB', () => {
    const list = Buffer.alloc(4 + 108);
    list.writeUInt32LE(1, 0);
    list.writeBigUInt64LE(0x400000n, 4);
    list.writeUInt32LE(0x1000, 12);
    const b = minidump([{ type: 7, data: systemInfo() }, { type: 4, data: list }], (buf, { rvas }) => {
      buf.writeUInt32LE(rvas[1]! + 4 + 20, rvas[1]! + 4 + 20); // ModuleNameRva -> itself: length = its own offset
      buf.writeUInt32LE(0, rvas[1]! + 4 + 24);
    });
    const r = analyzeNativeBuffer(b);
    expect(r.modules).toHaveLength(1);
    expect(r.modules![0]!.name).toBe('module#0');
    expect(r.warnings.map((w) => w.message).join(' ')).toMatch(/module 0: its name could not be read/);
    const big = minidump([{ type: 7, data: systemInfo() }, { type: 4, data: list }], (buf, { rvas }) => {
      buf.writeUInt32LE(rvas[0]!, rvas[1]! + 4 + 20); // name RVA -> SystemInfo (its first u32 read as a length)
      buf.writeUInt32LE(0xfffffff0, rvas[0]!);
    });
    expect(analyzeNativeBuffer(big).warnings.map((w) => w.message).join(' ')).toMatch(/claims \d+ bytes/);
  });

  it('a thread list whose stack descriptors point past the end still gives the exception', () => {
    const threads = Buffer.alloc(4 + 48);
    threads.writeUInt32LE(1, 0);
    threads.writeUInt32LE(7, 4);
    threads.writeBigUInt64LE(0x1000n, 4 + 24);
    threads.writeUInt32LE(0xffffff, 4 + 32);
    threads.writeUInt32LE(0xffffff00, 4 + 36);
    const exc = Buffer.alloc(168);
    exc.writeUInt32LE(7, 0);
    exc.writeUInt32LE(0xc0000005, 8);
    exc.writeBigUInt64LE(0x1234n, 24);
    exc.writeUInt32LE(1232, 160);
    exc.writeUInt32LE(0xfffffff0, 164);
    const r = analyzeNativeBuffer(minidump([{ type: 7, data: systemInfo() }, { type: 3, data: threads }, { type: 6, data: exc }]));
    expect(r.exception?.code).toBe('0xC0000005');
    expect(r.exception?.reason).toBe('EXCEPTION_ACCESS_VIOLATION');
    expect(r.warnings.map((w) => w.message).join(' ')).toMatch(/context .* past the end/);
  });

  it('a ThreadNames stream claiming more names than it holds costs the names, not the threads (strict: an error)', () => {
    const threads = Buffer.alloc(4 + 48);
    threads.writeUInt32LE(1, 0);
    threads.writeUInt32LE(7, 4);
    const names = Buffer.alloc(4 + 12);
    names.writeUInt32LE(1000, 0);
    const b = minidump([{ type: 7, data: systemInfo() }, { type: 3, data: threads }, { type: 24, data: names }]);
    const r = analyzeNativeBuffer(b);
    expect(r.threads).toEqual([{ id: 7, name: null, stackStart: '0x0', stackSize: 0 }]);
    expect(r.warnings.map((w) => w.message).join(' ')).toMatch(/ThreadNames claims 1000 entries .*: thread names skipped/);
    expect(codeOf(() => analyzeNativeBuffer(b, 'x.dmp', { strict: true }))).toBe('DUMP_BAD_COUNT');
  });

  it('many entries naming one long string: a clear error, not gigabytes of decoded names (modules, unloaded modules, thread names)', () => {
    // 2,000 entries x a 64 KB name = 128 MB decoded from a 300 KB file; 100,000 of them (10 MB) used to abort Node.
    const n = 2000;
    const nameLen = 65534;
    const name = Buffer.alloc(4 + nameLen, 0x41);
    name.writeUInt32LE(nameLen, 0);
    const modules = Buffer.alloc(4 + n * 108);
    modules.writeUInt32LE(n, 0);
    const unloaded = Buffer.alloc(12 + n * 24);
    unloaded.writeUInt32LE(12, 0);
    unloaded.writeUInt32LE(24, 4);
    unloaded.writeUInt32LE(n, 8);
    const threads = Buffer.alloc(4);
    const names = Buffer.alloc(4 + n * 12);
    names.writeUInt32LE(n, 0);
    const cases: [number, Buffer, (b: Buffer, listRva: number, nameRva: number) => void][] = [
      [4, modules, (b, at, nameRva) => { for (let i = 0; i < n; i++) { b.writeBigUInt64LE(BigInt(0x10000 * (i + 1)), at + 4 + i * 108); b.writeUInt32LE(0x1000, at + 4 + i * 108 + 8); b.writeUInt32LE(nameRva, at + 4 + i * 108 + 20); } }],
      [14, unloaded, (b, at, nameRva) => { for (let i = 0; i < n; i++) b.writeUInt32LE(nameRva, at + 12 + i * 24 + 20); }],
      [24, names, (b, at, nameRva) => { for (let i = 0; i < n; i++) { b.writeUInt32LE(i + 1, at + 4 + i * 12); b.writeBigUInt64LE(BigInt(nameRva), at + 4 + i * 12 + 4); } }],
    ];
    for (const [type, list, fill] of cases) {
      const streams = [{ type: 7, data: systemInfo() }, { type: 3, data: threads }, { type, data: list }, { type: 0x4242, data: name }];
      const b = minidump(streams, (buf, { rvas }) => fill(buf, rvas[2]!, rvas[3]!));
      const e = analyzeErrorOf(() => analyzeNativeBuffer(b));
      expect(`${type}: ${e.code}`).toBe(`${type}: DUMP_NAMES_TOO_LARGE`);
      expect(e.offset).toBeLessThanOrEqual(b.length);
    }
  });

  it(`a ModuleList of ${MAX_MODULES + 1} modules is refused (each is listed in the report: 100,000 peaked dump --json at ~290 MB)`, () => {
    const list = Buffer.alloc(4 + (MAX_MODULES + 1) * 108);
    list.writeUInt32LE(MAX_MODULES + 1, 0);
    const e = analyzeErrorOf(() => analyzeNativeBuffer(minidump([{ type: 7, data: systemInfo() }, { type: 4, data: list }])));
    expect(e.code).toBe('DUMP_BAD_COUNT');
    expect(e.message).toContain(`(at most ${MAX_MODULES} are plausible)`);
  });

  it(`an UnloadedModuleList of 5,000 entries: the first ${MAX_UNLOADED_MODULES} are read, and a warning says so`, () => {
    const n = 5000;
    const name = Buffer.alloc(4 + 8);
    name.writeUInt32LE(8, 0);
    name.write('a\0.\0d\0l\0', 4, 'latin1');
    const unloaded = Buffer.alloc(12 + n * 24);
    unloaded.writeUInt32LE(12, 0);
    unloaded.writeUInt32LE(24, 4);
    unloaded.writeUInt32LE(n, 8);
    const b = minidump([{ type: 7, data: systemInfo() }, { type: 14, data: unloaded }, { type: 0x4242, data: name }], (buf, { rvas }) => {
      for (let i = 0; i < n; i++) buf.writeUInt32LE(rvas[2]!, rvas[1]! + 12 + i * 24 + 20);
    });
    const r = analyzeNativeBuffer(b);
    expect(r.unloadedModules).toHaveLength(MAX_UNLOADED_MODULES);
    expect(r.warnings).toContainEqual(expect.objectContaining({ code: 'DUMP_BAD_COUNT', message: expect.stringContaining(`holds ${n} entries (Windows keeps 64): only the first ${MAX_UNLOADED_MODULES} are read`) }));
  });

  it('an MDMP signature with another version is named as such, at the version field (not "no MDMP signature")', () => {
    const b = minidump([{ type: 7, data: systemInfo() }]);
    b.writeUInt32LE(0x1234, 4);
    const e = analyzeErrorOf(() => analyzeNativeBuffer(b));
    expect(e.code).toBe('DUMP_NOT_A_DUMP');
    expect(e.offset).toBe(4);
    expect(e.message).toMatch(/MDMP signature, but its version 0x1234 is not MINIDUMP_VERSION 0xa793/);
  });

  it('not a dump at all: text, ELF, USERDU64, empty', () => {
    expect(codeOf(() => analyzeNativeBuffer(Buffer.from('hello world, not a dump')))).toBe('DUMP_NOT_A_DUMP');
    expect(codeOf(() => analyzeNativeBuffer(Buffer.from('\x7fELF\x02\x01\x01\0', 'latin1')))).toBe('DUMP_NOT_A_DUMP');
    expect(analyzeErrorOf(() => analyzeNativeBuffer(Buffer.from('USERDU64xxxxxxxx'))).message).toMatch(/USERDUMP/);
    expect(analyzeErrorOf(() => analyzeNativeBuffer(Buffer.alloc(0))).message).toMatch(/too short/);
  });

  it('an archive of dumps (on standard input, say) is named as one, with how to have its dumps read', () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60)]);
    expect(analyzeErrorOf(() => analyzeNativeBuffer(zip)).message).toBe('this is a zip archive, not a dump: named as a path without --no-group (analyze dump dumps.zip), the dumps inside are read');
    const tar = Buffer.alloc(1024);
    tar.write('ustar', 257, 'latin1');
    expect(analyzeErrorOf(() => analyzeNativeBuffer(tar)).message).toMatch(/^this is a tar archive, not a dump/);
  });
});

// ---- kernel header builder ---------------------------------------------------------------------------

/** A triage header area after a kernel64() header, with its "TRGD" end marker in place. */
function triageArea(): Buffer {
  const t = Buffer.alloc(0x100);
  t.writeUInt32LE(0x2000 + 0xf0, 0x08); // ValidOffset
  t.write('TRGD', 0xf0, 'latin1');
  return t;
}

function kernel64(dumpType: number, size = 0x2000): Buffer {
  const b = Buffer.alloc(size, 'PAGE');
  b.write('PAGEDU64', 0, 'latin1');
  b.writeUInt32LE(0xf, 8);
  b.writeUInt32LE(22621, 12);
  b.writeUInt32LE(0x8664, 0x30);
  b.writeUInt32LE(8, 0x34);
  b.writeUInt32LE(0xd1, 0x38);
  b.writeBigUInt64LE(0xfffff80412345678n, 0x58);
  b.writeUInt32LE(dumpType, 0xf98);
  b.writeBigUInt64LE(133_000_000_000_000_000n, 0xfa8);
  return b;
}

describe('hostile kernel dumps', () => {
  it('a header cut short names the missing bytes', () => {
    const b = kernel64(4).subarray(0, 0x800);
    const e = analyzeErrorOf(() => analyzeNativeBuffer(b));
    expect(e.code).toBe('DUMP_TRUNCATED');
    expect(e.offset).toBe(0); // the header starts there and is incomplete
    expect(e.message).toMatch(/DUMP_HEADER64/);
  });

  it('a triage dump claiming 2^32-1 drivers: the bugcheck still, the count refused (an error with strict)', () => {
    const b = Buffer.concat([kernel64(4), triageArea()]);
    b.writeUInt32LE(0x2000 + 0x100, 0x2000 + 0x30); // DriverListOffset
    b.writeUInt32LE(0xffffffff, 0x2000 + 0x34); // DriverCount
    const r = analyzeNativeBuffer(b);
    expect(r.bugcheck?.code).toBe('0x000000D1');
    expect(r.drivers).toEqual([]);
    expect(r.warnings.map((w) => w.message).join(' ')).toMatch(/driver list could not be read .*4294967295 drivers/);
    // The warning keeps the reader's code and the byte offset of the damage (the same ones --strict throws).
    expect(r.warnings).toContainEqual(expect.objectContaining({ code: 'DUMP_BAD_COUNT', offset: 0x2100 }));
    expect(r.culprit).toEqual({ module: null, evidence: [expect.stringMatching(/driver list is missing or damaged/)] });
    const e = analyzeErrorOf(() => analyzeNativeBuffer(b, 'x.dmp', { strict: true }));
    expect(e.code).toBe('DUMP_BAD_COUNT');
    expect(e.offset).toBe(0x2100);
  });

  it('triage driver names count against the names budget: 4,096 drivers naming one 1,024-character string cost the list, not the bugcheck', () => {
    const n = 4096;
    const entry = 0x90;
    const listAt = 0x2000 + 0x100;
    const nameAt = listAt + n * entry;
    const b = Buffer.concat([kernel64(4), triageArea(), Buffer.alloc(n * entry + 4 + 2048, 0x41)]);
    b.writeUInt32LE(listAt, 0x2000 + 0x30); // DriverListOffset
    b.writeUInt32LE(n, 0x2000 + 0x34); // DriverCount
    for (let i = 0; i < n; i++) b.writeUInt32LE(nameAt, listAt + i * entry);
    b.writeUInt32LE(1024, nameAt);
    const r = analyzeNativeBuffer(b);
    expect(r.bugcheck?.code).toBe('0x000000D1');
    expect(r.drivers).toEqual([]);
    expect(r.warnings).toContainEqual(expect.objectContaining({ code: 'DUMP_NAMES_TOO_LARGE' }));
  });

  it('a triage driver list past the end of the file: the bugcheck still, DUMP_TRUNCATED with strict', () => {
    const b = Buffer.concat([kernel64(4), triageArea()]);
    b.writeUInt32LE(0x7fffffff, 0x2000 + 0x30);
    b.writeUInt32LE(10, 0x2000 + 0x34);
    expect(analyzeNativeBuffer(b).bugcheck?.name).toBe('DRIVER_IRQL_NOT_LESS_OR_EQUAL');
    expect(codeOf(() => analyzeNativeBuffer(b, 'x.dmp', { strict: true }))).toBe('DUMP_TRUNCATED');
  });

  it('a small dump copied while being written (cut after the header) gives the header facts', () => {
    const real = readFileSync(SYNTHETIC_X64);
    for (const cut of [0x2000, 0x2100, 9000, 70_000, 1_000_000]) {
      const r = analyzeNativeBuffer(real.subarray(0, cut));
      expect(r.bugcheck?.code).toBe('0x1000007E');
      expect(r.os?.build).toBe(19045); // fixtures/gen/dump/triage-x64.mjs BUILD
      expect(r.warnings.length).toBeGreaterThan(0);
    }
  });

  it('a process (EPROCESS) copy past the end of the file, or cut by it, is a warning like the other parts (and an error with --strict)', () => {
    const real = readFileSync(SYNTHETIC_X64);
    expect(analyzeNativeBuffer(real).processName).toBe('System');
    const processAt = real.readUInt32LE(0x2000 + 32); // TRIAGE_DUMP64.ProcessOffset
    const past = Buffer.from(real);
    past.writeUInt32LE(0xffffffff, 0x2000 + 32);
    const cuts: Array<[Buffer, RegExp, number]> = [
      [past, /lies past the end of the file$/, real.length],
      [real.subarray(0, processAt - 0x100), /lies past the end of the file$/, processAt - 0x100],
      [real.subarray(0, processAt + 8), /is cut short by the end of the file \(\d+ of its bytes are missing\)$/, processAt + 8],
    ];
    for (const [b, message, offset] of cuts) {
      const r = analyzeNativeBuffer(b);
      expect(r.processName).toBeNull();
      expect(r.warnings).toContainEqual({ code: 'DUMP_PROCESS_TRUNCATED', message: expect.stringMatching(message), offset, file: '<buffer>' });
    }
    expect(analyzeErrorOf(() => analyzeNativeBuffer(past, 'x.dmp', { strict: true }))).toMatchObject({ code: 'DUMP_PROCESS_TRUNCATED', offset: real.length });
  });

  it('the same with --strict: the error says the dump is cut where it ends (not that a header is unreadable) and promises no output', () => {
    const real = readFileSync(SYNTHETIC_X64);
    for (const cut of [0x2100, 9000, 70_000, 1_000_000]) {
      const e = analyzeErrorOf(() => analyzeNativeBuffer(real.subarray(0, cut), 'cut.dmp', { strict: true }));
      expect(e).toMatchObject({ code: 'DUMP_TRIAGE_TRUNCATED', offset: cut });
      expect(e.message).toMatch(/^the small dump is cut short: its end marker should be at byte \d+$/);
      // Nothing is printed under --strict, so the message must not say the header facts are shown.
      expect(e.message).not.toMatch(/shown|below|above/);
      expect(e.offset).toBeDefined();
    }
    // Without --strict the same sentence is the warning, and the header facts are the report.
    const r = analyzeNativeBuffer(real.subarray(0, 9000));
    expect(r.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^the small dump's driver list could not be read .*; the header facts \(bugcheck, build, time\) do not need it$/));
  });

  it('a header-only bitmap dump gives the bugcheck and says why no driver is named', () => {
    const b = Buffer.concat([kernel64(5), Buffer.from('SDMPDUMP'), Buffer.alloc(0x100)]);
    const r = analyzeNativeBuffer(b);
    expect(r.format).toBe('kernel-bitmap');
    expect(r.bugcheck).toEqual({ code: '0x000000D1', name: 'DRIVER_IRQL_NOT_LESS_OR_EQUAL', parameters: ['0x4547415045474150', '0x4547415045474150', '0x4547415045474150', '0xfffff80412345678'] });
    expect(r.kernel?.dumpTypeName).toBe('kernel memory dump (bitmap)');
    expect(r.culprit?.module).toBeNull();
    expect(r.culprit?.evidence[0]).toMatch(/--engine cdb/);
  });

  it('a sparse 8 GB MEMORY.DMP gives its bugcheck from the header pages without being read through', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-dump-'));
    const file = join(dir, 'MEMORY.DMP');
    try {
      const fd = openSync(file, 'w');
      const head = Buffer.concat([kernel64(5), Buffer.from('FDMPDUMP')]);
      writeSync(fd, head, 0, head.length, 0);
      ftruncateSync(fd, 8 * 1024 ** 3);
      closeSync(fd);
      const rss = process.memoryUsage().rss;
      const r = await analyzeNativeFile(file);
      expect(r.bugcheck?.code).toBe('0x000000D1');
      expect(r.kernel?.dumpTypeName).toBe('complete memory dump (bitmap)');
      expect(r.os?.build).toBe(22621);
      // Positional reads: memory grows by kilobytes, not gigabytes.
      expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- damage to real files ----------------------------------------------------------------------------

/** Deterministic xorshift32, so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Real dumps of the corpus, and the synthetic x64 small dump in their place for the one that may not be redistributed. */
const REAL: [string, () => string][] = [
  ['synthetic-triage-x64.dmp', () => SYNTHETIC_X64],
  ...(
    [
      ['kernel', 'kdlibcpp_win10_arm64_mem.dmp'],
      ['kernel', 'kdlibcpp_RPi3_ARM_mini.dmp'],
      ['mdmp', 'breakpad_minidump2.dmp'],
      ['mdmp', 'breakpad_thread_name_list.dmp'],
      ['mdmp', 'symbolicator_macos-no-fp.dmp'],
      ['mdmp', 'rust-minidump_linux-mini.dmp'],
    ] as const
  ).map(([dir, name]): [string, () => string] => [name, () => corpusPath('dumps', dir, name)]),
];

describe('frame-pointer chain', () => {
  it('a circular chain ends instead of looping', async () => {
    const { walkFramePointers } = await import('../../../src/dump/native/modules.js');
    const stack = Buffer.alloc(64);
    stack.writeBigUInt64LE(0x1000n, 0); // record at 0x1000 points at itself
    stack.writeBigUInt64LE(0xdeadn, 8);
    expect(walkFramePointers(stack, 0x1000n, 0x1000n, 8)).toHaveLength(1);
    stack.writeBigUInt64LE(0x1010n, 0); // 0x1000 -> 0x1010 -> 0x1000 (backwards: stop)
    stack.writeBigUInt64LE(0x1000n, 16);
    stack.writeBigUInt64LE(0xbeefn, 24);
    expect(walkFramePointers(stack, 0x1000n, 0x1000n, 8)).toHaveLength(2);
    expect(walkFramePointers(stack, 0x1000n, 0xfffffffffffffff0n, 8)).toEqual([]);
  });
});

describe('truncated and bit-flipped real dumps', () => {
  for (const [name, path] of REAL) {
    const data = readFileSync(path());

    it(`${name}: every truncation gives a report or an AnalyzeError`, () => {
      const cuts = [0, 4, 8, 31, 32, 100, 0x1000, 0x2000, 0x2080, 0x3000, ...Array.from({ length: 24 }, (_, i) => Math.floor((data.length * (i + 1)) / 25))];
      // A kernel dump whose header is complete always keeps its verdict (what was read before the damage).
      const headerSize = data.subarray(0, 8).toString('latin1') === 'PAGEDU64' ? 0x2000 : data.subarray(0, 8).toString('latin1') === 'PAGEDUMP' ? 0x1000 : Infinity;
      for (const cut of cuts) {
        const code = codeOf(() => analyzeNativeBuffer(data.subarray(0, Math.min(cut, data.length))));
        expect(code).toMatch(/^(OK|DUMP_[A-Z_]+)$/);
        expect(code).not.toBe('DUMP_INTERNAL'); // a decoder bug wrapped, not a clean rejection
        if (cut >= headerSize) expect(`${cut}: ${code}`).toBe(`${cut}: OK`);
      }
    });

    it(`${name}: 300 random corruptions of the structures give a report or an AnalyzeError`, () => {
      const next = rng(name.length * 7919);
      // Damage where the structures live: header, directory/triage header, lists (first 96 KB).
      const span = Math.min(data.length, 96 * 1024);
      for (let i = 0; i < 300; i++) {
        const copy = Buffer.from(data);
        for (let k = 0; k < 4; k++) {
          const at = next() % span;
          copy[at] = next() & 0xff;
        }
        const code = codeOf(() => analyzeNativeBuffer(copy));
        expect(code).toMatch(/^(OK|DUMP_[A-Z_]+)$/);
        expect(code).not.toBe('DUMP_INTERNAL'); // a decoder bug wrapped, not a clean rejection
      }
    });
  }
});
