import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/main.js';
import { esxiSpec } from '../../src/commands/esxi/spec.js';
import { captureIo } from '../helpers/io.js';

const F = new URL('../../../../fixtures/esxi/', import.meta.url).pathname;
const run = async (argv: string[]) => {
  const io = captureIo();
  const code = await main(argv, io, [esxiSpec]);
  return { code, out: io.stdout, err: io.stderr };
};

describe('analyze esxi check', () => {
  it('exit 1 and the fix for the boot HBA passthrough; JSON findings[]', async () => {
    const r = await run(['--json', 'esxi', 'check', `${F}pairs/boot-hba-passthru/after.tgz`]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { findings: Array<{ severity: string; code: string; fix: string }> };
    expect(doc.findings[0]).toMatchObject({ severity: 'error', code: 'ESXI_PASSTHRU_BOOT_HBA' });
    expect(doc.findings[0]?.fix).toContain('/device/000:31.2/owner = "vmkernel"');
  });

  it('exit 0 for a clean backup; --target compares release and UUID', async () => {
    expect((await run(['esxi', 'check', `${F}state-6.7.tgz`])).code).toBe(0);
    const r = await run(['esxi', 'check', `${F}configBundle-esx70.tgz`, '--target', `${F}local-6.7.tgz`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ESXI_RELEASE_MISMATCH');
    expect(r.out).toContain('TARGET');
  });
});
