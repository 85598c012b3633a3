/**
 * Small held members are copied into slabs of their own (held-bytes.ts): held in Node's shared pool, 99,000
 * files of 8 bytes kept 15 MB of pool slabs alive per backup.
 */
import { describe, expect, it } from '@jest/globals';
import { HeldBytes } from '../../../src/esxi/backup/held-bytes.js';
import { openBackup } from '../../../src/esxi/backup/open.js';
// @ts-expect-error plain JS fixture builders (no types)
import * as G from '../../../../../fixtures/gen/esxi/lib.mjs';

const { localTgz, stateTgz } = G as { localTgz(files: Record<string, string>): Buffer; stateTgz(members: Record<string, Buffer>): Buffer };

describe('HeldBytes', () => {
  it('copies the chunks into one buffer that is no view of them', () => {
    const held = new HeldBytes();
    const a = Buffer.from('x=1');
    const b = Buffer.from('\n');
    const out = held.copy([a, b], 4);
    a.fill(0);
    expect(out.toString()).toBe('x=1\n');
  });

  it('packs small contents into 64 KB slabs of its own, not into the shared pool', () => {
    const held = new HeldBytes();
    const outs = Array.from({ length: 20_000 }, (_, i) => held.copy([Buffer.from(`x=${i}\n`)], `x=${i}\n`.length));
    const slabs = new Set(outs.map((o) => o.buffer));
    expect(slabs.size).toBe(Math.ceil((20_000 * 8) / (64 * 1024)));
    for (const s of slabs) expect(s.byteLength).toBe(64 * 1024);
    expect(outs.every((o, i) => o.toString() === `x=${i}\n`)).toBe(true);
  });

  it('gives larger contents a buffer of their own', () => {
    const big = Buffer.alloc(10_000, 7);
    const out = new HeldBytes().copy([big.subarray(0, 5_000), big.subarray(5_000)], 10_000);
    expect(out.equals(big)).toBe(true);
    expect(out.buffer.byteLength).toBe(10_000);
  });
});

describe('a backup of many small files', () => {
  it('holds their contents in its own slabs', () => {
    const extra = Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`etc/many/f${i}.conf`, `x=${i}\n`]));
    const backup = openBackup(stateTgz({ 'local.tgz': localTgz(extra) }));
    const data = [...backup.files.values()].filter((f) => f.path.startsWith('etc/many/')).map((f) => f.data!);
    expect(data).toHaveLength(3_000);
    expect(data[1234]!.toString()).toBe('x=1234\n');
    expect(new Set(data.map((d) => d.buffer)).size).toBeLessThanOrEqual(2);
  });
});
