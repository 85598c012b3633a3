/**
 * `analyzeCapture`: stream one capture through a fixed buffer, verify every IPv4/TCP/UDP checksum,
 * and count per frame and protocol. Per-frame facts go to `onFrame` when given (frame.ts, facts.ts).
 */
import { otherKindHint } from '../io/other-kinds.js';
import { AnalyzeError, Warnings } from '../errors.js';
import type { FrameFacts, FrameSink } from './frame/frame.js';
import { FrameGate } from './frame/gate.js';
import { FrameChecker, type LayerSlot, PROTO_IPV4, PROTO_TCP, STATUS_ABSENT, STATUS_BAD, STATUS_GOOD, STATUS_UNVERIFIED } from './checksum/check.js';
import { formatIp } from './decode/addr.js';
import { CheckerFacts } from './frame/facts.js';
import { type CaptureReader, MAX_RECORD, type PacketInfo, tooShortForMagic, truncatedHeader, truncatedRecord } from './read/packet.js';
import { isPcapMagic, PcapReader } from './read/pcap.js';
import { BLOCK_SHB, PcapngReader } from './read/pcapng.js';
import { openSource, streamSource, type ByteSource } from './read/source.js';
import { createSimdSum } from './checksum/simd.js';
import { MAX_PENDING_FRAGMENT_BYTES, MAX_PENDING_FRAGMENTS } from './checksum/reassembly.js';
import { type BadChecksum, type CaptureReport, emptyCounts } from './report.js';

/** The one read buffer: big enough for the largest record plus a full refill. */
export const READ_BUFFER_SIZE = 2 * MAX_RECORD;
/**
 * Bytes asked for per read. Small enough that a chunk is still in the CPU cache when the parser and the
 * checksum kernel go over it (measured on bench/pcap.mjs: 1 MiB reads ~5% faster than 8 MiB, and 7 MiB less RSS), large
 * enough that system calls cost nothing.
 */
const READ_CHUNK = 1024 * 1024;
/** Default cap on the `bad` list (the counts are always complete). */
export const DEFAULT_BAD_LIMIT = 1000;

export interface AnalyzeOptions {
  /** Keep at most this many entries in `bad` (default 1000). */
  limit?: number;
  /** Warnings (a damaged tail) become errors. */
  strict?: boolean;
  /**
   * Called for every frame with its facts (frame.ts): numbers read on demand, the full FrameRecord
   * only through `facts.record()`. The object is reused: valid only during the call.
   */
  onFrame?: (facts: FrameFacts) => void;
  /**
   * Instead of `onFrame`: a consumer handed only the frames it must see, with the others counted for it
   * (frame.ts, `FrameSink`; the offload verdict is one). Its `skipped` is called once, at the end.
   */
  sink?: FrameSink;
  /** Called after each buffer refill (`totalBytes` is 0 for a stream: unknown). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** The name in the report, its error and warnings (default: the path, `-` for a stream). */
  name?: string;
}

const PROTOCOL_NAMES = ['ipv4', 'tcp', 'udp'] as const;

/**
 * Verify every checksum of one capture: a file path, or a stream read chunk by chunk (standard input).
 * The reader behind the `analyzeCapture` job of `@analyze/core` (which adds the verdict and the JSON shape);
 * per-frame facts go to `onFrame` or a `sink`.
 * @example
 *   import { analyzeCapture } from '@analyze/core/pcap';
 *   const r = await analyzeCapture('fixtures/pcap/checksums-example.pcapng');
 *   r.checksums.tcp.bad; // 7
 */
export async function analyzeCapture(input: string | AsyncIterable<Uint8Array>, opts: AnalyzeOptions = {}): Promise<CaptureReport> {
  const path = opts.name ?? (typeof input === 'string' ? input : '-');
  const limit = opts.limit ?? DEFAULT_BAD_LIMIT;
  const warnings = new Warnings(opts.strict ?? false, path);
  const report: CaptureReport = {
    file: path,
    format: undefined,
    gzip: false,
    linkTypes: [],
    frames: 0,
    bytes: 0,
    checksums: { ipv4: emptyCounts(), tcp: emptyCounts(), udp: { ...emptyCounts(), absent: 0, illegal: 0 } },
    bad: [],
    badTruncated: false,
    warnings: warnings.list,
  };
  // Frames counted per protocol and per combination of the status bits below (one increment per frame and
  // protocol; turned into the report's counts at the end, see addTallies).
  const tallies = new Float64Array(3 * STATUS_COMBINATIONS);
  // The read buffer lives in the SIMD checksum kernel's memory when WebAssembly SIMD is available.
  const simd = createSimdSum(READ_BUFFER_SIZE);
  const checker = simd ? new FrameChecker((dv, off, len) => simd.sum(dv, off, len)) : new FrameChecker();
  const layers = checker.layers;
  const sink = opts.sink;
  const onFrame = sink !== undefined ? (f: FrameFacts) => sink.onFrame(f) : opts.onFrame;
  const gate = sink !== undefined ? new FrameGate(sink, checker) : undefined;
  const facts = onFrame ? new CheckerFacts(checker) : undefined;
  let frame = 0;
  let truncated = false;
  /** Timestamp of frame 1: `bad[].time` is relative to it, as Wireshark's frame.time_relative. */
  let firstTimestamp = 0;

  const onPacket = (p: PacketInfo): void => {
    frame++;
    if (frame === 1) firstTimestamp = p.timestamp;
    checker.check(p.linkType, p.u8, p.dv, p.offset, p.capturedLength, p.originalLength);
    // Per frame and protocol: bit 0 verified, 1 bad, 2 unverified, 3 absent, 4 illegal.
    let f0 = 0;
    let f1 = 0;
    let f2 = 0;
    // Per layer, for FrameFacts: good per protocol, bad, unverified.
    let good4 = 0;
    let goodTcp = 0;
    let goodUdp = 0;
    let badLayers = 0;
    let unverified = 0;
    const n = checker.count;
    for (let i = 0; i < n; i++) {
      const l = layers[i]!;
      if (l.quoted) continue; // headers quoted in ICMP errors are the peer's problem, never counted
      let bits = 0;
      const st = l.status;
      const protocol = l.protocol;
      if (st === STATUS_GOOD) {
        bits = 1;
        if (protocol === PROTO_IPV4) good4++;
        else if (protocol === PROTO_TCP) goodTcp++;
        else goodUdp++;
      } else if (st === STATUS_BAD) {
        bits = 3 | (l.illegalZero ? 16 : 0);
        badLayers++;
        if (report.bad.length < limit) report.bad.push(badEntry(frame, l, p.timestamp - firstTimestamp, checker));
        else truncated = true; // a local, not the report's field: no deoptimisation when the limit is first reached
      } else if (st === STATUS_UNVERIFIED) {
        bits = 4;
        unverified++;
      } else if (st === STATUS_ABSENT) bits = 8;
      if (protocol === PROTO_IPV4) f0 |= bits;
      else if (protocol === PROTO_TCP) f1 |= bits;
      else f2 |= bits;
    }
    tallies[f0]!++;
    tallies[STATUS_COMBINATIONS + f1]!++;
    tallies[2 * STATUS_COMBINATIONS + f2]!++;
    if (facts !== undefined) {
      if (gate !== undefined && badLayers === 0 && !gate.pass(p, good4, goodTcp, goodUdp, unverified)) return;
      facts.next(frame, p);
      facts.goodIpv4 = good4;
      facts.goodTcp = goodTcp;
      facts.goodUdp = goodUdp;
      facts.bad = badLayers;
      facts.unverified = unverified;
      onFrame!(facts);
    }
  };

  const buf = simd ? new Uint8Array(simd.buffer, 0, READ_BUFFER_SIZE) : new Uint8Array(READ_BUFFER_SIZE);
  const dv = new DataView(buf.buffer, 0, READ_BUFFER_SIZE);
  let source: ByteSource;
  try {
    source = typeof input === 'string' ? openSource(input, warnings) : streamSource(input, path, warnings);
  } catch (e) {
    report.error = asError(e, path);
    return report;
  }
  let reader: CaptureReader | undefined;
  let fragmentsWarned = false;
  checker.onFragmentsDropped = () => {
    if (fragmentsWarned) return; // once: a flood would only repeat it (FrameChecker.fragmentsDropped counts them)
    fragmentsWarned = true;
    const caps = `more than ${MAX_PENDING_FRAGMENTS} fragments or ${MAX_PENDING_FRAGMENT_BYTES / (1024 * 1024)} MiB pending`;
    warnings.warn('PCAP_FRAGMENTS_DROPPED', `incomplete fragmented datagrams dropped, oldest first, to bound memory (${caps}): their transport checksums are not verified`, reader?.info.recordOffset);
  };
  let start = 0;
  let end = 0;
  let base = 0; // stream offset of buf[0]
  try {
    for (;;) {
      const got = await source.read(buf, end, Math.min(READ_CHUNK, buf.length - end));
      end += got;
      opts.onProgress?.(source.position, source.size);
      if (!reader) {
        if (end < 4 && got > 0) continue;
        if (end < 4) throw tooShortForMagic(end);
        reader = detect(buf, dv, onPacket, path, warnings);
        report.format = reader.format;
      }
      start = reader.parse(start, end, base);
      if (got === 0) break;
      // Keep the incomplete record: move it to the front and refill behind it.
      if (start > 0) {
        buf.copyWithin(0, start, end);
        base += start;
        end -= start;
        start = 0;
      }
    }
    if (!reader.started) throw truncatedHeader(reader, base + end);
    // A cut record is damage like any other (exit 2), not a warning: the report covers the records before it.
    if (start < end) throw truncatedRecord(base + start, end - start, 'the rest is missing');
  } catch (e) {
    report.error = asError(e, path, reader?.info.recordOffset);
  } finally {
    // A stream is sniffed on its first read, so gzip is known only now.
    report.gzip = source.gzip;
    source.close();
  }
  addTallies(report, tallies);
  if (sink !== undefined) sink.skipped(gate!.totals());
  report.badTruncated = truncated;
  report.bytes = base + end;
  report.frames = frame;
  if (reader) report.linkTypes = [...reader.linkTypes];
  return report;
}

/** Status bits of one protocol in one frame: 1 verified, 2 bad, 4 unverified, 8 absent, 16 illegal. */
const STATUS_COMBINATIONS = 32;

/** The report's per-protocol counts from the frames counted per status-bit combination. */
function addTallies(report: CaptureReport, tallies: Float64Array): void {
  const { ipv4, tcp, udp } = report.checksums;
  [ipv4, tcp, udp].forEach((c, protocol) => {
    for (let bits = 1; bits < STATUS_COMBINATIONS; bits++) {
      const frames = tallies[protocol * STATUS_COMBINATIONS + bits]!;
      if (bits & 1) c.checked += frames;
      if (bits & 2) c.bad += frames;
      if (bits & 4) c.unverified += frames;
    }
  });
  for (let bits = 1; bits < STATUS_COMBINATIONS; bits++) {
    const frames = tallies[2 * STATUS_COMBINATIONS + bits]!; // absent and illegal are UDP's only
    if (bits & 8) udp.absent += frames;
    if (bits & 16) udp.illegal += frames;
  }
}

/** The reader for a capture's first bytes (pcap or pcapng); throws PCAP_UNKNOWN_FORMAT otherwise. */
export function detect(buf: Uint8Array, dv: DataView, onPacket: (p: PacketInfo) => void, path: string, warnings?: Warnings): CaptureReader {
  if (isPcapMagic(dv, 0)) return new PcapReader(buf, dv, onPacket);
  if (dv.getUint32(0, true) === BLOCK_SHB) return new PcapngReader(buf, dv, onPacket, warnings);
  const head = [...buf.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new AnalyzeError('PCAP_UNKNOWN_FORMAT', `not a pcap or pcapng capture (starts with ${head})${otherKindHint(buf, 'pcap')}`, { file: path, offset: 0 });
}

/** `at`: the offset of the record being read, where an unexpected failure (a bug, not damage) is placed. */
function asError(e: unknown, path: string, at?: number): AnalyzeError {
  if (e instanceof AnalyzeError) {
    e.file = path; // the name the caller gave, not the path opened
    return e;
  }
  return new AnalyzeError('PCAP_INTERNAL', `internal error: ${e instanceof Error ? e.message : String(e)}`, { file: path, cause: e, ...(at === undefined ? {} : { offset: at }) });
}

/** Microsecond resolution, as pcap timestamps; keeps the JSON free of float noise (0.30000000000000004). */
const MICROSECONDS = 1e6;

function badEntry(frame: number, l: LayerSlot, relativeTime: number, checker: FrameChecker): BadChecksum {
  // Ports belong to the innermost TCP/UDP header; a bad layer of that innermost IP level shares them
  // (its flow), an outer tunnel layer does not.
  let innermost = 0;
  for (let i = 0; i < checker.count; i++) if (!checker.layers[i]!.quoted) innermost = Math.max(innermost, checker.layers[i]!.depth);
  const l4 = checker.tcpOff >= 0 ? checker.tcpOff : checker.udpOff;
  const ports = l.depth === innermost && l4 >= 0;
  return {
    frame,
    time: Math.round(relativeTime * MICROSECONDS) / MICROSECONDS,
    srcPort: ports ? checker.l4Dv.getUint16(l4) : null,
    dstPort: ports ? checker.l4Dv.getUint16(l4 + 2) : null,
    tcpPayload: ports && checker.tcpOff >= 0 ? checker.tcpPayload : null,
    protocol: PROTOCOL_NAMES[l.protocol]!,
    src: formatIp(l.addrBuf, l.srcOff, l.ipVersion),
    dst: formatIp(l.addrBuf, l.dstOff, l.ipVersion),
    stored: l.stored,
    correct: l.correct,
    depth: l.depth,
  };
}

