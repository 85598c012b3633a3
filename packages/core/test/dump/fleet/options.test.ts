import { describe, expect, it } from '@jest/globals';
import { analyzeDumpFleet, type FleetOptions } from '../../../src/dump/fleet/index.js';
import { fixturePath } from '../../helpers/corpus.js';

describe('analyzeDumpFleet options from JavaScript', () => {
  const dumps = [fixturePath('dump', 'synthetic-triage-x64.dmp'), fixturePath('dump', 'analyze-v-d1-exampledrv.txt')];

  it('no options, or no engine: engine auto (native here), as analyzeDump does; not cdb for every dump', async () => {
    const none = await analyzeDumpFleet(dumps);
    const auto = await analyzeDumpFleet(dumps, { engine: 'auto', workers: 0 });
    expect(none.totals).toEqual(auto.totals);
    expect(auto.totals.errors).toBe(0);
    expect((await analyzeDumpFleet(dumps, { workers: 0 })).totals).toEqual(auto.totals);
  });

  it('a misspelt engine is a usage error', async () => {
    await expect(analyzeDumpFleet(dumps, { engine: 'Native' } as unknown as FleetOptions)).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/engine must be one of auto, native, cdb/) });
  });
});
