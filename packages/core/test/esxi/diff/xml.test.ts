// XML configs are compared by element (issue 6): leaf values, attributes, secret leaves redacted.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Header } from 'tar';
import { openBackup } from '../../../src/esxi/backup/open.js';
import { diffBackups } from '../../../src/esxi/diff/backups.js';
import { parseBackup } from '../../../src/esxi/diff/parsed.js';
import { diffXml, flattenXml, MAX_XML_PATH } from '../../../src/esxi/diff/text.js';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';

/** CPU time of this process (ms): the machine running the suite may be shared. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Synthetic hostd files of a fresh 6.7 host and of the same host upgraded to 7.0 (fixtures/gen/esxi/hostd-etc.mjs). */
const factory67 = (name: string) => readFileSync(fixturePath('esxi', 'etc-6.7', 'etc', 'vmware', 'hostd', name), 'utf8');
const upgraded70 = (name: string) => readFileSync(fixturePath('esxi', 'etc-7.0', 'etc', 'vmware', 'hostd', name), 'utf8');
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

  it(`paths past MAX_XML_PATH (${MAX_XML_PATH} characters) or adding up past MAX_XML_PATH_CHARS (16 Mi): not flattened, at once`, () => {
    // every key repeats its parent's path: 2,000 children of a 100,000-character element made 2,000 keys of
    // 100 KB that V8 hashes by length alone (27 s, 750 MB); 250,000 children of a 4,000-character one, 1 G characters
    const parent = (n: number, children: string) => `<${'X'.repeat(n)}>${children}</${'X'.repeat(n)}>`;
    const t = cpuMs();
    expect(flattenXml(parent(100_000, '<a/>'.repeat(2000)))).toBeUndefined();
    expect(flattenXml(parent(4000, '<a/>'.repeat(250_000)))).toBeUndefined();
    expect(flattenXml(`<c>${'<a/>'.repeat(100)}<b ${Array.from({ length: 100 }, (_, i) => `k${i}="1"`).join(' ')} id="${'i'.repeat(MAX_XML_PATH)}"/></c>`)).toBeUndefined();
    expect(cpuMs() - t).toBeLessThan(1000);
    // up to the cap, flattened as before
    const longest = flattenXml(parent(MAX_XML_PATH - 3, '<a/>'))!;
    expect([...longest.keys()].map((k) => k.length)).toEqual([MAX_XML_PATH]);
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

  it('hostd config.xml, 6.7 against the same host upgraded to 7.0: each changed element once, with both values', () => {
    // The changes hostd-etc.mjs makes between its V67 and V70 values.
    const changes = diffXml('etc/vmware/hostd/config.xml', 'system', factory67('config.xml'), upgraded70('config.xml'))!;
    expect(changes.map((c) => [c.change, c.key, c.before, c.after])).toEqual([
      ['added', '/config/hostdChildRpPolicy', undefined, 'limited'],
      ['modified', '/config/hostdMaxThreads', '96', '128'],
      ['removed', '/config/log/level[id=Snmpsvc]/logLevel', 'info', undefined],
      ['removed', '/config/log/level[id=Snmpsvc]/logName', 'Snmpsvc', undefined],
      ['added', '/config/log/level[id=Vigor]/logLevel', undefined, 'info'],
      ['added', '/config/log/level[id=Vigor]/logName', undefined, 'Vigor'],
      ['modified', '/config/log/level[id=Vmsvc]/logLevel', 'info', 'verbose'],
      ['modified', '/config/log/maxFileSize', '524288', '1048576'],
      ['modified', '/config/proxysvc/maxConnections', '64', '128'],
      ['modified', '/config/version', '6.6.0.0', '7.0.0.0'],
      ['removed', '/config/vmacore/ssl/protocols', 'tls1.1,tls1.2', undefined],
      ['modified', '/config/vmacore/threadPool/IoMax', '44', '52'],
      ['modified', '/config/vmacore/threadPool/TaskMax', '22', '24'],
      ['modified', '/config/vmacore/threadPool/ThreadStackSizeKb', '192', '256'],
    ]);
  });

  it('the real 7.0.2 hostd config.xml without its comments and re-indented has no element changes (800 lines, not 800 line changes)', () => {
    const real = real702('config.xml');
    const relaid = real.replace(/<!--[\s\S]*?-->/g, '').replace(/^[ \t]+/gm, '\t');
    expect(relaid).not.toBe(real);
    expect(diffXml('etc/vmware/hostd/config.xml', 'system', real, relaid)).toEqual([]);
    expect(diffXml('etc/vmware/hostd/config.xml', 'system', real, relaid.replace('<TaskMax>24</TaskMax>', '<TaskMax>30</TaskMax>'))!.map((c) => [c.key, c.before, c.after])).toEqual([
      ['/config/vmacore/threadPool/TaskMax', '24', '30'],
    ]);
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
  it('an XML file with paths longer than real ones is compared by line', async () => {
    const path = 'etc/vmware/hostd/config.xml';
    const long = `<${'X'.repeat(100_000)}>${'<a/>'.repeat(2000)}</${'X'.repeat(100_000)}>`;
    const before = await parseBackup(openBackup(localTar({ [path]: '<ConfigRoot><a>1</a></ConfigRoot>' }), { name: 'a.tar' }));
    const after = await parseBackup(openBackup(localTar({ [path]: long }), { name: 'b.tar' }));
    expect(diffBackups(before, after).changes.map((c) => [c.change, c.key?.length])).toEqual([
      ['removed', 33],
      ['added', long.length],
    ]);
  });

  it('same elements, other bytes: one "only layout or order changed" line, not a hash pair', async () => {
    const path = 'etc/vmware/hostd/authorization.xml';
    const before = await parseBackup(openBackup(localTar({ [path]: factory67('authorization.xml') }), { name: 'a.tar' }));
    const after = await parseBackup(openBackup(localTar({ [path]: real702('authorization.xml') }), { name: 'b.tar' }));
    expect(diffBackups(before, after).changes).toEqual([
      { area: 'users', path, change: 'modified', label: `${path}: only layout or order changed (same elements and values; ${Buffer.byteLength(factory67('authorization.xml'))} → ${Buffer.byteLength(real702('authorization.xml'))} bytes)` },
    ]);
  });
});
