import { describe, expect, it } from '@jest/globals';
import { MAX_DUMP_STREAM_INPUT } from '@analyze/core/api/dump';
import { MAX_INPUT_BYTES } from '@analyze/core/esxi';
import { MAX_PSOD_INPUT } from '@analyze/core/psod';
import { MAX_PROFILES_INPUT, MAX_PROFILES_REG_INPUT } from '@analyze/core/windows';
import { PROFILES_REG_CAP, SIZE_CAPS } from '../src/caps.js';
import { main } from '../src/main.js';
import { captureIo } from './helpers/io.js';

describe('size caps in --help', () => {
  it('are the library caps', () => {
    expect(SIZE_CAPS).toEqual({ pcap: undefined, dump: MAX_DUMP_STREAM_INPUT, esxi: MAX_INPUT_BYTES, psod: MAX_PSOD_INPUT, profiles: MAX_PROFILES_INPUT });
    expect(PROFILES_REG_CAP).toBe(MAX_PROFILES_REG_INPUT);
  });

  it('profiles --help names both of its caps', async () => {
    const io = captureIo({ env: {} });
    expect(await main(['profiles', '--help'], io)).toBe(0);
    expect(io.stdout.replace(/\s+/g, ' ')).toContain('Size cap: 160 MiB for a hive, 12 MiB for a .reg export');
  });

  it.each([['pcap'], ['dump'], ['psod'], ['profiles'], ['esxi', 'show'], ['esxi', 'extract'], ['esxi', 'diff'], ['esxi', 'check'], ['esxi', 'restore-plan']])(
    '%s --help names - and the cap the same way',
    async (...cmd) => {
      const io = captureIo({ env: {} });
      expect(await main([...cmd, '--help'], io)).toBe(0);
      const text = io.stdout.replace(/\s+/g, ' ');
      expect(text).toContain('or - for standard input. Size cap: ');
    },
  );

  it('standard input longer than the cap is refused with the file named -', async () => {
    const io = captureIo({ stdin: Buffer.alloc(MAX_PSOD_INPUT + 1, 0x41) });
    expect(await main(['psod', '-', '--json'], io)).toBe(2);
    expect(JSON.parse(io.stdout)).toMatchObject({ file: '-', error: { code: 'STDIN_TOO_LARGE' } });
  });
});
