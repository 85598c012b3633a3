// Runs one analysis in its own process (so its peak RSS is ours alone) and prints the figures as JSON.
//   node bench/pcap-child.mjs FILE [checksums|verdict|handover]
// `verdict` adds the offload verdict the way `analyze pcap` runs it by default (as a FrameSink + finish()).
// `handover` hands the same frames to a sink that only reads the numbers the verdict reads of every frame
// and does nothing with them: what the verdict costs before any work of its own (a lower bound: its flow
// filter stays empty, so good TCP frames of followed conversations are not handed over).
import { analyzeCapture, FlowFilter } from '../packages/core/dist/pcap/index.js';
import { VerdictCollector } from '../packages/core/dist/pcap/verdict/index.js';
import { peakRssKb } from './peak-rss.mjs';

const [file, mode = 'checksums'] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const collector = mode === 'verdict' ? new VerdictCollector({ annotateLimit: 1000 }) : undefined;
let read = 0;
const handover = {
  flowFilter: new FlowFilter(),
  onFrame(f) {
    read += f.frame + f.linkType + f.goodIpv4 + f.goodTcp + f.goodUdp + f.bad + f.unverified + f.srcPort + f.dstPort + f.seq + f.ack + f.tcpFlags + f.payloadLength + f.layerCount + f.srcWord + f.dstWord;
    read += f.ipVersion + (f.isTcp ? 1 : 0) + (f.direction === undefined ? 0 : 1);
  },
  skipped() {},
};
const sink = collector ?? (mode === 'handover' ? handover : undefined);
const r = await analyzeCapture(file, { limit: 1000, ...(sink ? { sink } : {}) });
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
    ...(mode === 'handover' ? { read: read > 0 } : {}), // what the sink read is used, so that it is not optimised away
    error: r.error?.message,
    maxRssBytes: peakRssKb() * 1024,
  }),
);
