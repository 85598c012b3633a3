/**
 * Wrong arguments from JavaScript (which TypeScript would refuse, or which it accepts: a stream in text mode)
 * are AnalyzeError USAGE naming the argument, as the CLI's options are; not a raw TypeError, an INTERNAL
 * report error, or a wrong answer with no error (a NaN limit listing nothing, a NaN cap switched off).
 */
import { describe, expect, it } from '@jest/globals';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCapture } from '../../src/api/pcap.js';
import { analyzeDump } from '../../src/api/dump.js';
import { checkBackup, extractBackup, showBackup } from '../../src/api/esxi.js';
import { analyzePsod } from '../../src/api/psod.js';
import { analyzeProfiles } from '../../src/api/profiles.js';
import { lookupCode, searchCodes } from '../../src/api/code.js';
import { fixChecksums } from '../../src/pcap/fix/index.js';
import { fixturePath } from '../helpers/corpus.js';

const usage = (message: RegExp) => ({ code: 'USAGE', message: expect.stringMatching(message) });
// From JavaScript: what TypeScript refuses still reaches the library.
const js = (v: unknown) => v as never;

describe('numeric options are validated by the library, as by the CLI', () => {
  const capture = fixturePath('pcap', 'checksums-example.pcapng');

  it('analyzeCapture limit: a whole number of at least 0', async () => {
    for (const limit of [-1, Number.NaN, 1.5, 'x']) {
      await expect(analyzeCapture(capture, { limit: js(limit) })).rejects.toMatchObject(usage(/^analyzeCapture: limit must be a whole number of at least 0/));
    }
    expect((await analyzeCapture(capture, { limit: 0 })).bad).toEqual([]);
  });

  it('searchCodes limit: a whole number of at least 1 (0, NaN and -1 listed nothing)', async () => {
    for (const limit of [-1, 0, Number.NaN]) {
      await expect(searchCodes('error', { limit })).rejects.toMatchObject(usage(/^searchCodes: limit must be a whole number of at least 1/));
    }
    expect((await searchCodes('heap corruption', { limit: 1 })).interpretations).toHaveLength(1);
  });

  it('analyzeDump engine: auto, native or cdb (a misspelt one was taken as cdb)', async () => {
    const dump = fixturePath('dump', 'synthetic-triage-x64.dmp');
    await expect(analyzeDump(dump, { engine: js('Native') })).rejects.toMatchObject(usage(/^analyzeDump: engine must be one of auto, native, cdb \(got "Native"\)/));
    expect((await analyzeDump(dump, { engine: 'native' })).engine).toBe('native');
  });

  it('showBackup maxInflated: finite and above 0 (NaN switched the bomb cap off; -1 blamed the backup)', async () => {
    const bomb = fixturePath('esxi', 'evil-decompression-bomb.tgz');
    for (const maxInflated of [Number.NaN, -1, 0, Number.POSITIVE_INFINITY]) {
      await expect(showBackup(bomb, { maxInflated })).rejects.toMatchObject(usage(/^showBackup: maxInflated must be a finite number above 0/));
    }
  });
});

describe('fixChecksums checks its arguments like the other jobs', () => {
  it('a missing output, options that are not an object, a bad limit or callback: USAGE naming it', async () => {
    const capture = fixturePath('pcap', 'checksums-example.pcapng');
    await expect(fixChecksums(capture, js(undefined))).rejects.toMatchObject(usage(/^fixChecksums: output must be a string/));
    await expect(fixChecksums(capture, '-', js(5))).rejects.toMatchObject(usage(/^fixChecksums/));
    await expect(fixChecksums(capture, '-', { limit: -1 })).rejects.toMatchObject(usage(/^fixChecksums: limit must be a whole number of at least 0 \(got -1\)/));
    await expect(fixChecksums(capture, '-', { onProgress: js(1) })).rejects.toMatchObject(usage(/^fixChecksums: onProgress must be a function/));
    await expect(fixChecksums(js(42), '-')).rejects.toMatchObject(usage(/^fixChecksums/));
  });
});

describe('wrong input types: USAGE naming the argument', () => {
  it('lookupCode takes a number as the code it is', async () => {
    const asNumber = await lookupCode(js(0xc0000005));
    expect(asNumber.interpretations.map((i) => i.name)).toEqual((await lookupCode('0xC0000005')).interpretations.map((i) => i.name));
    expect(asNumber.interpretations[0]?.name).toBe('STATUS_ACCESS_VIOLATION');
    await expect(lookupCode(js(1.5))).rejects.toMatchObject(usage(/^lookupCode takes a code as a string or a whole number \(got 1\.5\)/));
    await expect(lookupCode(js({}))).rejects.toMatchObject(usage(/^lookupCode takes/));
    await expect(searchCodes(js(5))).rejects.toMatchObject(usage(/^searchCodes takes the words/));
  });

  it('a stream opened with an encoding (string chunks) is refused, naming the input', async () => {
    await expect(analyzePsod(createReadStream(fixturePath('psod', 'e1000.txt'), 'utf8'), { name: 'e1000.txt' })).rejects.toMatchObject({
      ...usage(/^the stream gives text \(strings\): it was opened with an encoding/),
      file: 'e1000.txt',
    });
    await expect(analyzeProfiles(createReadStream(fixturePath('windows', 'temp-profile.reg'), 'latin1'))).rejects.toMatchObject({ ...usage(/^the stream gives text/), file: '-' });
    const capture = await analyzeCapture(createReadStream(fixturePath('pcap', 'checksums-example.pcapng'), 'latin1')).catch((e: unknown) => e);
    expect(capture).toMatchObject(usage(/^the stream gives text/));
  });

  it('not a path, bytes or stream: USAGE (an ArrayBuffer was a PCAP_INTERNAL report)', async () => {
    await expect(analyzeCapture(js(new ArrayBuffer(8)))).rejects.toMatchObject(usage(/^analyzeCapture takes a path, bytes .* \(wrap an ArrayBuffer in a Uint8Array\)/));
    await expect(analyzePsod(js(5))).rejects.toMatchObject(usage(/^analyzePsod takes a path/));
    await expect(analyzeDump(js(null))).rejects.toMatchObject(usage(/^analyzeDump takes a path/));
    await expect(checkBackup(fixturePath('esxi', 'state-6.7.tgz'), { target: js(5) })).rejects.toMatchObject(usage(/^checkBackup: target takes a path/));
  });

  it('options: null, and a callback that is not a function', async () => {
    const capture = fixturePath('pcap', 'checksums-example.pcapng');
    await expect(analyzeCapture(capture, js(null))).rejects.toMatchObject(usage(/^analyzeCapture: the options must be an object \(got null\)/));
    await expect(analyzeCapture(capture, { onProgress: js(1) })).rejects.toMatchObject(usage(/^analyzeCapture: onProgress must be a function \(got 1\)/));
  });

  it('extractBackup without `to`: USAGE (was ERR_INVALID_ARG_TYPE "paths[0]")', async () => {
    await expect(extractBackup(fixturePath('esxi', 'state-6.7.tgz'), js(undefined))).rejects.toMatchObject(usage(/^extractBackup: to \(the folder to write into\) must be a string/));
  });
});

describe('errors name the file they are about', () => {
  it('a missing keystore is named, not the backup that was opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keystore-'));
    try {
      const keystore = join(dir, 'encryption.info');
      const ve = fixturePath('corpus', 'esxi', 'dissect-hypervisor-envelope', 'local.tgz.ve');
      await expect(showBackup(ve, { name: 'local.tgz.ve', encryptionInfo: keystore })).rejects.toMatchObject({ code: 'FILE_UNREADABLE', file: keystore });
      await expect(checkBackup(ve, { name: 'local.tgz.ve', encryptionInfo: keystore })).rejects.toMatchObject({ code: 'FILE_UNREADABLE', file: keystore });
      // The backup itself missing is still named as the caller named it.
      await expect(showBackup(join(dir, 'none.tgz'), { name: 'none.tgz' })).rejects.toMatchObject({ code: 'FILE_UNREADABLE', file: 'none.tgz' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the caller's own callback", () => {
  it('an exception thrown by onProgress reaches the caller, not a PCAP_INTERNAL report error', async () => {
    const bug = new Error('my bug');
    await expect(
      analyzeCapture(fixturePath('pcap', 'checksums-example.pcapng'), {
        onProgress: () => {
          throw bug;
        },
      }),
    ).rejects.toBe(bug);
  });
});

describe('psod warnings', () => {
  it('carry no `file`: the file is the report\'s own, as for every single-file job', async () => {
    const r = await analyzePsod(fixturePath('psod', 'shapes', '10-vmfs6-pf14-headers-only.txt'));
    expect(r.warnings.map((w) => w.code)).toContain('PSOD_MORE_CRASHES');
    for (const w of r.warnings) expect(Object.keys(w)).not.toContain('file');
  });
});
