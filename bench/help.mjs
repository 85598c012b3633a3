// Benchmark: wall time of `analyze --help` (target: median under 150 ms on this machine).
// Commands are loaded lazily, so this measures Node's start plus yargs, never a parser.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../packages/cli/bundle/bin.js', import.meta.url));
const TARGET_MS = 150;
const RUNS = 21;

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

time([bin, '--help']); // warm the file cache
const help = median(Array.from({ length: RUNS }, () => time([bin, '--help'])));
const bare = median(Array.from({ length: RUNS }, () => time(['-e', ''])));
console.log(`analyze --help: median ${help.toFixed(1)} ms over ${RUNS} runs (bare node start: ${bare.toFixed(1)} ms; ratio ${(help / bare).toFixed(2)}x)`);
console.log(`target: under ${TARGET_MS} ms -> ${help < TARGET_MS ? 'met' : 'NOT met'}`);
process.exitCode = help < TARGET_MS ? 0 : 1;
