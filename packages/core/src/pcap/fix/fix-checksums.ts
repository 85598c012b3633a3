/**
 * `fixChecksums`: write a copy of a capture with every wrong IPv4, TCP and UDP checksum recomputed,
 * for tools that drop bad packets (Zeek, Suricata, IDS appliances, tcpreplay). The input streams
 * through one fixed buffer; the checksum walk (checksum/check.ts) finds each bad field and its right
 * value, the two bytes are patched in place, and the buffer is written out as read. So every other byte
 * stays as it was: file and record headers, timestamps, pcapng blocks and options of every kind.
 * Behind `fixLengths`, an IPv4 total length / IPv6 payload length of 0 (TSO/LSO super-frames) is set too.
 */
import type { Writable } from 'node:stream';
import { checkFunction, checkInput, checkOptions, checkString, checkWholeNumber } from '../../api/check.js';
import { inputName, isStream, type Input } from '../../api/input.js';
import { errorJson, type ErrorJson } from '../../api/report.js';
import { AnalyzeError, Warnings, type Warning } from '../../errors.js';
import { sameFile } from '../../io/files.js';
import { REPORT_SCHEMA_VERSION, withoutUndefined } from '../../report.js';
import { detect, READ_BUFFER_SIZE } from '../analyze.js';
import { FrameChecker, MAX_LAYERS, PROTO_IPV4, PROTO_TCP, STATUS_BAD, STATUS_UNVERIFIED } from '../checksum/check.js';
import { createSimdSum } from '../checksum/simd.js';
import { ETHERTYPE_IP_BY_VERSION, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from '../decode/link.js';
import { type CaptureReader, type PacketInfo, tooShortForMagic, truncatedHeader, truncatedRecord } from '../read/packet.js';
import { LINKTYPE_NOT_A_PACKET } from '../read/pcapng.js';
import { openSource, streamSource } from '../read/source.js';
import { openOutput } from './output.js';

/** Bytes asked for per read (as analyzeCapture: the chunk stays in the CPU cache while it is checked). */
const READ_CHUNK = 1024 * 1024;
/** Default cap on the `left` frame list (the counts are always complete). */
export const DEFAULT_LEFT_LIMIT = 1000;
const IPPROTO_HOPOPTS = 0;

/** Why a packet was written unchanged although a checksum in it is (or may be) wrong. */
export type LeftReason =
  /**
   * Captured length below the original length: left as captured (as tcprewrite does), even when the IP packet
   * is whole and only the link trailer is missing: a checksum may cover bytes that are not in the file.
   */
  | 'truncated'
  /** Part of an IP fragment train: the transport checksum covers bytes in other packets. */
  | 'fragment'
  /** A UDP or IP length field that runs past the packet: which bytes the checksum covers is unknown (tshark: unverified). */
  | 'bad-length'
  /** A header quoted inside an ICMP error with a wrong checksum: what the peer received, kept as evidence. */
  | 'icmp-quoted'
  /** With fixLengths: a length of 0 over more than 65,535 bytes (BIG TCP): no length field can describe it (its checksums are still fixed). */
  | 'length-too-long'
  /**
   * The capture ends inside this record (the error PCAP_TRUNCATED_RECORD): copied as it is, never checked. Its
   * frame number is the one it would have had; a cut pcapng block that is not a frame is not counted.
   */
  | 'cut-record';

/** The report of `fixChecksums` (`analyze pcap IN --fix-checksums OUT --json`), field by field in docs/json-pcap-fix.md. */
export interface FixChecksumsReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** The input as named (`name`; `-` for standard input). */
  input: string;
  /** The destination as named (`outputName`; `-`: stdout). */
  output: string;
  format?: 'pcap' | 'pcapng' | undefined;
  gzipIn: boolean;
  gzipOut: boolean;
  /** Records read (pcapng: packet blocks and the other blocks Wireshark numbers). */
  frames: number;
  bytesRead: number;
  /** Bytes written before compression: equal to bytesRead, since only bytes inside packets change. */
  bytesWritten: number;
  /** Packets with at least one byte changed. */
  packetsChanged: number;
  /** Checksum fields rewritten, per protocol (a tunnel's outer UDP checksum counts when an inner fix changed its payload). */
  fixed: { ipv4: number; tcp: number; udp: number };
  /** Length fields set on super-frames (only with `fixLengths`). */
  lengthsFixed: { ipv4: number; ipv6: number };
  /** Packets left as they were although a checksum in them could not be verified or fixed, by reason. */
  left: Record<LeftReason, number>;
  /** The first left packets (1-based frame numbers, as in Wireshark), up to `limit`. */
  leftFrames: { frame: number; reason: LeftReason }[];
  leftFramesTruncated: boolean;
  /** `{code, message, file, offset?}`, named after the input. */
  warnings: Warning[];
  /** Set when the input was damaged: packets before the damage were fixed, the rest copied unchanged. */
  error?: ErrorJson;
}

export interface FixChecksumsOptions {
  /** The input's name in the report, warnings and errors (as the user typed it). Default: the path, `-` for a stream. */
  name?: string;
  /** The output's name in the report and errors. Default: `output` itself. */
  outputName?: string;
  /** Also set the IPv4 total length / IPv6 payload length of TSO/LSO super-frames whose field is 0. */
  fixLengths?: boolean;
  /** Warnings (a damaged tail) become errors. */
  strict?: boolean;
  /** List at most this many left packets (default 1000). */
  limit?: number;
  /** The stream for output `-`. */
  stdout?: Writable;
  /** The stream for input `-` (plain or gzip); a stream can also be passed as `input` itself. */
  stdin?: AsyncIterable<Uint8Array>;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/**
 * Copy `input` (a path, bytes or a stream) to `output` with every wrong IPv4/TCP/UDP checksum recomputed,
 * in constant memory. Only packets with a wrong checksum change, and in them only the checksum bytes (and
 * the length fields, with `fixLengths`). Returns the documented report (docs/json-pcap-fix.md): what was
 * fixed and what was left, and why. Throws only when the input cannot be opened or the output cannot be
 * written (the error names `name` or `outputName`); a damaged input is reported in `error`.
 * Output `-` writes `opts.stdout`, input `-` reads `opts.stdin` (core does no terminal I/O of its own).
 * @example
 *   const r = await fixChecksums('offload.pcapng', 'fixed.pcapng');
 *   r.fixed; // { ipv4: 0, tcp: 12, udp: 3 }
 */
export async function fixChecksums(input: Input, output: string, opts: FixChecksumsOptions = {}): Promise<FixChecksumsReport> {
  // Plain JavaScript callers: USAGE naming the argument, not a TypeError from deep inside (api/check.ts).
  checkInput(input, 'fixChecksums');
  checkString(output, 'fixChecksums: output', true);
  checkOptions(opts, 'fixChecksums');
  checkWholeNumber(opts.limit, 'fixChecksums: limit', 0);
  checkFunction(opts.onProgress, 'fixChecksums: onProgress');
  const name = inputName(input, opts.name);
  const outputName = opts.outputName ?? output;
  try {
    // "absent when the input was not recognised" (docs/json-pcap-fix.md): the key too, not only its value
    return withoutUndefined(await fixNamed(input, output, name, outputName, opts));
  } catch (e) {
    // The library opens the paths it was given; messages name the files as the user typed them.
    if (e instanceof AnalyzeError) e.file = e.file === output ? outputName : name;
    throw e;
  }
}

async function fixNamed(input: Input, output: string, name: string, outputName: string, opts: FixChecksumsOptions): Promise<FixChecksumsReport> {
  if (output !== '-' && typeof input === 'string' && input !== '-' && sameFile(input, output)) {
    throw new AnalyzeError('FILE_UNWRITABLE', 'the output would overwrite the input: write to another file', { file: output });
  }
  const limit = opts.limit ?? DEFAULT_LEFT_LIMIT;
  const warnings = new Warnings(opts.strict ?? false, name);
  const report: FixChecksumsReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    input: name,
    output: outputName,
    format: undefined,
    gzipIn: false,
    gzipOut: false,
    frames: 0,
    bytesRead: 0,
    bytesWritten: 0,
    packetsChanged: 0,
    fixed: { ipv4: 0, tcp: 0, udp: 0 },
    lengthsFixed: { ipv4: 0, ipv6: 0 },
    left: { truncated: 0, fragment: 0, 'bad-length': 0, 'icmp-quoted': 0, 'length-too-long': 0, 'cut-record': 0 },
    leftFrames: [],
    leftFramesTruncated: false,
    warnings: warnings.list,
  };
  if (input === '-' && opts.stdin === undefined) throw new AnalyzeError('FILE_UNREADABLE', 'input "-" (stdin) needs a stream to read from', { file: name });
  const stream = input === '-' ? opts.stdin! : isStream(input) ? input : input instanceof Uint8Array ? oneChunk(input) : undefined;
  const source = stream ? streamSource(stream, name, warnings) : openSource(input as string, warnings);
  let out;
  try {
    out = openOutput(output, opts.stdout);
  } catch (e) {
    source.close();
    throw e;
  }
  report.gzipIn = source.gzip;
  report.gzipOut = out.gzip;

  const simd = createSimdSum(READ_BUFFER_SIZE);
  const checker = simd ? new FrameChecker((dv, off, len) => simd.sum(dv, off, len)) : new FrameChecker();
  const patcher = new PacketPatcher(checker, report, opts.fixLengths ?? false);
  let frame = 0;
  const leave = (at: number, reason: LeftReason): void => {
    report.left[reason]++;
    if (report.leftFrames.length < limit) report.leftFrames.push({ frame: at, reason });
    else report.leftFramesTruncated = true;
  };
  const onPacket = (p: PacketInfo): void => {
    frame++;
    const reason = patcher.patch(p);
    if (reason !== undefined) leave(frame, reason);
  };

  const buf = simd ? new Uint8Array(simd.buffer, 0, READ_BUFFER_SIZE) : new Uint8Array(READ_BUFFER_SIZE);
  const dv = new DataView(buf.buffer, 0, READ_BUFFER_SIZE);
  let reader: CaptureReader | undefined;
  let start = 0;
  let end = 0;
  let base = 0;
  let writeError: unknown;
  const write = async (from: number, to: number): Promise<void> => {
    if (to > from) await out.write(buf.subarray(from, to));
  };
  try {
    try {
      for (;;) {
        const got = await source.read(buf, end, Math.min(READ_CHUNK, buf.length - end));
        end += got;
        opts.onProgress?.(source.position, source.size);
        if (!reader) {
          if (end < 4 && got > 0) continue;
          if (end < 4) throw tooShortForMagic(end);
          reader = detect(buf, dv, onPacket, name, warnings);
          report.format = reader.format;
        }
        const before = start;
        start = reader.parse(start, end, base);
        // Every record in [before, start) has been patched: out it goes, as it is.
        try {
          await write(before, start);
        } catch (e) {
          writeError = e;
          throw e;
        }
        if (got === 0) break;
        if (start > 0) {
          buf.copyWithin(0, start, end);
          base += start;
          end -= start;
          start = 0;
        }
      }
      if (!reader.started) throw truncatedHeader(reader, base + end);
      if (start < end) {
        // Damage like any other (exit 2): the cut record goes out as it came, never checked, so it is left.
        if (reader.cutRecordIsFrame(start, end)) leave(frame + 1, 'cut-record');
        throw truncatedRecord(base + start, end - start, 'copied unchanged, not checked');
      }
    } catch (e) {
      if (writeError !== undefined) throw writeError;
      report.error = errorJson(e);
    }
    // The damaged or incomplete rest is copied unchanged, so that the copy is complete.
    await write(start, end);
    base += end;
    end = 0;
    if (report.error !== undefined) {
      for (;;) {
        let got: number;
        try {
          got = await source.read(buf, 0, READ_CHUNK);
        } catch {
          break; // a damaged gzip stream: what it gave is copied, its error is already reported
        }
        if (got === 0) break;
        await out.write(buf.subarray(0, got));
        base += got;
      }
    }
  } finally {
    source.close();
    await out.close();
  }
  report.gzipIn = source.gzip; // a stream tells only once read
  report.frames = frame;
  report.bytesRead = base;
  report.bytesWritten = out.written;
  if (reader === undefined && report.error === undefined) report.error = { code: 'PCAP_TOO_SHORT', message: 'empty file: not a capture', offset: 0 };
  return report;
}

/** Bytes in memory as a stream of one chunk (the copy streams whatever it is given). */
async function* oneChunk(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Patches one packet at a time in the read buffer. */
class PacketPatcher {
  /** Checksum fields already rewritten in the current packet (offsets in the read buffer). */
  private readonly fixedFields = new Int32Array(MAX_LAYERS);
  private fixedCount = 0;

  constructor(
    private readonly checker: FrameChecker,
    private readonly report: FixChecksumsReport,
    private readonly fixLengths: boolean,
  ) {}

  /** Fix the packet's wrong checksums in place; returns why it was left alone, if it was. */
  patch(p: PacketInfo): LeftReason | undefined {
    if (p.linkType === LINKTYPE_NOT_A_PACKET) return undefined;
    const c = this.checker;
    c.check(p.linkType, p.u8, p.dv, p.offset, p.capturedLength, p.originalLength);
    const truncated = p.capturedLength < p.originalLength;
    let changed = false;
    if (truncated) return this.needsFixing() ? 'truncated' : undefined;
    let lengthLeft = false;
    if (this.fixLengths) {
      const r = this.fixLength(p);
      // Too long for the field: the length stays 0, the checksums (over the frame, as the sender summed them) are still fixed.
      lengthLeft = r === 'length-too-long';
      if (r === 'fixed') {
        changed = true;
        c.check(p.linkType, p.u8, p.dv, p.offset, p.capturedLength, p.originalLength);
      }
    }
    this.fixedCount = 0;
    let left: LeftReason | undefined;
    let quotedBad = false;
    // Fix the deepest bad layers first: an inner fix changes the payload an outer UDP/TCP checksum covers,
    // so the walk is repeated then, until nothing fixable is bad (one pass for a packet without tunnels).
    for (let pass = 0; pass <= MAX_LAYERS; pass++) {
      const layers = c.layers;
      const n = c.count;
      let deepest = -1;
      left = undefined;
      for (let i = 0; i < n; i++) {
        const l = layers[i]!;
        if (l.quoted) {
          // A header quoted in an ICMP error is what the peer received: never touched (and the ICMP checksum covers it).
          quotedBad ||= l.status === STATUS_BAD;
          continue;
        }
        if (l.status === STATUS_UNVERIFIED) left = l.fragmented ? 'fragment' : 'bad-length';
        else if (l.status === STATUS_BAD && l.fieldBuf !== p.u8) left = 'fragment'; // its field is in an earlier fragment
        else if (l.status === STATUS_BAD && l.depth > deepest) deepest = l.depth;
      }
      if (deepest < 0) break;
      let outerCovers = false;
      for (let i = 0; i < n; i++) {
        const l = layers[i]!;
        if (l.quoted) continue;
        if (l.depth < deepest && (l.protocol !== PROTO_IPV4 || l.status === STATUS_BAD)) outerCovers = true;
        if (l.status !== STATUS_BAD || l.depth !== deepest || l.fieldBuf !== p.u8) continue;
        p.u8[l.field] = l.correct >>> 8;
        p.u8[l.field + 1] = l.correct & 0xff;
        changed = true;
        this.count(l.field, l.protocol);
      }
      if (!outerCovers) break;
      c.check(p.linkType, p.u8, p.dv, p.offset, p.capturedLength, p.originalLength);
    }
    if (changed) this.report.packetsChanged++;
    return left ?? (quotedBad ? 'icmp-quoted' : lengthLeft ? 'length-too-long' : undefined);
  }

  /** Count a rewritten field once, however many passes touched it. */
  private count(field: number, protocol: number): void {
    for (let i = 0; i < this.fixedCount; i++) if (this.fixedFields[i] === field) return;
    if (this.fixedCount < MAX_LAYERS) this.fixedFields[this.fixedCount++] = field;
    const f = this.report.fixed;
    if (protocol === PROTO_IPV4) f.ipv4++;
    else if (protocol === PROTO_TCP) f.tcp++;
    else f.udp++;
  }

  /** A truncated packet: does it hold a checksum that is wrong or cannot be checked? */
  private needsFixing(): boolean {
    const c = this.checker;
    for (let i = 0; i < c.count; i++) {
      const l = c.layers[i]!;
      if (!l.quoted && (l.status === STATUS_BAD || l.status === STATUS_UNVERIFIED)) return true;
    }
    return false;
  }

  /**
   * A TSO/LSO super-frame's outer IP length field of 0: set it to what the frame holds. IPv6 with a
   * Hop-by-Hop header may be a real jumbogram (RFC 2675: payload length 0 is right there).
   */
  private fixLength(p: PacketInfo): 'fixed' | 'length-too-long' | undefined {
    const link = this.checker.link;
    const u8 = p.u8;
    const off = link.offset;
    const frameEnd = p.offset + p.capturedLength;
    if (off < p.offset || frameEnd - off < 40) return undefined;
    let et = link.etherType;
    if (et === ETHERTYPE_IP_BY_VERSION) et = u8[off]! >> 4 === 4 ? ETHERTYPE_IPV4 : u8[off]! >> 4 === 6 ? ETHERTYPE_IPV6 : et;
    if (et === ETHERTYPE_IPV4 && u8[off]! >> 4 === 4 && u8[off + 2] === 0 && u8[off + 3] === 0) {
      const total = frameEnd - off;
      if (total > 0xffff) return 'length-too-long';
      u8[off + 2] = total >>> 8;
      u8[off + 3] = total & 0xff;
      this.report.lengthsFixed.ipv4++;
      return 'fixed';
    }
    if (et === ETHERTYPE_IPV6 && u8[off]! >> 4 === 6 && u8[off + 4] === 0 && u8[off + 5] === 0 && u8[off + 6] !== IPPROTO_HOPOPTS) {
      const payload = frameEnd - off - 40;
      if (payload === 0) return undefined;
      if (payload > 0xffff) return 'length-too-long';
      u8[off + 4] = payload >>> 8;
      u8[off + 5] = payload & 0xff;
      this.report.lengthsFixed.ipv6++;
      return 'fixed';
    }
    return undefined;
  }
}
