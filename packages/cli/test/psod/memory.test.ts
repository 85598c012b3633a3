/**
 * `analyze psod` on the largest inputs it accepts (just under MAX_PSOD_INPUT): peak RSS within the budget,
 * from a file and from standard input, measured on the built CLI (run `node scripts/bundle-cli.mjs` first).
 * The inputs are generated here (fixtures/gen/big-inputs.mjs), never committed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RSS_BUDGET_MB, runMeasured } from '../helpers/peak-rss.js';

let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-psod-memory-'));
  const gen = (await import(fileURLToPath(new URL('../../../../fixtures/gen/big-inputs.mjs', import.meta.url)))) as { psodFrameLines(): Buffer };
  writeFileSync(at('frames.txt'), gen.psodFrameLines());
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('psod: 63 MB of backtrace-frame lines stay within the memory budget', () => {
  // 338 MB from the file, 388 MB from standard input, when the text was decoded, split and normalised whole
  it.each([
    ['from the file', false],
    ['from standard input', true],
  ])('%s', (_how, stdin) => {
    const r = stdin ? runMeasured(['psod', '-'], { input: readFileSync(at('frames.txt')) }) : runMeasured(['psod', at('frames.txt')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('E1000PollRxRing');
    expect(r.stderr).toContain('[PSOD_INPUT_CUT]');
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });
});
