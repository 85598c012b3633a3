/**
 * Options that write a file never destroy an input named on the same command line (inputs.ts):
 * the page or the CSV aimed at an input, by its name, a symbolic link or a hard link, is a usage error
 * before any work, and the input is left as it was.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { copyFileSync, createWriteStream, linkSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.js';
import { dumpSpec } from '../src/commands/dump/spec.js';
import { esxiSpec } from '../src/commands/esxi/spec.js';
import { pcapSpec } from '../src/commands/pcap/spec.js';
import { psodSpec } from '../src/commands/psod/spec.js';
import { captureIo } from './helpers/io.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CAPTURE = join(ROOT, 'fixtures/pcap/scenarios/clean.pcap');

async function inDir(body: (dir: string, run: (...argv: string[]) => Promise<{ code: number; out: string; err: string }>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cli-overwrite-'));
  const run = async (...argv: string[]) => {
    const io = captureIo({ cwd: dir, env: { PATH: '' } });
    const code = await main(argv, io, [pcapSpec, dumpSpec, esxiSpec, psodSpec]);
    return { code, out: io.stdout, err: io.stderr };
  };
  try {
    await body(dir, run);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('an output option aimed at an input', () => {
  it('--html onto the capture (by name, link or hard link) is refused with exit 2; the capture stays intact', () =>
    inDir(async (dir, run) => {
      copyFileSync(CAPTURE, join(dir, 'a.pcap'));
      symlinkSync(join(dir, 'a.pcap'), join(dir, 'soft.pcap'));
      linkSync(join(dir, 'a.pcap'), join(dir, 'hard.pcap'));
      for (const target of ['a.pcap', './a.pcap', 'soft.pcap', 'hard.pcap']) {
        const r = await run('pcap', 'a.pcap', '--html', target);
        expect(r.code).toBe(2);
        expect(r.err).toContain(`--html ${target} would overwrite the input a.pcap`);
        expect(r.out).toBe('');
      }
      const json = await run('pcap', 'a.pcap', '--html', 'soft.pcap', '--json');
      expect(json.code).toBe(2);
      expect(JSON.parse(json.out).error.message).toContain('would overwrite the input a.pcap');
      expect(readFileSync(join(dir, 'a.pcap')).equals(readFileSync(CAPTURE))).toBe(true);
      // Any other file is written as before.
      expect((await run('pcap', 'a.pcap', '--html', 'page.html', '--quiet')).code).toBe(0);
      expect(readFileSync(join(dir, 'page.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    }));

  it('--html onto either backup of esxi diff is refused', () =>
    inDir(async (dir, run) => {
      const before = join(ROOT, 'fixtures/esxi/configBundle-esx67.tgz');
      copyFileSync(before, join(dir, 'after.tgz'));
      const r = await run('esxi', 'diff', before, 'after.tgz', '--html', 'after.tgz');
      expect(r.code).toBe(2);
      expect(r.err).toContain('would overwrite the input after.tgz');
      expect(readFileSync(join(dir, 'after.tgz')).equals(readFileSync(before))).toBe(true);
    }));

  it('an output onto the file standard input is redirected from (< a.pcap) is refused; another output file is fine', () =>
    inDir(async (dir) => {
      copyFileSync(CAPTURE, join(dir, 'a.pcap'));
      const data = readFileSync(CAPTURE);
      const redirected = async (...argv: string[]) => {
        const io = captureIo({ cwd: dir, env: { PATH: '' }, stdin: data, stdinFile: join(dir, 'a.pcap') });
        return { code: await main(argv, io, [pcapSpec]), err: io.stderr };
      };
      for (const argv of [['pcap', '-', '--fix-checksums', 'a.pcap'], ['pcap', '-', '--html', './a.pcap']]) {
        const r = await redirected(...argv);
        expect(r.code).toBe(2);
        expect(r.err).toContain('would overwrite the file standard input is read from');
      }
      expect(readFileSync(join(dir, 'a.pcap')).equals(data)).toBe(true);
      expect((await redirected('pcap', '-', '--fix-checksums', 'b.pcap')).code).toBe(0);
    }));

  it('a pipe named by path (<(cat f), a FIFO) is read like standard input: the same report as the file', () =>
    inDir(async (dir, run) => {
      if (process.platform === 'win32') return; // no mkfifo
      for (const [argv, file] of [[['pcap'], CAPTURE], [['psod'], join(ROOT, 'fixtures/psod/e1000.txt')]] as const) {
        const direct = await run(...argv, file, '--json');
        const fifo = join(dir, `fifo-${argv[0]}`);
        execFileSync('mkfifo', [fifo]);
        const writer = createWriteStream(fifo);
        writer.end(readFileSync(file));
        const piped = await run(...argv, fifo, '--json');
        expect(piped.code).toBe(direct.code);
        const strip = (out: string) => JSON.stringify({ ...JSON.parse(out), file: undefined });
        expect(strip(piped.out)).toBe(strip(direct.out));
      }
    }));

  it('standard input named twice is a usage error', () =>
    inDir(async (_dir, run) => {
      const r = await run('esxi', 'diff', '-', '-');
      expect(r.code).toBe(2);
      expect(r.err).toContain('- (standard input) can be named only once');
      expect((await run('pcap', '-', '-', '--json')).out).toContain('can be named only once');
    }));

  it('--csv onto a dump named on the command line is refused', () =>
    inDir(async (dir, run) => {
      copyFileSync(CAPTURE, join(dir, 'other.bin'));
      copyFileSync(CAPTURE, join(dir, 'crash.dmp'));
      const r = await run('dump', 'other.bin', 'crash.dmp', '--engine', 'native', '--csv', 'crash.dmp');
      expect(r.code).toBe(2);
      expect(r.err).toContain('--csv crash.dmp would overwrite the input crash.dmp');
      expect(readFileSync(join(dir, 'crash.dmp')).equals(readFileSync(CAPTURE))).toBe(true);
    }));
});
