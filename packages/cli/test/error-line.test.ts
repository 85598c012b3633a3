/**
 * A file that cannot be read is named on stderr in one line (file, message, byte offset) whatever the
 * output: text, --json (the error document on stdout as well, docs/json.md), --html, or both. Exit 2.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/main.js';
import { eventsSpec } from '../src/commands/events/spec.js';
import { pcapSpec } from '../src/commands/pcap/spec.js';
import { captureIo } from './helpers/io.js';

const LINES = {
  pcap: 'analyze: junk.bin: file is only 3 bytes: not a capture (at byte 3)\n',
  events: 'analyze: junk.bin: file ends after 3 bytes, inside the 4096-byte file header (at byte 3)\n',
};

describe('the one-line error of a file that cannot be read', () => {
  for (const command of ['pcap', 'events'] as const) {
    it(`${command}: once on stderr with text, --json, --html and both; the JSON holds the same error`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cli-error-line-'));
      try {
        writeFileSync(join(dir, 'junk.bin'), 'xyz');
        for (const extra of [[], ['--json'], ['--html', 'p.html'], ['--json', '--html', 'p.html']]) {
          const io = captureIo({ cwd: dir, env: { PATH: '' } });
          const code = await main([command, 'junk.bin', ...extra], io, [pcapSpec, eventsSpec]);
          const errorLines = io.stderr.split('\n').filter((l) => l.startsWith('analyze: junk.bin'));
          expect({ extra, code, errorLines }).toEqual({ extra, code: 2, errorLines: [LINES[command].trimEnd()] });
          if (extra.includes('--json')) {
            const doc = JSON.parse(io.stdout) as { error?: { offset?: number }; files?: Array<{ error?: { offset?: number } }> };
            expect((doc.error ?? doc.files?.[0]?.error)?.offset).toBe(3);
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
