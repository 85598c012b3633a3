/**
 * Values shaped against the code that walks them, end to end through the built CLI: `esxi show --json` and
 * `esxi diff --json` give their whole report (exit 0), in time and within the memory budget. The backups are
 * made here by fixtures/gen/esxi/hostile-configstore.mjs (never committed).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RSS_BUDGET_MB, runMeasured } from '../helpers/peak-rss.js';

interface Gen {
  deepJson(levels: number, core?: string): string;
  longKeyJson(keyLength: number, members: number, value?: unknown): string;
  configStoreTextBackup(rows: Array<{ group: string; name: string; id?: string; user?: string; vital?: string }>): Promise<Buffer>;
  advancedSettingBackup(value: string): Buffer;
}
interface Change {
  label: string;
  key?: string;
  secret?: boolean;
}
interface DiffDoc {
  changes: Change[];
  changesNotListed: number;
  warnings: unknown[];
}

let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-esxi-hostile-'));
  const gen = (await import(fileURLToPath(new URL('../../../../fixtures/gen/esxi/hostile-configstore.mjs', import.meta.url)))) as Gen;
  const deep = (core: string, password: string) => [
    { group: 'network_vss', name: 'switches', id: 'vSwitch1', user: `{"name":"vSwitch1","mtu":1500,"policy":${gen.deepJson(50_000, core)}}` },
    { group: 'g', name: 'deep', user: `[${gen.deepJson(50_000, `{"password":"${password}"}`)}]` },
  ];
  writeFileSync(at('deep-a.tgz'), await gen.configStoreTextBackup(deep('1', 'Hunter2Deep')));
  writeFileSync(at('deep-b.tgz'), await gen.configStoreTextBackup(deep('2', 'Hunter3Deep')));
  writeFileSync(at('long-a.tgz'), await gen.configStoreTextBackup([{ group: 'g', name: 'long', user: gen.longKeyJson(20_000, 2000, 1) }]));
  writeFileSync(at('long-b.tgz'), await gen.configStoreTextBackup([{ group: 'g', name: 'long', user: gen.longKeyJson(20_000, 2000, 2) }]));
  const fields = (v: number) => `{${Array.from({ length: 4_000 }, (_, i) => `"f${i}":${v}`).join(',')}}`;
  writeFileSync(at('rowid-a.tgz'), await gen.configStoreTextBackup([{ group: 'g', name: 'n', id: 'i'.repeat(100_000), user: fields(1) }]));
  writeFileSync(at('rowid-b.tgz'), await gen.configStoreTextBackup([{ group: 'g', name: 'n', id: 'i'.repeat(100_000), user: fields(2) }]));
  writeFileSync(at('adv-a.tgz'), gen.advancedSettingBackup('a.'.repeat(64 * 1024)));
  writeFileSync(at('adv-b.tgz'), gen.advancedSettingBackup('b.'.repeat(64 * 1024)));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('esxi show and diff on hostile values: the whole report, in time and within budget', () => {
  it('ConfigStore JSON nested 50,000 deep: compared as its text (the stack overflowed: INPUT_TOO_LARGE, exit 2)', () => {
    const show = runMeasured(['esxi', 'show', '--json', at('deep-a.tgz')]);
    expect(show.status).toBe(0);
    const vSwitches = (JSON.parse(show.stdout) as { network: { vSwitches: Array<{ name: string }> } }).network.vSwitches;
    expect(vSwitches.map((v) => v.name)).toEqual(['vSwitch0', 'vSwitch1']);
    expect(show.peakMB).toBeLessThan(RSS_BUDGET_MB);

    const diff = runMeasured(['esxi', 'diff', '--json', at('deep-a.tgz'), at('deep-b.tgz')]);
    expect(diff.status).toBe(0);
    const doc = JSON.parse(diff.stdout) as DiffDoc;
    expect(doc.changes.map((c) => [c.label.slice(0, 50), c.secret])).toEqual([
      ['ConfigStore network_vss/switches vSwitch1: user "{', undefined],
      ['ConfigStore g/deep: user changed', true],
    ]);
    expect(diff.stdout).not.toContain('Deep');
    expect(diff.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('2,000 members under a 20,000-character key: one field (60 s and 570 MB before)', () => {
    const r = runMeasured(['esxi', 'diff', '--json', at('long-a.tgz'), at('long-b.tgz')]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as DiffDoc;
    expect(doc.changes.map((c) => c.key)).toEqual([`esx/g/long:user.${'k'.repeat(20_000)}`]);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    expect(r.seconds).toBeLessThan(20);
  });

  it('4,000 changed fields (within MAX_CONFIGSTORE_ITEMS) of a row with a 100,000-character identifier: each quotes it cut', () => {
    const r = runMeasured(['esxi', 'diff', '--json', at('rowid-a.tgz'), at('rowid-b.tgz')]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as DiffDoc;
    expect(doc.changes.length + doc.changesNotListed).toBe(4_000);
    expect(doc.changes[0]!.label).toMatch(/^ConfigStore g\/n i{252}\.\.\. \(100,004 characters\): user\.f\d+ 1 → 2$/);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('an esx.conf setting of 128 KB of `a.a.a…`: shown and diffed in seconds (64 KB took 16 s)', () => {
    const show = runMeasured(['esxi', 'show', '--json', at('adv-a.tgz')]);
    expect(show.status).toBe(0);
    const settings = (JSON.parse(show.stdout) as { advancedSettings: Array<{ option: string; value: string }> }).advancedSettings;
    // compared, not printed on failure: 128 KB
    expect(settings.find((s) => s.option === 'Misc/Foo')?.value === 'a.'.repeat(64 * 1024)).toBe(true);
    expect(show.seconds).toBeLessThan(10);

    const diff = runMeasured(['esxi', 'diff', '--json', at('adv-a.tgz'), at('adv-b.tgz')]);
    expect(diff.status).toBe(0);
    expect((JSON.parse(diff.stdout) as DiffDoc).changes.map((c) => c.label.slice(0, 40))).toEqual(['advanced setting /Misc/Foo: a.a.a.a.a.a.']);
    expect(diff.seconds).toBeLessThan(10);
    expect(diff.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });
});
