// Runs one analysis in its own process (so its peak RSS is ours alone) and prints the figures as JSON.
import { analyzeCapture } from '../packages/core/dist/pcap/index.js';

const t0 = process.hrtime.bigint();
const r = await analyzeCapture(process.argv[2], { limit: 1000 });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
  JSON.stringify({
    seconds,
    frames: r.frames,
    bytes: r.bytes,
    bad: { ipv4: r.checksums.ipv4.bad, tcp: r.checksums.tcp.bad, udp: r.checksums.udp.bad },
    error: r.error?.message,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
