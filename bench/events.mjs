// Benchmark: `analyze events` (issue 21) against libevtx's evtxexport, measured in the same run.
// The corpus logs (fixtures/corpus/evtx, the undamaged ones with records, so both tools count the same
// records) are copied as separate files until they reach >= 200 MB. Ours runs in a fresh Node process
// (module loading counted): analyzeEvents over all files (reading + findings), and the reader alone.
// evtxexport (text mode, output to /dev/null) runs once per file, sequentially.
// Targets: at least 5x evtxexport's speed, peak RSS <= 256 MB.
// Needs the built core: node_modules/.bin/tsc -b
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peakRssKb } from './peak-rss.mjs';

const core = fileURLToPath(new URL('../packages/core/dist/events/index.js', import.meta.url));
const corpus = fileURLToPath(new URL('../fixtures/corpus/evtx/', import.meta.url));
const TARGET_BYTES = 200 * 1024 * 1024;
const TARGET_RATIO = 5;
const TARGET_RSS_MB = 256;

if (!existsSync(core)) {
  console.error('build first: node_modules/.bin/tsc -b');
  process.exit(2);
}
if (spawnSync('evtxexport', ['-h']).error) {
  console.error('evtxexport is not installed (apt-get install libevtx-utils): no reference to compare with');
  process.exit(2);
}

const manifest = JSON.parse(readFileSync(join(corpus, 'MANIFEST.json'), 'utf8'));
const sources = manifest.files.filter((f) => !f.damaged && f.contains.record_count > 0 && f.reference_failures.length === 0).map((f) => join(corpus, f.name));

// A corpus file may be stored gzip-compressed (`<name>.gz`, see fixtures/corpus): copies get the original bytes.
const contents = sources.map((src) => (existsSync(src) ? readFileSync(src) : gunzipSync(readFileSync(`${src}.gz`))));
const dir = mkdtempSync(join(tmpdir(), 'analyze-bench-events-'));
const files = [];
let bytes = 0;
for (let round = 0; bytes < TARGET_BYTES; round++) {
  sources.forEach((src, i) => {
    const dst = join(dir, `${round}-${src.split('/').pop()}`);
    writeFileSync(dst, contents[i]);
    files.push(dst);
    bytes += contents[i].length;
  });
}

const childScript = (mode) => `
  const t0 = performance.now();
  const { analyzeEvents, readEvtxFile } = await import(${JSON.stringify(core)});
  const files = ${JSON.stringify(files)};
  let records = 0, findings = 0;
  if (${JSON.stringify(mode)} === 'analyze') {
    const r = await analyzeEvents(files);
    records = r.summary.records;
    findings = r.summary.findings;
  } else for (const f of files) readEvtxFile(f, () => records++);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, records, findings, maxRssKb: peakRssKb() }));
`;

function ours(mode) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', childScript(mode)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function evtxexport() {
  const t0 = performance.now();
  for (const f of files) {
    const r = spawnSync('sh', ['-c', `evtxexport "$1" > /dev/null`, 'sh', f]);
    if (r.status !== 0) throw new Error(`evtxexport failed on ${f}`);
  }
  return performance.now() - t0;
}

try {
  const mb = bytes / 1e6;
  ours('read'); // warm the page cache
  const analyze = ours('analyze');
  const read = ours('read');
  const ref = evtxexport();
  const rate = (ms) => `${Math.round((analyze.records / ms) * 1000 / 1000)}k records/s, ${((mb / ms) * 1000).toFixed(0)} MB/s`;
  const ratio = ref / analyze.ms;
  const rssMb = Math.max(analyze.maxRssKb, read.maxRssKb) / 1024;
  console.log(`${files.length} files, ${mb.toFixed(0)} MB, ${analyze.records} records (${analyze.findings} findings)`);
  console.log(`analyze events (read + findings): ${(analyze.ms / 1000).toFixed(2)} s, ${rate(analyze.ms)}, peak RSS ${(analyze.maxRssKb / 1024).toFixed(0)} MB`);
  console.log(`reader alone:                    ${(read.ms / 1000).toFixed(2)} s, ${rate(read.ms)}, peak RSS ${(read.maxRssKb / 1024).toFixed(0)} MB`);
  console.log(`evtxexport (libevtx, text):      ${(ref / 1000).toFixed(2)} s, ${rate(ref)}`);
  console.log(`ratio: ${ratio.toFixed(1)}x evtxexport (reader alone ${(ref / read.ms).toFixed(1)}x)`);
  console.log(`  target: >= ${TARGET_RATIO}x -> ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}; peak RSS <= ${TARGET_RSS_MB} MB -> ${rssMb <= TARGET_RSS_MB ? 'met' : 'NOT met'}`);
  process.exitCode = ratio >= TARGET_RATIO && rssMb <= TARGET_RSS_MB ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
