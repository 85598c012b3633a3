/**
 * Every file of a fleet, and every archive member, is sniffed for a saved `!analyze` text. Heads made of
 * U+2028 (a line start to `^` with the m flag, and whitespace to `\s`) made each sniff quadratic: 7 s a 64 KB
 * file, 20 s for a 377-byte .tgz of three. Exact totals, and a generous hang guard.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { analyzeDumpFleet } from '../../../src/dump/fleet/index.js';
import { SNIFF_BYTES } from '../../../src/dump/fleet/job.js';

/** Far above the linear cost (milliseconds), far below the quadratic one (20 s+). */
const HANG_GUARD_MS = 5000;
/** A sniffed head of UTF-16LE (BOM) line separators. */
const SEPARATORS = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('\u2028'.repeat(SNIFF_BYTES / 2 - 1), 'utf16le')]);

/** An uncompressed tar holding `files`. */
function tar(files: Record<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [path, data] of Object.entries(files)) {
    const h = Buffer.alloc(512);
    new Header({ path, size: data.length, type: 'File', mode: 0o644, mtime: new Date(0) }).encode(h);
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

describe('a fleet of U+2028 heads', () => {
  it('three files and a .tgz of three members: six skipped, at once (was ~7 s each)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-sniff-'));
    try {
      for (const name of ['a.txt', 'b.log', 'c.dmp']) writeFileSync(join(dir, name), SEPARATORS);
      writeFileSync(join(dir, 'pack.tgz'), gzipSync(tar({ 'x.txt': SEPARATORS, 'y.txt': SEPARATORS, 'z.txt': SEPARATORS })));
      const started = performance.now();
      const r = await analyzeDumpFleet([dir], { engine: 'native', workers: 0 });
      expect(r.totals).toMatchObject({ dumps: 0, errors: 0, skipped: 6 });
      expect(performance.now() - started).toBeLessThan(HANG_GUARD_MS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
