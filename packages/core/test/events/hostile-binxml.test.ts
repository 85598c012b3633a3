/**
 * Hostile BinXML that is valid but makes a naive reader do far more work than its bytes suggest (found by
 * fuzzing): time stays linear in the input, memory and output bounded, with a warning at the record, and
 * the records around the hostile one are still read. Inputs are built in-test by
 * fixtures/gen/events/hostile-binxml.mjs.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { fixturePath } from '../helpers/corpus.js';
import { analyzeEvents, type EvtxRecord } from '../../src/events/index.js';
import { CHARS_PER_WORK, CHUNK_WORK_BUDGET, ChunkBinXml } from '../../src/events/binxml.js';
import { MAX_RECORD_CHARS, TRUNCATED_MARK } from '../../src/events/record.js';
import { codes, evtxFiles } from './evtx-files.js';

type Maker = (at: number, number: number) => Buffer;
interface System {
  provider: string;
  eventId: number;
  level: number;
  time: string;
}
interface Gen {
  plainRecord: (at: number, number: number, eventId?: number) => Buffer;
  chunk: (makers: Maker[], fill?: Maker | null) => Buffer;
  evtxFile: (chunks: Buffer[]) => Buffer;
  attributeFanRecords: (refs: number, attrs: number) => [Maker, Maker];
  binxmlFanoutRecord: (depth: number, attrs: number) => Maker;
  textAmplifyRecord: (refs: number, bytes: number, system?: System) => Maker;
  sharedAmplifyRecords: (refs: number, bytes: number) => [Maker, Maker];
}
const gen = (await import(fixturePath('gen', 'events', 'hostile-binxml.mjs'))) as Gen;
const { writeEvtx } = (await import(fixturePath('gen', 'events', 'evtx-writer.mjs'))) as { writeEvtx: (e: object[]) => Buffer };

const { tmp, read } = evtxFiles('analyze-evtx-binxml-');

const control: Maker = (at, num) => gen.plainRecord(at, num);
/** File offset of the second record of the first chunk (the hostile one, after one control record). */
const SECOND_RECORD = (b: Buffer) => 4096 + 512 + b.readUInt32LE(4096 + 512 + 4);
/** Characters a record renders: its data keys and values. */
const chars = (r: EvtxRecord) => Object.entries(r.data).reduce((sum, [k, v]) => sum + k.length + v.length, 0);

describe('EVTX reader on hostile BinXML', () => {
  it('a string array of 30 000 items in one Data: one entry per item in linear time (was quadratic, > 25 s)', () => {
    const items = 30_000; // empty but three: 2 bytes each, the most one 65 535-byte value holds
    const value = Array.from({ length: items }, (_, i) => (i === 1 ? 'b' : i === 2 ? 'c' : i === items - 1 ? 'z' : ''));
    // A literal `x~3` first: the renaming must still skip a suffix a real name already took.
    const b = writeEvtx([{ channel: 'Application', computer: 'PC', time: '2026-01-01T00:00:00.0000000Z', provider: 'P', eventId: 1, level: 4, recordId: 1, data: { 'x~3': 'named', x: { type: 'string[]', value } } }]);
    const r = read(b);
    expect(r.ms).toBeLessThan(3000); // 0.1 s; 8 000 items took 3.4 s before
    expect(codes(r.warnings)).toEqual([]);
    const data = r.records[0]!.data;
    expect(Object.keys(data)).toHaveLength(items + 1);
    expect(data['x~3']).toBe('named');
    expect([data.x, data['x~2'], data['x~4'], data['x~5'], data[`x~${items + 1}`]]).toEqual(['', 'b', 'c', '', 'z']);
  });

  it('a template that repeats an element of 6 000 attributes: attributes are charged to the work budget, the chunk stops at that record', () => {
    const [first, reuse] = gen.attributeFanRecords(2000, 6000);
    const b = gen.evtxFile([gen.chunk([control, first], reuse)]);
    const r = read(b);
    // Before, every record scanned 24 M attributes for free: ~100 of them were read, 1.6 s per 64 KiB chunk.
    expect(codes(r.warnings)).toEqual([`EVTX_CHUNK_WORK@${SECOND_RECORD(b)}`]);
    expect(r.records.map((x) => x.eventId)).toEqual([1]);
    expect(r.ms).toBeLessThan(2000);
  });

  it('BinXml values that expand into each other (2^15 visits): each parsed once per chunk, the record read in bounded time', () => {
    const depth = 15;
    const b = gen.evtxFile([gen.chunk([control, gen.binxmlFanoutRecord(depth, 50), (at, num) => gen.plainRecord(at, num, 2)])]);
    const parse = jest.spyOn(ChunkBinXml.prototype, 'parseFragment');
    try {
      const r = read(b);
      // Before: value 15 was parsed anew on each of its 32 768 visits (with 2 000 attributes: 4.3 GB, out of memory).
      expect(parse.mock.calls.length).toBeLessThan(2 * (depth + 5));
      expect(r.ms).toBeLessThan(3000);
      expect(codes(r.warnings)).toEqual([]);
      expect(r.records.map((x) => x.eventId)).toEqual([1, null, 2]);
      expect(r.records[1]!.data).toEqual({ x: '' });
    } finally {
      parse.mockRestore();
    }
  });

  it('one value referred to thousands of times: text cut at MAX_RECORD_CHARS with EVTX_RECORD_TEXT_LIMIT, output bounded', async () => {
    // One record: 1 000 references to 31 600 bytes of binary = 63 M characters (575 MB RSS at 7 800).
    const amp = gen.evtxFile([gen.chunk([control, gen.textAmplifyRecord(1000, 31_600), (at, num) => gen.plainRecord(at, num, 2)])]);
    const r = read(amp);
    expect(codes(r.warnings)).toEqual([`EVTX_RECORD_TEXT_LIMIT@${SECOND_RECORD(amp)}`]);
    expect(r.records.map((x) => x.eventId)).toEqual([1, null, 2]);
    const cut = r.records[1]!.data['#1']!;
    expect(cut).toHaveLength(MAX_RECORD_CHARS + TRUNCATED_MARK.length);
    expect(cut.endsWith(`ABAB${TRUNCATED_MARK}`)).toBe(true);

    // The value inside a template: every 48-byte record that refers to it renders 2.4 M characters. Each is
    // cut, and the characters are charged to the chunk's work: the chunk stops after a few records.
    const [first, reuse] = gen.sharedAmplifyRecords(2000, 600);
    const shared = read(gen.evtxFile([gen.chunk([control, first], reuse)]));
    expect(shared.warnings.list.map((w) => w.code)).toContain('EVTX_CHUNK_WORK');
    expect(shared.warnings.list.filter((w) => w.code === 'EVTX_RECORD_TEXT_LIMIT').length).toBe(shared.records.length - 1);
    expect(shared.records.reduce((sum, x) => sum + chars(x), 0)).toBeLessThan(CHUNK_WORK_BUDGET * CHARS_PER_WORK + MAX_RECORD_CHARS);
    expect(shared.ms).toBeLessThan(3000);

    // An application crash whose name is 63 M characters: the --json report stays small (was "Invalid string
    // length" at 252 M); the cut name shows in a few fields of the finding.
    const crash = gen.textAmplifyRecord(1000, 31_600, { provider: 'Application Error', eventId: 1000, level: 2, time: '2026-01-01T00:00:00.000Z' });
    const crashLog = gen.evtxFile([gen.chunk([control, crash])]);
    const report = await analyzeEvents([tmp(crashLog)]);
    expect(report.files[0]!.records).toBe(2);
    // Its data was cut: that is the log's error (exit 2), said once, not also a warning.
    expect(report.files[0]!.error).toMatchObject({ code: 'EVTX_RECORD_TEXT_LIMIT', offset: SECOND_RECORD(crashLog) });
    expect(report.warnings).toEqual([]);
    expect(JSON.stringify(report).length).toBeLessThan(16 * MAX_RECORD_CHARS);
  });
});
