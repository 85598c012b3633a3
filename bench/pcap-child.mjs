// Runs one analysis in its own process (so its peak RSS is ours alone) and prints the figures as JSON.
//   node bench/pcap-child.mjs FILE [checksums|verdict]
// `verdict` adds the offload verdict the way `analyze pcap` runs it by default (as a FrameSink + finish()).
import { analyzeCapture } from '../packages/core/dist/pcap/index.js';
import { VerdictCollector } from '../packages/core/dist/pcap/verdict/index.js';

const [file, mode = 'checksums'] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const collector = mode === 'verdict' ? new VerdictCollector({ annotateLimit: 1000 }) : undefined;
const r = await analyzeCapture(file, { limit: 1000, ...(collector ? { sink: collector } : {}) });
const verdict = collector?.finish();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
  JSON.stringify({
    mode,
    seconds,
    frames: r.frames,
    bytes: r.bytes,
    bad: { ipv4: r.checksums.ipv4.bad, tcp: r.checksums.tcp.bad, udp: r.checksums.udp.bad },
    verdict: verdict?.kind,
    error: r.error?.message,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
