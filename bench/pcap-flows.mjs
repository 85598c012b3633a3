// Bounded flow state of the offload verdict (issue 4): pushes N distinct TCP flows, each opened by a
// bad-checksum segment, through the verdict's flow follower (100,000 new flows per second of capture
// time, so none is idle when room is needed) and prints the time, the table's size and peak, what was
// evicted, the heap retained at the end and the peak RSS. Needs the built core (tsc -b).
//   node --expose-gc bench/pcap-flows.mjs [flows=10000000]
import { TcpFlowFollower } from '../packages/core/dist/pcap/verdict/flows.js';
import { emptyByValue } from '../packages/core/dist/pcap/verdict/outcomes.js';
import { FLOW_TABLE_CAP } from '../packages/core/dist/pcap/verdict/thresholds.js';
import { peakRssKb } from './peak-rss.mjs';

const flows = Number(process.argv[2] ?? 10_000_000);
const gc = globalThis.gc ?? (() => {});
if (!globalThis.gc) console.log('(run with --expose-gc for a retained-heap figure)');

/** One TCP segment, reused: IPv4 source 10.x.y.z varies per flow, ports 1024-61023 to 80. */
class Segment {
  frame = 0;
  timestamp = 0;
  ipVersion = 4;
  srcWord = 0x0a000000;
  dstWord = 0x0a000002;
  srcPort = 1024;
  dstPort = 80;
  seq = 0;
  ack = 0;
  tcpFlags = 0x18;
  payloadLength = 1460;
  addressWords(into) {
    into.fill(0);
    into[0] = this.srcWord;
    into[4] = this.dstWord;
  }
  srcText() {
    return `10.${(this.srcWord >>> 16) & 255}.${(this.srcWord >>> 8) & 255}.${this.srcWord & 255}`;
  }
  dstText() {
    return '10.0.0.2';
  }
}

const follower = new TcpFlowFollower();
const sink = emptyByValue();
const bad = { placeholder: true, sink, note: undefined };
const s = new Segment();
gc();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = process.hrtime.bigint();
let maxSize = 0;
for (let i = 0; i < flows; i++) {
  s.frame = i + 1;
  s.timestamp = 1e9 + i / 100_000;
  s.srcWord = (0x0a000000 + (i & 0xffffff)) | 0;
  s.srcPort = 1024 + (i % 60_000);
  s.seq = i;
  follower.observe(s, bad);
  if (follower.size > maxSize) maxSize = follower.size;
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
gc();
const retained = process.memoryUsage().heapUsed - heapBefore;
const st = follower.stats;
console.log(`${flows.toLocaleString()} flows in ${seconds.toFixed(1)} s (${((seconds / flows) * 1e9).toFixed(0)} ns per flow)`);
console.log(`table: at most ${maxSize.toLocaleString()} flows at once (cap ${FLOW_TABLE_CAP.toLocaleString()}), peak ${st.peak.toLocaleString()}; evicted early ${st.evictedEarly.toLocaleString()}, idle ${st.evictedIdle.toLocaleString()}; open segments ${follower.openSegments.toLocaleString()}`);
console.log(`heap retained by the follower: ${globalThis.gc ? `${(retained / 1048576).toFixed(0)} MiB` : 'n/a'}; peak RSS ${(peakRssKb() / 1024).toFixed(0)} MiB`);
follower.finish();
const p = sink.placeholder;
console.log(`every segment got a fate: ${p.acked + p.failed + p.unacked + p.unknown + st.untracked === flows ? 'yes' : 'NO'}`);
process.exitCode = maxSize <= FLOW_TABLE_CAP ? 0 : 1;
