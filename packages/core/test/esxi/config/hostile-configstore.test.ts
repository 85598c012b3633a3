/**
 * ConfigStore JSON shaped against the code that walks it: nesting 50,000 deep (300 KB) overflowed the stack
 * of mergedValue (show) and flattenJson (diff), members under one long key made each member's path repeat
 * it (42 KB of JSON took 4.9 s), and every changed field quoted its row's identifier whole.
 */
import { describe, expect, it } from '@jest/globals';
import { mergedValue, readConfigStore, rowsOf, MAX_CONFIGSTORE_DEPTH, type ConfigStore, type ConfigStoreRow } from '../../../src/esxi/config/configstore.js';
import { diffConfigStore, flattenJson, MAX_FIELD_PATH, MAX_ROW_NAME } from '../../../src/esxi/diff/configstore.js';
import { MAX_CHANGE_LABEL } from '../../../src/esxi/diff/model.js';
import { fixturePath } from '../../helpers/corpus.js';

interface Gen {
  deepJson(levels: number, core?: string): string;
  longKeyJson(keyLength: number, members: number, value?: unknown): string;
  configStoreOfTexts(rows: Array<{ group: string; name: string; id?: string; user?: string; vital?: string }>): Promise<Buffer>;
}
const gen = async () => (await import(fixturePath('gen', 'esxi', 'hostile-configstore.mjs'))) as Gen;

function row(values: ConfigStoreRow['values'], identifier = '', name = 'n'): ConfigStoreRow {
  return { component: 'esx', group: 'g', name, identifier, modifiedTime: undefined, creationTime: undefined, version: undefined, success: undefined, revision: undefined, values };
}
const store = (...rows: ConfigStoreRow[]): ConfigStore => ({ rows, kv: [], tables: ['Config'] });

function timed<T>(f: () => T): { value: T; seconds: number } {
  const t = process.hrtime.bigint();
  const value = f();
  return { value, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
}

describe('ConfigStore values nested past MAX_CONFIGSTORE_DEPTH', () => {
  it('are kept as their JSON text by readConfigStore; show merges and diff compares them as text', async () => {
    const g = await gen();
    const deep = (core: string) => `{"name":"vSwitch1","policy":${g.deepJson(50_000, core)}}`;
    const read = async (core: string) =>
      readConfigStore(
        await g.configStoreOfTexts([
          { group: 'network_vss', name: 'switches', id: 'vSwitch1', user: deep(core), vital: deep('1') },
          { group: 'g', name: 'edge', user: g.deepJson(MAX_CONFIGSTORE_DEPTH), vital: g.deepJson(MAX_CONFIGSTORE_DEPTH + 1) },
        ]),
      );
    const a = await read('1');
    const sw = rowsOf(a, 'esx', 'network_vss', 'switches').find((r) => r.identifier === 'vSwitch1')!;
    expect(sw.values.UserValue).toBe(deep('1'));
    expect(mergedValue(sw)).toBe(deep('1'));
    // the deepest a value may be is parsed; one level more is text
    const edge = rowsOf(a, 'esx', 'g', 'edge')[0]!;
    expect(typeof edge.values.UserValue).toBe('object');
    expect(edge.values.VitalValue).toBe(g.deepJson(MAX_CONFIGSTORE_DEPTH + 1));
    expect([...flattenJson(edge.values.UserValue).keys()]).toEqual([Array(MAX_CONFIGSTORE_DEPTH).fill('a').join('.')]);
    // the other rows are read as before
    expect(rowsOf(a, 'esx', 'network_vss', 'switches').find((r) => r.identifier === 'vSwitch0')!.values.UserValue).toMatchObject({ name: 'vSwitch0', mtu: 1500 });
    const changes = diffConfigStore(a, await read('2'), false);
    // the texts are compared whole; the label quotes each cut to MAX_CHANGE_LABEL
    expect(changes).toEqual([expect.objectContaining({ before: JSON.stringify(deep('1')), after: JSON.stringify(deep('2')) })]);
    const cut = (core: string) => `${JSON.stringify(deep(core)).slice(0, MAX_CHANGE_LABEL)}... (400,038 characters)`;
    expect(changes[0]!.label).toBe(`ConfigStore network_vss/switches vSwitch1: user ${cut('1')} → ${cut('2')}`);
  });

  it('a secret inside such a text is found as written, its quotes escaped in the JSON string compared', () => {
    const text = (password: string) => `[${'{"a":'.repeat(100)}{"password":"${password}"}${'}'.repeat(100)}]`;
    const changes = diffConfigStore(store(row({ UserValue: text('Hunter2Deep') })), store(row({ UserValue: text('Hunter3Deep') })), false);
    expect(changes).toEqual([expect.objectContaining({ label: 'ConfigStore g/n: user changed', secret: true })]);
    expect(JSON.stringify(changes)).not.toContain('Deep');
  });

  it('values made by a caller are walked MAX_CONFIGSTORE_DEPTH levels at most, without overflowing the stack', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`) as unknown;
    const leaves = flattenJson(deep);
    expect([...leaves]).toEqual([[Array(MAX_CONFIGSTORE_DEPTH).fill('a').join('.'), '"(nested too deep to show)"']]);
    const shallower = JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`) as unknown;
    expect([...flattenJson(shallower).values()]).toEqual([`${'{"a":'.repeat(100 - MAX_CONFIGSTORE_DEPTH)}1${'}'.repeat(100 - MAX_CONFIGSTORE_DEPTH)}`]);
    // both sides as deep: merged level by level down to the cap, the UserValue's below it
    const user = JSON.parse(`${'{"a":'.repeat(50_000)}2${'}'.repeat(50_000)}`) as unknown;
    let merged = mergedValue(row({ AutoConfValue: deep, UserValue: user })) as Record<string, unknown>;
    let below = user as Record<string, unknown>;
    for (let i = 0; i < MAX_CONFIGSTORE_DEPTH; i++) [merged, below] = [merged['a'] as Record<string, unknown>, below['a'] as Record<string, unknown>];
    expect(merged).toBe(below);
  });
});

describe('ConfigStore field paths past MAX_FIELD_PATH', () => {
  it('2,000 members under a 20,000-character key are one field, its JSON text (4.9 s before)', async () => {
    const g = await gen();
    const value = JSON.parse(g.longKeyJson(20_000, 2000)) as Record<string, unknown>;
    const r = timed(() => flattenJson(value));
    expect([...r.value.keys()]).toEqual(['k'.repeat(20_000)]);
    expect(r.value.get('k'.repeat(20_000))).toBe(JSON.stringify(value['k'.repeat(20_000)]));
    expect(r.seconds).toBeLessThan(2);
  });

  it('members at a path up to MAX_FIELD_PATH are split as before', async () => {
    const g = await gen();
    const fields = flattenJson(JSON.parse(g.longKeyJson(MAX_FIELD_PATH, 3)) as unknown);
    expect([...fields.keys()]).toEqual(['x10000', 'x10001', 'x10002'].map((x) => `${'k'.repeat(MAX_FIELD_PATH)}.${x}`));
  });

  it('a field named with 200,000 unclosed brackets is compared in one pass (its leaf name was quadratic)', () => {
    const name = '['.repeat(200_000);
    const r = timed(() => diffConfigStore(store(row({ UserValue: { [name]: 1 } })), store(row({ UserValue: { [name]: 2 } })), false));
    expect(r.value.map((c) => [c.change, c.before, c.after])).toEqual([['modified', '1', '2']]);
    expect(r.seconds).toBeLessThan(5);
  });
});

describe('a long row identifier', () => {
  it(`is quoted cut to ${MAX_ROW_NAME} characters by each changed field (a 1 MB one over 20,000 fields ran out of memory)`, () => {
    const id = 'i'.repeat(1_000_000);
    const fields = (v: number) => Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`f${i}`, v]));
    const changes = diffConfigStore(store(row({ UserValue: fields(1) }, id)), store(row({ UserValue: fields(2) }, id)), false);
    expect(changes).toHaveLength(20_000);
    expect(changes[0]).toMatchObject({ key: `esx/g/n/${'i'.repeat(MAX_ROW_NAME - 8)}... (1,000,008 characters):user.f0`, label: `ConfigStore g/n ${'i'.repeat(MAX_ROW_NAME - 4)}... (1,000,004 characters): user.f0 1 → 2` });
    expect(changes.every((c) => c.label.length + (c.key ?? '').length < 2 * MAX_ROW_NAME + 100)).toBe(true);
    // rows added or removed are named the same way; short names are quoted whole
    const added = diffConfigStore(store(), store(row({ UserValue: {} }, id), row({ UserValue: {} }, 'vmk0')), false);
    expect(added.map((c) => c.label.length)).toEqual([`ConfigStore g/n ${'i'.repeat(MAX_ROW_NAME - 4)}... (1,000,004 characters): row added`.length, 'ConfigStore g/n vmk0: row added'.length]);
  });
});
