import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { adviceFor, groupCrashes } from '../../../src/dump/fleet/group.js';
import type { FleetGroup, FleetRow } from '../../../src/dump/fleet/model.js';
import { reportRow } from '../../../src/dump/fleet/row.js';
import { analyzeNativeBuffer } from '../../../src/dump/native/index.js';
import { corpusPath } from '../../helpers/corpus.js';

/** A group as groupCrashes makes it, with the fields the advice reads. */
const group = (over: Partial<FleetGroup>): Omit<FleetGroup, 'advice'> => ({
  kind: 'kernel',
  code: '0x000000D5',
  name: null,
  culprit: null,
  symbol: null,
  count: 3,
  share: 1,
  firstCrash: null,
  lastCrash: null,
  folders: [],
  folderCount: 0,
  examples: [],
  rowIndexes: [],
  thirdParty: null,
  versions: null,
  ...over,
});

describe('fleet advice for a module that had been unloaded', () => {
  it('a Windows driver called after its unload is to blame, not "more often the victim"', () => {
    const a = adviceFor(group({ culprit: 'usbhub.sys (unloaded)', thirdParty: false }), []);
    expect(a.steps[0]).toBe('The crash ran into usbhub.sys after it had been unloaded: it left a timer, DPC or callback behind. usbhub.sys is part of Windows: install the latest Windows updates, and update the drivers of the device it serves.');
    expect(a.steps.join(' ')).not.toMatch(/victim/);
  });

  it('a third-party driver: update it or uninstall what installed it, with the versions seen', () => {
    const a = adviceFor(group({ culprit: 'acmefilt.sys (unloaded)', thirdParty: true, versions: { min: '1.2', max: '1.4' } }), []);
    expect(a.steps[0]).toBe('The crash ran into acmefilt.sys after it had been unloaded: it left a timer, DPC or callback behind. Update acmefilt.sys from its vendor, or uninstall the software or device that installed it (these crashes ran versions 1.2 to 1.4).');
  });

  it('user mode: the product that left a hook behind, then the application', () => {
    const a = adviceFor(group({ kind: 'user', code: '0xC0000005', culprit: 'hook64.dll (unloaded)' }), [{ process: 'outlook.exe' } as never]);
    expect(a.steps[0]).toBe('outlook.exe called into hook64.dll after it had been unloaded (a callback or hook left registered): update or remove the product that installed hook64.dll (a plug-in, an injected DLL, an antivirus hook), then update outlook.exe.');
  });

  it('a loaded Windows driver is still advised as a likely victim', () => {
    expect(adviceFor(group({ culprit: 'ntfs.sys', thirdParty: false }), []).steps[0]).toMatch(/^ntfs\.sys is part of Windows, so it is more often the victim than the cause/);
  });
});

describe('fleet advice for a user-mode group with no culprit', () => {
  /** A row of the group as the advice reads it. */
  const row = (over: Partial<FleetRow>) => ({ process: 'crashme.exe', engine: 'native', damage: 0, ...over }) as FleetRow;
  const userGroup = group({ kind: 'user', code: '0xC0000005', culprit: null });

  it('dumps read in part (the module list lost): no Windows library, no guess; get another dump', () => {
    const steps = adviceFor(userGroup, [row({ process: null, damage: 5 })]).steps;
    expect(steps[0]).toBe(
      'The dump is damaged (read in part: see the warnings), and a damaged dump may have lost what ties an address to a module (its module list, the registers, the stack), so no module can be blamed. Get another dump of the same crash (a complete copy of the file, or the next one written) and analyse that.',
    );
    expect(steps.join(' ')).not.toMatch(/Windows library/);
  });

  it('the same from the cut dump itself (its module list cut off), through its row and group', () => {
    const cut = readFileSync(corpusPath('dumps', 'mdmp', 'breakpad_ascii_write_av.dmp')).subarray(0, 1000);
    const r = reportRow(analyzeNativeBuffer(cut, 'cut.dmp'), { kind: 'path', path: 'cut.dmp', display: 'cut.dmp', folder: '.' });
    const [g] = groupCrashes([r]);
    expect(g!.culprit).toBeNull();
    expect(g!.advice.steps[0]).toMatch(/^The dump is damaged .* Get another dump of the same crash/);
  });

  it('dumps read whole whose crash address and stack are in no module: what the data says, not "a Windows library"', () => {
    const steps = adviceFor(userGroup, [row({}), row({})]).steps;
    expect(steps[0]).toBe(
      'crashme.exe crashed at an address in no loaded module, and no module address was found on the stack either: a call through a bad or freed pointer, or code made at run time (a JIT). Update crashme.exe, and analyse one example with cdb and symbols (`analyze dump FILE --engine cdb` on Windows) for the full stack.',
    );
    expect(steps.join(' ')).not.toMatch(/Windows library/);
  });

  it('a mixed group gets both steps, counting the damaged dumps; cdb or a saved text that named no module: analyse with cdb', () => {
    const mixed = adviceFor(userGroup, [row({}), row({ damage: 1 }), row({ damage: 2 })]).steps;
    expect(mixed[0]).toMatch(/^crashme\.exe crashed at an address in no loaded module/);
    expect(mixed[1]).toMatch(/^2 of these dumps are damaged/);
    expect(adviceFor(userGroup, [row({ engine: 'text' })]).steps[0]).toBe('No module was named: analyse one example with cdb and symbols (`analyze dump FILE --engine cdb` on Windows) for the full !analyze verdict.');
  });
});
