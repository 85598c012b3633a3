// Real-traffic benchmark for `analyze pcap` (issue 17): the corpus captures with an Ethernet link type,
// converted to classic pcap and merged (editcap, mergecap -a) into one unit, repeated to ~300 MB in a
// temporary file (never committed), then measured by bench/pcap.mjs: checksums alone, checksums + verdict
// (overhead target <= +30 %), >= 1 GB/s, >= 20x tshark, peak RSS <= 150 MB.
//   node bench/pcap-real.mjs [--size MB] [--runs N] [--keep FILE] [--no-tshark]
// The corpus: the captures in fixtures/corpus/pcap.
// Needs the built core (node_modules/.bin/tsc -b) and Wireshark's editcap/mergecap.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Where the corpus captures are (with their MANIFEST.json). */
export function corpusDir() {
  return join(ROOT, 'fixtures', 'corpus', 'pcap');
}

/**
 * Build the merged real-traffic capture at `out` (~`bytes` long): every corpus capture editcap can turn
 * into an Ethernet classic pcap, appended one after another (mergecap -a), the unit repeated.
 */
export function buildRealCapture(out, bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-real-'));
  try {
    const src = corpusDir();
    const parts = [];
    for (const name of readdirSync(src).sort()) {
      if (!/\.(pcap|pcapng|cap)(\.gz)?$|\.pcapng\.1$/.test(name)) continue;
      const part = join(dir, `${parts.length}.pcap`);
      const r = spawnSync('editcap', ['-F', 'pcap', join(src, name), part], { encoding: 'utf8' });
      if (r.status !== 0) continue; // several link types, unreadable: not part of the mix
      const head = readFileSync(part).subarray(0, 24);
      if (head.length < 24 || head.readUInt32LE(0) !== 0xa1b2c3d4 || head.readUInt32LE(20) !== 1) continue; // Ethernet, µs, little-endian only
      parts.push({ name, part });
    }
    const unit = join(dir, 'unit.pcap');
    const m = spawnSync('mergecap', ['-a', '-F', 'pcap', '-w', unit, ...parts.map((p) => p.part)], { encoding: 'utf8' });
    if (m.status !== 0) throw new Error(`mergecap failed: ${m.stderr}`);
    const u = readFileSync(unit);
    const records = u.subarray(24);
    const fd = openSync(out, 'w');
    let written = 0;
    let copies = 0;
    try {
      writeSync(fd, u.subarray(0, 24));
      written += 24;
      while (written < bytes) {
        writeSync(fd, records);
        written += records.length;
        copies++;
      }
    } finally {
      closeSync(fd);
    }
    // The one frame per unit where we and tshark 4.0 differ on purpose (docs/pcap.md, "Where we differ").
    const tcpDeviations = parts.some((p) => p.name === 'tcpdump__bigtcp-ipv6.pcap') ? copies : 0;
    return { files: parts.map((p) => p.name), unitBytes: u.length, copies, bytes: written, source: src, tcpDeviations };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : dflt;
  };
  const dir = mkdtempSync(join(tmpdir(), 'bench-real-run-'));
  try {
    const file = join(dir, 'real.pcap');
    const t0 = Date.now();
    const b = buildRealCapture(file, Number(opt('size', '300')) * 1e6);
    console.log(`real-traffic capture: ${b.files.length} Ethernet corpus captures from ${b.source} (${b.unitBytes.toLocaleString()} bytes merged) x ${b.copies} = ${(b.bytes / 1e6).toFixed(0)} MB, built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`  ${b.files.join(', ')}`);
    const rest = ['--file', file, '--runs', opt('runs', '5'), '--tcp-deviations', String(b.tcpDeviations), ...(argv.includes('--no-tshark') ? ['--no-tshark'] : [])];
    const r = spawnSync(process.execPath, [fileURLToPath(new URL('./pcap.mjs', import.meta.url)), ...rest], { stdio: 'inherit' });
    const keep = opt('keep', undefined);
    if (keep) renameSync(file, keep);
    process.exitCode = r.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
