/**
 * SparseFileSource (the fleet worker's reads): blocks loaded on demand into one reused buffer must give the
 * same bytes and the same reports as a whole-file read, across block edges and from file to file, and a file
 * that shrinks under it must end in DUMP_TRUNCATED with the offset, never in stale bytes of the previous file.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { ftruncateSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AnalyzeError } from '../../../src/errors.js';
import { analyzeNativeFile } from '../../../src/dump/native/index.js';
import { FileSource, ReadScratch, SPARSE_BLOCK, SparseFileSource, WHOLE_FILE_LIMIT, openSource } from '../../../src/dump/native/source.js';
import { corpusFiles, corpusPath } from '../../helpers/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'analyze-sparse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeRandom(name: string, size: number): { path: string; bytes: Buffer } {
  const path = join(dir, name);
  const bytes = randomBytes(size);
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe('SparseFileSource', () => {
  it('returns the file bytes for reads inside, across and at the edges of blocks', () => {
    const { path, bytes } = writeRandom('a.bin', 5 * SPARSE_BLOCK + 123);
    const src = new SparseFileSource(path, new ReadScratch());
    const ranges: Array<[number, number]> = [
      [0, 16],
      [SPARSE_BLOCK - 3, 6], // across the first edge
      [3 * SPARSE_BLOCK + 10, 2 * SPARSE_BLOCK], // three blocks, two of them not loaded yet
      [SPARSE_BLOCK, 2 * SPARSE_BLOCK], // one loaded, one not
      [bytes.length - 123, 123], // the short last block
      [0, bytes.length], // everything, mostly loaded already
      [7, 0],
    ];
    for (const [offset, length] of ranges) {
      expect(src.read(offset, length).equals(bytes.subarray(offset, offset + length))).toBe(true);
    }
    src.close();
  });

  it('never serves bytes left in the shared buffer by the previous file', () => {
    const scratch = new ReadScratch();
    const first = writeRandom('first.bin', 4 * SPARSE_BLOCK);
    const second = writeRandom('second.bin', 4 * SPARSE_BLOCK);
    const a = new SparseFileSource(first.path, scratch);
    a.read(0, first.bytes.length); // the whole buffer now holds the first file
    a.close();
    const b = new SparseFileSource(second.path, scratch);
    const at = 2 * SPARSE_BLOCK + 5;
    expect(b.read(at, 100).equals(second.bytes.subarray(at, at + 100))).toBe(true);
    b.close();
  });

  it('ends in DUMP_TRUNCATED at the first missing byte when the file shrinks while open', () => {
    const { path } = writeRandom('shrinks.bin', 4 * SPARSE_BLOCK);
    const src = new SparseFileSource(path, new ReadScratch());
    src.read(0, 10);
    const fd = openSync(path, 'r+');
    ftruncateSync(fd, 2 * SPARSE_BLOCK + 100);
    closeSync(fd);
    let error: unknown;
    try {
      src.read(3 * SPARSE_BLOCK, 10);
    } catch (e) {
      error = e;
    }
    src.close();
    expect(error).toBeInstanceOf(AnalyzeError);
    expect((error as AnalyzeError).code).toBe('DUMP_TRUNCATED');
    expect((error as AnalyzeError).offset).toBe(3 * SPARSE_BLOCK);
  });

  it('is used for small files only: past WHOLE_FILE_LIMIT a scratch still gives positional reads', () => {
    const path = join(dir, 'large.bin');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, WHOLE_FILE_LIMIT + 1); // a hole, no disk used
    closeSync(fd);
    const src = openSource(path, new ReadScratch());
    expect(src).toBeInstanceOf(FileSource);
    src.close();
    const small = writeRandom('small.bin', 1000);
    const sparse = openSource(small.path, new ReadScratch());
    expect(sparse).toBeInstanceOf(SparseFileSource);
    sparse.close();
  });

  it('gives the same report as a whole-file read on every corpus dump, one scratch for all', async () => {
    const scratch = new ReadScratch();
    const files = [
      ...corpusFiles('dumps', 'mdmp').map((f) => corpusPath('dumps', 'mdmp', f)),
      ...corpusFiles('dumps', 'kernel').map((f) => corpusPath('dumps', 'kernel', f)),
    ];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const whole = await analyzeNativeFile(file).catch((e: unknown) => String(e));
      const sparse = await analyzeNativeFile(file, { scratch }).catch((e: unknown) => String(e));
      expect({ file, report: sparse }).toEqual({ file, report: whole });
    }
  });
});
