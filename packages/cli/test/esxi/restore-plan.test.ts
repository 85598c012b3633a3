import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/main.js';
import { esxiSpec } from '../../src/commands/esxi/spec.js';
import { captureIo } from '../helpers/io.js';

const F = new URL('../../../../fixtures/esxi/', import.meta.url).pathname;
const run = async (argv: string[]) => {
  const io = captureIo();
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
});
