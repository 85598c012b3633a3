import { describe, expect, it } from '@jest/globals';
import { adviceFor } from '../../../src/dump/fleet/group.js';
import type { FleetGroup } from '../../../src/dump/fleet/model.js';

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
