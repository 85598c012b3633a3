/**
 * --json is written in pieces (json-pieces.ts) so that a large report is never one string: the pieces must
 * join to exactly what `JSON.stringify(value, null, 2)` gives, whatever the value.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSON_PIECE, jsonPieces } from '../src/json-pieces.js';
import { main } from '../src/main.js';
import { JsonArrayPrinter, printJson } from '../src/output.js';
import type { Context } from '../src/context.js';
import { captureIo } from './helpers/io.js';

const joined = (v: unknown): string => [...jsonPieces(v)].join('');

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LEAVES: unknown[] = [
  0, -0, 1.5, -7, 1e21, NaN, Infinity, -Infinity, true, false, null, undefined, '', 'plain', 'line\nbreak "quoted" \\ back',
  '\u0001\u001f\u007f control', 'é € 😀 wide', '\ud800 lone surrogate', () => 1, Symbol('s'), new Date(Date.UTC(2026, 11, 7)),
  { toJSON: (key: string) => `toJSON under "${key}"` }, [], {}, [[]], [{}], { a: {} }, { a: [] },
];

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth <= 0 || r < 0.35) return LEAVES[Math.floor(rand() * LEAVES.length)];
  const n = Math.floor(rand() * 5);
  if (r < 0.65) return Array.from({ length: n }, () => randomValue(rand, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[rand() < 0.2 ? String(i) : `k${Math.floor(rand() * 8)}`] = randomValue(rand, depth - 1);
  return o;
}

describe('jsonPieces', () => {
  it('joins to JSON.stringify(value, null, 2) on its edge cases', () => {
    for (const v of [...LEAVES.filter((x) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol'), { u: undefined, f: () => 1, s: Symbol('x'), kept: 1 }, { only: undefined }, [undefined, () => 1, Symbol('y')], { d: new Date(0), nested: { deeper: { deepest: { x: [1, { y: [2, []] }] } } } }, { '2': 'b', '1': 'a', z: 'z', a: 'a' }]) {
      expect(joined(v)).toBe(JSON.stringify(v, null, 2));
    }
  });

  it('joins to JSON.stringify(value, null, 2) on 3,000 random nested values (seeded)', () => {
    const rand = prng(20261207);
    for (let i = 0; i < 3000; i++) {
      const v = randomValue(rand, 6);
      const expected = JSON.stringify(v, null, 2);
      if (expected === undefined) continue; // a bare undefined, function or symbol: printJson never gets one
      expect(joined(v)).toBe(expected);
    }
  });

  it('hands a large report out in pieces of about JSON_PIECE characters, none of them the whole', () => {
    const report = { file: 'big.tgz', members: Array.from({ length: 20_000 }, (_, i) => ({ path: `etc/many/a${i}.conf`, size: i, mode: '0644', held: i % 2 === 0 })) };
    const pieces = [...jsonPieces(report)];
    expect(pieces.join('')).toBe(JSON.stringify(report, null, 2));
    expect(pieces.length).toBeGreaterThan(10);
    // each piece ends at the first part that takes it past JSON_PIECE; parts here are one member or less
    for (const p of pieces) expect(p.length).toBeLessThan(JSON_PIECE + 200);
  });
});

describe('--json output waits for stdout between pieces', () => {
  it('esxi show --json of a 20,000-member backup: pieces of about JSON_PIECE characters, none written before stdout took the last', async () => {
    const gen = (await import(fileURLToPath(new URL('../../../fixtures/gen/big-inputs.mjs', import.meta.url)))) as { esxiManyFiles(n: number, side: string): Buffer };
    const dir = mkdtempSync(join(tmpdir(), 'analyze-json-pieces-'));
    try {
      const file = join(dir, 'many.tgz');
      writeFileSync(file, gen.esxiManyFiles(20_000, 'a'));
      const io = captureIo();
      const record = io.out;
      let waiting = false;
      let early = 0;
      let largest = 0;
      let waits = 0;
      // a pipe that takes each write a moment later: writing again before it did would queue the report in memory
      io.out = (t) => {
        if (waiting) early++;
        largest = Math.max(largest, t.length);
        record(t);
      };
      io.drained = () => {
        waits++;
        waiting = true;
        return new Promise((done) => setImmediate(() => ((waiting = false), done())));
      };
      expect(await main(['esxi', 'show', '--json', file], io)).toBe(0);
      const doc = JSON.parse(io.stdout) as { files: unknown[] };
      expect(doc.files.length).toBeGreaterThan(20_000);
      expect(io.stdout.length).toBeGreaterThan(20 * JSON_PIECE);
      expect(largest).toBeLessThan(2 * JSON_PIECE);
      expect(waits).toBeGreaterThan(20);
      expect(early).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('JsonArrayPrinter', () => {
  it('pcap --json A -: the document of A is printed before standard input is read', async () => {
    const capture = fileURLToPath(new URL('../../../fixtures/pcap/scenarios/offload-broken.pcap', import.meta.url));
    const io = captureIo();
    let printedBefore = -1;
    io.stdin = () =>
      (async function* () {
        printedBefore = io.stdout.length;
        yield readFileSync(capture);
      })();
    expect(await main(['pcap', '--json', capture, '-'], io)).toBe(1);
    const docs = JSON.parse(io.stdout) as Array<{ file: string }>;
    expect(docs.map((d) => d.file)).toEqual([capture, '-']);
    expect(printedBefore).toBeGreaterThan(io.stdout.length / 3); // A's document, not the whole output
    expect(io.stdout.slice(0, printedBefore)).toMatch(/^\[\n  \{\n    "schemaVersion"/);
  });


  it('prints several documents as they come, the same text as printJson of all of them', async () => {
    const rand = prng(7);
    for (const n of [0, 1, 2, 5]) {
      const docs = Array.from({ length: n }, (_, i) => ({ file: `f${i}`, nested: randomValue(rand, 5), list: [1, { a: [] }] }));
      const whole = captureIo();
      await printJson({ io: whole } as unknown as Context, docs);
      const apart = captureIo();
      const printer = new JsonArrayPrinter({ io: apart } as unknown as Context);
      for (const d of docs) await printer.add(d);
      printer.end();
      expect(apart.stdout).toBe(whole.stdout);
    }
  });
});
