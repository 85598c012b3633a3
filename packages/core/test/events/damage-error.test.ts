/**
 * Damage that loses records or data is the log's error (files[].error, exit 2 in the CLI), with the findings
 * of all that was read still reported; damage that loses nothing stays a warning (src/events/damage.ts,
 * docs/events.md). Expectations about the corpus files come from fixtures/corpus/evtx/MANIFEST.json.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { corpusPath } from '../helpers/corpus.js';
import { analyzeEvents, type EventsReport } from '../../src/events/index.js';
import { DATA_LOSS_CODES, LogWarnings } from '../../src/events/damage.js';
import { codes, evtxFiles } from './evtx-files.js';

const { tmp, read } = evtxFiles('analyze-evtx-damage-');

interface ManifestFile {
  name: string;
  damaged: boolean;
  contains: { record_count: number };
}
const MANIFEST = (JSON.parse(readFileSync(corpusPath('evtx', 'MANIFEST.json'), 'utf8')) as { files: ManifestFile[] }).files;

/** log2timeline__System.evtx: 27 chunks by its header (33 blocks in the file, the last 6 unused). */
const SYSTEM = readFileSync(corpusPath('evtx', 'log2timeline__System.evtx'));
const chunkAt = (n: number) => 4096 + n * 65536;

const analyze = (data: Uint8Array) => analyzeEvents([{ name: 'x.evtx', path: tmp(data) }]);
const warned = (r: EventsReport) => r.warnings.map((w) => `${w.code}@${w.offset}`);

describe('damage that loses records is the error of the log; what was read is still reported', () => {
  it('System2 (MANIFEST: truncated at 200 000 bytes, header claims 96 chunks): EVTX_TRUNCATED at the partial chunk, its 194 records reported', async () => {
    const r = await analyzeEvents([corpusPath('evtx', 'log2timeline__System2.evtx')]);
    const [file] = r.files;
    expect(file!.error).toEqual({
      code: 'EVTX_TRUNCATED',
      message: 'file ends 64832 bytes into a 64 KiB chunk (truncated log: header announces 96 chunks, 2 whole ones present); that partial chunk is not read',
      offset: chunkAt(2),
    });
    expect(file!.records).toBe(MANIFEST.find((f) => f.name === 'log2timeline__System2.evtx')!.contains.record_count); // 194, as both references
    expect(r.summary.records).toBe(194);
    expect(r.warnings).toEqual([]); // said once: as the error
  });

  it('bad_chunk_magic (MANIFEST: chunks 6 and 10 without ElfChnk, 3 bad data CRCs): the first lost records are the error, later damage stays listed', async () => {
    const r = await analyzeEvents([corpusPath('evtx', 'omerbenamram__sample_with_a_bad_chunk_magic.evtx')]);
    expect(r.files[0]!.error).toEqual({ code: 'EVTX_RECORD_HEADER', message: 'bad event record header (signature or size); rest of the chunk skipped', offset: 12224 });
    expect(r.files[0]!.records).toBe(298);
    expect(warned(r)).toEqual(['EVTX_CHUNK_DATA_CRC@4096', 'EVTX_CHUNK_SIGNATURE@397312', 'EVTX_CHUNK_DATA_CRC@462848', 'EVTX_RECORD_HEADER@470632', 'EVTX_CHUNK_DATA_CRC@593920', 'EVTX_RECORD_HEADER@650816', 'EVTX_CHUNK_SIGNATURE@659456']);
  });

  it('every corpus log the MANIFEST calls damaged has an error; every undamaged one has none', async () => {
    const r = await analyzeEvents(MANIFEST.map((f) => corpusPath('evtx', f.name)));
    const got = r.files.map((f, i) => [MANIFEST[i]!.name, f.error !== null]);
    expect(got).toEqual(MANIFEST.map((f) => [f.name, f.damaged]));
  });

  it('a file cut at a chunk boundary, before the chunks its header announces: EVTX_TRUNCATED where it ends (nothing said before)', async () => {
    const cut = SYSTEM.subarray(0, chunkAt(3));
    expect(codes(read(cut).warnings)).toEqual([`EVTX_TRUNCATED@${chunkAt(3)}`]);
    const r = await analyze(cut);
    expect(r.files[0]!.error).toEqual({ code: 'EVTX_TRUNCATED', message: 'file ends after a whole chunk, before the chunks its header announces (truncated log: header announces 27 chunks, 3 whole ones present)', offset: chunkAt(3) });
    expect(r.files[0]!.records).toBe(read(SYSTEM).records.filter((x) => x.offset < chunkAt(3)).length);
  });

  it('not truncation: the unused blocks after the announced chunks cut off; a header count below the chunks (a live log); a count in a header whose CRC32 fails', async () => {
    expect((await analyze(SYSTEM.subarray(0, chunkAt(27)))).files[0]!.error).toBeNull();
    const header = (chunks: number, fixCrc: boolean) => {
      const b = Buffer.from(SYSTEM.subarray(0, chunkAt(5)));
      b.writeUInt16LE(chunks, 42);
      if (fixCrc) b.writeUInt32LE(crc32(b.subarray(0, 120)), 124);
      return b;
    };
    const stale = await analyze(header(3, true));
    expect([stale.files[0]!.error, warned(stale)]).toEqual([null, []]);
    const unbelieved = await analyze(header(96, false));
    expect([unbelieved.files[0]!.error, warned(unbelieved)]).toEqual([null, ['EVTX_HEADER_CRC@124']]);
    expect((await analyze(header(96, true))).files[0]!.error).toMatchObject({ code: 'EVTX_TRUNCATED', message: expect.stringContaining('header announces 96 chunks, 5 whole ones present') });
  });

  it('damage that loses nothing stays a warning: a changed byte inside a record (data CRC), a chunk header CRC', async () => {
    const b = Buffer.from(SYSTEM);
    const rec = read(SYSTEM).records.find((x) => x.offset > chunkAt(1))!;
    b[rec.offset + 20] = b[rec.offset + 20]! ^ 1; // the record's written time: the XML still reads
    b[chunkAt(3) + 300] = b[chunkAt(3) + 300]! ^ 0x55; // the chunk header's string table
    const r = await analyze(b);
    expect(r.files[0]!.error).toBeNull();
    expect(warned(r)).toEqual([`EVTX_CHUNK_DATA_CRC@${chunkAt(1)}`, `EVTX_CHUNK_HEADER_CRC@${chunkAt(3)}`]);
    expect(r.files[0]!.records).toBe(5009);
  });

  it('a chunk without its signature: its records are lost, EVTX_CHUNK_SIGNATURE is the error', async () => {
    const b = Buffer.from(SYSTEM);
    b.write('XXXXXXXX', chunkAt(2), 'latin1');
    const r = await analyze(b);
    expect(r.files[0]!.error).toEqual({ code: 'EVTX_CHUNK_SIGNATURE', message: 'chunk 2 has no ElfChnk signature; skipped', offset: chunkAt(2) });
    expect(r.warnings).toEqual([]);
  });

  it('a log that then fails otherwise: that failure is the error, the damage before it is listed as a warning', async () => {
    const b = Buffer.from(SYSTEM.subarray(0, chunkAt(2)));
    b.write('XXXXXXXX', chunkAt(1), 'latin1');
    async function* failing(): AsyncIterable<Uint8Array> {
      yield b;
      throw new TypeError('x is undefined');
    }
    const r = await analyzeEvents([{ name: 'bad.evtx', stream: failing() }]);
    expect(r.files[0]!.error).toEqual({ code: 'INTERNAL', message: 'x is undefined' });
    expect(warned(r)).toEqual([`EVTX_CHUNK_SIGNATURE@${chunkAt(1)}`]);
  });

  it('each code that loses data is kept aside as the error, once; the others are warnings; --strict throws at the first of any', () => {
    for (const code of DATA_LOSS_CODES) {
      const w = new LogWarnings(false, 'x.evtx');
      w.warn('EVTX_CHUNK_DATA_CRC', 'crc', 1);
      w.warn(code, 'lost', 2);
      w.warn(code, 'lost again', 3);
      expect([w.firstLoss, codes(w)]).toEqual([{ code, message: 'lost', offset: 2 }, ['EVTX_CHUNK_DATA_CRC@1', `${code}@3`]]);
    }
    expect(() => new LogWarnings(true, 'x.evtx').warn('EVTX_TRUNCATED', 'cut', 5)).toThrow(expect.objectContaining({ code: 'EVTX_TRUNCATED', offset: 5 }) as unknown as Error);
  });
});
