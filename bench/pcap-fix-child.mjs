// One `fixChecksums` run in its own process (its peak RSS is its own), figures as JSON.
//   node bench/pcap-fix-child.mjs IN OUT
import { fixChecksums } from '../packages/core/dist/pcap/fix/index.js';
import { peakRssKb } from './peak-rss.mjs';

const [input, output] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const r = await fixChecksums(input, output);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
  JSON.stringify({ seconds, frames: r.frames, bytes: r.bytesRead, packetsChanged: r.packetsChanged, fixed: r.fixed, left: r.left, error: r.error?.message, maxRssBytes: peakRssKb() * 1024 }),
);
