/**
 * Issue 20: peak RSS <= 256 MB on any input under default options, measured on the built CLI in a child
 * process (getrusage). The inputs are generated here (never committed): ESXi decompression bombs, the
 * quadratic hosts diff, and the psod texts that took gigabytes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RSS_BUDGET_MB, runMeasured } from './helpers/peak-rss.js';

interface BigInputs {
  esxiBomb(bytes: number, member?: string): Promise<Buffer>;
  esxiPlain(): Buffer;
  esxiHosts(lines: number, extra?: string): Buffer;
  esxiBigConfig(n?: number, changed?: boolean): Buffer;
  esxiManyFiles(n?: number, side?: string): Buffer;
  esxiHostileConfigStore(o: { rows?: number; numbers?: number; longValue?: number }): Promise<Buffer>;
  psodUtf16Lines(): Promise<Buffer>;
  psodNewlines(): Buffer;
  psodUtf16NoBom(): Buffer;
}

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;
let dir: string;
const at = (name: string) => join(dir, name);
const errorCode = (stdout: string) => (JSON.parse(stdout) as Array<{ error?: { code: string } }> | { error?: { code: string } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-budget-'));
  const gen = (await import(fileURLToPath(new URL('../../../fixtures/gen/big-inputs.mjs', import.meta.url)))) as BigInputs;
  writeFileSync(at('bomb-1g.tgz'), await gen.esxiBomb(GiB));
  writeFileSync(at('bomb-600m.tgz'), await gen.esxiBomb(600 * MiB));
  writeFileSync(at('bomb-300m.tgz'), await gen.esxiBomb(300 * MiB));
  writeFileSync(at('plain.tgz'), gen.esxiPlain());
  writeFileSync(at('hosts-a.tgz'), gen.esxiHosts(24_000));
  writeFileSync(at('hosts-b.tgz'), gen.esxiHosts(24_000, '127.0.0.1\textra\n'));
  writeFileSync(at('configs-100k.tgz'), gen.esxiBigConfig());
  writeFileSync(at('configs-100k-changed.tgz'), gen.esxiBigConfig(100_000, true));
  writeFileSync(at('many-a.tgz'), gen.esxiManyFiles(99_000, 'a'));
  writeFileSync(at('many-b.tgz'), gen.esxiManyFiles(99_000, 'b'));
  writeFileSync(at('configstore-rows.tgz'), await gen.esxiHostileConfigStore({ rows: 380_000 }));
  writeFileSync(at('configstore-long.tgz'), await gen.esxiHostileConfigStore({ longValue: 15_000_000 }));
  writeFileSync(at('configstore-arrays.tgz'), await gen.esxiHostileConfigStore({ rows: 95_000, numbers: 60 }));
  writeFileSync(at('utf16-lines.txt.gz'), await gen.psodUtf16Lines());
  writeFileSync(at('newlines.txt'), gen.psodNewlines());
  writeFileSync(at('utf16-nobom.txt'), gen.psodUtf16NoBom());
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('esxi: decompression bombs stay within the memory budget', () => {
  it('show on a 1 GiB bomb: refused by the default 256 MiB inflate cap, within budget', () => {
    const r = runMeasured(['esxi', 'show', '--json', at('bomb-1g.tgz')]);
    expect(r.status).toBe(2);
    expect(JSON.stringify(errorCode(r.stdout))).toContain('ESXI_INFLATE_LIMIT');
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('show with the cap raised reads the whole 1 GiB bomb, streaming: the member is listed, never held', () => {
    const r = runMeasured(['esxi', 'show', '--json', '--max-inflated', '2G', at('bomb-1g.tgz')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('"etc/vmware/big.bin"');
    expect(r.stdout).toContain(String(GiB));
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('show --json on a 600 MB bomb never ends in INTERNAL (was "Cannot create a string longer than ...")', () => {
    for (const cap of [[], ['--max-inflated', '1G']]) {
      const r = runMeasured(['esxi', 'show', '--json', ...cap, at('bomb-600m.tgz')]);
      expect(r.stdout).not.toContain('INTERNAL');
      expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    }
  });

  it('extract streams a 300 MiB member straight to disk', () => {
    const out = at('extracted');
    const r = runMeasured(['esxi', 'extract', '--max-inflated', '1G', at('bomb-300m.tgz'), '--to', out]);
    expect(r.status).toBe(0);
    expect(statSync(join(out, 'etc', 'vmware', 'big.bin')).size).toBe(300 * MiB);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('diff of a bomb against a plain backup: default cap refuses, raised cap compares by hash', () => {
    const refused = runMeasured(['esxi', 'diff', '--json', at('bomb-1g.tgz'), at('plain.tgz')]);
    expect(refused.status).toBe(2);
    expect(refused.peakMB).toBeLessThan(RSS_BUDGET_MB);
    const r = runMeasured(['esxi', 'diff', '--json', '--max-inflated', '1G', at('bomb-300m.tgz'), at('plain.tgz')]);
    expect(r.stdout).toContain('etc/vmware/big.bin');
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });
});

describe('esxi: hosts, passwd, esx.conf and resolv.conf of 100,000 lines each, in one backup', () => {
  it('show (text): within budget, lists cut at 1000 entries with the count left out', () => {
    const r = runMeasured(['esxi', 'show', at('configs-100k.tgz')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('u999 ');
    expect(r.stdout).not.toContain('u1000 ');
    expect(r.stdout.match(/… and 99000 more \(--json lists all 100000\)/g)).toHaveLength(2); // users, advanced settings
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('show --json: every entry, within budget', () => {
    const r = runMeasured(['esxi', 'show', '--json', at('configs-100k.tgz')]);
    const doc = JSON.parse(r.stdout) as { users: unknown[]; advancedSettings: unknown[]; network: { dns: { servers: unknown[] } } };
    expect([doc.users.length, doc.advancedSettings.length, doc.network.dns.servers.length]).toEqual([100_000, 100_000, 100_000]);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('show --html: the page shows 1000 rows per table and says how many more the JSON has, within budget', () => {
    const page = at('configs-100k.html');
    const r = runMeasured(['esxi', 'show', '--html', page, at('configs-100k.tgz')]);
    expect(r.status).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html.match(/… and 99,000 more rows \(the JSON report lists all 100,000\)/g)).toHaveLength(2);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('diff, check and restore-plan: within budget', () => {
    for (const args of [
      ['esxi', 'diff', '--json', at('configs-100k.tgz'), at('configs-100k-changed.tgz')],
      ['esxi', 'check', '--json', at('configs-100k.tgz')],
      ['esxi', 'restore-plan', '--json', at('configs-100k.tgz'), '--target', at('configs-100k-changed.tgz')],
    ]) {
      const r = runMeasured(args);
      expect(r.stdout).not.toContain('INTERNAL');
      expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    }
  });
});

describe('esxi diff of two unrelated backups of 99,000 files each', () => {
  it('lists the first 10,000 changes and counts the rest, within budget (peaked at 289 MB: a Date and a second object per member)', () => {
    const r = runMeasured(['esxi', 'diff', '--json', at('many-a.tgz'), at('many-b.tgz')]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { changes: unknown[]; changesNotListed: number };
    expect(doc.changes).toHaveLength(10_000);
    expect(doc.changes.length + doc.changesNotListed).toBe(2 * 99_000);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });
});

describe('esxi: a hostile ConfigStore (a 16 MB SQLite database)', () => {
  it('380,000 rows: show and diff read 20,000 and say so, within budget (495 / 483 MB before)', () => {
    for (const args of [
      ['esxi', 'show', '--json', at('configstore-rows.tgz')],
      ['esxi', 'diff', '--json', at('configstore-rows.tgz'), at('configstore-rows.tgz')],
    ]) {
      const r = runMeasured(args);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('"ESXI_CONFIGSTORE_ROWS"');
      expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    }
  });

  it('95,000 rows of 60-number arrays: diff and restore-plan within budget (381 / 339 MB before)', () => {
    for (const args of [
      ['esxi', 'diff', '--json', at('configstore-arrays.tgz'), at('configstore-arrays.tgz')],
      ['esxi', 'restore-plan', '--json', at('configstore-arrays.tgz'), '--target', at('configstore-arrays.tgz')],
    ]) {
      const r = runMeasured(args);
      expect(r.stdout).toContain('"ESXI_CONFIGSTORE_ROWS"');
      expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    }
  });

  it('a 15 MB value: not read (compared by bytes only), within budget (484 MB before, for the diff of two)', () => {
    const r = runMeasured(['esxi', 'diff', '--json', at('configstore-long.tgz'), at('configstore-long.tgz')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('a Config field of 15000000 characters');
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });
});

describe('esxi diff is not quadratic', () => {
  it('24,000 copies of one hosts line diff in seconds (was 51 s)', () => {
    const r = runMeasured(['esxi', 'diff', '--json', at('hosts-a.tgz'), at('hosts-b.tgz')]);
    expect(r.stdout).toContain('localhost extra');
    expect(r.seconds).toBeLessThan(10);
  });
});

describe('psod: long texts stay within the memory budget', () => {
  it.each([
    ['62 MB of short UTF-16BE lines (gzipped)', 'utf16-lines.txt.gz'],
    ['62 MB of bare newlines', 'newlines.txt'],
    ['12.6 MB of UTF-16BE without a byte-order mark', 'utf16-nobom.txt'],
  ])('%s', (_what, name) => {
    const r = runMeasured(['psod', '--json', at(name)]);
    expect([0, 1]).toContain(r.status);
    expect(r.stdout).not.toContain('INTERNAL');
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('UTF-16BE without a byte-order mark is decoded: the crash in it is found', () => {
    const r = runMeasured(['psod', '--json', at('utf16-nobom.txt')]);
    expect(r.stdout).toContain('"crashFound": true');
  });
});
