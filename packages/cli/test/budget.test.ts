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
  esxiBigConfig(n?: number, changed?: boolean, kinds?: string[]): Buffer;
  esxiManyFiles(n?: number, side?: string, folder?: string): Buffer;
  esxiLongValues(side: string): Buffer;
  esxiConfigTexts(bytes: Record<string, number>): Buffer;
  esxiHostileConfigStore(o: { rows?: number; numbers?: number; longValue?: number }): Promise<Buffer>;
  esxiCombined(o: { members?: number; side?: string; texts?: Record<string, number>; rows?: number; numbers?: number }): Promise<Buffer>;
  dumpAnalyzeText(bytes?: number, fill?: string): Buffer;
  bigHive(bytes: number): Buffer;
  minidumpManyModules(count: number, chars: number, unit?: number): Buffer;
  dumpFleetLongNames(n?: number, chars?: number): Buffer;
  psodUtf16Lines(): Promise<Buffer>;
  psodNewlines(): Buffer;
  psodUtf16NoBom(): Buffer;
  pcapManyFlows(n?: number): Buffer;
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
  writeFileSync(at('configs-100k-net.tgz'), gen.esxiBigConfig(100_000, false, ['etc/hosts', 'etc/resolv.conf']));
  writeFileSync(at('configs-100k-net-changed.tgz'), gen.esxiBigConfig(100_000, true, ['etc/hosts', 'etc/resolv.conf']));
  for (const side of ['a', 'b']) writeFileSync(at(`long-values-${side}.tgz`), gen.esxiLongValues(side));
  writeFileSync(at('many-a.tgz'), gen.esxiManyFiles(99_000, 'a'));
  writeFileSync(at('many-b.tgz'), gen.esxiManyFiles(99_000, 'b'));
  // 55-character names, 34 of them CJK (two-byte strings): member names are weighed by the cost budgets
  for (const side of ['a', 'b']) writeFileSync(at(`many-cjk-${side}.tgz`), gen.esxiManyFiles(99_000, side, '中'.repeat(34)));
  const MiB4 = 4 * MiB - 64;
  writeFileSync(at('texts-24m.tgz'), gen.esxiConfigTexts(Object.fromEntries(['etc/vmware/esx.conf', 'etc/passwd', 'etc/shadow', 'etc/group', 'etc/hosts', 'etc/resolv.conf'].map((p) => [p, MiB4]))));
  writeFileSync(at('texts-users.tgz'), gen.esxiConfigTexts({ 'etc/passwd': 3.1 * MiB, 'etc/shadow': 3.1 * MiB }));
  writeFileSync(at('configstore-rows.tgz'), await gen.esxiHostileConfigStore({ rows: 380_000 }));
  writeFileSync(at('configstore-long.tgz'), await gen.esxiHostileConfigStore({ longValue: 15_000_000 }));
  writeFileSync(at('configstore-arrays.tgz'), await gen.esxiHostileConfigStore({ rows: 95_000, numbers: 60 }));
  const users = { 'etc/passwd': 3.1 * MiB, 'etc/shadow': 3.1 * MiB };
  writeFileSync(at('together-users.tgz'), await gen.esxiCombined({ members: 95_000, texts: users }));
  for (const side of ['a', 'b']) writeFileSync(at(`together-${side}.tgz`), await gen.esxiCombined({ members: 95_000, side, texts: users, rows: 95_000 }));
  writeFileSync(at('analyze-cr.txt'), gen.dumpAnalyzeText());
  writeFileSync(at('analyze-block.txt'), gen.dumpAnalyzeText(16 * MiB - 64, 'STACK_TEXT:\nfffff801`1234 nt!KiBugCheck+0x1\n'));
  writeFileSync(at('modules-16000.dmp'), gen.minidumpManyModules(16_000, 95));
  writeFileSync(at('modules-250-long.dmp'), gen.minidumpManyModules(250, 32_000));
  writeFileSync(at('fleet-long-names.tgz'), gen.dumpFleetLongNames());
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

describe('esxi: esx.conf and passwd of 100,000 lines each in one backup, hosts and resolv.conf in another', () => {
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
    const doc = JSON.parse(r.stdout) as { users: unknown[]; advancedSettings: unknown[] };
    expect([doc.users.length, doc.advancedSettings.length]).toEqual([100_000, 100_000]);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    const net = runMeasured(['esxi', 'show', '--json', at('configs-100k-net.tgz')]);
    expect((JSON.parse(net.stdout) as { network: { dns: { servers: unknown[] } } }).network.dns.servers).toHaveLength(100_000);
    expect(net.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('show --html: the page shows 1000 rows per table and says how many more the JSON has, within budget', () => {
    const page = at('configs-100k.html');
    const r = runMeasured(['esxi', 'show', '--html', page, at('configs-100k.tgz')]);
    expect(r.status).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html.match(/… and 99,000 more rows \(the JSON report lists all 100,000\)/g)).toHaveLength(2);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('diff --html of long values: cells cut to HTML_CELL_CHARS and tables to HTML_TABLE_CHARS (a 15 MB page peaked at 248 MB)', () => {
    const page = at('long-values.html');
    const r = runMeasured(['esxi', 'diff', '--html', page, at('long-values-a.tgz'), at('long-values-b.tgz')]);
    expect(r.status).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html.length).toBeLessThan(4_000_000);
    expect(html).toContain('more characters (the JSON report has all)');
    expect(html).toMatch(/… and [\d,]+ more rows \(the JSON report lists all 1,020\)/);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('diff, check and restore-plan: within budget', () => {
    for (const args of [
      ['esxi', 'diff', '--json', at('configs-100k.tgz'), at('configs-100k-changed.tgz')],
      ['esxi', 'check', '--json', at('configs-100k.tgz')],
      ['esxi', 'restore-plan', '--json', at('configs-100k.tgz'), '--target', at('configs-100k-changed.tgz')],
      ['esxi', 'diff', '--json', at('configs-100k-net.tgz'), at('configs-100k-net-changed.tgz')],
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

describe('esxi: member names longer than real ones weigh on the cost budgets (NAME_CHARS_IN_MEMBER)', () => {
  it('diff of two backups of 99,000 members with 55-character CJK names: refused where a side crosses its budget, within budget (peaked at 276 MB)', () => {
    const r = runMeasured(['esxi', 'diff', '--json', at('many-cjk-a.tgz'), at('many-cjk-b.tgz')]);
    expect(r.status).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('ESXI_BACKUP_TOO_LARGE');
    expect(doc.error.message).toMatch(/^local\.tgz: \d+ members \(names of \d+ characters\), /);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });
});

describe('esxi: configuration texts at and past their caps (4 MiB each, 6.25 MiB together)', () => {
  it('six of 4 MiB: refused at the one that crosses 6.25 MiB, what was read before is shown, within budget (453 MB before)', () => {
    const r = runMeasured(['esxi', 'show', '--json', at('texts-24m.tgz')]);
    expect(r.status).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string }; users: unknown[] };
    expect(doc.error.code).toBe('ESXI_MEMBER_TOO_LARGE');
    expect(doc.error.message).toContain('bytes of configuration text already held');
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('passwd and shadow of 3.1 MiB each with different users (230,000 users listed): show and check within budget', () => {
    const show = runMeasured(['esxi', 'show', '--json', at('texts-users.tgz')]);
    expect(show.status).toBe(0);
    expect((JSON.parse(show.stdout) as { users: unknown[] }).users.length).toBeGreaterThan(220_000);
    expect(show.peakMB).toBeLessThan(RSS_BUDGET_MB);
    const check = runMeasured(['esxi', 'check', '--json', at('texts-users.tgz'), '--target', at('texts-users.tgz')]);
    expect(check.peakMB).toBeLessThan(RSS_BUDGET_MB);
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

describe('esxi: the bounds together (members, configuration texts, ConfigStore), each within its own', () => {
  it('95,000 members and 6.2 MiB of passwd and shadow: refused where the cost crosses the budget, what was read before is shown, within budget (325 MiB before)', () => {
    const r = runMeasured(['esxi', 'show', '--json', at('together-users.tgz')]);
    expect(r.status).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string }; files: unknown[] };
    expect(doc.error.code).toBe('ESXI_BACKUP_TOO_LARGE');
    expect(doc.files.length).toBeGreaterThan(50_000);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('and a 16 MB ConfigStore as well: show and diff refused within budget (337 / 300 MiB before)', () => {
    for (const args of [
      ['esxi', 'show', '--json', at('together-a.tgz')],
      ['esxi', 'diff', '--json', at('together-a.tgz'), at('together-b.tgz')],
    ]) {
      const r = runMeasured(args);
      expect(r.status).toBe(2);
      expect(r.stdout + r.stderr).toContain('ESXI_BACKUP_TOO_LARGE');
      expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    }
  });
});

describe('esxi diff is not quadratic', () => {
  it('24,000 copies of one hosts line diff in seconds (was 51 s)', () => {
    const r = runMeasured(['esxi', 'diff', '--json', at('hosts-a.tgz'), at('hosts-b.tgz')]);
    // the entry's change is found; its values (240,000 characters) are listed cut at 4,096 (MAX_CHANGE_VALUE)
    const doc = JSON.parse(r.stdout) as { changes: Array<{ key?: string; before?: string; after?: string }> };
    const entry = doc.changes.find((c) => c.key === '127.0.0.1')!;
    expect([entry.before!.slice(4096), entry.after!.slice(4096)]).toEqual(['... (239,999 characters)', '... (240,005 characters)']);
    expect(r.seconds).toBeLessThan(10);
  });
});

describe('dump fleet: 10,000 members named by 4,000 control characters each (a 500 KB archive)', () => {
  it('stops at MAX_FLEET_NAME_WEIGHT with DUMP_FLEET_NAMES_TOO_LONG, within budget as JSON, text and CSV (peaked at 1.6 GB, 1.1 GB and 429 MB)', () => {
    for (const args of [['--json'], [], ['--csv', '-']]) {
      const r = runMeasured(['dump', ...args, at('fleet-long-names.tgz')]);
      expect(r.status).toBe(1); // the members read are crashes
      expect(r.stdout.length).toBeGreaterThan(1000);
      if (args[0] === '--json') expect(r.stdout).toContain('"code": "DUMP_FLEET_NAMES_TOO_LONG"');
      expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    }
  });
});

describe('dump: long texts, many names and a long pipe stay within the memory budget', () => {
  it.each([
    ['16 MB of bare CRs after the name line (856 MB before)', 'analyze-cr.txt'],
    ['16 MB of stack lines in one block', 'analyze-block.txt'],
  ])('saved !analyze text: %s', (_what, name) => {
    const r = runMeasured(['dump', '--json', at(name)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('DRIVER_IRQL_NOT_LESS_OR_EQUAL');
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('16,000 modules named by 95 lone surrogates each: listed, within budget', () => {
    const r = runMeasured(['dump', '--json', at('modules-16000.dmp')]);
    expect(r.status).toBe(0); // no exception stream: nothing crashed
    expect((JSON.parse(r.stdout) as { modules: unknown[] }).modules).toHaveLength(16_000);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('250 modules naming one string of 32,000 lone surrogates: DUMP_NAMES_TOO_LARGE, within budget (96 MB of JSON and 520 MB before)', () => {
    const r = runMeasured(['dump', '--json', at('modules-250-long.dmp')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('DUMP_NAMES_TOO_LARGE');
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('120 MB on standard input is written to the private file as it arrives (309 MB before)', () => {
    const dump = readFileSync(fileURLToPath(new URL('../../../fixtures/corpus/dumps/mdmp/breakpad_minidump2.dmp', import.meta.url)));
    const r = runMeasured(['dump', '--json', '-'], { input: Buffer.concat([dump, Buffer.alloc(120 * MiB - dump.length)]) });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('EXCEPTION_ACCESS_VIOLATION_WRITE');
    expect(r.peakMB).toBeLessThan(150);
  });
});

describe('profiles: a large hive on standard input', () => {
  it('127 MiB on stdin is held once, within budget (a 150 MB one peaked at 370 MB); past 128 MiB refused there', async () => {
    const gen = (await import(fileURLToPath(new URL('../../../fixtures/gen/big-inputs.mjs', import.meta.url)))) as BigInputs;
    const hive = gen.bigHive(127 * MiB);
    const r = runMeasured(['profiles', '--json', '-'], { input: hive });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('PROFILE_BAK_DUPLICATE');
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    const over = runMeasured(['profiles', '--json', '-'], { input: Buffer.concat([hive, Buffer.alloc(2 * MiB)]) });
    expect(over.status).toBe(2);
    expect(over.stdout).toContain('STDIN_TOO_LARGE');
    expect(over.peakMB).toBeLessThan(RSS_BUDGET_MB);
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

describe('pcap: the verdict over many short flows stays within budget', () => {
  it('600,000 flows of one bad segment each: every one followed, the table evicting, memory flat (a 400,000-flow capture peaked at 326 MB)', async () => {
    const gen = (await import(fileURLToPath(new URL('../../../fixtures/gen/big-inputs.mjs', import.meta.url)))) as BigInputs;
    writeFileSync(at('flows-600k.pcap'), gen.pcapManyFlows(600_000));
    const r = runMeasured(['pcap', '--json', '--limit', '0', at('flows-600k.pcap')]);
    const doc = JSON.parse(r.stdout) as { frames: number; verdict: { evidence: { flowTable: { followed: number; evictedEarly: number } } } };
    expect(doc.frames).toBe(600_000);
    expect(doc.verdict.evidence.flowTable.followed).toBe(600_000);
    expect(doc.verdict.evidence.flowTable.evictedEarly).toBeGreaterThan(500_000);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });
});

describe('code: a megabyte of codes on standard input stays within budget', () => {
  const ones = () => Buffer.from(Array.from({ length: 500_000 }, (_, i) => String(i % 10)).join(' '));
  const distinct = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `0x${(i * 7919).toString(16)}`).join(' '));

  it('500,000 one-digit codes (1.4 GB and 10 s with --json before): each answered once', () => {
    const r = runMeasured(['code', '--json', '-'], { input: ones() });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(10);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });

  it('10,000 different codes are answered within budget; more are refused (CODE_TOO_MANY), as text too', () => {
    const r = runMeasured(['code', '--json', '-'], { input: distinct(10_000) });
    expect(r.status).toBe(1); // most of them are in no table
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(10_000);
    expect(r.peakMB).toBeLessThan(RSS_BUDGET_MB);
    const over = runMeasured(['code', '--json', '-'], { input: distinct(90_000) });
    expect(over.status).toBe(2);
    expect(JSON.parse(over.stdout)).toMatchObject({ error: { code: 'CODE_TOO_MANY' } });
    expect(over.peakMB).toBeLessThan(RSS_BUDGET_MB);
  });
});
