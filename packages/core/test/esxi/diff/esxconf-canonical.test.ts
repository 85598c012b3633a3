/**
 * esx.conf canonical keys: children compare by name, and two children with the same name are settled by the
 * natural order of their raw keys, whatever order the file lists them in.
 */
import { describe, expect, it } from '@jest/globals';
import { parseEsxConf } from '../../../src/esxi/config/esxconf.js';
import { canonicalEsxConf, diffEsxConf } from '../../../src/esxi/diff/esxconf.js';

const LINES = [
  '/net/vswitch/child[0010]/name = "vSwitch0"',
  '/net/vswitch/child[0010]/mtu = "9000"',
  '/net/vswitch/child[0002]/name = "vSwitch0"',
  '/net/vswitch/child[0002]/mtu = "1500"',
  '/net/vswitch/child[0002]/uplinks/child[0000]/pnic = "vmnic1"',
];

describe('canonicalEsxConf', () => {
  it('renames indexed children by name and turns uplink children into set members', () => {
    const canon = canonicalEsxConf(parseEsxConf(`${LINES.join('\n')}\n`));
    expect(canon.get('/net/vswitch/child{vSwitch0}/mtu')).toEqual({ value: '1500', raw: '/net/vswitch/child[0002]/mtu' });
    expect(canon.get('/net/vswitch/child{vSwitch0}/uplinks{vmnic1}')?.value).toBe('present');
  });

  it('a name collision keeps the naturally first child (child[0002] before child[0010]) in either file order', () => {
    const forward = canonicalEsxConf(parseEsxConf(`${LINES.join('\n')}\n`));
    const reversed = canonicalEsxConf(parseEsxConf(`${[...LINES].reverse().join('\n')}\n`));
    for (const canon of [forward, reversed]) {
      expect(canon.get('/net/vswitch/child{vSwitch0}/mtu')?.raw).toBe('/net/vswitch/child[0002]/mtu');
      expect(canon.get('/net/vswitch/child[0010]/mtu')?.value).toBe('9000');
    }
    expect(new Map([...forward].sort())).toEqual(new Map([...reversed].sort()));
  });

  it('reordering the lines of a file is no change', () => {
    const a = parseEsxConf(`${LINES.join('\n')}\n`);
    const b = parseEsxConf(`${[...LINES].reverse().join('\n')}\n`);
    expect(diffEsxConf(a, b, false)).toEqual([]);
  });
});
