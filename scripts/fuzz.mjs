#!/usr/bin/env node
/**
 * `npm run fuzz -- [--format pcap[,esxi...]] [--cases N] [--seed N] [--minutes M]`: the seeded mutation
 * fuzzer of packages/core/test/fuzz, run longer than the CI budget. Same seed, same cases. Inputs that
 * break the contract are shrunk and written under fixtures/fuzz/<format>/ (commit them: they become
 * regression tests). Exit code 1 when any case failed.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
if (args.includes('--help')) {
  process.stdout.write('npm run fuzz -- [--format pcap,dump,esxi,psod,profiles,code,events,fleet,fixsums] [--cases 100000] [--seed N] [--minutes 60]\n');
  process.exit(0);
}
const env = {
  ...process.env,
  FUZZ_FORMAT: opt('format') ?? 'pcap,dump,esxi,psod,profiles,code,events,fleet,fixsums',
  FUZZ_CASES: opt('cases') ?? '100000',
  FUZZ_SEED: opt('seed') ?? String(Math.floor(Math.random() * 1_000_000)),
  FUZZ_BUDGET_MS: String(Number(opt('minutes') ?? 24 * 60) * 60_000),
};
process.stdout.write(`fuzz: formats ${env.FUZZ_FORMAT}, ${env.FUZZ_CASES} cases each, seed ${env.FUZZ_SEED}\n`);
const jest = join(root, 'node_modules/jest/bin/jest.js');
const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jest, 'packages/core/test/fuzz', '--testTimeout', String(Number(env.FUZZ_BUDGET_MS) + 600_000)], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
