/**
 * Every command on every kind of input the project knows, most of them the wrong kind for it: a user
 * hands `analyze dump` a capture or `analyze events` a backup more often than one thinks. Whatever the
 * input, the answer is a report or a one-line error: exit 0, 1 or 2, no stack trace, no internal error,
 * and with --json one JSON document on stdout.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.js';
import { captureIo } from './helpers/io.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (p: string): string => join(ROOT, 'fixtures', p);

/** One input of each kind: real files, hostile archives and hives, text, nothing and noise. */
const KINDS: Record<string, string> = {
  'pcap capture': fixture('pcap/scenarios/offload-artifact.pcap'),
  'pcapng capture': fixture('pcap/scenarios/offload-zero-flags.pcapng'),
  'user-mode minidump': fixture('corpus/dumps/mdmp/breakpad_null_read_av.dmp'),
  'kernel dump, gzipped': fixture('corpus/dumps/kernel/kdlibcpp_win10_arm64_mem.dmp.gz'),
  'ESXi backup': fixture('esxi/state-6.7.tgz'),
  'tgz with ../ entries': fixture('esxi/evil-path-traversal.tgz'),
  'tgz decompression bomb': fixture('esxi/evil-decompression-bomb.tgz'),
  'zip with ../ entries': fixture('dump/fleet/traversal.zip'),
  'purple-screen log': fixture('psod/e1000.txt'),
  '.reg export': fixture('windows/temp-profile.reg'),
  'hive with a subkey loop': fixture('windows/hostile-subkey-loop.hive'),
  'event log': fixture('events/value-types.evtx'),
  'Markdown text': join(ROOT, 'README.md'),
};

const COMMANDS: string[][] = [['pcap'], ['dump'], ['esxi', 'show'], ['esxi', 'check'], ['esxi', 'restore-plan'], ['psod'], ['profiles'], ['events']];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-wrong-input-'));
  KINDS['empty file'] = join(dir, 'empty.bin');
  writeFileSync(KINDS['empty file'], Buffer.alloc(0));
  // Noise from a fixed seed (xorshift32), so a failure reproduces.
  const noise = Buffer.alloc(64 * 1024);
  let x = 0x9e3779b9;
  for (let i = 0; i < noise.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    noise[i] = x & 0xff;
  }
  KINDS['random bytes'] = join(dir, 'noise.bin');
  writeFileSync(KINDS['random bytes'], noise);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({ cwd: dir, env: { PATH: '' } });
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

const STACK = /\n\s+at [\w.<>]+ \(|\n\s+at file:/;

describe.each(COMMANDS.map((c) => [c.join(' '), c] as const))('analyze %s on every kind of input', (_name, command) => {
  it('answers with a report or a one-line error, in text and in JSON', async () => {
    for (const [kind, file] of Object.entries(KINDS)) {
      const text = await run([...command, file]);
      const where = `${command.join(' ')} on ${kind}: exit ${text.code}\n${text.err}`;
      expect([where, [0, 1, 2].includes(text.code)]).toEqual([where, true]);
      expect([where, STACK.test(text.err) || /internal error/i.test(text.err)]).toEqual([where, false]);
      if (text.code === 2) expect([where, text.err.trim().length > 0]).toEqual([where, true]);

      const json = await run([...command, file, '--json']);
      const whereJson = `${command.join(' ')} --json on ${kind}: exit ${json.code}\n${json.err}\n${json.out.slice(0, 300)}`;
      expect([whereJson, json.code]).toEqual([whereJson, text.code]);
      let doc: unknown;
      expect(() => (doc = JSON.parse(json.out))).not.toThrow();
      expect([whereJson, JSON.stringify(doc).includes('INTERNAL')]).toEqual([whereJson, false]);
    }
  });
});
