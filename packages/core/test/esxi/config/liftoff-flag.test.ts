/**
 * Loading sql.js switches V8 to Liftoff-only while it compiles and back afterwards (configstore.ts says why).
 * A host that started with --liftoff-only itself must keep it: the library may not switch it off.
 * Run in a child process over the built package, since the flag is process-wide.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../../../dist/esxi/index.js', import.meta.url));

/** The flags the library set while loading sql.js, in a node started with `nodeFlags`. */
function flagsSet(nodeFlags: string[]): string[] {
  const script = `
    const v8 = require('node:v8');
    const calls = [];
    const original = v8.setFlagsFromString;
    v8.setFlagsFromString = (f) => { calls.push(f); original(f); };
    require('node:module').syncBuiltinESMExports();
    import(${JSON.stringify(built)}).then((m) => m.loadSqlJs()).then(() => console.log(JSON.stringify(calls)));`;
  const r = spawnSync(process.execPath, [...nodeFlags, '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as string[];
}

describe('sql.js and the Liftoff-only flag', () => {
  it('switched on for the compile and off after it, unless the host chose it', () => {
    expect(existsSync(built)).toBe(true); // npm test builds first
    expect(flagsSet([])).toEqual(['--liftoff-only', '--no-liftoff-only']);
    expect(flagsSet(['--liftoff-only'])).toEqual([]);
  });
});
