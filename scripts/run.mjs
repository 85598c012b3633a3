// The README's commands: `npm start`, `npm test`, `npm run setup|build`. Each installs what is missing
// (pnpm 12.4.2 through npx, from the committed lockfile), builds incrementally, then does its job.
// Plain Node so that it works the same in bash, zsh and cmd.exe.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = 'pnpm@12.4.2';
const isWindows = process.platform === 'win32';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: isWindows && cmd === 'npx', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/** Install when node_modules is missing or older than the lockfile. */
function ensureInstalled() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.error('analyze: installing dependencies (pnpm through npx)...');
  const status = run('npx', ['--yes', PNPM, 'install', '--frozen-lockfile', '--reporter=append-only'], { env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (status !== 0) process.exit(status);
}

function build() {
  const status = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);
  if (status !== 0) {
    console.error('analyze: the TypeScript build failed (see above)');
    process.exit(status);
  }
  // The bin runs the bundle (scripts/bundle-cli.mjs says why).
  const bundled = run(process.execPath, [join(root, 'scripts', 'bundle-cli.mjs')]);
  if (bundled !== 0) {
    console.error('analyze: bundling the CLI failed (see above)');
    process.exit(bundled);
  }
}

const [task = 'start', ...rest] = process.argv.slice(2);
ensureInstalled();
if (task === 'setup') process.exit(0);
build();
if (task === 'build') process.exit(0);

if (task === 'test') {
  const jest = join(root, 'node_modules/jest/bin/jest.js');
  // The tests' temporary files (and the CLI's they start) go in one folder removed afterwards: os.tmpdir()
  // follows TMPDIR (TEMP and TMP on Windows), and not every test removes what it made.
  const scratch = mkdtempSync(join(tmpdir(), 'analyze-tests-'));
  const env = { ...process.env, TMPDIR: scratch, TEMP: scratch, TMP: scratch };
  const status = run(process.execPath, ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jest, ...rest], { env });
  rmSync(scratch, { recursive: true, force: true });
  process.exit(status);
}

if (task === 'start') {
  const { examples } = await import('./examples.mjs');
  const bin = join(root, 'packages/cli/bundle/bin.js');
  if (examples.length === 0) {
    run(process.execPath, [bin, '--help']);
    process.exit(0);
  }
  for (const { title, args } of examples) {
    console.log(`\n$ analyze ${args.join(' ')}    # ${title}`);
    // Each example shows a verdict; exit code 1 ("a problem found") is what several of them are for.
    const status = run(process.execPath, [bin, ...args]);
    if (status === 2) {
      console.error(`analyze: example failed: ${args.join(' ')}`);
      process.exit(2);
    }
  }
  process.exit(0);
}

console.error(`usage: node scripts/run.mjs setup|build|start|test`);
process.exit(2);
