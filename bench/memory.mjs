// Benchmark (issue 20): peak RSS of every command, default options, on three hostile inputs made here
// (never committed): a few-KB/MB gzip inflating to 1 GiB, a 62 MB text of short lines, a 100,000-line
// configuration. Budget: 256 MB. Prints a Markdown table for README's Measured section; exit 1 if over.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigConfigs, bigText, esxiBigConfig, esxiBomb, esxiPlain, gzipStream, psodUtf16Lines } from '../fixtures/gen/big-inputs.mjs';
import { localTgz, stateTgz } from '../fixtures/gen/esxi/lib.mjs';

const bin = fileURLToPath(new URL('../packages/cli/bundle/bin.js', import.meta.url));
const preload = fileURLToPath(new URL('../packages/cli/test/helpers/report-peak-rss.cjs', import.meta.url));
const BUDGET_MB = 256;
const GiB = 1024 * 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'analyze-memory-'));
const at = (n) => join(dir, n);
process.stderr.write('generating inputs...\n');
writeFileSync(at('esxi-bomb.tgz'), await esxiBomb(GiB));
writeFileSync(at('bomb.gz'), await gzipStream([{ zeros: GiB }], 9)); // 1 GiB of zeros, for the non-esxi readers
writeFileSync(at('text.txt.gz'), await psodUtf16Lines());
writeFileSync(at('plain.tgz'), esxiPlain());
// the config: one 100,000-line esx.conf (the file every esxi command parses); the second side has every
// tenth line changed. all4.tgz holds 100,000-line passwd and esx.conf at once (the four kinds together are
// more than the 6.25 MiB of configuration text a backup may hold: refused), net.tgz the hosts and resolv.conf.
const conf = bigConfigs()['etc/vmware/esx.conf'];
writeFileSync(at('config.tgz'), stateTgz({ 'local.tgz': localTgz({ 'etc/vmware/esx.conf': conf }) }));
writeFileSync(at('config2.tgz'), stateTgz({ 'local.tgz': localTgz({ 'etc/vmware/esx.conf': conf.replace(/0"\n/g, '1"\n') }) }));
writeFileSync(at('all4.tgz'), esxiBigConfig());
writeFileSync(at('net.tgz'), esxiBigConfig(100_000, false, ['etc/hosts', 'etc/resolv.conf']));
writeFileSync(at('lines.txt'), bigText());
// a 100,000-line .reg export of ProfileList (profiles) and a 100,000-line saved !analyze text (dump)
const sidKey = (i) => `[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\S-1-5-21-1-2-3-${1000 + i}]`;
writeFileSync(at('profiles.reg'), `Windows Registry Editor Version 5.00\r\n\r\n${Array.from({ length: 50_000 }, (_, i) => `${sidKey(i)}\r\n"ProfileImagePath"="C:\\\\Users\\\\u${i}"\r\n`).join('')}`);
const analysis = readFileSync(fileURLToPath(new URL('../fixtures/dump/analyze-v-d1-exampledrv.txt', import.meta.url)), 'utf8');
writeFileSync(at('analysis.txt'), `${analysis}\n${Array.from({ length: 100_000 }, (_, i) => `fffff800\`0000${i.toString(16).padStart(4, '0')} 00000000\`00000000 nt!KiSomething+0x${i.toString(16)}`).join('\n')}\n`);
// the 62 MB text inflated, for the commands that do not read gzip
const text62 = Buffer.alloc(62 * 1000 * 1000, 'a\n');
writeFileSync(at('text.txt'), text62);

function measure(args) {
  const t = Date.now();
  const r = spawnSync(process.execPath, ['--require', preload, bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const m = /ANALYZE_PEAK_RSS_KB=(\d+)/.exec(r.stderr);
  const out = r.stdout.slice(0, 4000);
  const code = /"code": "([A-Z0-9_]+)"/.exec(out)?.[1];
  return { mb: m ? (Number(m[1]) * 1024) / 1e6 : NaN, status: r.status, code, s: (Date.now() - t) / 1000 };
}

const out = at('out');
const COMMANDS = [
  ['esxi show', (f) => ['esxi', 'show', '--json', f], { bomb: 'esxi-bomb.tgz', text: 'text.txt.gz', config: 'config.tgz' }],
  ['esxi extract', (f) => ['esxi', 'extract', f, '--to', out, '--force'], { bomb: 'esxi-bomb.tgz', text: 'text.txt.gz', config: 'config.tgz' }],
  ['esxi diff', (f) => ['esxi', 'diff', '--json', f, f === at('config.tgz') ? at('config2.tgz') : at('plain.tgz')], { bomb: 'esxi-bomb.tgz', text: 'text.txt.gz', config: 'config.tgz' }],
  ['esxi check', (f) => ['esxi', 'check', '--json', f], { bomb: 'esxi-bomb.tgz', text: 'text.txt.gz', config: 'config.tgz' }],
  ['esxi restore-plan', (f) => ['esxi', 'restore-plan', '--json', f], { bomb: 'esxi-bomb.tgz', text: 'text.txt.gz', config: 'config.tgz' }],
  ['psod', (f) => ['psod', '--json', f], { bomb: 'bomb.gz', text: 'text.txt.gz', config: 'lines.txt' }],
  ['pcap', (f) => ['pcap', '--json', f], { bomb: 'bomb.gz', text: 'text.txt', config: 'lines.txt' }],
  ['dump', (f) => ['dump', '--json', '--engine', 'native', f], { bomb: 'bomb.gz', text: 'text.txt', config: 'analysis.txt' }],
  ['profiles', (f) => ['profiles', '--json', f], { bomb: 'bomb.gz', text: 'text.txt', config: 'profiles.reg' }],
];

const rows = [];
let over = false;
for (const [name, argsOf, inputs] of COMMANDS) {
  const cells = [];
  for (const kind of ['bomb', 'text', 'config']) {
    const r = measure(argsOf(at(inputs[kind])));
    rmSync(out, { recursive: true, force: true });
    if (!(r.mb <= BUDGET_MB)) over = true;
    cells.push(`${r.mb.toFixed(0)} MB (exit ${r.status}${r.code ? ` ${r.code}` : ''}, ${r.s.toFixed(1)} s)`);
    process.stderr.write(`${name} ${kind}: ${cells.at(-1)}\n`);
  }
  rows.push(`| ${name} | ${cells.join(' | ')} |`);
}
for (const [label, args] of [
  ['esxi show --json', ['esxi', 'show', '--json', at('all4.tgz')]],
  ['esxi show', ['esxi', 'show', at('all4.tgz')]],
  ['esxi show --html', ['esxi', 'show', '--html', at('all4.html'), at('all4.tgz')]],
  ['esxi show --json (hosts, resolv.conf)', ['esxi', 'show', '--json', at('net.tgz')]],
]) {
  const r = measure(args);
  if (!(r.mb <= BUDGET_MB)) over = true;
  rows.push(`| ${label} (2 files of 100,000 lines) | | | ${r.mb.toFixed(0)} MB (exit ${r.status}, ${r.s.toFixed(1)} s) |`);
}
// profiles holds its input whole: a hive at its 160 MiB cap and far over it, a .reg at its 12 MiB cap (a
// ProfileList plus unrelated keys, and nothing but ProfileList subkeys: the 10,000-entry cut) and over it.
// Made in a child process: a child's peak RSS starts from its parent's at fork, so this one stays small.
const genUrl = new URL('../fixtures/gen/big-inputs.mjs', import.meta.url).href;
const profileRows = [
  ['hive of 160 MiB (at the cap)', 'cap.hive', 'bigHive(160 * MiB)'],
  ['hive of 300 MB (refused)', 'big.hive', 'bigHive(300e6)'],
  ['.reg of 12 MiB (at the cap)', 'cap.reg', 'bigReg(12 * MiB - 1000)'],
  ['.reg of 12 MiB, 88,000 ProfileList subkeys', 'list.reg', 'profileListReg(88_000)'],
  ['.reg of 300 MB (refused)', 'big.reg', 'bigReg(300e6)'],
];
for (const [what, name, make] of profileRows) {
  const gen = spawnSync(process.execPath, ['--input-type=module', '-e', `import { writeFileSync } from 'node:fs'; import { bigHive, bigReg, profileListReg } from ${JSON.stringify(genUrl)}; const MiB = 1024 * 1024; writeFileSync(${JSON.stringify(at(name))}, ${make});`], { stdio: 'inherit' });
  if (gen.status !== 0) throw new Error(`could not make ${name}`);
  const r = measure(['profiles', '--json', at(name)]);
  rmSync(at(name));
  if (!(r.mb <= BUDGET_MB)) over = true;
  process.stderr.write(`profiles ${what}: ${r.mb.toFixed(0)} MB\n`);
  rows.push(`| profiles, ${what} | | | ${r.mb.toFixed(0)} MB (exit ${r.status}${r.code ? ` ${r.code}` : ''}, ${r.s.toFixed(1)} s) |`);
}
const c = measure(['code', '--json', 'x'.repeat(100_000)]);
rows.push(`| code | n/a (no file input) | n/a | ${c.mb.toFixed(0)} MB for a 100,000-character argument (exit ${c.status}) |`);
console.log(`| command | 1 GiB-inflating gzip | 62 MB text of short lines | 100,000-line config |\n| --- | --- | --- | --- |\n${rows.join('\n')}`);
console.log(`budget ${BUDGET_MB} MB -> ${over ? 'NOT met on every input above' : 'met for every command and input'}`);
rmSync(dir, { recursive: true, force: true });
process.exitCode = over ? 1 : 0;
