/**
 * Damaged and hostile .evtx input: never a crash, a hang or unbounded memory; damage is a warning with
 * its byte offset, and everything around it is still read.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { crc32, gzipSync } from 'node:zlib';
import { corpusPath, fixturePath } from '../helpers/corpus.js';
import { AnalyzeError } from '../../src/errors.js';
import { EvtxParser, type EvtxRecord } from '../../src/events/index.js';
import { CHUNK_WORK_BUDGET, MAX_DEPTH } from '../../src/events/binxml.js';
import { codes, evtxFiles } from './evtx-files.js';

const { read } = evtxFiles('analyze-evtx-');

const SYSTEM = readFileSync(corpusPath('evtx', 'log2timeline__System.evtx'));
const GENERATED = readFileSync(fixturePath('events', 'system-crash-storage-update.evtx'));

describe('EVTX reader on damaged input', () => {
  const clean = read(SYSTEM);

  it('a gzip-compressed log: EVTX_NOT_EVTX at byte 0, saying to decompress it (short and long files alike)', () => {
    for (const data of [gzipSync(SYSTEM), gzipSync(Buffer.alloc(5))]) {
      expect(() => read(data)).toThrow(expect.objectContaining({ code: 'EVTX_NOT_EVTX', offset: 0, message: expect.stringMatching(/^this file is gzip-compressed; decompress it first/) }) as unknown as AnalyzeError);
    }
  });

  it('a file that is not an event log: EVTX_NOT_EVTX at byte 0', () => {
    expect(() => read(Buffer.from('MZ this is an exe, not a log'.repeat(200)))).toThrow(expect.objectContaining({ code: 'EVTX_NOT_EVTX', offset: 0 }) as unknown as AnalyzeError);
  });

  it('a file cut inside the file header: EVTX_TRUNCATED with the length', () => {
    expect(() => read(SYSTEM.subarray(0, 1000))).toThrow(expect.objectContaining({ code: 'EVTX_TRUNCATED', offset: 1000 }) as unknown as AnalyzeError);
    expect(() => read(Buffer.alloc(0))).toThrow(AnalyzeError);
  });

  it('a damaged file-header CRC is a warning; every record is still read', () => {
    const b = Buffer.from(SYSTEM);
    b[30] = b[30]! ^ 0xff; // next record id, inside the CRC span
    const r = read(b);
    expect(codes(r.warnings)).toEqual(['EVTX_HEADER_CRC@124']);
    expect(r.records.length).toBe(clean.records.length);
  });

  it('a chunk without its signature is skipped with its offset; the others are read', () => {
    const b = Buffer.from(SYSTEM);
    const at = 4096 + 2 * 65536;
    const inChunk = clean.records.filter((r) => r.offset >= at && r.offset < at + 65536).length;
    b.write('XXXXXXXX', at, 'latin1');
    const r = read(b);
    expect(codes(r.warnings)).toEqual([`EVTX_CHUNK_SIGNATURE@${at}`]);
    expect(inChunk).toBeGreaterThan(0);
    expect(r.records.length).toBe(clean.records.length - inChunk);
  });

  it('a changed byte in the records: data CRC warning, the chunk still read', () => {
    const b = Buffer.from(SYSTEM);
    const at = 4096 + 65536;
    const rec = clean.records.find((r) => r.offset > at)!;
    b[rec.offset + 20] = b[rec.offset + 20]! ^ 1; // inside the written time: harmless to the XML
    const r = read(b);
    expect(codes(r.warnings)).toEqual([`EVTX_CHUNK_DATA_CRC@${at}`]);
    expect(r.records.length).toBe(clean.records.length);
  });

  it('a chunk-header change: header CRC warning', () => {
    const b = Buffer.from(SYSTEM);
    const at = 4096 + 3 * 65536;
    b[at + 300] = b[at + 300]! ^ 0x55; // in the string-offset table, covered by the header CRC
    const r = read(b);
    expect(codes(r.warnings)).toEqual([`EVTX_CHUNK_HEADER_CRC@${at}`]);
  });

  it('a broken record size: warning at the record, reading resumes at the next record', () => {
    const b = Buffer.from(GENERATED);
    const good = read(GENERATED).records;
    const victim = good[3]!;
    b.writeUInt32LE(0xffffff, victim.offset + 4);
    const r = read(b);
    expect(codes(r.warnings)).toEqual(expect.arrayContaining([`EVTX_RECORD_HEADER@${victim.offset}`]));
    expect(r.records.map((x) => x.recordId)).toEqual(good.filter((x) => x !== victim).map((x) => x.recordId));
  });

  it('a file cut mid-chunk: EVTX_TRUNCATED at the partial chunk, whole chunks read', () => {
    const cut = 4096 + 3 * 65536 + 1000;
    const r = read(SYSTEM.subarray(0, cut));
    expect(codes(r.warnings)).toEqual([`EVTX_TRUNCATED@${4096 + 3 * 65536}`]);
    expect(r.records.length).toBe(clean.records.filter((x) => x.offset < 4096 + 3 * 65536).length);
  });

  it('any slicing of the stream gives the same records (streaming parser)', () => {
    const records: EvtxRecord[] = [];
    const p = new EvtxParser((r) => records.push(r));
    for (let i = 0; i < SYSTEM.length; i += 7919) p.feed(SYSTEM.subarray(i, Math.min(SYSTEM.length, i + 7919)));
    p.end();
    expect(records).toEqual(clean.records);
  });

  it('elements nested deeper than MAX_DEPTH: a warning at the element that goes too deep, no stack overflow', () => {
    const b = Buffer.from(GENERATED.subarray(0, 4096 + 65536));
    const chunk = b.subarray(4096);
    // Record at 512: rewrite its BinXML as fragment header + thousands of open elements sharing one name.
    const size = chunk.readUInt32LE(512 + 4);
    const body = Buffer.alloc(size - 28);
    body.set([0x0f, 0x01, 0x01, 0x00], 0);
    let p = 4;
    const nameAt = 512 + 24 + 4 + 11; // the first element's inline name
    while (p + 11 + 14 < body.length) {
      body[p] = 0x01;
      body.writeUInt16LE(0xffff, p + 1);
      body.writeUInt32LE(0, p + 3);
      body.writeUInt32LE(nameAt, p + 7);
      p += 11;
      if (p === 15) {
        body.set([0, 0, 0, 0, 0, 0, 1, 0, 0x41, 0, 0, 0], p); // inline name "A"
        p += 12;
      }
      body[p++] = 0x02; // close start tag: children follow
    }
    body.copy(chunk, 512 + 24);
    chunk.writeUInt32LE(crc32(chunk.subarray(512, chunk.readUInt32LE(48))), 52);
    chunk.writeUInt32LE(crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), 124);
    const r = read(b);
    // element 1 takes 24 bytes (inline name), the others 12; element MAX_DEPTH + 1 is refused
    expect(codes(r.warnings)).toEqual([`EVTX_RECORD_BINXML@${4096 + 512 + 24 + 4 + 24 + (MAX_DEPTH - 1) * 12}`]);
    expect(r.warnings.list[0]!.message).toMatch(/nested too deeply/);
    expect(r.records.length).toBe(read(GENERATED).records.length - 1);
  });

  it('random damage never crashes or hangs: 400 mutated files', () => {
    let seed = 12345;
    const rand = (m: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % m;
    };
    const started = Date.now();
    for (let i = 0; i < 400; i++) {
      const b = Buffer.from(GENERATED);
      const hits = 1 + rand(40);
      for (let h = 0; h < hits; h++) b[4096 + rand(Math.min(65536, 12000))] = rand(256);
      try {
        read(b);
      } catch (e) {
        expect(e).toBeInstanceOf(AnalyzeError);
      }
    }
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('thousands of tiny records reusing one huge template: the chunk work budget stops it (time stays linear)', async () => {
    const { writeEvtx } = (await import(fixturePath('gen', 'events', 'evtx-writer.mjs'))) as { writeEvtx: (e: object[]) => Buffer };
    const data: Record<string, string> = {};
    for (let i = 1; i <= 400; i++) data[`#${i}`] = 'x'; // unnamed Data: small elements
    const b = writeEvtx([{ channel: 'System', computer: 'PC', time: '2026-01-01T00:00:00.0000000Z', provider: 'P', eventId: 1, level: 4, recordId: 1, data }]);
    const chunk = b.subarray(4096);
    const first = chunk.readUInt32LE(512 + 4);
    const defOffset = chunk.readUInt32LE(512 + 24 + 4 + 6);
    let at = 512 + first;
    let id = 2;
    while (at + 48 <= 65536) {
      const r = Buffer.alloc(48);
      r.writeUInt32LE(0x2a2a, 0);
      r.writeUInt32LE(48, 4);
      r.writeBigUInt64LE(BigInt(id), 8);
      r.set([0x0f, 0x01, 0x01, 0x00, 0x0c, 0x01], 24);
      r.writeUInt32LE(1, 30);
      r.writeUInt32LE(defOffset, 34); // the first record's template, not inline here
      r.writeUInt32LE(0, 38); // no values: every substitution is empty
      r.writeUInt32LE(48, 44);
      r.copy(chunk, at);
      at += 48;
      id++;
    }
    chunk.writeUInt32LE(at, 48);
    chunk.writeUInt32LE(crc32(chunk.subarray(512, at)), 52);
    chunk.writeUInt32LE(crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), 124);
    expect((id - 2) * 400).toBeGreaterThan(CHUNK_WORK_BUDGET);
    const started = Date.now();
    const r = read(b);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.warnings.list.map((w) => w.code)).toEqual(['EVTX_CHUNK_WORK']);
    expect(r.records.length).toBeGreaterThan(100); // what fit in the budget was read
    expect(r.records.length).toBeLessThan(id - 1);
  });
});
