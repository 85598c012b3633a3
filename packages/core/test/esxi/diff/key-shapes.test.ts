/**
 * The esx.conf key shapes (key-shapes.ts) found by string search give what the regexes they replace gave, on
 * real keys, crafted ones and random strings of the patterns' pieces; and the keys that made those regexes
 * backtrack quadratically (a 2 KB backup: `esxi diff` busy for minutes) take milliseconds.
 */
import { describe, expect, it } from '@jest/globals';
import { endsWithGroup, groupsElided, isVswitchChild, uplinkMember, uplinkOrder, uplinkSetMember } from '../../../src/esxi/diff/key-shapes.js';

/** The regexes as they were in esxconf.ts, and what the code took of their matches. */
const before = {
  uplinkMember: (k: string) => {
    const m = /^(.*\/uplinks)\/child\[([^\]]+)\]\/pnic$/.exec(k);
    return m ? [m[1], m[2]] : undefined;
  },
  uplinkOrder: (k: string) => {
    const m = /^(.*\/uplinks)\[([^\]]+)\]\/pnic$/.exec(k);
    return m ? [m[1], m[2]] : undefined;
  },
  uplinkSetMember: (k: string) => {
    const m = /^(.*\/uplinks)\{([^}]*)\}$/.exec(k);
    return m ? [m[1], m[2]] : undefined;
  },
  endsWithGroup: (k: string) => /\{[^}]*\}$/.test(k),
  isVswitchChild: (k: string) => /vswitch\/child\{[^}]*\}$/.test(k),
  groupsElided: (k: string) => k.replace(/\{[^}]*\}/g, '[…]'),
};
const now = { uplinkMember, uplinkOrder, uplinkSetMember, endsWithGroup, isVswitchChild, groupsElided };
const names = Object.keys(before) as Array<keyof typeof before>;

/** The functions where they differ from the regexes on `key`, as [name, key, now, before]. */
const differences = (key: string): unknown[] =>
  names.filter((n) => JSON.stringify(now[n](key)) !== JSON.stringify(before[n](key))).map((n) => [n, key, now[n](key), before[n](key)]);
const same = (key: string) => expect(differences(key)).toEqual([]);

describe('esx.conf key shapes', () => {
  it('agree with the regexes on real keys', () => {
    const keys = [
      '/net/vswitch/child[0000]/uplinks/child[0000]/pnic',
      '/net/vswitch/child[0000]/teamPolicy/uplinks[0000]/pnic',
      '/net/vswitch/child{vSwitch0}/uplinks{vmnic1}',
      '/net/vswitch/child{vSwitch0}',
      '/net/vswitch/child{vSwitch0}/portgroup/child{Management Network}',
      '/net/pnic/child{vmnic0}/mac',
      '/adv/Net/TcpipHeapMax',
      '/net/vswitch/child{vSwitch0}/teamPolicy/uplinks',
      '/system/uuid',
    ];
    for (const k of keys) same(k);
    expect(uplinkMember(keys[0]!)).toEqual(['/net/vswitch/child[0000]/uplinks', '0000']);
    expect(uplinkSetMember(keys[2]!)).toEqual(['/net/vswitch/child{vSwitch0}/uplinks', 'vmnic1']);
    expect(groupsElided('/a{b}/c{d{e}f}g{')).toBe('/a[…]/c[…]f}g{');
  });

  it('agree with the regexes on 30,000 random keys of their pieces (line breaks included)', () => {
    const pieces = ['/uplinks', '/child[', '[', ']', ']/pnic', '/pnic', '{', '}', 'vswitch/child{', 'x', '/', '\r', '\n', '\u2028', ''];
    let seed = 20261207;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const found: unknown[] = [];
    for (let i = 0; i < 30_000 && found.length < 5; i++) {
      let k = '';
      const n = 1 + Math.floor(next() * 9);
      for (let j = 0; j < n; j++) k += pieces[Math.floor(next() * pieces.length)];
      found.push(...differences(k));
    }
    expect(found).toEqual([]);
  });

  it('take milliseconds on 1 MB keys that made the regexes backtrack quadratically', () => {
    const keys = [
      '/net/uplinks/child[s'.repeat(50_000),
      '/uplinks[/'.repeat(100_000) + 'u',
      '/net/uplinks{'.repeat(80_000) + '\u2028',
      '{'.repeat(1_000_000) + '}{}',
      'vswitch/child{'.repeat(70_000) + '}vswitch/child{}',
      '{'.repeat(1_000_000),
    ];
    const t = Date.now();
    for (const k of keys) for (const n of names) now[n](k);
    expect(Date.now() - t).toBeLessThan(2_000); // the regexes: minutes
    for (const k of keys.map((k) => k.slice(0, 2_000))) same(k);
  });
});
