// Benchmark: `analyze esxi diff` on two ~100 KB backups with ConfigStore (fixtures/esxi/pairs/bench),
// wall time including Node's start (the CLI as a user runs it), target < 300 ms. Compares with diffoscope
// on the same pair when it is installed (it is not required: CI does not have it).
// Build first: node_modules/.bin/tsc -b. Run: node bench/esxi-diff.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BEFORE = `${REPO}fixtures/esxi/pairs/bench/before.tgz`;
const AFTER = `${REPO}fixtures/esxi/pairs/bench/after.tgz`;
const CLI = `${REPO}packages/cli/bundle/bin.js`;
const CORE = `${REPO}packages/core/dist/esxi`;
/** Issue 6: a diff of two typical backups in under 300 ms wall time including Node's start. */
const TARGET_MS = 300;
const RUNS = Number(process.env.RUNS ?? 7);

if (!existsSync(`${CORE}/diff/index.js`)) {
  console.error('bench/esxi-diff: build first (node_modules/.bin/tsc -b)');
  process.exit(2);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeCommand(cmd, args, okCodes) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!okCodes.includes(r.status)) throw new Error(`${cmd} exited ${r.status}: ${r.stderr}`);
    if (i === 0) times.first = r.stdout.toString();
  }
  return { ms: median(times), out: times.first };
}

console.log(`pair: ${statSync(BEFORE).size} B / ${statSync(AFTER).size} B compressed, ${RUNS} runs, median wall time`);

// In-process (no Node start): open + parse (sql.js WASM init included once) + diff.
const { openBackup } = await import(`${CORE}/index.js`);
const { parseBackup, diffBackups } = await import(`${CORE}/diff/index.js`);
let t0 = performance.now();
let result = diffBackups(await parseBackup(openBackup(BEFORE)), await parseBackup(openBackup(AFTER)));
const firstMs = performance.now() - t0;
t0 = performance.now();
for (let i = 0; i < RUNS; i++) result = diffBackups(await parseBackup(openBackup(BEFORE)), await parseBackup(openBackup(AFTER)));
console.log(`in-process: first ${firstMs.toFixed(0)} ms (WASM compile), then ${((performance.now() - t0) / RUNS).toFixed(1)} ms per diff; ${result.changes.length} change(s): ${result.changes.map((c) => c.label).join('; ')}`);

const ours = timeCommand(process.execPath, [CLI, 'esxi', 'diff', '--json', BEFORE, AFTER], [0, 1]);
console.log(`analyze esxi diff (CLI, incl. Node start): ${ours.ms.toFixed(0)} ms  (target < ${TARGET_MS} ms: ${ours.ms < TARGET_MS ? 'met' : 'NOT met'})`);

const version = timeCommand(process.execPath, [CLI, '--version'], [0]);
console.log(`  of which Node start + CLI frame (analyze --version): ${version.ms.toFixed(0)} ms`);

let hasDiffoscope = false;
try {
  execFileSync('which', ['diffoscope'], { stdio: 'ignore' });
  hasDiffoscope = true;
} catch {
  console.log('diffoscope: not installed (apt-get install diffoscope-minimal); no reference figure');
}
if (hasDiffoscope) {
  const ref = timeCommand('diffoscope', ['--text', '-', BEFORE, AFTER], [0, 1]);
  console.log(`diffoscope --text: ${ref.ms.toFixed(0)} ms, ${ref.out.split('\n').length} lines of output`);
  console.log(`ratio diffoscope/analyze: ${(ref.ms / ours.ms).toFixed(1)}x`);
}
