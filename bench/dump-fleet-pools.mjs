// Benchmark (issue 18): the fleet's own worker pool (packages/core/src/dump/fleet/pool.ts) against piscina and
// tinypool running the same per-file job (runFleetJob) on the same files, 1 and 2 threads, in one process.
// Only the pool differs: the file list is made first, each pool gets every file at once and its own queue,
// and the time is from the first job sent to the last answer. piscina and tinypool are installed into a
// temporary folder at bench time (never project dependencies).
//   node bench/dump-fleet-pools.mjs [--dumps N] [--runs N]     (after npm run build)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : dflt);
const N = opt('dumps', 10_000);
const RUNS = opt('runs', 3);
const CORE = fileURLToPath(new URL('../packages/core/dist/dump/fleet/', import.meta.url));
const CORPUS = fileURLToPath(new URL('../fixtures/corpus/dumps/', import.meta.url));
const { FleetPool } = await import(pathToFileURL(join(CORE, 'pool.js')).href);
const OPTIONS = { engine: 'native' };

const work = mkdtempSync(join(tmpdir(), 'analyze-pools-'));
try {
  // the same fleet as bench/dump-fleet.mjs: the corpus minidumps and kernel small dumps under distinct names
  const sources = ['mdmp', 'kernel']
    .flatMap((d) => readdirSync(join(CORPUS, d)).map((f) => join(CORPUS, d, f)))
    .filter((f) => !/invalid-range|fuzzed/.test(f))
    .sort()
    .map((f) => (f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f)));
  const fleet = join(work, 'fleet');
  mkdirSync(fleet);
  const inputs = [];
  for (let i = 0; i < N; i++) {
    const path = join(fleet, `${String(i).padStart(5, '0')}.dmp`);
    writeFileSync(path, sources[i % sources.length]);
    inputs.push({ kind: 'path', path, display: path, folder: fleet });
  }

  // piscina and tinypool, with a worker module that runs the fleet's job
  const libs = join(work, 'libs');
  execFileSync('npm', ['install', '--prefix', libs, '--ignore-scripts', '--no-audit', '--no-fund', 'piscina@5.3.2', 'tinypool@2.2.0'], { stdio: 'ignore' });
  const requireLib = createRequire(join(libs, 'package.json'));
  const piscinaModule = await import(pathToFileURL(requireLib.resolve('piscina')).href);
  const Piscina = piscinaModule.Piscina ?? piscinaModule.default;
  const tinypoolModule = await import(pathToFileURL(requireLib.resolve('tinypool')).href);
  const Tinypool = tinypoolModule.Tinypool ?? tinypoolModule.default;
  const jobWorker = join(work, 'job-worker.mjs');
  writeFileSync(jobWorker, `import { runFleetJob } from ${JSON.stringify(pathToFileURL(join(CORE, 'job.js')).href)};\nexport default (input) => runFleetJob(input, ${JSON.stringify(OPTIONS)});\n`);

  const pools = {
    own: (threads) => {
      const pool = new FleetPool(threads, OPTIONS);
      return { run: (input) => pool.run(input), close: () => pool.close() };
    },
    piscina: (threads) => {
      const pool = new Piscina({ filename: pathToFileURL(jobWorker).href, minThreads: threads, maxThreads: threads });
      return { run: (input) => pool.run(input), close: () => pool.destroy() };
    },
    tinypool: (threads) => {
      const pool = new Tinypool({ filename: pathToFileURL(jobWorker).href, minThreads: threads, maxThreads: threads });
      return { run: (input) => pool.run(input), close: () => pool.destroy() };
    },
  };

  /** Seconds from the first job to the last answer (the pool's threads started and warmed on 50 files first). */
  async function measure(name, threads) {
    const pool = pools[name](threads);
    try {
      await Promise.all(inputs.slice(0, 50).map((x) => pool.run(x)));
      const t0 = process.hrtime.bigint();
      const results = await Promise.all(inputs.map((x) => pool.run(x)));
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const dumps = results.filter((r) => r.status === 'dump' && r.row.error === null).length;
      if (dumps !== N) throw new Error(`${name}: ${dumps} of ${N} dumps read`);
      return seconds;
    } finally {
      await pool.close();
    }
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const times = {};
  for (let run = 0; run < RUNS; run++) {
    for (const name of Object.keys(pools)) {
      for (const threads of [1, 2]) (times[`${name} ${threads}`] ??= []).push(await measure(name, threads));
    }
  }
  console.log(`${N.toLocaleString()} dumps, the fleet's per-file job on each pool, median of ${RUNS} runs (alternated):`);
  for (const name of Object.keys(pools)) {
    const one = median(times[`${name} 1`]);
    const two = median(times[`${name} 2`]);
    console.log(`  ${name.padEnd(9)} 1 thread ${one.toFixed(2)} s (${(N / one).toFixed(0)} dumps/s), 2 threads ${two.toFixed(2)} s (${(N / two).toFixed(0)} dumps/s): scaling ${(one / two).toFixed(2)}x`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
