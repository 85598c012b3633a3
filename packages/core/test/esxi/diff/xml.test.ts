// XML configs are compared by element (issue 6): leaf values, attributes, secret leaves redacted.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Header } from 'tar';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { diffBackups } from '../../../src/esxi/diff/backups.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';
import { diffXml, flattenXml } from '../../../src/esxi/diff/text.js';
import { corpusPath } from '../../helpers/corpus.js';

const factory67 = (name: string) => readFileSync(corpusPath('esxi', 'esxi-6.7.0-8169922-rootfs', 'etc', 'vmware', 'hostd', name), 'utf8');
const real702 = (name: string) => readFileSync(corpusPath('esxi', 'dissect-hypervisor-envelope', 'x', 'etc', 'vmware', 'hostd', name), 'utf8');

describe('flattenXml', () => {
  it('keeps leaf text, attributes and ids', () => {
    const m = flattenXml('<ConfigRoot><ConfigEntry id="0000"><objID>2</objID><vmxCfgPath>/vmfs/a &amp; b.vmx</vmxCfgPath></ConfigEntry><x a="1"/></ConfigRoot>\n');
    expect(Object.fromEntries(m!)).toEqual({
      '/ConfigRoot/ConfigEntry[id=0000]/objID': '2',
      '/ConfigRoot/ConfigEntry[id=0000]/vmxCfgPath': '/vmfs/a & b.vmx',
      '/ConfigRoot/x/@a': '1',
    });
  });

  it('a stray "<" or an unclosed element is not well-formed (the caller falls back to lines)', () => {
    expect(flattenXml('<a>1 < 2</a>')).toBeUndefined();
    expect(flattenXml('<a><b>1</b>')).toBeUndefined();
  });
});

describe('diffXml', () => {
  it('reports a changed leaf value with both values', () => {
    expect(diffXml('etc/vmware/hostd/hostsvc.xml', 'services', '<ConfigRoot><service><TSM-SSH>off</TSM-SSH></service></ConfigRoot>', '<ConfigRoot><service><TSM-SSH>on</TSM-SSH></service></ConfigRoot>')).toEqual([
      {
        area: 'services',
        path: 'etc/vmware/hostd/hostsvc.xml',
        key: '/ConfigRoot/service/TSM-SSH',
        change: 'modified',
        before: 'off',
        after: 'on',
        label: 'etc/vmware/hostd/hostsvc.xml /ConfigRoot/service/TSM-SSH: off → on',
      },
    ]);
  });

  it('secret leaves (<password>, <communities>) say only "changed" unless showSecrets', () => {
    const a = '<config><ad><password>OldPw1</password></ad><snmp><communities></communities></snmp></config>';
    const b = '<config><ad><password>NewPw2</password></ad><snmp><communities>Comm3</communities></snmp></config>';
    const hidden = diffXml('x.xml', 'system', a, b)!;
    expect(hidden.map((c) => c.label)).toEqual(['x.xml /config/ad/password changed', 'x.xml /config/snmp/communities changed']);
    expect(hidden.every((c) => c.secret === true && c.before === undefined && c.after === undefined)).toBe(true);
    expect(JSON.stringify(hidden)).not.toMatch(/OldPw1|NewPw2|Comm3/);
    const shown = diffXml('x.xml', 'system', a, b, true)!;
    expect(shown.map((c) => c.label)).toEqual(['x.xml /config/ad/password: OldPw1 → NewPw2', 'x.xml /config/snmp/communities: "" → Comm3']);
  });

  it('real hostd config.xml, factory 6.7 against the real 7.0.2 host: version and values by element', () => {
    const changes = diffXml('etc/vmware/hostd/config.xml', 'system', factory67('config.xml'), real702('config.xml'))!;
    expect(changes.find((c) => c.key === '/config/version')).toMatchObject({ change: 'modified', before: '6.6.0.0', after: '7.0.0.0' });
    expect(changes.find((c) => c.key === '/config/vmacore/threadPool/TaskMax')).toMatchObject({ before: '22', after: '24' });
    // 30-odd element changes, not a whole-file "changed" nor hundreds of line changes
    expect(changes.length).toBeGreaterThan(10);
    expect(changes.length).toBeLessThan(60);
  });

  it('an empty element that gained children is reported through the children only', () => {
    const changes = diffXml('etc/vmware/hostd/vmInventory.xml', 'storage', factory67('vmInventory.xml'), real702('vmInventory.xml'))!;
    expect(changes.map((c) => [c.change, c.key])).toEqual([
      ['added', '/ConfigRoot/ConfigEntry[id=0000]/objID'],
      ['added', '/ConfigRoot/ConfigEntry[id=0000]/secDomain'],
      ['added', '/ConfigRoot/ConfigEntry[id=0000]/vmxCfgPath'],
    ]);
  });

  it('a file that differs only in layout has no element changes', () => {
    expect(diffXml('etc/vmware/hostd/authorization.xml', 'users', factory67('authorization.xml'), real702('authorization.xml'))).toEqual([]);
  });
});

/** A bare local.tgz (uncompressed tar) holding the given files. */
function localTar(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [path, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const h = new Header({ path, type: 'File', size: data.length, mode: 0o644, mtime: new Date(0) });
    h.encode();
    blocks.push(h.block!, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}

describe('esxi diff of XML files inside backups', () => {
  it('same elements, other bytes: one "only layout or order changed" line, not a hash pair', async () => {
    const path = 'etc/vmware/hostd/authorization.xml';
    const before = await parseBackup(openBackup(localTar({ [path]: factory67('authorization.xml') }), { name: 'a.tar' }));
    const after = await parseBackup(openBackup(localTar({ [path]: real702('authorization.xml') }), { name: 'b.tar' }));
    expect(diffBackups(before, after).changes).toEqual([
      { area: 'users', path, change: 'modified', label: `${path}: only layout or order changed (same elements and values; 886 → 885 bytes)` },
    ]);
  });
});
