import { afterAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandFilePatterns } from '../src/expand.js';
import { main } from '../src/main.js';
import { captureIo } from './helpers/io.js';

const dir = mkdtempSync(join(tmpdir(), 'analyze-expand-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const n of ['A.DMP', 'b.dmp', 'c.txt', '.hidden.dmp', 'star*.dmp']) writeFileSync(join(dir, n), 'x');
mkdirSync(join(dir, 'sub.dmp'));

describe('file patterns (what Windows shells pass on unexpanded)', () => {
  it('expands * and ? in the last component, sorted, files only, dot files only for a dot pattern', () => {
    expect(expandFilePatterns([join(dir, '*.dmp')], '/', false)).toEqual([join(dir, 'b.dmp'), join(dir, 'star*.dmp')]);
    expect(expandFilePatterns([join(dir, '*.dmp')], '/', true)).toEqual([join(dir, 'A.DMP'), join(dir, 'b.dmp'), join(dir, 'star*.dmp')]);
    expect(expandFilePatterns([join(dir, '?.txt'), join(dir, '.*')], '/', false)).toEqual([join(dir, 'c.txt'), join(dir, '.hidden.dmp')]);
  });

  it('relative patterns stay relative; names that exist as typed and patterns that match nothing are left alone', () => {
    expect(expandFilePatterns(['*.txt'], dir, false)).toEqual(['c.txt']);
    expect(expandFilePatterns(['star*.dmp'], dir, false)).toEqual(['star*.dmp']);
    expect(expandFilePatterns(['*.pcap', 'plain.dmp', '-'], dir, false)).toEqual(['*.pcap', 'plain.dmp', '-']);
    expect(expandFilePatterns([join(dir, 'nope', '*.dmp'), join(dir, '*', 'x')], '/', false)).toEqual([join(dir, 'nope', '*.dmp'), join(dir, '*', 'x')]);
  });

  it('a command given a quoted pattern analyses every matching file', async () => {
    const captures = join(dir, 'captures');
    mkdirSync(captures);
    const scenario = (n: string) => fileURLToPath(new URL(`../../../fixtures/pcap/scenarios/${n}`, import.meta.url));
    copyFileSync(scenario('clean.pcap'), join(captures, 'one.pcap'));
    copyFileSync(scenario('offload-artifact.pcap'), join(captures, 'two.pcap'));
    const io = captureIo({ cwd: dir });
    expect(await main(['pcap', '--json', join('captures', '*.pcap')], io)).toBe(0);
    const docs = JSON.parse(io.stdout) as { file: string }[];
    expect(docs.map((d) => d.file)).toEqual([join('captures', 'one.pcap'), join('captures', 'two.pcap')]);
    const none = captureIo({ cwd: dir });
    expect(await main(['pcap', join('captures', '*.pcapng')], none)).toBe(2);
    expect(none.stderr).toContain('*.pcapng');
  });
});
