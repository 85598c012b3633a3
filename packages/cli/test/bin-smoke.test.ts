import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The one test that spawns the built bin: the bundle `npm test` builds before running jest (scripts/bundle-cli.mjs).
const bin = fileURLToPath(new URL('../bundle/bin.js', import.meta.url));

describe('built bin', () => {
  it('exists after the build', () => {
    expect(existsSync(bin)).toBe(true);
  });

  it('prints help, and sets exit code 2 on a usage error, without a stack trace', () => {
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('analyze <command>');
    const bad = spawnSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('analyze: Unknown command: frobnicate');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops quietly when the reader of its output goes away (| head)', () => {
    // About 120 KB of JSON, more than a pipe buffer holds: `head -c 10` closes the pipe while analyze still writes.
    const capture = fileURLToPath(new URL('../../../fixtures/pcap/scenarios/offload-broken.pcap', import.meta.url));
    const args = ['pcap', '--json', capture, capture, capture, capture, capture].map((a) => `"${a}"`).join(' ');
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" ${args} | head -c 10`], { encoding: 'utf8' });
    expect(r.stdout).toBe('[\n  {\n    ');
    expect(r.stderr).toBe('');
  });

  it('reads standard input only up to the command\'s cap: an endless pipe is an error, not a memory blow-up', () => {
    // psod reads at most MAX_PSOD_INPUT (64 MiB) from a file or from `-`; 80 MiB of zeros must be refused.
    const r = spawnSync(process.execPath, [bin, 'psod', '-'], { input: Buffer.alloc(80 * 1024 * 1024), encoding: 'utf8', maxBuffer: 1 << 20 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^analyze: -: standard input is longer than the \d+ bytes read for this kind of input \(at byte \d+\)\n$/);
  });
});
