/**
 * `analyze dump -` reads one dump; an archive of dumps on standard input is named as the archive it is
 * (a .tgz was told "gzip-compressed; decompress it first", and gunzip would only have left a tar).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers/io.js';

const at = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

describe('analyze dump - with an archive on standard input', () => {
  it('a .tgz is named a gzip-compressed tar archive, with how to read the dumps inside', async () => {
    const io = captureIo({ stdin: readFileSync(at('fixtures/esxi/state-6.7.tgz')) });
    expect(await main(['dump', '-'], io)).toBe(2);
    expect(io.stderr).toMatch(/^analyze: -: this is a gzip-compressed tar archive, not a dump: named as a path without --no-group \(analyze dump dumps\.tgz\), the dumps inside are read \(at byte 0\)\n/);
  });

  it('one gzip-compressed file is still told to be decompressed first', async () => {
    const io = captureIo({ stdin: readFileSync(at('fixtures/corpus/dumps/kernel/kdlibcpp_win10_arm64_mem.dmp.gz')) });
    expect(await main(['dump', '-'], io)).toBe(2);
    expect(io.stderr).toMatch(/^analyze: -: this file is gzip-compressed; decompress it first/);
  });
});
