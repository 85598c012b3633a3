// Builds a large benchmark capture: a ~4 MiB unit of mixed traffic (IMIX sizes: TCP ACKs and data,
// small UDP, IPv6, VLAN-tagged frames, ~2% bad checksums of each protocol, some offload pseudo-header
// sums, ~1% bad IPv4 header checksums) repeated until the file reaches the requested size. Each repetition gets its
// own client ports (checksums adjusted incrementally, RFC 1624), so they are new flows rather than
// retransmissions of the first: tshark's TCP analysis would otherwise slow down with every copy.
// The ACKs travel server port to client port, so each TCP conversation has both directions and its
// data (bad checksums included) is acknowledged, as in a live capture. `oneWay` (--one-way) sends
// the ACKs from the client port as well, as versions before 2026-12-04 did by mistake: every flow is
// then one-directional and no segment is ever acknowledged, the follower's worst case.
// Deterministic.
//   node bench/pcap-gen.mjs OUT.pcap [sizeMB=320] [pcap|pcapng] [--one-way]
import { closeSync, openSync, writeSync } from 'node:fs';
import * as L from '../fixtures/gen/pcap/lib.mjs';

/**
 * Frames of one unit. Sizes follow "simple IMIX" (7:4:1 of 64-, 594- and 1518-byte frames on the wire,
 * i.e. 60/590/1514 here without the FCS), the usual stand-in for real traffic; real captures in the
 * corpus average even smaller (about 220 bytes per frame).
 */
export function unitFrames(oneWay = false) {
  const frames = [];
  const hosts = ['10.1.0.1', '10.1.0.2', '192.168.7.20', '172.16.5.9'];
  // Per-flow sequence numbers advance by each segment's length and ACKs acknowledge them, so tshark's
  // TCP analysis sees ordinary in-order transfers (not a storm of out-of-order segments).
  const next = new Map();
  const seg = (src, dst, len) => {
    const k = `${src}>${dst}`;
    const seq = next.get(k) ?? 1;
    next.set(k, seq + len);
    return seq;
  };
  for (let i = 0; frames.reduce((n, f) => n + f.length, 0) < 4 * 1024 * 1024; i++) {
    const src = hosts[i % 4];
    const dst = hosts[(i + 1) % 4];
    const k = i % 12;
    const checksum = i % 50 === 6 ? 'bad' : i % 50 === 18 ? 'partial' : 'good';
    const ipChecksum = i % 97 === 5 ? 'bad' : 'good';
    const data = (payload, extra = {}) => frames.push(L.packet({ src, dst, seq: seg(src, dst, payload), ack: next.get(`${dst}>${src}`) ?? 1, payload, checksum, ipChecksum, ...extra }));
    const ports = oneWay ? {} : { srcPort: SERVER_PORT, dstPort: CLIENT_PORT };
    if (k < 6) frames.push(L.packet({ src: dst, dst: src, ...ports, seq: seg(dst, src, 6), ack: next.get(`${src}>${dst}`) ?? 1, flags: 0x10, checksum, ipChecksum, payload: 6 })); // 60-byte ACK
    else if (k === 6) frames.push(L.packet({ l4: 'udp', src, dst, payload: 18, checksum })); // 60-byte UDP
    else if (k === 7) frames.push(L.packet({ ip: 6, src: 'fd00::1', dst: 'fd00::2', seq: seg('fd00::1', 'fd00::2', 516), payload: 516, checksum })); // 590 bytes
    else if (k === 8) data(532, { vlans: [100] }); // 590 bytes
    else if (k < 11) data(536); // 590 bytes
    else data(1460); // 1514 bytes
  }
  return frames;
}

/** The ports fixtures/gen/pcap/lib.mjs gives a TCP segment by default. */
const CLIENT_PORT = 40000;
const SERVER_PORT = 80;

/** Where each frame's client port (the one each copy moves) and transport checksum are (byte offsets in the frame). */
function transportFields(f) {
  let o = 12;
  let et = (f[o] << 8) | f[o + 1];
  if (et === 0x8100) {
    o += 4;
    et = (f[o] << 8) | f[o + 1];
  }
  const ip = o + 2;
  const [l4, proto] = et === 0x0800 ? [ip + (f[ip] & 15) * 4, f[ip + 9]] : [ip + 40, f[ip + 6]];
  const fromServer = proto === 6 && ((f[l4] << 8) | f[l4 + 1]) === SERVER_PORT;
  return { port: fromServer ? l4 + 2 : l4, csum: l4 + (proto === 6 ? 16 : 6) };
}

/** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
function adjust(checksum, oldWord, newWord) {
  let s = (~checksum & 0xffff) + (~oldWord & 0xffff) + newWord;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** Copy of the unit's records with every source port moved by `delta` (checksums kept as right or as wrong as they were). */
function variant(body, records, delta) {
  const out = Buffer.from(body);
  for (const r of records) {
    const p = r.at + r.port;
    const c = r.at + r.csum;
    const old = out.readUInt16BE(p);
    const now = (old + delta) & 0xffff;
    out.writeUInt16BE(now, p);
    const sum = out.readUInt16BE(c);
    if (!(sum === 0 && r.udp)) out.writeUInt16BE(adjust(sum, old, now), c);
  }
  return out;
}

export function writeBenchCapture(path, sizeBytes, format = 'pcap', oneWay = false) {
  const frames = unitFrames(oneWay);
  const packets = frames.map((data, i) => ({ data, ts: 1700000000 + i * 1e-5 }));
  const unit = format === 'pcapng' ? L.pcapngFile({ packets }) : L.pcapFile({ packets });
  // pcap: one 24-byte header then records; pcapng: sections can simply follow each other.
  const header = format === 'pcapng' ? 0 : 24;
  const body = unit.subarray(header);
  // Record offsets inside `body` (pcap: 16-byte record headers; pcapng: after SHB+IDB, 28-byte EPB headers).
  const records = [];
  let at = format === 'pcapng' ? unit.readUInt32LE(4) + unit.readUInt32LE(unit.readUInt32LE(4) + 4) : 0;
  for (const f of frames) {
    const { port, csum } = transportFields(f);
    const recHeader = format === 'pcapng' ? 28 : 16;
    records.push({ at: at + recHeader, port, csum, udp: csum - port === 6 });
    at += format === 'pcapng' ? unit.readUInt32LE(at + 4) : recHeader + f.length;
  }
  const fd = openSync(path, 'w');
  let written = 0;
  let units = 0;
  try {
    if (header) written += writeSync(fd, unit.subarray(0, header));
    while (written < sizeBytes) {
      // One port step per copy; 0 for the first, so the first unit is exactly `unitFrames()`.
      const copy = variant(format === 'pcapng' ? unit : body, records, units * 7);
      written += writeSync(fd, copy);
      units++;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: written, frames: units * frames.length, unitFrames: frames.length, units };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2).filter((a) => a !== '--one-way');
  const [out, mb = '320', format = 'pcap'] = args;
  if (!out) throw new Error('usage: node bench/pcap-gen.mjs OUT [sizeMB] [pcap|pcapng] [--one-way]');
  console.log(JSON.stringify(writeBenchCapture(out, Number(mb) * 1e6, format, process.argv.includes('--one-way'))));
}
