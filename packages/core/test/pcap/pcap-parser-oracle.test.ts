/**
 * pcap-parser as an independent oracle for the classic pcap reader (issue 3 allows it only for this):
 * on every classic microsecond pcap it can open (corpus and fixtures), both must see the same records in
 * the same order with the same timestamps and lengths. It cannot read pcapng or nanosecond pcap, and it
 * silently drops a damaged tail, so a file our reader finds damaged is compared up to the damage only.
 * Its buffer grows by copying (quadratic), so only files of a few MB are given to it.
 */
import { describe, expect, it } from '@jest/globals';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { analyzeCapture } from '../../src/pcap/index.js';
import { corpusPath, fixturePath } from '../helpers/corpus.js';

const require = createRequire(import.meta.url);
const pcapParser = require('pcap-parser') as { parse(path: string): NodeJS.EventEmitter };

/** Largest file handed to pcap-parser (its buffer handling is quadratic). */
const ORACLE_MAX_BYTES = 8 * 1024 * 1024;

interface Rec {
  seconds: number;
  micros: number;
  captured: number;
  original: number;
}

function isUsecPcap(path: string): boolean {
  if (statSync(path).size > ORACLE_MAX_BYTES) return false;
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(4);
  try {
    if (readSync(fd, head, 0, 4, 0) < 4) return false;
  } finally {
    closeSync(fd);
  }
  const magic = head.toString('hex');
  return magic === 'd4c3b2a1' || magic === 'a1b2c3d4';
}

function oracle(path: string): Promise<Rec[]> {
  return new Promise((resolve, reject) => {
    const out: Rec[] = [];
    const p = pcapParser.parse(path);
    p.on('packetHeader', (h: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }) =>
      out.push({ seconds: h.timestampSeconds, micros: h.timestampMicroseconds, captured: h.capturedLength, original: h.originalLength }),
    );
    p.on('error', reject);
    p.on('end', () => resolve(out));
  });
}

async function ours(path: string): Promise<{ recs: Rec[]; damaged: boolean }> {
  const recs: Rec[] = [];
  const report = await analyzeCapture(path, {
    onFrame: (f) => {
      const r = f.record();
      const seconds = Math.floor(r.timestamp);
      recs.push({ seconds, micros: Math.round((r.timestamp - seconds) * 1e6), captured: r.capturedLength, original: r.originalLength });
    },
  });
  return { recs, damaged: report.error !== undefined || report.warnings.length > 0 };
}

const files = [
  ...readdirSync(fixturePath('pcap', 'reader')).map((f) => fixturePath('pcap', 'reader', f)),
  ...readdirSync(fixturePath('pcap', 'scenarios')).map((f) => fixturePath('pcap', 'scenarios', f)),
  ...readdirSync(corpusPath('pcap')).map((f) => corpusPath('pcap', f)),
].filter((f) => statSync(f).isFile() && isUsecPcap(f));

describe('classic pcap: the reader and pcap-parser see the same records', () => {
  it('has files to compare, corpus ones included when the corpus is there', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.map((f) => [f.split('/').slice(-2).join('/'), f]))('%s', async (_name, file) => {
    const [theirs, mine] = await Promise.all([oracle(file), ours(file)]);
    if (mine.damaged) {
      // pcap-parser emits a header it then has no body for; compare what both read whole.
      expect(mine.recs).toEqual(theirs.slice(0, mine.recs.length));
      expect(theirs.length - mine.recs.length).toBeLessThanOrEqual(1);
    } else {
      expect(mine.recs).toEqual(theirs);
    }
  });
});
