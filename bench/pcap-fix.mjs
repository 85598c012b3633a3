// Benchmark for `analyze pcap --fix-checksums` (issue 17): on the synthetic bench capture
// (bench/pcap-gen.mjs, ~5 % wrong checksums) and on the merged real-traffic capture (bench/pcap-real.mjs,
// mostly wrong ones), times our fixer and `tcprewrite --fixcsum` (Debian tcpreplay) on the same warm file,
// alternating, each in its own process, and prints MB/s, peak RSS and the ratio. Target: >= 500 MB/s,
// constant memory. Input and outputs live in /dev/shm when present (else the temporary directory): each
// run writes a full copy, and a disk's write-back would otherwise dominate the figures.
//   node bench/pcap-fix.mjs [--size MB] [--runs N] [--only synthetic|real]
// Needs the built core (node_modules/.bin/tsc -b); the real capture needs editcap/mergecap.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchCapture } from './pcap-gen.mjs';
import { buildRealCapture } from './pcap-real.mjs';

const TARGET_MB_S = 500;
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const sizeMB = Number(opt('size', '300'));
const runs = Number(opt('runs', '3'));
const only = opt('only', undefined);
const child = fileURLToPath(new URL('./pcap-fix-child.mjs', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../packages/core/dist/pcap/fix/index.js', import.meta.url)))) {
  console.error('build first: node_modules/.bin/tsc -b');
  process.exit(2);
}
const haveTcprewrite = spawnSync('tcprewrite', ['-V'], { encoding: 'utf8' }).status === 0;

// Inputs and outputs in memory (/dev/shm) when the machine has it: the figures are then the tools', not the disk's.
const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bench-fix-'));
let allMet = true;
try {
  const inputs = [];
  if (only !== 'real') {
    const file = join(dir, 'synthetic.pcap');
    const g = writeBenchCapture(file, sizeMB * 1e6, 'pcap', false);
    inputs.push({ label: `synthetic (${(g.bytes / 1e6).toFixed(0)} MB, ${g.frames.toLocaleString()} frames)`, file });
  }
  if (only !== 'synthetic') {
    const file = join(dir, 'real.pcap');
    const b = buildRealCapture(file, sizeMB * 1e6);
    inputs.push({ label: `real traffic (${b.files.length} corpus captures x ${b.copies}, ${(b.bytes / 1e6).toFixed(0)} MB)`, file });
  }
  for (const { label, file } of inputs) {
    const bytes = statSync(file).size;
    warm(file);
    const ours = [];
    const theirs = [];
    for (let i = 0; i < runs; i++) {
      const out = join(dir, 'ours.pcap');
      const r = spawnSync(process.execPath, [child, file, out], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`fixChecksums failed: ${r.stderr}`);
      ours.push(JSON.parse(r.stdout));
      rmSync(out, { force: true });
      if (haveTcprewrite) {
        const tout = join(dir, 'theirs.pcap');
        const timeBin = existsSync('/usr/bin/time');
        const args = ['--fixcsum', '-i', file, '-o', tout];
        const t0 = process.hrtime.bigint();
        const t = timeBin ? spawnSync('/usr/bin/time', ['-f', '%M', 'tcprewrite', ...args], { encoding: 'utf8' }) : spawnSync('tcprewrite', args, { encoding: 'utf8' });
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        if (t.status !== 0) throw new Error(`tcprewrite failed: ${t.stderr}`);
        const rssKb = timeBin ? Number(t.stderr.trim().split('\n').pop()) : NaN;
        theirs.push({ seconds, rssKb });
        rmSync(tout, { force: true });
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const s = median(ours.map((o) => o.seconds));
    const mbs = bytes / 1e6 / s;
    const rss = Math.max(...ours.map((o) => o.maxRssBytes)) / 1048576;
    const o = ours[0];
    console.log(`${label}:`);
    console.log(`  ours:       median ${s.toFixed(3)} s of ${runs} (${ours.map((x) => x.seconds.toFixed(3)).join(' / ')}) = ${mbs.toFixed(0)} MB/s, peak RSS ${rss.toFixed(0)} MiB; ${o.packetsChanged.toLocaleString()} packets changed (IPv4 ${o.fixed.ipv4}, TCP ${o.fixed.tcp}, UDP ${o.fixed.udp}), left ${JSON.stringify(o.left)}`);
    if (theirs.length) {
      const ts = median(theirs.map((x) => x.seconds));
      const trss = Math.max(...theirs.map((x) => x.rssKb)) / 1024;
      console.log(`  tcprewrite: median ${ts.toFixed(3)} s of ${runs} = ${(bytes / 1e6 / ts).toFixed(0)} MB/s${Number.isFinite(trss) ? `, peak RSS ${trss.toFixed(0)} MiB` : ''}`);
      console.log(`  ratio: ${(ts / s).toFixed(2)}x tcprewrite's throughput`);
    } else console.log('  tcprewrite: not installed, no ratio');
    const met = mbs >= TARGET_MB_S;
    allMet &&= met;
    console.log(`  target >= ${TARGET_MB_S} MB/s: ${met ? 'met' : 'NOT met'} (indicative: the machine is shared)`);
  }
  process.exitCode = allMet ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function warm(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 20);
  try {
    while (readSync(fd, buf, 0, buf.length) > 0);
  } finally {
    closeSync(fd);
  }
}
