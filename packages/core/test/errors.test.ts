import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AnalyzeError, MAX_WARNINGS, Warnings, inFile, io } from '../src/index.js';

const { gunzipBounded, readSmallFile } = io;

describe('AnalyzeError', () => {
  it('describes itself as FILE: message (at byte N)', () => {
    const e = new AnalyzeError('PCAP_TRUNCATED_RECORD', 'record cut short', { file: 'a.pcap', offset: 1234 });
    expect(e.describe()).toBe('a.pcap: record cut short (at byte 1234)');
    expect(e.toJSON()).toEqual({ code: 'PCAP_TRUNCATED_RECORD', message: 'record cut short', file: 'a.pcap', offset: 1234 });
  });

  it('inFile names the file on errors raised without one, and leaves other errors alone', () => {
    expect(() =>
      inFile('x.dmp', () => {
        throw new AnalyzeError('X', 'bad');
      }),
    ).toThrow(expect.objectContaining({ file: 'x.dmp' }) as unknown as Error);
    expect(() =>
      inFile('x.dmp', () => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});

describe('Warnings', () => {
  it('collects warnings, and throws the first one in strict mode', () => {
    const lax = new Warnings(false, 'f');
    lax.warn('W1', 'odd', 7);
    expect(lax.list).toEqual([{ code: 'W1', message: 'odd', file: 'f', offset: 7 }]);
    const strict = new Warnings(true, 'f');
    expect(() => strict.warn('W1', 'odd', 7)).toThrow(AnalyzeError);
  });

  it('keeps at most MAX_WARNINGS, then counts the rest in one last WARNINGS_CAPPED warning', () => {
    const w = new Warnings(false, 'f');
    for (let i = 0; i < 1_000_000; i++) w.warn('W1', `odd ${i}`, i);
    expect(w.list).toHaveLength(MAX_WARNINGS + 1);
    expect(w.list[MAX_WARNINGS - 1]).toEqual({ code: 'W1', message: `odd ${MAX_WARNINGS - 1}`, file: 'f', offset: MAX_WARNINGS - 1 });
    expect(w.list[MAX_WARNINGS]).toEqual({ code: 'WARNINGS_CAPPED', message: `${1_000_000 - MAX_WARNINGS} more warning(s) not listed (at most ${MAX_WARNINGS} are kept)`, file: 'f' });
  });
});

describe('file helpers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-io-'));

  it('refuses a missing file with a clear code', () => {
    expect(() => readSmallFile(join(dir, 'nope'), 10)).toThrow(expect.objectContaining({ code: 'FILE_UNREADABLE' }) as unknown as Error);
  });

  it('refuses a file over the size cap before reading it', () => {
    const p = join(dir, 'big');
    writeFileSync(p, Buffer.alloc(100));
    expect(() => readSmallFile(p, 99)).toThrow(expect.objectContaining({ code: 'FILE_TOO_LARGE' }) as unknown as Error);
    expect(readSmallFile(p, 100).length).toBe(100);
  });

  it('stops a gzip bomb at the cap', () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(20_000);
    expect(() => gunzipBounded(bomb, 1024 * 1024)).toThrow(expect.objectContaining({ code: 'GZIP_TOO_LARGE' }) as unknown as Error);
    expect(gunzipBounded(gzipSync(Buffer.from('hi')), 10).toString()).toBe('hi');
  });

  it('reports truncated gzip as corrupt', () => {
    const gz = gzipSync(Buffer.alloc(5000, 7));
    expect(() => gunzipBounded(gz.subarray(0, gz.length - 10), 1e6)).toThrow(expect.objectContaining({ code: 'GZIP_CORRUPT', offset: gz.length - 10 }) as unknown as Error);
  });

  it('names the byte where damaged gzip data stops making sense', () => {
    // Text compresses into dynamic-Huffman blocks; a block header with the reserved type 3 is invalid at once.
    const text = Buffer.from(Array.from({ length: 4000 }, (_, i) => `line ${i} of a purple screen\n`).join(''));
    const gz = Buffer.from(gzipSync(text, { level: 9 }));
    gz[10] = 0xff; // first deflate byte: BFINAL=1, BTYPE=3 (reserved)
    let error: unknown;
    try {
      gunzipBounded(gz, 1e7, 'screen.txt.gz');
    } catch (e) {
      error = e;
    }
    expect(error).toEqual(expect.objectContaining({ code: 'GZIP_CORRUPT', offset: 10, file: 'screen.txt.gz' }));
  });
});

describe('public API', () => {
  it('offers every area as a namespace with its main function', async () => {
    const core = await import('../src/index.js');
    expect(typeof core.pcap.analyzeCapture).toBe('function');
    expect(typeof core.dump.analyzeDump).toBe('function');
    expect(typeof core.esxi.openBackup).toBe('function');
    expect(typeof core.esxiDiff.diffBackups).toBe('function');
    expect(typeof core.psod.analyzePsod).toBe('function');
    expect(typeof core.codes.lookupCode).toBe('function');
    expect(typeof core.windows.analyzeProfiles).toBe('function');
    expect(core.tables.bugcheckName(0xd1)).toBe('DRIVER_IRQL_NOT_LESS_OR_EQUAL');
  });
});
