/**
 * Adversarial: a generated pair of backups (fixtures/gen/esxi/secret-canaries.mjs) whose changes put a distinct
 * canary in every shape of secret the esxi commands redact. Without --show-secrets no canary, nor its common
 * prefix, may appear in `show`, `diff`, `check` or `restore-plan`, as text, --json or --html; with
 * --show-secrets every diff canary does, so a redaction that hid everything by accident, or a generator that
 * lost a canary, fails too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { esxiSpec } from '../../src/commands/esxi/spec.js';
import { captureIo } from '../helpers/io.js';

const REPO = new URL('../../../../', import.meta.url).pathname;

interface Canaries {
  CANARY_PREFIX: string;
  secretCanaryPair(): Promise<{ before: Buffer; after: Buffer; canaries: Array<{ value: string; where: 'diff' | 'show' }> }>;
}

let gen: Canaries;
let canaries: Array<{ value: string; where: 'diff' | 'show' }>;
let dir: string;
let before: string;
let after: string;

beforeAll(async () => {
  gen = (await import(`${REPO}fixtures/gen/esxi/secret-canaries.mjs`)) as Canaries;
  const pair = await gen.secretCanaryPair();
  canaries = pair.canaries;
  dir = mkdtempSync(join(tmpdir(), 'analyze-esxi-canaries-'));
  before = join(dir, 'before.tgz');
  after = join(dir, 'after.tgz');
  writeFileSync(before, pair.before);
  writeFileSync(after, pair.after);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io, [esxiSpec]);
  return { code, out: io.stdout, err: io.stderr };
}

/** The canaries found in `text`. */
const leaked = (text: string) => canaries.map((c) => c.value).filter((v) => text.includes(v));

describe('secret canaries in every shape', () => {
  it('the generator planted dozens of distinct canaries', () => {
    expect(canaries.length).toBeGreaterThanOrEqual(50);
    expect(new Set(canaries.map((c) => c.value)).size).toBe(canaries.length);
  });

  const modes: Array<[string, (argv: string[]) => string[]]> = [
    ['text', (argv) => argv],
    ['--json', (argv) => ['--json', ...argv]],
    ['--html', (argv) => [...argv.slice(0, 2), '--html', '-', ...argv.slice(2)]],
  ];

  for (const [mode, argvOf] of modes) {
    it(`diff (and --all), ${mode}: no canary without --show-secrets`, async () => {
      for (const extra of [[], ['--all']]) {
        const r = await run(argvOf(['esxi', 'diff', ...extra, before, after]));
        expect(r.code).toBeLessThan(2);
        expect(r.out.length).toBeGreaterThan(0);
        expect(leaked(r.out + r.err)).toEqual([]);
        expect(r.out + r.err).not.toContain(gen.CANARY_PREFIX);
      }
    });

    it(`diff --show-secrets, ${mode}: every diff canary is printed`, async () => {
      const r = await run(argvOf(['esxi', 'diff', '--show-secrets', before, after]));
      const missing = canaries.filter((c) => c.where === 'diff' && !r.out.includes(c.value)).map((c) => c.value);
      expect(missing).toEqual([]);
    });

    it(`show, check and restore-plan, ${mode}: no canary`, async () => {
      for (const argv of [['esxi', 'show', after], ['esxi', 'show', before], ['esxi', 'check', after], ['esxi', 'restore-plan', after]]) {
        const r = await run(argvOf(argv));
        expect([argv[1], r.code]).toEqual([argv[1], expect.any(Number)]);
        expect(r.out.length).toBeGreaterThan(0);
        expect(leaked(r.out + r.err)).toEqual([]);
        expect(r.out + r.err).not.toContain(gen.CANARY_PREFIX);
      }
    });
  }

  it('show reads the secret-named settings and boot options, and prints them redacted', async () => {
    const doc = JSON.parse((await run(['--json', 'esxi', 'show', after])).out) as { advancedSettings: Array<{ option: string; value: string }>; manifest: { kernelOpts: string; userOpts: string } };
    for (const option of ['UserVars/SomeToken', 'UserVars/OtherToken', 'UserVars/ApiKey', 'UserVars/Note']) {
      expect(doc.advancedSettings).toContainEqual({ option, value: '<redacted>' });
    }
    expect(doc.manifest.kernelOpts).toBe('ks=http://ks:<redacted>@10.0.0.1/ks.cfg');
    expect(doc.manifest.userOpts).toBe('rootpw=<redacted>');
  });

  it('every change that hides a value is marked secret and carries no before/after', async () => {
    const doc = JSON.parse((await run(['--json', 'esxi', 'diff', before, after])).out) as { changes: Array<{ label: string; secret?: boolean; before?: string; after?: string }> };
    const hiding = doc.changes.filter((c) => c.label.includes('<redacted>') || / changed$| \(value not shown/.test(c.label));
    expect(hiding.length).toBeGreaterThan(20);
    for (const c of hiding) expect([c.label, c.secret, c.before, c.after]).toEqual([c.label, true, undefined, undefined]);
  });
});
