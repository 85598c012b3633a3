/**
 * The workstation commands of a restore plan, run as printed by `sh` where the backups are. Before: a bare
 * local.tgz already named local.tgz got `cp local.tgz local.tgz && tar …` (cp fails, && stops); a .ve not named
 * local.tgz.ve got a tar of a local.tgz.ve that did not exist; names were printed bare (`scp my bundle $(id).tgz`
 * ran `id` when pasted) and without the folder the user gave.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';
import { restorePlan, type RestorePlan } from '../../../src/esxi/restore-plan.js';
import { powerShellString, shellPath } from '../../../src/esxi/shell-quote.js';
import { fixturePath } from '../../helpers/corpus.js';

interface Lib {
  etc67(o?: object): Record<string, unknown>;
  localTgz(f: Record<string, unknown>): Buffer;
  stateTgz(m: Record<string, Buffer | string>): Buffer;
  manifest(o: { uuid: string }): string;
  configBundle(manifest: string, state: Buffer): Buffer;
  encryptEnvelope(payload: Buffer): Buffer;
  encryptionInfo(): string;
  UUID67: string;
}

/** Names a user may give: a space and a command substitution, a quote, a leading dash, a colon (scp: a host). */
const AWKWARD_NAMES = ['my bundle $(touch pwned).tgz', "o'neil.tgz", '-bundle.tgz', 'esx01:bundle.tgz'];

/** `sh` and `tar` are here (not on a bare Windows): the commands are run, else only their text is checked. */
const SHELL = process.platform !== 'win32' && spawnSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).status === 0;
const itRuns = SHELL ? it : it.skip;

let lib: Lib;
let dir: string;
beforeAll(async () => {
  lib = (await import(fixturePath('gen', 'esxi', 'lib.mjs'))) as Lib;
  dir = mkdtempSync(join(tmpdir(), 'analyze-esxi-plan-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh folder under the test's own, with `files` written in it. */
let folders = 0;
function folder(files: Record<string, Buffer | string> = {}): string {
  const f = join(dir, `case ${++folders}`);
  mkdirSync(f);
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(join(f, name, '..'), { recursive: true });
    writeFileSync(join(f, name), data);
  }
  return f;
}

/** The plan of a backup file, named `name` as the user typed it (relative to `cwd`). */
async function planOf(cwd: string, name: string, keystore?: string): Promise<RestorePlan> {
  const backup = openBackup(readFileSync(join(cwd, name)), { name, ...(keystore === undefined ? {} : { encryptionInfo: readFileSync(join(cwd, keystore)) }) });
  return restorePlan(await parseBackup(backup), undefined, keystore === undefined ? {} : { keystore });
}

/** The workstation commands before the copy to the host (the wrap or the bundle's tar). */
const prepare = (p: RestorePlan) => p.steps.flatMap((s) => s.commands).filter((c) => c.startsWith('workstation$ ') && !c.includes(' scp '));
const scpOf = (p: RestorePlan) => p.steps.flatMap((s) => s.commands).find((c) => c.startsWith('workstation$ scp '))!;

function sh(cwd: string, command: string): { status: number | null; out: string; err: string } {
  const r = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** Runs the preparing commands in `cwd`; the state.tgz they make must open as one with `layers`. */
function runPrepare(cwd: string, p: RestorePlan): string[] {
  for (const c of prepare(p)) expect([c, sh(cwd, c.slice('workstation$ '.length))]).toEqual([c, expect.objectContaining({ status: 0 })]);
  return openBackup(join(cwd, 'state.tgz')).layers;
}

describe('restore-plan commands', () => {
  it('shellPath: one word that is exactly the name; option-like and host-like names made relative paths', () => {
    expect(shellPath("o'neil.tgz")).toBe(`'o'\\''neil.tgz'`);
    expect(shellPath('-x.tgz')).toBe(`'./-x.tgz'`);
    expect(shellPath('esx01:b.tgz')).toBe(`'./esx01:b.tgz'`);
    expect(shellPath('g/esx01:b.tgz')).toBe(`'g/esx01:b.tgz'`);
    expect(shellPath('C:\\backups\\b.tgz')).toBe(`'C:\\backups\\b.tgz'`);
    expect(powerShellString("o'neil\u2019s.tgz")).toBe(`'o''neil\u2019\u2019s.tgz'`);
  });

  itRuns('shellPath round-trips through sh: spaces, $(…), backquotes, quotes, backslashes, a newline', () => {
    for (const name of [...AWKWARD_NAMES, 'a`id`b', 'tab\there', 'new\nline', 'back\\slash', '"dq"', "''", 'ünï cödé']) {
      const r = sh(dir, `printf '%s' ${shellPath(name)}`);
      expect([name, r.out]).toEqual([name, /^-|^[^/]*:/.test(name) ? `./${name}` : name]);
    }
  });

  itRuns('a bare local.tgz already named local.tgz: tar straight from its folder, no cp of it onto itself', async () => {
    const here = folder({ 'local.tgz': lib.localTgz(lib.etc67()) });
    const p = await planOf(here, 'local.tgz');
    expect(prepare(p)).toEqual(['workstation$ tar czf state.tgz local.tgz']);
    expect(runPrepare(here, p)).toEqual(['state.tgz', 'local.tgz']);

    // in a folder the user named: the folder is kept (-C), and the tar is made where the commands run
    const top = folder({ 'my backups/local.tgz': lib.localTgz(lib.etc67()) });
    const q = await planOf(top, 'my backups/local.tgz');
    expect(prepare(q)).toEqual([`workstation$ tar czf state.tgz -C 'my backups' local.tgz`]);
    expect(runPrepare(top, q)).toEqual(['state.tgz', 'local.tgz']);
  });

  itRuns('a local.tgz.ve named otherwise, with encryption.info beside it: both copied under their names, then wrapped', async () => {
    const ve = lib.encryptEnvelope(lib.localTgz(lib.etc67()));
    const top = folder({ 'g/esx01-local.tgz.ve': ve, 'g/encryption.info': lib.encryptionInfo() });
    const p = restorePlan(await parseBackup(openBackup(join(top, 'g', 'esx01-local.tgz.ve'))));
    expect(prepare(p)).toEqual([
      `workstation$ mkdir -p state-tgz-members && cp '${top}/g/esx01-local.tgz.ve' state-tgz-members/local.tgz.ve && cp '${top}/g/encryption.info' state-tgz-members/encryption.info && tar czf state.tgz -C state-tgz-members local.tgz.ve encryption.info`,
    ]);
    expect(runPrepare(top, p)).toEqual(['state.tgz', 'local.tgz.ve', 'local.tgz']);
    expect(openBackup(join(top, 'state.tgz')).encryption.decrypted).toBe(true);

    // named local.tgz.ve, its keystore given from elsewhere (--keystore): named as given
    const other = folder({ 'local.tgz.ve': ve, 'keys/host 1.info': lib.encryptionInfo() });
    const q = await planOf(other, 'local.tgz.ve', 'keys/host 1.info');
    expect(prepare(q)[0]).toContain(`cp 'keys/host 1.info' state-tgz-members/encryption.info`);
    expect(runPrepare(other, q)).toEqual(['state.tgz', 'local.tgz.ve', 'local.tgz']);
  });

  itRuns('names are quoted and keep their folder: nothing in them runs, and every command finds its file', async () => {
    const state = lib.stateTgz({ 'local.tgz': lib.localTgz(lib.etc67()) });
    const bundle = lib.configBundle(lib.manifest({ uuid: lib.UUID67 }), state);
    for (const name of AWKWARD_NAMES) {
      const top = folder({ [`g w/${name}`]: bundle });
      const p = await planOf(top, `g w/${name}`);
      expect(p.steps[0]!.commands[0]).toBe(`workstation$ scp ${shellPath(`g w/${name}`)} root@HOST:/tmp/configBundle.tgz`);
      // the scp command's first argument is the file
      const arg = sh(top, scpOf(p).slice('workstation$ '.length).replace(/^scp /, `printf '%s\\n' `)).out.split('\n')[0]!;
      expect(existsSync(join(top, arg))).toBe(true);
      expect(runPrepare(top, { ...p, steps: p.alternative!.steps })).toEqual(['state.tgz', 'local.tgz']);
      expect(p.steps[2]!.note).toContain(`-SourcePath ${powerShellString(`g w/${name}`)} `);

      const local = folder({ [`g w/${name}`]: lib.localTgz(lib.etc67()) });
      expect(runPrepare(local, await planOf(local, `g w/${name}`))).toEqual(['state.tgz', 'local.tgz']);
      expect(existsSync(join(top, 'pwned')) || existsSync(join(local, 'pwned'))).toBe(false);
    }
  });

  it('read from standard input, the backup is named by its kind', async () => {
    const p = restorePlan(await parseBackup(openBackup(lib.localTgz(lib.etc67()), { name: '-' })));
    expect(prepare(p)).toEqual(['workstation$ tar czf state.tgz local.tgz']);
  });
});
