import { describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { esxiSpec } from '../../src/commands/esxi/spec.js';
import { captureIo } from '../helpers/io.js';

const F = new URL('../../../../fixtures/esxi/', import.meta.url).pathname;
const run = async (argv: string[], cwd?: string) => {
  const io = captureIo(cwd === undefined ? {} : { cwd });
  const code = await main(argv, io, [esxiSpec]);
  return { code, out: io.stdout };
};

describe('analyze esxi restore-plan', () => {
  it('prints the vim-cmd route for a bundle, exit 0', async () => {
    const r = await run(['esxi', 'restore-plan', `${F}configBundle-esx67.tgz`]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('host# vim-cmd hostsvc/firmware/restore_config /tmp/configBundle.tgz');
    expect(r.out).toContain('Alternative (state.tgz route)');
  });

  it('blocked (exit 1) with the finding before the steps', async () => {
    const r = await run(['esxi', 'restore-plan', `${F}pairs/boot-hba-passthru/after.tgz`]);
    expect(r.code).toBe(1);
    expect(r.out.indexOf('BLOCKED')).toBeLessThan(r.out.indexOf('Steps'));
    expect(r.out.indexOf('ESXI_PASSTHRU_BOOT_HBA')).toBeLessThan(r.out.indexOf('Steps'));
  });

  it('JSON: route, blocked, findings, prerequisites, steps', async () => {
    const r = await run(['--json', 'esxi', 'restore-plan', `${F}state-6.7.tgz`]);
    const doc = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['route', 'blocked', 'findings', 'prerequisites', 'steps', 'file']));
    expect(doc['route']).toBe('state.tgz');
  });

  it('names the files as given, folder kept, each one quoted shell word; --keystore as given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-esxi-plan-cli-'));
    try {
      mkdirSync(join(dir, 'g w'));
      copyFileSync(`${F}configBundle-esx67.tgz`, join(dir, 'g w', "o'neil $(id).tgz"));
      const r = await run(['esxi', 'restore-plan', "g w/o'neil $(id).tgz"], dir);
      expect(r.out).toContain(`workstation$ scp 'g w/o'\\''neil $(id).tgz' root@HOST:/tmp/configBundle.tgz`);
      expect(r.out).toContain(`workstation$ tar xzf 'g w/o'\\''neil $(id).tgz' state.tgz`);

      const lib = (await import(`${F}../gen/esxi/lib.mjs`)) as { encryptEnvelope(b: Buffer): Buffer; localTgz(f: object): Buffer; etc67(): object; encryptionInfo(): string };
      writeFileSync(join(dir, 'esx01.ve'), lib.encryptEnvelope(lib.localTgz(lib.etc67())));
      mkdirSync(join(dir, 'keys'));
      writeFileSync(join(dir, 'keys', 'esx01.info'), lib.encryptionInfo());
      const ve = await run(['--json', 'esxi', 'restore-plan', 'esx01.ve', '--keystore', 'keys/esx01.info'], dir);
      const steps = (JSON.parse(ve.out) as { steps: Array<{ commands: string[] }> }).steps;
      expect(steps[0]!.commands).toEqual([
        "workstation$ mkdir -p state-tgz-members && cp 'esx01.ve' state-tgz-members/local.tgz.ve && cp 'keys/esx01.info' state-tgz-members/encryption.info && tar czf state.tgz -C state-tgz-members local.tgz.ve encryption.info",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
