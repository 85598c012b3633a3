/**
 * `analyzeCapture`: stream one capture through a fixed buffer, verify every IPv4/TCP/UDP checksum,
 * and count per frame and protocol. FrameRecords are built only when `onFrame` is given.
 */
import { AnalyzeError, Warnings } from '../errors.js';
import type { Direction, FrameRecord, LayerCheck } from './frame.js';
import { FrameChecker, type LayerSlot, PROTO_IPV4, PROTO_TCP, PROTO_UDP, STATUS_ABSENT, STATUS_BAD, STATUS_GOOD, STATUS_UNVERIFIED } from './checksum/check.js';
import { AddressText, formatIp } from './decode/addr.js';
import { type CaptureReader, MAX_RECORD, type PacketInfo } from './read/packet.js';
import { isPcapMagic, PcapReader } from './read/pcap.js';
import { BLOCK_SHB, PcapngReader } from './read/pcapng.js';
import { openSource } from './read/source.js';
import { createSimdSum } from './checksum/simd.js';
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
  /** Called for every frame with its full record; records are built only when this is given. */
  onFrame?: (record: FrameRecord) => void;
  /** Called after each buffer refill. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

const PROTOCOL_NAMES = ['ipv4', 'tcp', 'udp'] as const;
const STATUS_NAMES = ['good', 'bad', 'unverified', 'absent'] as const;
/** pcapng epb_flags direction bits (0-1): 01 inbound, 10 outbound. */
const EPB_DIRECTION_MASK = 3;

export async function analyzeCapture(path: string, opts: AnalyzeOptions = {}): Promise<CaptureReport> {
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
  const counts = [report.checksums.ipv4, report.checksums.tcp, report.checksums.udp] as const;
  const udp = report.checksums.udp;
  // The read buffer lives in the SIMD checksum kernel's memory when WebAssembly SIMD is available.
  const simd = createSimdSum(READ_BUFFER_SIZE);
  const checker = simd ? new FrameChecker((dv, off, len) => simd.sum(dv, off, len)) : new FrameChecker();
  const layers = checker.layers;
  const onFrame = opts.onFrame;
  const text = new AddressText();
  let frame = 0;

  const onPacket = (p: PacketInfo): void => {
    frame++;
    checker.check(p.linkType, p.u8, p.dv, p.offset, p.capturedLength, p.originalLength);
    // Per frame and protocol: bit 0 verified, 1 bad, 2 unverified, 3 absent, 4 illegal.
    let f0 = 0;
    let f1 = 0;
    let f2 = 0;
    const n = checker.count;
    for (let i = 0; i < n; i++) {
      const l = layers[i]!;
      if (l.quoted) continue; // headers quoted in ICMP errors are the peer's problem, never counted
      let bits = 0;
      const st = l.status;
      if (st === STATUS_GOOD) bits = 1;
      else if (st === STATUS_BAD) {
        bits = 3 | (l.illegalZero ? 16 : 0);
        if (report.bad.length < limit) report.bad.push(badEntry(frame, l));
        else report.badTruncated = true;
      } else if (st === STATUS_UNVERIFIED) bits = 4;
      else if (st === STATUS_ABSENT) bits = 8;
      if (l.protocol === PROTO_IPV4) f0 |= bits;
      else if (l.protocol === PROTO_TCP) f1 |= bits;
      else f2 |= bits;
    }
    if (f0 !== 0) tally(counts[0], f0);
    if (f1 !== 0) tally(counts[1], f1);
    if (f2 !== 0) {
      tally(counts[2], f2);
      if (f2 & 8) udp.absent++;
      if (f2 & 16) udp.illegal++;
    }
    if (onFrame) onFrame(buildRecord(frame, p, checker, text));
  };

  const buf = simd ? new Uint8Array(simd.buffer, 0, READ_BUFFER_SIZE) : new Uint8Array(READ_BUFFER_SIZE);
  const dv = new DataView(buf.buffer, 0, READ_BUFFER_SIZE);
  let source;
  try {
    source = openSource(path);
  } catch (e) {
    report.error = asError(e, path);
    return report;
  }
  report.gzip = source.gzip;
  let reader: CaptureReader | undefined;
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
        if (end < 4) throw new AnalyzeError('PCAP_TOO_SHORT', `file is only ${end} bytes: not a capture`, { offset: 0 });
        reader = detect(buf, dv, onPacket, path);
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
    if (start < end) {
      warnings.warn('PCAP_TRUNCATED_RECORD', `capture ends in the middle of a record (${end - start} bytes of it present): the rest is missing`, base + start);
    }
  } catch (e) {
    report.error = asError(e, path);
  } finally {
    source.close();
  }
  report.bytes = base + end;
  report.frames = frame;
  if (reader) report.linkTypes = [...reader.linkTypes];
  return report;
}

function tally(c: { checked: number; bad: number; unverified: number }, bits: number): void {
  if (bits & 1) c.checked++;
  if (bits & 2) c.bad++;
  if (bits & 4) c.unverified++;
}

function detect(buf: Uint8Array, dv: DataView, onPacket: (p: PacketInfo) => void, path: string): CaptureReader {
  if (isPcapMagic(dv, 0)) return new PcapReader(buf, dv, onPacket);
  if (dv.getUint32(0, true) === BLOCK_SHB) return new PcapngReader(buf, dv, onPacket);
  const head = [...buf.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new AnalyzeError('PCAP_UNKNOWN_FORMAT', `not a pcap or pcapng capture (starts with ${head})`, { file: path, offset: 0 });
}

function asError(e: unknown, path: string): AnalyzeError {
  if (e instanceof AnalyzeError) {
    if (e.file === undefined) e.file = path;
    return e;
  }
  return new AnalyzeError('PCAP_INTERNAL', `internal error: ${e instanceof Error ? e.message : String(e)}`, { file: path, cause: e });
}

function badEntry(frame: number, l: LayerSlot): BadChecksum {
  return {
    frame,
    protocol: PROTOCOL_NAMES[l.protocol]!,
    src: formatIp(l.addrBuf, l.srcOff, l.ipVersion),
    dst: formatIp(l.addrBuf, l.dstOff, l.ipVersion),
    stored: l.stored,
    correct: l.correct,
    depth: l.depth,
  };
}

function layerCheck(l: LayerSlot, text: AddressText): LayerCheck {
  const c: LayerCheck = {
    protocol: PROTOCOL_NAMES[l.protocol]!,
    status: STATUS_NAMES[l.status]!,
    stored: l.stored,
    correct: l.status === STATUS_UNVERIFIED ? undefined : l.correct,
    depth: l.depth,
    quoted: l.quoted,
    src: text.ip(l.addrBuf, l.srcOff, l.ipVersion),
    dst: text.ip(l.addrBuf, l.dstOff, l.ipVersion),
  };
  if (l.protocol !== PROTO_IPV4) {
    c.pseudoHeaderSum = l.pseudo;
    c.pseudoHeaderSumNoLength = l.pseudoNoLength;
  }
  return c;
}

function buildRecord(frame: number, p: PacketInfo, c: FrameChecker, text: AddressText): FrameRecord {
  const checks: LayerCheck[] = [];
  for (let i = 0; i < c.count; i++) checks.push(layerCheck(c.layers[i]!, text));
  let direction: Direction;
  if (p.epbFlags >= 0 && (p.epbFlags & EPB_DIRECTION_MASK) !== 0) {
    const d = p.epbFlags & EPB_DIRECTION_MASK;
    direction = d === 1 ? 'inbound' : d === 2 ? 'outbound' : undefined;
  } else if (c.link.direction !== 0 && c.count >= 0) {
    direction = c.link.direction === 2 ? 'outbound' : 'inbound';
  }
  const l4 = c.l4Dv;
  return {
    frame,
    timestamp: p.timestamp,
    interfaceId: p.interfaceId,
    linkType: p.linkType,
    capturedLength: p.capturedLength,
    originalLength: p.originalLength,
    direction,
    epbFlags: p.epbFlags >= 0 ? p.epbFlags : undefined,
    srcMac: c.link.srcMac >= 0 ? text.mac(p.u8, c.link.srcMac) : undefined,
    dstMac: c.link.dstMac >= 0 ? text.mac(p.u8, c.link.dstMac) : undefined,
    ipVersion: c.ipVersion === 0 ? undefined : c.ipVersion,
    src: c.ipVersion === 0 ? undefined : text.ip(c.ipBuf, c.ipSrcOff, c.ipVersion),
    dst: c.ipVersion === 0 ? undefined : text.ip(c.ipBuf, c.ipDstOff, c.ipVersion),
    ipv4ChecksumZero: c.ipv4ChecksumZero,
    tcp:
      c.tcpOff >= 0
        ? {
            srcPort: l4.getUint16(c.tcpOff),
            dstPort: l4.getUint16(c.tcpOff + 2),
            seq: l4.getUint32(c.tcpOff + 4),
            ack: l4.getUint32(c.tcpOff + 8),
            flags: l4.getUint8(c.tcpOff + 13),
            window: l4.getUint16(c.tcpOff + 14),
            payloadLength: c.tcpPayload,
          }
        : undefined,
    udp: c.udpOff >= 0 ? { srcPort: l4.getUint16(c.udpOff), dstPort: l4.getUint16(c.udpOff + 2), length: l4.getUint16(c.udpOff + 4) } : undefined,
    checks,
  };
}
