/**
 * ConfigStore values too big to read field by field, end to end through the built CLI: a value with
 * MAX_CONFIGSTORE_ITEMS (4,096) items or more, and a store past MAX_CONFIGSTORE_ITEMS_TOTAL (50,000) items,
 * are kept as their text with an ESXI_CONFIGSTORE_VALUES warning; show, diff and restore-plan give their
 * whole report within the memory budget (16 values of 80,000 members peaked diff --json at 1,018 MB
 * before; 400 of 4,000 at 398 MB, then 237-270 MB until the listed changes were sorted with one collator). The backups are made here by fixtures/gen/esxi/hostile-configstore.mjs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RSS_BUDGET_MB, runMeasured } from '../helpers/peak-rss.js';

interface Gen {
  configStoreTextBackup(rows: Array<{ group: string; name: string; id?: string; user?: string; vital?: string }>): Promise<Buffer>;
}
interface Change {
  label: string;
  key?: string;
  before?: string;
}
interface Warning {
  code: string;
  file: string;
  message: string;
}
interface DiffDoc {
  changes: Change[];
  changesNotListed: number;
  warnings: Warning[];
}

let dir: string;
const at = (name: string) => join(dir, name);

/** `{"f0":v,"f1":v,…}` with `members` members. */
const members = (count: number, v: number) => `{${Array.from({ length: count }, (_, i) => `"f${i}":${v}`).join(',')}}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-esxi-size-'));
  const gen = (await import(fileURLToPath(new URL('../../../../fixtures/gen/esxi/hostile-configstore.mjs', import.meta.url)))) as Gen;
  // few values, each far past MAX_CONFIGSTORE_ITEMS; a last one read field by field
  const wide = (v: number) => [
    ...Array.from({ length: 16 }, (_, i) => ({ group: 'g', name: 'wide', id: `r${i}`, user: members(80_000, v) })),
    { group: 'g', name: 'small', user: members(3, v) },
  ];
  // many values, each within MAX_CONFIGSTORE_ITEMS, together past MAX_CONFIGSTORE_ITEMS_TOTAL
  const many = (v: number) => Array.from({ length: 400 }, (_, i) => ({ group: 'g', name: 'many', id: `r${i}`, user: members(4_000, i === 0 ? 1 : v) }));
  writeFileSync(at('wide-a.tgz'), await gen.configStoreTextBackup(wide(1)));
  writeFileSync(at('wide-b.tgz'), await gen.configStoreTextBackup(wide(2)));
  writeFileSync(at('many-a.tgz'), await gen.configStoreTextBackup(many(1)));
  writeFileSync(at('many-b.tgz'), await gen.configStoreTextBackup(many(2)));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const valuesWarning = (doc: { warnings: Warning[] }) => doc.warnings.filter((w) => w.code === 'ESXI_CONFIGSTORE_VALUES');

describe('esxi ConfigStore values too big to read field by field: kept as text, the whole report within budget', () => {
  it('16 values of 80,000 members: one change each, compared as text, beside a small value compared field by field', () => {
    const r = runMeasured(['esxi', 'diff', '--json', at('wide-a.tgz'), at('wide-b.tgz')]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as DiffDoc;
    expect(doc.changes.length + doc.changesNotListed).toBe(16 + 3);
    const wide = doc.changes.filter((c) => c.key?.startsWith('esx/g/wide/'));
    expect(wide).toHaveLength(16);
    // the label quotes each text cut to 1,024 characters, then is cut itself (MAX_CHANGE_LABEL); so are the values
    expect(wide[0]!.label).toMatch(/^ConfigStore g\/wide r\d+: user "\{\\"f0\\":1,\\"f1\\":1,.*\.\.\. \(2,\d{3} characters\)$/);
    expect(wide[0]!.label.length).toBeLessThan(1024 + 40);
    expect(wide[0]!.before!.length).toBeLessThan(4096 + 40);
    expect(doc.changes.filter((c) => c.key?.startsWith('esx/g/small:')).map((c) => c.key).sort()).toEqual(['esx/g/small:user.f0', 'esx/g/small:user.f1', 'esx/g/small:user.f2']);
    // one warning per backup
    expect(valuesWarning(doc).map((w) => w.file)).toEqual([at('wide-a.tgz'), at('wide-b.tgz')]);
    expect(valuesWarning(doc)[0]!.message).toMatch(/^var\/lib\/vmware\/configstore\/backup\/current-store-1: 16 JSON values .*kept as text/);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('400 values of 4,000 members: read field by field up to 50,000 items in all, the rest as text', () => {
    const r = runMeasured(['esxi', 'diff', '--json', at('many-a.tgz'), at('many-b.tgz')]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as DiffDoc;
    // 12 values fit the budget (12 x 4,000 items): the first is unchanged, 11 x 4,000 fields change; 388 texts
    expect(doc.changes.length + doc.changesNotListed).toBe(11 * 4_000 + 388);
    expect(valuesWarning(doc).map((w) => w.message.match(/: (\d+) JSON values /)?.[1])).toEqual(['388', '388']);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('show and restore-plan on the same backups: exit 0 within budget, the warning given', () => {
    for (const args of [
      ['esxi', 'show', '--json', at('wide-a.tgz')],
      ['esxi', 'show', '--json', at('many-a.tgz')],
      ['esxi', 'restore-plan', '--json', at('many-b.tgz')],
    ]) {
      const r = runMeasured(args);
      expect({ args, status: r.status }).toEqual({ args, status: 0 });
      expect(valuesWarning(JSON.parse(r.stdout) as DiffDoc)).toHaveLength(1);
      expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    }
  });
});
