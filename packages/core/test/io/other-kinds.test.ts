/**
 * A file given to the wrong command: its "not a ..." error names the command that reads it (io/other-kinds.ts),
 * told from real files of each kind.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { otherKindHint } from '../../src/io/other-kinds.js';
import { analyzeCapture } from '../../src/pcap/index.js';
import { corpusPath, fixturePath } from '../helpers/corpus.js';

const head = (path: string) => {
  const b = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(b) : b).subarray(0, 4096);
};

describe('otherKindHint', () => {
  const cases: Array<[string, string, string]> = [
    [corpusPath('pcap', 'tcpdump__gso-ipv4.pcap'), 'a pcap capture', 'pcap'],
    [corpusPath('pcap', 'sanders__weather_broken.pcapng'), 'a pcapng capture', 'pcap'],
    [corpusPath('dumps', 'mdmp', 'breakpad_ascii_write_av.dmp'), 'a Windows minidump', 'dump'],
    [corpusPath('dumps', 'kernel', 'kdlibcpp_RPi3_ARM_mini.dmp'), 'a Windows kernel crash dump', 'dump'],
    [fixturePath('events', 'value-types.evtx'), 'a Windows event log (.evtx)', 'events'],
    [corpusPath('windows', 'hives', 'dfwinreg_NTUSER.DAT.gz'), 'a registry hive', 'profiles'],
    [fixturePath('windows', 'temp-profile.reg'), 'a .reg export', 'profiles'],
    [fixturePath('dump', 'analyze-v-d1-exampledrv.txt'), 'a saved debugger analysis (!analyze -v)', 'dump'],
    [fixturePath('psod', 'e1000.txt'), 'an ESXi purple-screen text', 'psod'],
  ];

  it.each(cases.map(([p, n, c]) => [p.replace(/^.*\/fixtures\//, 'fixtures/'), n, c, p]))('%s is %s, read by analyze %s', (_, name, command, path) => {
    const h = head(path);
    expect(otherKindHint(h, 'esxi')).toBe(`; it looks like ${name}: \`analyze ${command}\` reads it`);
    expect(otherKindHint(h, command as 'pcap')).toBe(''); // the command it was given to reads it: no hint
  });

  it('says nothing of bytes with no signature of their own (gzip, tar, random)', () => {
    expect(otherKindHint(readFileSync(fixturePath('esxi', 'state-6.7.tgz')), 'pcap')).toBe('');
    expect(otherKindHint(Buffer.from('hello, world\n'), 'pcap')).toBe('');
    expect(otherKindHint(Buffer.alloc(0), 'pcap')).toBe('');
  });

  it('is in the error of a command given the wrong file', async () => {
    const r = await analyzeCapture(corpusPath('dumps', 'mdmp', 'breakpad_ascii_write_av.dmp'));
    expect(r.error?.message).toMatch(/^not a pcap or pcapng capture \(starts with 4d 44 4d 50\); it looks like a Windows minidump: `analyze dump` reads it$/);
  });
});
