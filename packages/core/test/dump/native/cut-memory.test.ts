/**
 * A minidump cut short inside its memory data (MemoryList / Memory64List ranges, thread stacks and contexts),
 * after every stream the directory lists: it used to read as intact (no warning, fleet damage 0, --strict
 * passed). And a minidump whose module list was lost to the cut must not blame "no loaded module".
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { AnalyzeError } from '../../../src/errors.js';
import { analyzeNativeBuffer } from '../../../src/dump/native/index.js';
import { reportRow } from '../../../src/dump/fleet/row.js';
import { corpusFiles, corpusPath } from '../../helpers/corpus.js';
import { analyzeErrorOf } from '../../helpers/errors.js';
import type { DumpReport } from '../../../src/dump/report.js';

/** 17,702 bytes; its MemoryList ranges fill 9510..17702 (the crashing thread's stack first, the other thread's 13486..17702 last). */
const ASCII_WRITE_AV = readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_ascii_write_av.dmp'));
/** The end of the last stream its directory lists: a cut after it keeps every stream. */
const LAST_STREAM_END = 8742;

const truncations = (r: DumpReport) => r.warnings.filter((w) => w.code === 'DUMP_TRUNCATED');
/** Every corpus minidump, read whole (the .gz one unpacked by corpusPath). */
const CORPUS_MINIDUMPS = corpusFiles('dumps', 'mdmp').map((name) => [name, readFileSync(corpusPath('dumps', 'mdmp', name))] as const);

/** The report, or the code of the AnalyzeError the reader gave instead. */
function readOrCode(data: Buffer, name: string): DumpReport | string {
  try {
    return analyzeNativeBuffer(data, name);
  } catch (e) {
    if (e instanceof AnalyzeError) return e.code;
    throw e;
  }
}

describe('a minidump cut short inside its memory data', () => {
  // Inside the crashing thread's stack, at the start of the last range, inside it (17000 is the audit's), one byte short.
  for (const cut of [9600, 13486, 15000, 17000, 17701]) {
    it(`cut at byte ${cut} of 17702: one DUMP_TRUNCATED where the file ends, damage in the fleet, an error with --strict`, () => {
      expect(cut).toBeGreaterThan(LAST_STREAM_END);
      const r = analyzeNativeBuffer(ASCII_WRITE_AV.subarray(0, cut), 'cut.dmp');
      expect(truncations(r)).toEqual([
        expect.objectContaining({ offset: cut, message: `the file ends at byte ${cut}, but the memory data the dump lists runs past the end (memory ranges and thread stacks, up to byte 17702): the dump was cut short` }),
      ]);
      // the verdict itself survived
      expect(r.culprit?.module).toBe('crashme.exe');
      expect(reportRow(r, { kind: 'path', path: 'cut.dmp', display: 'cut.dmp', folder: '.' }).damage).toBeGreaterThan(0);
      const e = analyzeErrorOf(() => analyzeNativeBuffer(ASCII_WRITE_AV.subarray(0, cut), 'cut.dmp', { strict: true }));
      expect(e).toMatchObject({ code: 'DUMP_TRUNCATED', offset: cut });
    });
  }

  it('a cut that the directory already shows is said once, not again for the memory', () => {
    const r = analyzeNativeBuffer(ASCII_WRITE_AV.subarray(0, 5000), 'cut.dmp');
    expect(truncations(r)).toHaveLength(1);
    expect(truncations(r)[0]!.message).toMatch(/its directory places 2 streams past the end/);
  });

  it('every corpus minidump read whole has no warning', () => {
    const read = CORPUS_MINIDUMPS.map(([name, data]) => [name, readOrCode(data, name)] as const);
    for (const [name, r] of read) if (typeof r !== 'string') expect(`${name}: ${JSON.stringify(r.warnings)}`).toBe(`${name}: []`);
    // the one corpus file that is no dump the reader reads (no readable stream at all) is an error, not a warning
    expect(read.filter(([, r]) => typeof r === 'string')).toEqual([['rust-minidump_invalid-range.dmp', 'DUMP_NO_STREAMS']]);
  });

  it('every corpus minidump cut anywhere says it was cut (one DUMP_TRUNCATED) or is an error', () => {
    for (const [name, data] of CORPUS_MINIDUMPS) {
      for (let i = 1; i < 25; i++) {
        const cut = Math.floor((data.length * i) / 25);
        const r = readOrCode(data.subarray(0, cut), name);
        if (typeof r === 'string') continue;
        expect(`${name} cut at ${cut}: ${truncations(r).length}`).toBe(`${name} cut at ${cut}: 1`);
      }
    }
  });
});

// ---- Memory64List (a full-memory dump): no corpus dump has one, so it is built here -----------------------

/**
 * A minidump of a SystemInfo stream and a Memory64List of `sizes.length` ranges whose data follow the list
 * (BaseRva), then the file cut `cutBy` bytes short of that data's end.
 */
function fullMemoryDump(sizes: bigint[], cutBy = 0, count = BigInt(sizes.length)): Buffer {
  const dirRva = 32;
  const sysRva = dirRva + 2 * 12;
  const listRva = sysRva + 56;
  const list = Buffer.alloc(16 + sizes.length * 16);
  const baseRva = listRva + list.length;
  list.writeBigUInt64LE(count, 0);
  list.writeBigUInt64LE(BigInt(baseRva), 8);
  sizes.forEach((s, i) => list.writeBigUInt64LE(s, 16 + i * 16 + 8));
  const dataEnd = baseRva + Number(sizes.reduce((a, b) => a + b, 0n));
  const b = Buffer.alloc(dataEnd - cutBy);
  b.write('MDMP', 0, 'latin1');
  b.writeUInt32LE(0xa793, 4);
  b.writeUInt32LE(2, 8);
  b.writeUInt32LE(dirRva, 12);
  [
    [7, 56, sysRva],
    [9, list.length, listRva],
  ].forEach(([type, size, rva], i) => {
    b.writeUInt32LE(type!, dirRva + i * 12);
    b.writeUInt32LE(size!, dirRva + i * 12 + 4);
    b.writeUInt32LE(rva!, dirRva + i * 12 + 8);
  });
  b.writeUInt16LE(9, sysRva); // amd64
  b.writeUInt32LE(10, sysRva + 8);
  b.writeUInt32LE(2, sysRva + 20); // Windows NT
  list.copy(b, listRva);
  return b;
}

describe('a full-memory minidump (Memory64List) cut short', () => {
  const sizes = [4096n, 8192n, 4096n];

  it('whole: no warning; one byte short: DUMP_TRUNCATED at the end of the file, up to the end of the last range', () => {
    expect(analyzeNativeBuffer(fullMemoryDump(sizes), 'full.dmp').warnings).toEqual([]);
    const cut = fullMemoryDump(sizes, 1);
    const r = analyzeNativeBuffer(cut, 'full.dmp');
    expect(truncations(r)).toEqual([expect.objectContaining({ offset: cut.length, message: expect.stringMatching(new RegExp(`^the file ends at byte ${cut.length}, but .*\\(memory ranges, up to byte ${cut.length + 1}\\): the dump was cut short$`)) })]);
    expect(analyzeErrorOf(() => analyzeNativeBuffer(cut, 'full.dmp', { strict: true }))).toMatchObject({ code: 'DUMP_TRUNCATED', offset: cut.length });
  });

  it('a hostile count is checked against the stream before any loop (a warning at once, not a long loop)', () => {
    const start = Date.now();
    const r = analyzeNativeBuffer(fullMemoryDump(sizes, 0, 0xffffffffffffffffn), 'full.dmp');
    expect(Date.now() - start).toBeLessThan(1000);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'DUMP_BAD_COUNT', offset: 44, message: expect.stringMatching(/^Memory64List claims 18446744073709551615 ranges but the stream holds 64 bytes/) })]);
  });

  it('hostile sizes (2^64 - 1 each) are a cut, not an overflow', () => {
    const b = fullMemoryDump([0n, 0n]);
    b.writeBigUInt64LE(0xffffffffffffffffn, 32 + 24 + 56 + 16 + 8);
    b.writeBigUInt64LE(0xffffffffffffffffn, 32 + 24 + 56 + 32 + 8);
    expect(truncations(analyzeNativeBuffer(b, 'full.dmp'))).toHaveLength(1);
  });
});

describe('a damaged MemoryList', () => {
  it('a count no stream holds is a warning (the verdict does not need the list), capped like every list', () => {
    const dir = ASCII_WRITE_AV.readUInt32LE(12);
    const entry = [...Array(ASCII_WRITE_AV.readUInt32LE(8)).keys()].map((i) => dir + i * 12).find((at) => ASCII_WRITE_AV.readUInt32LE(at) === 5)!;
    const b = Buffer.from(ASCII_WRITE_AV);
    b.writeUInt32LE(0xffffffff, b.readUInt32LE(entry + 8));
    const r = analyzeNativeBuffer(b, 'x.dmp');
    expect(r.culprit?.module).toBe('crashme.exe');
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'DUMP_BAD_COUNT', offset: entry, message: expect.stringMatching(/^MemoryList claims 4294967295 entries .*: the MemoryList ranges are not checked$/) })]);
  });
});

describe('a minidump whose module list was lost to damage', () => {
  it('does not say the crash "lies in no loaded module": the module list is missing or damaged', () => {
    const r = analyzeNativeBuffer(ASCII_WRITE_AV.subarray(0, 1000), 'cut.dmp'); // the ModuleList (708..3520) is cut
    expect(r.modules).toEqual([]);
    expect(r.culprit).toEqual({
      module: null,
      evidence: ['EXCEPTION_ACCESS_VIOLATION_WRITE was raised at 0x3a6cd.', "The dump's module list is missing or damaged (see the warnings), so no address can be tied to a module."],
    });
  });

  it('a dump without a module list says so (and one whose list is empty)', () => {
    // the ModuleList directory entry (type 4) becomes an unused entry (type 0), then a list of 0 modules
    const dir = ASCII_WRITE_AV.readUInt32LE(12);
    const entry = [...Array(ASCII_WRITE_AV.readUInt32LE(8)).keys()].map((i) => dir + i * 12).find((at) => ASCII_WRITE_AV.readUInt32LE(at) === 4)!;
    const absent = Buffer.from(ASCII_WRITE_AV);
    absent.writeUInt32LE(0, entry);
    expect(analyzeNativeBuffer(absent, 'x.dmp').culprit?.evidence[1]).toBe('The dump has no module list, so no address can be tied to a module.');
    const empty = Buffer.from(ASCII_WRITE_AV);
    empty.writeUInt32LE(0, empty.readUInt32LE(entry + 8));
    const r = analyzeNativeBuffer(empty, 'x.dmp');
    expect(r.culprit?.evidence[1]).toBe("The dump's module list is empty, so no address can be tied to a module.");
    expect(r.culprit?.evidence.join(' ')).not.toMatch(/no loaded module/);
  });
});
