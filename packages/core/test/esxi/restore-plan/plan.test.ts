import { describe, expect, it } from '@jest/globals';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';
import { restorePlan } from '../../../src/esxi/restore-plan.js';
import { fixturePath } from '../../helpers/corpus.js';

const load = async (...p: string[]) => parseBackup(openBackup(fixturePath('esxi', ...p)));
const commands = (steps: Array<{ commands: string[] }>) => steps.flatMap((s) => s.commands);

describe('esxi restore-plan', () => {
  it('a configBundle: the vim-cmd route, with the state.tgz route as the alternative', async () => {
    const p = restorePlan(await load('configBundle-esx67.tgz'));
    expect(p.route).toBe('vim-cmd');
    expect(p.blocked).toBe(false);
    expect(commands(p.steps)).toEqual([
      `workstation$ scp '${fixturePath('esxi', 'configBundle-esx67.tgz')}' root@HOST:/tmp/configBundle.tgz`,
      'host# vim-cmd hostsvc/maintenance_mode_enter',
      'host# vim-cmd hostsvc/firmware/restore_config /tmp/configBundle.tgz',
    ]);
    expect(commands(p.alternative!.steps)[0]).toBe(`workstation$ tar xzf '${fixturePath('esxi', 'configBundle-esx67.tgz')}' state.tgz`);
    expect(p.prerequisites[0]).toMatch(/ESXi 6\.7\.0/);
  });

  it('a state.tgz: copy into /bootbank and reboot -f', async () => {
    const p = restorePlan(await load('state-6.7.tgz'));
    expect(p.route).toBe('state.tgz');
    expect(commands(p.steps)).toContain('host# cp /tmp/state.tgz /bootbank/state.tgz');
    expect(commands(p.steps).at(-1)).toBe('host# reboot -f');
  });

  it('a bare local.tgz is wrapped into a state.tgz first, copied under the name it must have there', async () => {
    const p = restorePlan(await load('local-6.7.tgz'));
    expect(commands(p.steps)[0]).toBe(
      `workstation$ mkdir -p state-tgz-members && cp '${fixturePath('esxi', 'local-6.7.tgz')}' state-tgz-members/local.tgz && tar czf state.tgz -C state-tgz-members local.tgz`,
    );
  });

  it('blocking findings come first and mark the plan blocked', async () => {
    const p = restorePlan(await load('pairs', 'boot-hba-passthru', 'after.tgz'));
    expect(p.blocked).toBe(true);
    expect(p.findings[0]?.code).toBe('ESXI_PASSTHRU_BOOT_HBA');
  });
});
