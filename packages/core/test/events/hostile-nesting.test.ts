/**
 * Hostile BinXML that nests or fans out past what parsing alone bounds (an audit): no stack overflow, the
 * hostile record is damaged (or its chunk stops at the work budget) and the records around it are read;
 * whatever one log throws is that log's error, the other logs of the run are still reported. Inputs are
 * built in-test by fixtures/gen/events/hostile-nesting.mjs.
 */
import { describe, expect, it } from '@jest/globals';
import { fixturePath } from '../helpers/corpus.js';
import { analyzeEvents } from '../../src/events/index.js';
import { MAX_DEPTH } from '../../src/events/binxml.js';
import { codes, evtxFiles } from './evtx-files.js';

type Maker = (at: number, number: number) => Buffer;
interface Gen {
  plainRecord: (at: number, number: number, eventId?: number) => Buffer;
  chunk: (makers: Maker[], fill?: Maker | null, first?: number) => Buffer;
  evtxFile: (chunks: Buffer[]) => Buffer;
}
interface Nesting {
  arrayFanRecord: (items: number, refs: number) => Maker;
  selfNestingRecord: () => Maker;
  templateChainRecords: (levels: number, count: number) => [Maker[], Maker];
}
const gen = (await import(fixturePath('gen', 'events', 'hostile-binxml.mjs'))) as Gen;
const nest = (await import(fixturePath('gen', 'events', 'hostile-nesting.mjs'))) as Nesting;

const { tmp, read } = evtxFiles('analyze-evtx-nesting-');

const control: Maker = (at, num) => gen.plainRecord(at, num);
const after: Maker = (at, num) => gen.plainRecord(at, num, 2);
/** File offset of the second record of the first chunk (the hostile one, after one control record). */
const SECOND_RECORD = (b: Buffer) => 4096 + 512 + b.readUInt32LE(4096 + 512 + 4);
const VALID = gen.evtxFile([gen.chunk([control, after])]);

describe('EVTX reader on hostile nesting', () => {
  it('three elements referring to one array of 60 000 empty items: no stack overflow (was a RangeError that ended the whole run)', async () => {
    // 180 000 data entries from 60 KiB: more work than a chunk may cost, so the chunk stops there.
    const b = gen.evtxFile([gen.chunk([control, nest.arrayFanRecord(60_000, 3)]), gen.chunk([after], null, 3)]);
    const r = read(b);
    expect(codes(r.warnings)).toEqual([`EVTX_CHUNK_WORK@${SECOND_RECORD(b)}`]);
    expect(r.records.map((x) => x.eventId)).toEqual([1, 2]);

    // Beside a valid log: both are reported; the records the budget skipped make the hostile log's error.
    const report = await analyzeEvents([tmp(b), tmp(VALID)]);
    expect(report.files.map((f) => [f.records, f.recordsDamaged, f.error?.code ?? null, f.error?.offset])).toEqual([
      [2, 1, 'EVTX_CHUNK_WORK', SECOND_RECORD(b)],
      [2, 0, null, undefined],
    ]);
  });

  it('a BinXml value that holds itself: the leaves of UserData are walked at most MAX_DEPTH deep, the record is damaged', () => {
    const b = gen.evtxFile([gen.chunk([control, nest.selfNestingRecord(), after])]);
    const r = read(b); // was "Maximum call stack size exceeded"
    expect(codes(r.warnings)).toEqual([`EVTX_RECORD_BINXML@${SECOND_RECORD(b)}`]);
    expect(r.warnings.list[0]!.message).toContain(`nested more than ${MAX_DEPTH} deep`);
    expect(r.records.map((x) => x.eventId)).toEqual([1, 2]);
  });

  it('a chain of 70 cached templates of 60 levels each (4 200 deep, each depth-checked alone): the deep record is damaged', () => {
    const [define, deep] = nest.templateChainRecords(60, 70);
    const b = gen.evtxFile([gen.chunk([control, ...define, deep, after])]);
    const r = read(b);
    const deepAt = r.warnings.list[0]?.offset ?? 0;
    expect(codes(r.warnings)).toEqual([`EVTX_RECORD_BINXML@${deepAt}`]);
    expect(r.warnings.list[0]!.message).toContain(`nested more than ${MAX_DEPTH} deep`);
    expect(r.records).toHaveLength(72); // the control, the 70 that define the templates, the control after
    expect(r.records.every((x) => x.offset !== deepAt)).toBe(true);
    expect(r.records.at(-1)!.eventId).toBe(2);
  });
});

describe('analyzeEvents: what one log throws is its own error', () => {
  /** A stream of the valid log's header and first chunk that then fails with `e`. */
  async function* failing(e: Error): AsyncIterable<Uint8Array> {
    yield VALID;
    throw e;
  }

  it.each([
    ['an engine limit the caps missed', 'INPUT_TOO_LARGE', new RangeError('Maximum call stack size exceeded')],
    ['anything else (a bug)', 'INTERNAL', new TypeError('x is undefined')],
  ])('%s: the file gets %s, the records read before still count, the next log is reported', async (_what, code, e) => {
    const report = await analyzeEvents([{ name: 'bad.evtx', stream: failing(e) }, tmp(VALID)]);
    expect(report.files).toHaveLength(2);
    expect(report.files[0]!.file).toBe('bad.evtx');
    expect(report.files[0]!.records).toBe(2);
    expect(report.files[0]!.error).toEqual({ code, message: code === 'INTERNAL' ? e.message : expect.stringContaining(e.message) });
    expect(report.files[1]!.error).toBeNull();
    expect(report.files[1]!.records).toBe(2);
    expect(report.summary.records).toBe(4);
  });
});
