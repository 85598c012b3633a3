// Bundles the CLI (packages/cli/dist, as tsc built it) with yargs and @analyze/core into packages/cli/bundle/,
// which is what the `analyze` bin runs. Why: Node 20 resolves and reads each ES module on its own; yargs
// with its dependencies is about 45 modules and a command's part of core another 20-50. Loading them one
// by one cost ~50 ms of `analyze --help` (measured: 0.19 s -> 0.13 s on the 2-core machine, target 150 ms)
// and ~50 ms of `esxi diff` (target 300 ms). Each command stays its own chunk, loaded only when that
// command runs. sql.js stays outside (it finds its .wasm next to itself), so the CLI package lists it too.
//   node scripts/bundle-cli.mjs   (run by `npm run build`, `npm start` and `npm test` after tsc -b)
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'cli');
const outdir = join(cli, 'bundle');

export async function bundleCli() {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    // The fleet worker (core's dump/fleet/worker.js) is its own entry, found beside the chunks at run time.
    entryPoints: { bin: join(cli, 'dist', 'bin.js'), 'dump-fleet-worker': join(cli, '..', 'core', 'dist', 'dump', 'fleet', 'worker.js') },
    outdir,
    bundle: true,
    splitting: true, // the commands' lazy imports become chunks
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: ['sql.js'],
    legalComments: 'eof', // keep the licence headers of bundled code (yargs, tar, binary-parser, ...)
    metafile: true,
    absWorkingDir: root, // metafile paths are relative to it
    logLevel: 'warning',
    // yauzl (zip reader) is CommonJS and calls require('fs'): ESM chunks need a real `require` for that.
    banner: { js: "import { createRequire as __analyzeCreateRequire } from 'node:module'; const require = __analyzeCreateRequire(import.meta.url);" },
  });
  writeThirdPartyLicences(result.metafile);
}

/**
 * The published CLI carries third-party code inside its bundle, so it must carry their licences too:
 * bundle/THIRD_PARTY_LICENSES.txt lists every bundled npm package with its version, licence and licence text.
 */
function writeThirdPartyLicences(metafile) {
  const packages = new Set(); // package folders (relative to root) the bundle took code from
  for (const input of Object.keys(metafile.inputs)) {
    const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll('\\', '/'));
    if (!m) continue;
    const dir = input.slice(0, input.indexOf(m[0]) + m[0].length - 1);
    packages.add(dir); // one entry per installed copy: two versions of a package are listed apart
  }
  const parts = [];
  const found = [...packages].map((rel) => join(root, rel)).map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
  for (const { dir, pkg } of found.sort((a, b) => `${a.pkg.name}@${a.pkg.version}`.localeCompare(`${b.pkg.name}@${b.pkg.version}`))) {
    const name = pkg.name;
    const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = licenceFile ? readFileSync(join(dir, licenceFile), 'utf8').trim() : `(no licence file shipped; package.json says ${pkg.license})`;
    parts.push(`${name}@${pkg.version} — ${pkg.license}\n\n${text}\n`);
  }
  const header = 'Third-party code bundled into bundle/*.js of @analyze/cli, with its licences.\n(sql.js is not bundled: it is a dependency and installs with its own licence.)\n';
  // The data compiled into @analyze/core (code tables) is bundled too: its notices come with it.
  const coreNotice = readFileSync(join(root, 'packages', 'core', 'NOTICE.md'), 'utf8');
  parts.push(`@analyze/core: data compiled into it\n\n${coreNotice}`);
  writeFileSync(join(outdir, 'THIRD_PARTY_LICENSES.txt'), `${header}\n${parts.join('\n' + '-'.repeat(78) + '\n\n')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli();
