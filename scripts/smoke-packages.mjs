// Packs @analyze/core and @analyze/cli as they would be published, installs both tarballs into an empty
// consumer project, and uses them the way a stranger would: the `analyze` bin on one fixture per area
// (exit codes checked), `import` from ESM, `require` from CommonJS, and a strict type-check of a consumer
// .ts file WITHOUT skipLibCheck (so no devDependency-only type may leak into the published .d.ts).
//
//   node scripts/smoke-packages.mjs        (after `npm run build`; .ci/run calls it)
//
// Prints one line per check and ends with `smoke: N passed, N failed`; exits 1 when any check failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const isWindows = process.platform === 'win32';
const work = mkdtempSync(join(tmpdir(), 'analyze-smoke-'));
const packs = join(work, 'packs');
const consumer = join(work, 'consumer');
let passed = 0;
let failed = 0;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', shell: isWindows && cmd === 'npx', ...opts });
  return { status: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail ? `\n${detail.trim().split('\n').slice(-15).map((l) => `     ${l}`).join('\n')}` : ''}`);
}

function mustSucceed(name, r) {
  check(name, r.status === 0, r.out);
  if (r.status !== 0) finish();
}

function finish() {
  console.log(`smoke: ${passed} passed, ${failed} failed`);
  rmSync(work, { recursive: true, force: true });
  process.exit(failed === 0 ? 0 : 1);
}

// The devDependency versions the consumer uses for the type-check: the ones this repository pins.
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pin = (name) => `${name}@${rootPkg.devDependencies[name]}`;

for (const pkg of ['core', 'cli']) {
  mustSucceed(`pnpm pack @analyze/${pkg}`, run('npx', ['--yes', 'pnpm@12.4.2', 'pack', '--pack-destination', packs], { cwd: join(root, 'packages', pkg) }));
}
const version = JSON.parse(readFileSync(join(root, 'packages', 'core', 'package.json'), 'utf8')).version;
const coreTgz = join(packs, `analyze-core-${version}.tgz`);
const cliTgz = join(packs, `analyze-cli-${version}.tgz`);

// What is in the tarballs: only what users need, no workspace: protocol left.
for (const [tgz, required] of [[coreTgz, ['package/dist/index.js', 'package/dist/index.d.ts', 'package/README.md', 'package/LICENSE', 'package/NOTICE.md']], [cliTgz, ['package/bundle/bin.js', 'package/bundle/THIRD_PARTY_LICENSES.txt', 'package/README.md', 'package/LICENSE']]]) {
  const list = run('tar', ['tzf', tgz]).out.split('\n').filter(Boolean);
  const missing = required.filter((f) => !list.includes(f));
  const unwanted = list.filter((f) => /tsbuildinfo|\/test\/|\/src\/|\.test\.|\.map$/.test(f));
  check(`${tgz.split(/[\\/]/).pop()}: ${list.length} files, ${statSync(tgz).size} bytes; has ${required.length} required files, no tests/sources/maps/tsbuildinfo`, missing.length === 0 && unwanted.length === 0, `missing: ${missing.join(', ')}\nunwanted: ${unwanted.slice(0, 10).join(', ')}`);
  // The published code names no source map (none is shipped: bundlers would warn once per file).
  const entry = run('tar', ['xzf', tgz, '-O', required[0]]).out;
  check(`${tgz.split(/[\\/]/).pop()}: ${required[0]} names no source map`, !entry.includes('sourceMappingURL'), entry.slice(-200));
  const manifest = run('tar', ['xzf', tgz, '-O', 'package/package.json']).out;
  const pkg = JSON.parse(manifest);
  check(`${pkg.name}: licence ${pkg.license}, public, no workspace: dependency`, pkg.license === 'MIT' && !pkg.private && pkg.publishConfig?.access === 'public' && !manifest.includes('workspace:'), manifest);
}

mkdirSync(consumer, { recursive: true });
writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
mustSucceed(
  'npm install the two tarballs (+ typescript and @types/node for the type-check)',
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', coreTgz, cliTgz, pin('typescript'), pin('@types/node')], { cwd: consumer, shell: isWindows }),
);

// The bin, one command per area, on fixtures the repository makes itself. Exit 1 = "a problem found".
const bin = join(consumer, 'node_modules', '@analyze', 'cli', 'bundle', 'bin.js');
const fixture = (...p) => join(root, 'fixtures', ...p);
const cases = [
  { args: ['--help'], exit: 0, out: /pcap/ },
  { args: ['pcap', fixture('pcap', 'checksums-example.pcapng')], exit: 0, out: /checksum/i },
  { args: ['dump', fixture('dump', 'analyze-v-d1-exampledrv.txt')], exit: 1, out: /DRIVER_IRQL_NOT_LESS_OR_EQUAL/ },
  { args: ['esxi', 'show', fixture('esxi', 'state-7.0.tgz')], exit: 0, out: /ESXi/ },
  { args: ['psod', fixture('psod', 'e1000.txt')], exit: 1, out: /e1000/i },
  { args: ['code', '0x800B0001'], exit: 0, out: /TRUST_E_PROVIDER_UNKNOWN/ },
  { args: ['profiles', fixture('windows', 'temp-profile.reg')], exit: 1, out: /\.bak/ },
  { args: ['events', fixture('events', 'system-crash-storage-update.evtx')], exit: 1, out: /finding/ },
  { args: ['dump', fixture('corpus', 'README-does-not-exist.dmp')], exit: 2, out: /README-does-not-exist/ },
];
for (const c of cases) {
  const r = run(process.execPath, [bin, ...c.args], { cwd: consumer, env: { ...process.env, NO_COLOR: '1' } });
  check(`analyze ${c.args.map((a) => a.replace(root, '.')).join(' ')} -> exit ${c.exit}`, r.status === c.exit && c.out.test(r.out), `exit ${r.status}\n${r.out}`);
}
const viaNpx = run('npx', ['--no-install', 'analyze', '--version'], { cwd: consumer });
check('npx analyze --version (the installed bin, not the unrelated npm package)', viaNpx.status === 0 && viaNpx.out.trim() === version, viaNpx.out);

// The library from both module systems.
const esm = `import { codes, REPORT_SCHEMA_VERSION } from '@analyze/core';
import { lookupCode } from '@analyze/core/codes';
// The one-area entry points docs/api.md names (the published exports map must carry them too).
import { lookupCode as lookupCodeApi } from '@analyze/core/api/code';
const r = lookupCode('0x800B0001');
if (!JSON.stringify(r).includes('TRUST_E_PROVIDER_UNKNOWN') || typeof codes.lookupCode !== 'function' || !REPORT_SCHEMA_VERSION) process.exit(3);
for (const area of ['pcap', 'dump', 'esxi', 'psod', 'code', 'profiles']) await import(\`@analyze/core/api/\${area}\`);
if (!JSON.stringify(await lookupCodeApi('0x800B0001')).includes('TRUST_E_PROVIDER_UNKNOWN')) process.exit(4);
console.log('esm ok');`;
writeFileSync(join(consumer, 'esm.mjs'), esm);
const esmRun = run(process.execPath, ['esm.mjs'], { cwd: consumer });
check("ESM: import { codes } from '@analyze/core'", esmRun.status === 0 && esmRun.out.includes('esm ok'), esmRun.out);

const cjs = `const core = require('@analyze/core');
const r = core.codes.lookupCode('0x800B0001');
if (!JSON.stringify(r).includes('TRUST_E_PROVIDER_UNKNOWN')) process.exit(3);
console.log('cjs ok');`;
writeFileSync(join(consumer, 'cjs.cjs'), cjs);
const cjsRun = run(process.execPath, ['cjs.cjs'], { cwd: consumer });
check("CommonJS: require('@analyze/core')", cjsRun.status === 0 && cjsRun.out.includes('cjs ok'), cjsRun.out);

// Types: strict, no skipLibCheck, every published entry point.
writeFileSync(
  join(consumer, 'consumer.ts'),
  `import { AnalyzeError, codes, pcap, dump, esxi, psod, windows, REPORT_SCHEMA_VERSION } from '@analyze/core';
import { lookupCode } from '@analyze/core/codes';
import { isAnalyzeError } from '@analyze/core/errors';
const found = lookupCode('0x800B0001');
const schema: string = REPORT_SCHEMA_VERSION;
export async function run(path: string): Promise<string> {
  try {
    const report = await pcap.analyzeCapture(path, {});
    return JSON.stringify(report) + schema + JSON.stringify(found);
  } catch (e) {
    if (isAnalyzeError(e) || e instanceof AnalyzeError) return e.code;
    throw e;
  }
}
export const areas = [codes, pcap, dump, esxi, psod, windows];
`,
);
writeFileSync(
  join(consumer, 'tsconfig.json'),
  JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2023', types: ['node'], skipLibCheck: false }, files: ['consumer.ts'] }, null, 2),
);
const tsc = run(process.execPath, [join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: consumer });
check('tsc --noEmit --strict on a consumer .ts, without skipLibCheck', tsc.status === 0, tsc.out);

finish();
