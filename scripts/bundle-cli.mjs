// Bundles the CLI (packages/cli/dist, as tsc built it) with yargs and @analyze/core into packages/cli/bundle/,
// which is what the `analyze` bin runs. Why: Node 20 resolves and reads each ES module on its own; yargs
// with its dependencies is about 45 modules and a command's part of core another 20-50. Loading them one
// by one cost ~50 ms of `analyze --help` (measured: 0.19 s -> 0.13 s on the 2-core machine, target 150 ms)
// and ~50 ms of `esxi diff` (target 300 ms). Each command stays its own chunk, loaded only when that
// command runs. sql.js stays outside (it finds its .wasm next to itself), so the CLI package lists it too.
//   node scripts/bundle-cli.mjs   (run by `npm run build`, `npm start` and `npm test` after tsc -b)
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli');
const outdir = join(cli, 'bundle');

export async function bundleCli() {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    // The fleet worker (core's dump/fleet/worker.js) is its own entry, found beside the chunks at run time.
    entryPoints: { bin: join(cli, 'dist', 'bin.js'), 'dump-fleet-worker': join(cli, '..', 'core', 'dist', 'dump', 'fleet', 'worker.js') },
    outdir,
    bundle: true,
    splitting: true, // the commands' lazy imports become chunks
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: ['sql.js'],
    logLevel: 'warning',
    // yauzl (zip reader) is CommonJS and calls require('fs'): ESM chunks need a real `require` for that.
    banner: { js: "import { createRequire as __analyzeCreateRequire } from 'node:module'; const require = __analyzeCreateRequire(import.meta.url);" },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli();
