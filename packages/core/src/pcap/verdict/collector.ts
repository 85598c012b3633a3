import type { FlowFilter } from '../frame/flow-filter.js';
import type { ChecksumProtocol, Direction, FrameFacts, FrameRecord, FrameSink, LayerFacts, SkippedFrames } from '../frame/frame.js';
import { LINKTYPE_ETHERNET, LINKTYPE_LOOP, LINKTYPE_NULL } from '../decode/link.js';
import { MAC_DST_ZERO, MAC_SRC_ZERO } from '../frame/frame.js';
import { adviceFor } from './advice.js';
import { classifyBad, isPlaceholder, type BadClass } from './classify.js';
import { decide, looksEdited } from './decide.js';
import { EditingSigns } from './editing.js';
import { TcpFlowFollower, type BadSegment, type SegmentNote } from './flows.js';
import {
  addBadCounts,
  countBad,
  emptyBadCounts,
  emptySent,
  findCaptureHosts,
  HostTable,
  mismatches,
  placeholders,
  type DirectionKey,
  type HostStats,
  type SentCounts,
  visitDirections,
} from './hosts.js';
import { addByValue, emptyByValue, type OutcomesByValue } from './outcomes.js';
import { collectSenders } from './senders.js';
import { guessOs } from './os.js';
import { RecordFacts } from './record-facts.js';
import { DEFAULT_ANNOTATE_LIMIT, SUPER_FRAME_MIN_PAYLOAD, TOP_HOSTS } from './thresholds.js';
import type { BadAnnotation, HostBreakdown, Verdict, VerdictEvidence } from './types.js';

export interface VerdictOptions {
  /** Keep class and TCP fate for the first N frames with a bad checksum (default 1000, like --limit). */
  annotateLimit?: number;
}

interface FrameNote {
  protocol: ChecksumProtocol;
  class: BadClass;
  segment: SegmentNote | undefined;
}

/**
 * The frame's direction as the capture file states it, except that local traffic (loopback
 * addresses, or source = destination) was sent by the capturing machine itself: Linux captures on
 * `lo` mark it incoming (PACKET_HOST), yet it carries the sender's offload placeholders.
 * `w` holds the frame's address words (FrameFacts.addressWords).
 */
function effectiveDirection(f: FrameFacts, w: Int32Array): Direction {
  const d = f.direction;
  if (d !== 'inbound') return d;
  const v = f.ipVersion;
  if (v === 0) return d;
  f.addressWords(w);
  if (w[0] === w[4] && w[1] === w[5] && w[2] === w[6] && w[3] === w[7]) return 'outbound';
  if (v === 4 && w[0]! >>> 24 === 127) return 'outbound';
  if (v === 6 && w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 1) return 'outbound';
  return d;
}

const BOTH_MACS_ZERO = MAC_SRC_ZERO | MAC_DST_ZERO;

/**
 * A loopback link, whose MTU (64 KiB) makes large frames ordinary, not super-frames: BSD loopback, or
 * Ethernet with zero MACs on both sides (Linux `lo`). `macs`: FrameFacts.macPattern on Ethernet, -1 elsewhere.
 */
const loopbackLink = (linkType: number, macs: number): boolean =>
  linkType === LINKTYPE_NULL || linkType === LINKTYPE_LOOP || (macs >= 0 && (macs & BOTH_MACS_ZERO) === BOTH_MACS_ZERO);

/**
 * A plain bad frame: no tunnel, an IPv4 header and its TCP or UDP header, both verified, one or both bad.
 * The frames of a conversation come in runs, so the next plain bad frame mostly has the key of one seen
 * shortly before: its accounting is then one increment of the memo entry's `n` (no address text, host
 * lookup, editing checks or counters per frame; on the merged real-traffic bench all but ~2,000 of its
 * 1.18 M bad frames), and the counters are brought up to date when the entry is replaced and at `finish`.
 * The key is everything the accounting depends on: addresses, `kind` (PLAIN_* bits), link type, MACs.
 * Every plain bad frame is counted at its sender's entry in the host table (HostStats.sent or, when the
 * capture states its direction, the flagged counters), found once per key.
 */
interface PlainBadFrame {
  valid: boolean;
  src: number;
  dst: number;
  kind: number;
  linkType: number;
  /** FrameFacts.macPattern on Ethernet, -1 elsewhere (as the editing signs read it). */
  macs: number;
  /** Frames with this key since the counters were last brought up to date (flushPlain). */
  n: number;
  /** What the kind says, as the counters want it: the TCP/UDP and IPv4 classes (undefined: good), the side. */
  cls: BadClass | undefined;
  ipv4Cls: BadClass | undefined;
  /** Where the classes are counted besides the totals: the sending host's counters for the frame's direction flag (or none). */
  sent: SentCounts;
  /** The sending host when the direction is not flagged (its MACs and super-frame receivers are noted). */
  host: HostStats | undefined;
  /** The receiver's address text of an unflagged GRO-shaped super-frame (the kind says so), else undefined. */
  superFrameReceiver: string | undefined;
  /** Where a bad TCP segment's fate is counted. */
  sink: OutcomesByValue;
  /** What the editing signs counted for its first frame (EditingSigns.observe), repeated for the others. */
  editing: number;
}

/** PlainBadFrame.kind: the transport, each checksum's class (CLASS_BY_CODE), the side, a bare ACK, the direction, a super-frame. */
const PLAIN_TCP = 1;
const PLAIN_IPV4_SHIFT = 1; // 2 bits: 0 good, 1 zero, 2 mismatch
const PLAIN_L4_SHIFT = 3; // 3 bits: 0 good, 1 partial, 2 partial-no-length, 3 zero, 4 mismatch
const PLAIN_LOWER_PORT = 64; // sent from the lower port (side 1)
const PLAIN_BARE_ACK = 128; // TCP without payload, SYN or FIN
const PLAIN_DIR_SHIFT = 8; // 2 bits: 0 not flagged, 1 inbound, 2 outbound
const PLAIN_SUPER_FRAME = 1024; // a TCP placeholder on a super-frame (SUPER_FRAME_MIN_PAYLOAD, not on a loopback link)
const CODE_PARTIAL = 1;
const CLASS_BY_CODE: readonly (BadClass | undefined)[] = [undefined, 'partial', 'partial-no-length', 'zero', 'mismatch'];
const CODE_MISMATCH = 4;
const IPV4_CODE_MISMATCH = 2;

/**
 * log2 of the replay memo's entries (small objects: ~100 KB in all). Conversations interleave in a busy
 * capture. Misses with 64 / 256 / 1,024 entries: synthetic bench 1,461 / 1,318 / 18 of its 40,957 plain bad
 * frames, real-traffic bench 58,253 / 1,725 / 1,557 of 1.18 M (measured before the side and bare-ACK bits joined the kind).
 */
const PLAIN_MEMO_BITS = 10;

/** A super-frame kind whose TCP checksum is `partial` and IPv4 header right: what GRO writes (SentCounts.superFramePartial). */
const isGroShaped = (kind: number): boolean => ((kind >> PLAIN_L4_SHIFT) & 7) === CODE_PARTIAL && ((kind >> PLAIN_IPV4_SHIFT) & 3) === 0;

/** The memo entry for a sender, receiver (IPv4 address words) and kind: the top bits of a multiplicative hash. */
const plainSlot = (src: number, dst: number, kind: number): number => Math.imul(src ^ Math.imul(dst ^ kind, 0x27d4eb2d), 0x9e3779b1) >>> (32 - PLAIN_MEMO_BITS);

/**
 * Consumes the frames of one capture in capture order (the reader's FrameFacts through `onFrame`,
 * or ready FrameRecords through `add`) and decides at `finish()` whether its bad checksums are harmless offload
 * artifacts, broken offload, corruption or an edited trace. Memory stays bounded whatever the
 * capture: see the caps in thresholds.ts.
 * @example const collector = new VerdictCollector();
 *   for (const record of frames) collector.add(record);
 *   const verdict = collector.finish();
 */
export class VerdictCollector implements FrameSink {
  private frames = 0;
  private readonly checked = { ipv4: 0, tcp: 0, udp: 0 };
  private unverified = 0;
  private readonly bad = emptyBadCounts();
  /** Verified and mismatching TCP/UDP checksums per direction of conversation (lower address first = 0). */
  private readonly sideVerified = [0, 0];
  private readonly sideMismatch = [0, 0];
  private withoutPayload = 0;
  private readonly hosts = new HostTable();
  private readonly follower = new TcpFlowFollower();
  private readonly linkTypes = new Set<number>();
  private readonly notes = new Map<number, FrameNote[]>();
  private readonly annotateLimit: number;
  private result: Verdict | undefined;
  private readonly recentHosts: (HostStats | undefined)[] = [undefined, undefined];
  private notesFull = false;
  private lastNoted = 0;
  private lastLinkType = Number.NaN;
  /** Scratch for address words (effectiveDirection). */
  private readonly words = new Int32Array(8);
  private readonly recordFacts = new RecordFacts();
  /** The bad segment handed to the follower (it copies what it keeps): one object for all frames. */
  private readonly tcpBad: BadSegment = { placeholder: false, sink: emptyByValue(), note: undefined };
  /** Evidence that the trace was edited, from the bad-checksum frames. */
  private readonly editing = new EditingSigns();
  /**
   * Where the fates of segments whose only bad checksum is an IPv4 header mismatch are counted: nowhere
   * reported (their TCP checksum is right); they are followed only for the editing sign.
   */
  private readonly ipv4OnlySink = emptyByValue();
  /** What an unused memo entry counts into: nothing reported. */
  private readonly noSent = emptySent();
  /** Keys and effects of recent plain bad frames, by plainSlot. */
  private readonly plainMemo: PlainBadFrame[] = Array.from({ length: 1 << PLAIN_MEMO_BITS }, () => this.noPlainBadFrame());

  constructor(options: VerdictOptions = {}) {
    this.annotateLimit = options.annotateLimit ?? DEFAULT_ANNOTATE_LIMIT;
  }

  /**
   * Bound form for the reader: `analyzeCapture(file, { onFrame: verdict.onFrame })` hands over every
   * frame; `analyzeCapture(file, { sink: verdict })` only those the verdict must see (faster, same verdict).
   * Frames are taken as numbers; no full record is asked for.
   */
  readonly onFrame = (f: FrameFacts): void => {
    this.frames++;
    const lt = f.linkType;
    if (lt !== this.lastLinkType) {
      this.lastLinkType = lt;
      this.linkTypes.add(lt);
    }
    const dir = f.direction === undefined ? undefined : effectiveDirection(f, this.words);
    if (dir === 'outbound' && f.ipVersion !== 0) this.outboundFrame(f);
    // Layers that are good or unverified are counted as numbers. Side of the conversation (for the
    // rewritten test): from the higher port to the lower (client to server, usually) is 0.
    this.checked.ipv4 += f.goodIpv4;
    const goodTcp = f.goodTcp;
    const goodUdp = f.goodUdp;
    if (goodTcp + goodUdp > 0) {
      this.checked.tcp += goodTcp;
      this.checked.udp += goodUdp;
      this.sideVerified[f.srcPort < f.dstPort ? 1 : 0]! += goodTcp + goodUdp;
    }
    this.unverified += f.unverified;
    if (f.bad === 0) {
      if (f.isTcp) this.follower.observe(f, undefined);
      return;
    }
    // Two layers, both verified (so neither is quoted), the second the frame's own TCP or UDP header: an
    // IPv4 header and its transport header, one or both bad. Once the annotations are full (nothing per
    // frame is kept), such frames take the replay path.
    if (this.notesFull && f.layerCount === 2 && f.bad + f.goodIpv4 + f.goodTcp + f.goodUdp === 2 && (f.isTcp || f.isUdp) && f.layer(1).depth === 0) {
      const tcpBad = this.plainBadFrame(f, dir);
      if (f.isTcp) this.follower.observe(f, tcpBad);
      return;
    }
    const tcpBad = this.badLayers(f, dir);
    if (f.isTcp) this.follower.observe(f, tcpBad);
  };

  private noPlainBadFrame(): PlainBadFrame {
    return {
      valid: false, src: 0, dst: 0, kind: 0, linkType: 0, macs: -1, n: 0, cls: undefined, ipv4Cls: undefined,
      sent: this.noSent, host: undefined, superFrameReceiver: undefined, sink: this.ipv4OnlySink, editing: 0,
    };
  }

  /** FrameSink: the reader hands over only TCP frames of the flows followed here (and frames it must). */
  get flowFilter(): FlowFilter {
    return this.follower.filter;
  }

  /** FrameSink: the frames the reader did not hand over, counted as `onFrame` would have. */
  skipped(t: SkippedFrames): void {
    this.frames += t.frames;
    this.checked.ipv4 += t.goodIpv4;
    this.checked.tcp += t.goodTcp;
    this.checked.udp += t.goodUdp;
    this.unverified += t.unverified;
    this.sideVerified[0]! += t.verifiedBySide[0];
    this.sideVerified[1]! += t.verifiedBySide[1];
    for (const lt of t.linkTypes) this.linkTypes.add(lt);
  }

  /** Consume one ready-made record (tests, other producers): the same path as the reader's frames. */
  add(r: FrameRecord): void {
    this.onFrame(this.recordFacts.reset(r));
  }

  /** A frame flagged outbound (or local): evidence that its source is a capture host. */
  private outboundFrame(f: FrameFacts): void {
    const h = this.hostOf(f.srcText()!);
    h.outboundFlagged++;
    if (h.macs.length === 0) this.hosts.noteMac(h, f.srcMacText());
  }

  /** The bad layers of a frame (the general path); returns its TCP segment's bad-checksum facts when its TCP checksum is bad. */
  private badLayers(f: FrameFacts, dir: Direction): BadSegment | undefined {
    let tcpBad: BadSegment | undefined;
    const side = f.srcPort < f.dstPort ? 1 : 0;
    const frame = f.frame;
    const n = f.layerCount;
    let seen = false;
    let placeholderL4 = false;
    let ipv4Bad = false;
    let ipv4Mismatch = false;
    for (let i = 0; i < n; i++) {
      const c = f.layer(i);
      if (c.status !== 'bad' || c.quoted) continue;
      seen = true;
      const protocol = c.protocol;
      if (protocol === 'ipv4') this.checked.ipv4++;
      else if (protocol === 'tcp') this.checked.tcp++;
      else this.checked.udp++;
      const cls = classifyBad(c);
      // A TCP placeholder on a super-frame is TSO's or GRO's: no evidence for the editing sign.
      const superFrame = protocol === 'tcp' && cls !== 'mismatch' && this.isSuperFrame(f);
      if (protocol === 'ipv4') {
        ipv4Bad = true;
        ipv4Mismatch ||= cls === 'mismatch';
      } else placeholderL4 ||= cls !== 'mismatch' && !superFrame;
      if (protocol !== 'ipv4') {
        this.sideVerified[side]!++;
        if (cls === 'mismatch') this.sideMismatch[side]!++;
      }
      // The IPv4 headers come before the TCP header they carry: GRO leaves them correct.
      const bucket = this.badLayer(f, dir, c, cls, superFrame && cls === 'partial' && !ipv4Bad);
      if (protocol === 'tcp' && tcpBad === undefined) {
        tcpBad = this.tcpBad;
        tcpBad.placeholder = isPlaceholder(cls);
        tcpBad.sink = bucket;
        tcpBad.note = this.noteFor(frame, 'tcp', cls, true);
      } else {
        this.noteFor(frame, protocol, cls, false);
      }
    }
    if (tcpBad !== undefined && f.payloadLength === 0 && (f.tcpFlags & 0x03) === 0) this.withoutPayload++;
    if (seen) {
      f.addressWords(this.words);
      this.editing.observe(f, this.words, placeholderL4);
    }
    if (ipv4Mismatch && f.isTcp) tcpBad = this.followIpv4Mismatch(f, tcpBad);
    return tcpBad;
  }

  /**
   * A plain bad frame (PlainBadFrame): what the general path (badLayers) does for it, counted in its memo
   * entry when the entry has the same key. Returns its TCP segment's bad-checksum facts when it has any to follow.
   */
  private plainBadFrame(f: FrameFacts, dir: Direction): BadSegment | undefined {
    const tcp = f.isTcp;
    let ipv4Code = 0;
    if (f.goodIpv4 === 0) ipv4Code = f.layer(0).stored === 0 ? 1 : IPV4_CODE_MISMATCH;
    let code = 0;
    if (f.goodTcp + f.goodUdp === 0) {
      const l4 = f.layer(1);
      const stored = l4.stored;
      // The order of classifyTransport.
      code = stored === l4.pseudoHeaderSum ? 1 : stored === l4.pseudoHeaderSumNoLength ? 2 : stored === 0 ? 3 : CODE_MISMATCH;
    }
    const payload = f.payloadLength;
    const bareAck = tcp && payload === 0 && (f.tcpFlags & 0x03) === 0;
    const linkType = f.linkType;
    const macs = linkType === LINKTYPE_ETHERNET ? f.macPattern() : -1;
    const superFrame = tcp && code !== 0 && code !== CODE_MISMATCH && payload >= SUPER_FRAME_MIN_PAYLOAD && !loopbackLink(linkType, macs);
    const kind =
      (tcp ? PLAIN_TCP : 0) |
      (ipv4Code << PLAIN_IPV4_SHIFT) |
      (code << PLAIN_L4_SHIFT) |
      (f.srcPort < f.dstPort ? PLAIN_LOWER_PORT : 0) |
      (bareAck ? PLAIN_BARE_ACK : 0) |
      ((dir === undefined ? 0 : dir === 'inbound' ? 1 : 2) << PLAIN_DIR_SHIFT) |
      (superFrame ? PLAIN_SUPER_FRAME : 0);
    const src = f.srcWord;
    const dst = f.dstWord;
    const m = this.plainMemo[plainSlot(src, dst, kind)]!;
    if (m.valid && m.src === src && m.dst === dst && m.kind === kind && m.linkType === linkType && m.macs === macs) m.n++;
    else this.newPlainKey(m, f, dir, src, dst, kind, linkType, macs);
    if (m.host !== undefined && m.host.macs.length === 0) this.hosts.noteMac(m.host, f.srcMacText());
    if (!tcp) return undefined;
    let tcpBad: BadSegment | undefined;
    if (code !== 0) {
      tcpBad = this.tcpBad;
      tcpBad.placeholder = code !== CODE_MISMATCH;
      tcpBad.sink = m.sink;
      tcpBad.note = undefined;
    }
    if (ipv4Code === IPV4_CODE_MISMATCH && !bareAck) {
      // As followIpv4Mismatch: the segment's fate is the editing sign's (a bare ACK has none).
      if (tcpBad === undefined) {
        tcpBad = this.tcpBad;
        tcpBad.placeholder = false;
        tcpBad.sink = this.ipv4OnlySink;
      }
      tcpBad.note = this.editing.ipv4AckCounter;
      this.editing.trackIpv4Mismatch(tcpBad.note);
    }
    return tcpBad;
  }

  /** Memo entry `m` takes a new key: the old one's frames are counted, and the new one's first frame is observed. */
  private newPlainKey(m: PlainBadFrame, f: FrameFacts, dir: Direction, src: number, dst: number, kind: number, linkType: number, macs: number): void {
    this.flushPlain(m);
    m.valid = true;
    m.src = src;
    m.dst = dst;
    m.kind = kind;
    m.linkType = linkType;
    m.macs = macs;
    m.n = 1;
    m.cls = CLASS_BY_CODE[(kind >> PLAIN_L4_SHIFT) & 7];
    const ipv4Code = (kind >> PLAIN_IPV4_SHIFT) & 3;
    m.ipv4Cls = ipv4Code === 0 ? undefined : ipv4Code === IPV4_CODE_MISMATCH ? 'mismatch' : 'zero';
    const h = this.hostOf(f.srcText()!);
    m.sent = dir === undefined ? h.sent : this.hosts.flagged(h, dir);
    m.sink = m.sent.tcp;
    m.host = dir === undefined ? h : undefined;
    const superFrame = (kind & PLAIN_SUPER_FRAME) !== 0;
    m.superFrameReceiver = superFrame && dir === undefined && isGroShaped(kind) ? f.dstText() : undefined;
    f.addressWords(this.words);
    // A placeholder on a super-frame is TSO's or GRO's: no evidence for the editing sign.
    m.editing = this.editing.observe(f, this.words, m.cls !== undefined && isPlaceholder(m.cls) && !superFrame);
  }

  /** Count the frames memo entry `m` has had since it was last counted (what plainBadFrame did not count one by one). */
  private flushPlain(m: PlainBadFrame): void {
    const n = m.n;
    if (n === 0) return;
    m.n = 0;
    if (m.ipv4Cls !== undefined) {
      this.checked.ipv4 += n;
      countBad(this.bad, 'ipv4', m.ipv4Cls, n);
      countBad(m.sent.bad, 'ipv4', m.ipv4Cls, n);
    }
    const cls = m.cls;
    if (cls !== undefined) {
      const tcp = (m.kind & PLAIN_TCP) !== 0;
      if (tcp) this.checked.tcp += n;
      else this.checked.udp += n;
      const side = m.kind & PLAIN_LOWER_PORT ? 1 : 0;
      this.sideVerified[side]! += n;
      if (cls === 'mismatch') this.sideMismatch[side]! += n;
      countBad(this.bad, tcp ? 'tcp' : 'udp', cls, n);
      countBad(m.sent.bad, tcp ? 'tcp' : 'udp', cls, n);
      if (tcp && m.kind & PLAIN_BARE_ACK) this.withoutPayload += n;
      if (m.kind & PLAIN_SUPER_FRAME && isGroShaped(m.kind)) {
        m.sent.superFramePartial += n;
        if (m.superFrameReceiver !== undefined) this.hosts.noteSuperFrameReceiver(m.host!, m.superFrameReceiver, n);
      }
    }
    this.editing.repeat(m.editing, n - 1); // its first frame was observed
  }

  /**
   * A TCP segment with a non-zero IPv4 header mismatch: follow its fate for the editing sign (an
   * acknowledged one was correct on the wire). Segments whose TCP checksum is right are followed too,
   * their fates counted nowhere else.
   */
  private followIpv4Mismatch(f: FrameFacts, tcpBad: BadSegment | undefined): BadSegment | undefined {
    if (tcpBad === undefined) {
      if (f.payloadLength === 0 && (f.tcpFlags & 0x03) === 0) return undefined; // a bare ACK: nothing to acknowledge
      tcpBad = this.tcpBad;
      tcpBad.placeholder = false;
      tcpBad.sink = this.ipv4OnlySink;
      tcpBad.note = undefined;
    } else if (f.payloadLength === 0 && (f.tcpFlags & 0x03) === 0) return tcpBad;
    tcpBad.note ??= this.editing.ipv4AckCounter;
    this.editing.trackIpv4Mismatch(tcpBad.note);
    return tcpBad;
  }

  /**
   * Count one bad layer where it belongs: the totals and its sender's counters for the frame's direction flag.
   * `superFramePartial`: a GRO-shaped placeholder (SentCounts.superFramePartial). Returns where its TCP fate is to be counted.
   */
  private badLayer(f: FrameFacts, dir: Direction, c: LayerFacts, cls: BadClass, superFramePartial: boolean): OutcomesByValue {
    countBad(this.bad, c.protocol, cls);
    const h: HostStats = this.hostOf(c.src);
    const s = dir === undefined ? h.sent : this.hosts.flagged(h, dir);
    countBad(s.bad, c.protocol, cls);
    if (superFramePartial) {
      s.superFramePartial++;
      if (dir === undefined) this.hosts.noteSuperFrameReceiver(h, f.dstText()!, 1);
    }
    if (dir === undefined && c.depth === 0 && h.macs.length === 0) this.hosts.noteMac(h, f.srcMacText());
    return s.tcp;
  }

  /** A TCP frame larger than a standard link carries (SUPER_FRAME_MIN_PAYLOAD), not on a loopback link. */
  private isSuperFrame(f: FrameFacts): boolean {
    if (!f.isTcp || f.payloadLength < SUPER_FRAME_MIN_PAYLOAD) return false;
    const lt = f.linkType;
    return !loopbackLink(lt, lt === LINKTYPE_ETHERNET ? f.macPattern() : -1);
  }

  /** The host table entry of an address; consecutive frames mostly come from the same sender. */
  private hostOf(address: string): HostStats {
    // Two entries: a conversation alternates between its two senders.
    const a = this.recentHosts[0];
    if (a !== undefined && a.address === address) return a;
    const b = this.recentHosts[1];
    if (b !== undefined && b.address === address) {
      this.recentHosts[1] = a;
      this.recentHosts[0] = b;
      return b;
    }
    const h = this.hosts.get(address);
    this.recentHosts[1] = a;
    this.recentHosts[0] = h;
    return h;
  }

  private noteFor(frame: number, protocol: ChecksumProtocol, cls: BadClass, tcp: boolean): SegmentNote | undefined {
    if (this.notesFull && frame !== this.lastNoted) return undefined;
    let list = this.notes.get(frame);
    if (list === undefined) {
      if (this.notes.size >= this.annotateLimit) {
        this.notesFull = true;
        return undefined;
      }
      this.lastNoted = frame;
      list = [];
      this.notes.set(frame, list);
    }
    if (list.some((n) => n.protocol === protocol)) return undefined; // first bad layer of a protocol speaks for the frame
    const segment: SegmentNote | undefined = tcp ? { acked: null, retransmitted: false } : undefined;
    list.push({ protocol, class: cls, segment });
    return segment;
  }

  /** Class and, for TCP, fate of a frame's bad checksum (after `finish`). */
  annotation(frame: number, protocol: ChecksumProtocol): BadAnnotation | undefined {
    const n = this.notes.get(frame)?.find((x) => x.protocol === protocol);
    if (n === undefined) return undefined;
    if (n.segment === undefined) return { class: n.class };
    return { class: n.class, acked: n.segment.acked, retransmitted: n.segment.retransmitted };
  }

  /** Number of flows currently followed (for tests of the bound). */
  get flowsFollowed(): number {
    return this.follower.size;
  }

  get openSegments(): number {
    return this.follower.openSegments;
  }

  finish(): Verdict {
    if (this.result !== undefined) return this.result;
    for (const m of this.plainMemo) this.flushPlain(m);
    this.follower.finish();

    const share = (s: 0 | 1): number | null => (this.sideVerified[s]! > 0 ? this.sideMismatch[s]! / this.sideVerified[s]! : null);
    const evidence: VerdictEvidence = {
      frames: this.frames,
      checked: { ...this.checked },
      unverified: this.unverified,
      bad: { ...this.bad },
      outbound: emptyBadCounts(),
      inbound: emptyBadCounts(),
      unknownDirection: emptyBadCounts(),
      superFramePartials: { outbound: 0, inbound: 0, unknownDirection: 0 },
      tcpSegments: {
        outbound: emptyByValue(),
        inbound: emptyByValue(),
        unknownDirection: emptyByValue(),
        withoutPayload: this.withoutPayload,
      },
      mismatchShare: { forward: share(0), reverse: share(1) },
      flowTable: { ...this.follower.stats },
      editing: this.editing.finish(),
    };

    // An acknowledged bad segment proves its sender was captured before its NIC, unless the trace was
    // edited (then the acknowledgement says nothing about the capture): no such fallback for a rewritten
    // trace, so that its capture hosts, the direction split and hosts[].captureHost agree.
    const captureHosts = findCaptureHosts(this.hosts, !looksEdited(evidence));
    const isCapture = new Set(captureHosts.map((h) => h.address));
    const count = (where: DirectionKey, s: SentCounts): void => {
      addBadCounts(evidence[where], s.bad);
      addByValue(evidence.tcpSegments[where], s.tcp);
      evidence.superFramePartials[where] += s.superFramePartial;
    };
    const any = captureHosts.length > 0;
    let ipv4Partials = false; // the OS hint's IPv4 evidence: pseudo-header sums sent from an IPv4 address
    for (const h of this.hosts.all()) {
      visitDirections(h, isCapture.has(h.address), any, (where, s) => {
        count(where, s);
        if (where === 'outbound' && s.bad.partial > 0 && !h.address.includes(':')) ipv4Partials = true;
      });
    }
    // The untracked addresses may or may not be capture hosts: their unflagged frames have no known direction.
    visitDirections(this.hosts.other, undefined, any, count);

    const senders = collectSenders(this.hosts, isCapture);
    const decision = decide(evidence, senders);
    const os = guessOs(evidence.outbound, this.linkTypes, ipv4Partials || untrackedOutboundPartials(this.hosts));
    const hostRows = [...this.hosts.all(), this.hosts.other]
      .map((h) => hostRow(h, isCapture.has(h.address)))
      .filter((r) => placeholders(r.bad) + mismatches(r.bad) > 0)
      .sort((a, b) => placeholders(b.bad) + mismatches(b.bad) - (placeholders(a.bad) + mismatches(a.bad)))
      .slice(0, TOP_HOSTS);

    this.result = {
      kind: decision.kind,
      captureHosts,
      evidence,
      summary: decision.summary,
      advice: adviceFor(decision.kind, os.guess, {
        ownPackets: senders.outboundPlaceholders.total + senders.unknownPlaceholders.total > 0,
        superFrames: senders.superFramePlaceholders.total > 0,
        localSenders: senders.inboundPlaceholders.total > 0,
        brokenSenderElsewhere: decision.brokenSenderElsewhere === true,
      }),
      os,
      hosts: hostRows,
      flows: this.follower.topFlows(),
    };
    return this.result;
  }
}

/** Outbound pseudo-header sums from addresses past the host table's cap: their family is not known, so taken as IPv4 evidence as before. */
function untrackedOutboundPartials(table: HostTable): boolean {
  return (table.other.sentOutbound?.bad.partial ?? 0) > 0;
}

/** A host's line of the breakdown: everything it sent, with or without a direction flag. */
function hostRow(h: HostStats, captureHost: boolean): HostBreakdown {
  const bad = emptyBadCounts();
  const tcp = emptyByValue();
  for (const s of [h.sent, h.sentOutbound, h.sentInbound]) {
    if (s === undefined) continue;
    addBadCounts(bad, s.bad);
    addByValue(tcp, s.tcp);
  }
  return { address: h.address, captureHost, bad, tcp };
}
