import { describe, expect, it } from '@jest/globals';
import { fixturePath } from '../helpers/corpus.js';
import { analyzeEvents, type EventsInput } from '../../src/events/index.js';

describe('analyzeEvents inputs', () => {
  const log = fixturePath('events', 'system-crash-storage-update.evtx');

  it('one log given alone reads as a list of one (a string is not a list of one-letter paths)', async () => {
    const alone = await analyzeEvents(log);
    const listed = await analyzeEvents([log]);
    expect(alone.files.map((f) => [f.file, f.records, f.error])).toEqual(listed.files.map((f) => [f.file, f.records, f.error]));
    expect(alone.files).toHaveLength(1);
    expect(alone.files[0]!.records).toBeGreaterThan(0);
  });

  it('bytes are refused with a USAGE error, not a Node message about a path', async () => {
    await expect(analyzeEvents([new Uint8Array(8) as unknown as EventsInput])).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/bytes are not accepted/) });
  });
});
