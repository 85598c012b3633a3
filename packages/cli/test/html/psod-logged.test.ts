/** The psod page says why a log with backtraces holds no crash: they were only logged by warnings. */
import { describe, expect, test } from '@jest/globals';
import { psodSection, type PsodDoc } from '../../src/render/html/psod.js';

describe('analyze psod --html on a log whose only backtraces a warning logged', () => {
  test('the verdict names the logged backtraces', () => {
    const doc: PsodDoc = {
      file: 'vmkernel.log',
      crashFound: false,
      banner: null,
      exception: null,
      world: null,
      cpu: null,
      ip: null,
      faultAddress: null,
      uptime: null,
      frames: [],
      culprit: null,
      signature: null,
      advice: null,
      warnings: [{ code: 'PSOD_LOGGED_BACKTRACE', message: '1 backtrace logged by a non-fatal warning (line 5)' }],
    };
    expect(psodSection(doc).verdict).toMatch(/only backtraces were logged by non-fatal warnings/);
    expect(psodSection({ ...doc, warnings: [] }).verdict).toBe('No purple-screen crash was found in this text.');
  });
});
