/**
 * gzipContent tells a .tgz (an archive of dumps: the fleet view) from one gzip-compressed file (memory.dmp.gz:
 * one dump to decompress first), from the first compressed bytes. The corpus stores its large dumps as .gz.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { gzipContent, GZIP_SNIFF_BYTES } from '../../../src/dump/fleet/index.js';
import { CORPUS } from '../../helpers/corpus.js';
import { makeFleet, type Fleet } from './tree.js';

const head = (path: string) => readFileSync(path).subarray(0, GZIP_SNIFF_BYTES);

let fleet: Fleet;
beforeAll(async () => {
  fleet = await makeFleet();
});

describe('gzipContent', () => {
  it('a .tgz holds a tar', () => {
    expect(gzipContent(head(fleet.tgz))).toBe('tar');
  });

  it('a gzip-compressed kernel dump or minidump holds one file, not an archive', () => {
    expect(gzipContent(head(join(CORPUS, 'dumps', 'kernel', 'kdlibcpp_win10_arm64_mem.dmp.gz')))).toBe('other');
    expect(gzipContent(head(join(CORPUS, 'dumps', 'mdmp', 'breakpad_stack_exhaustion.dmp.gz')))).toBe('other');
  });

  it('cannot tell from a head that does not inflate to a whole tar block, nor from what is not gzip', () => {
    expect(gzipContent(head(fleet.tgz).subarray(0, 12))).toBeNull(); // the gzip header alone
    expect(gzipContent(gzipSync(Buffer.from('a short log\n')))).toBeNull();
    const damaged = Buffer.from(head(fleet.tgz));
    damaged.fill(0xff, 10, 60); // the deflate stream right after the header
    expect(gzipContent(damaged)).toBeNull();
    expect(gzipContent(readFileSync(fleet.zip).subarray(0, GZIP_SNIFF_BYTES))).toBeNull();
  });

  it('a deflate bomb in the head stays bounded (the cap is far above what GZIP_SNIFF_BYTES can inflate to)', () => {
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 }).subarray(0, GZIP_SNIFF_BYTES);
    expect(gzipContent(bomb)).toBe('other');
  });
});
