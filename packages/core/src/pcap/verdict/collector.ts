import type { FlowFilter } from '../frame/flow-filter.js';
import type { ChecksumProtocol, Direction, FrameFacts, FrameRecord, FrameSink, LayerFacts, SkippedFrames } from '../frame/frame.js';
import { LINKTYPE_ETHERNET } from '../decode/link.js';
import { adviceFor } from './advice.js';
import { classifyBad, classifyIpv4, classifyTransport, isPlaceholder, type BadClass } from './classify.js';
import { decide } from './decide.js';
import { EditingSigns } from './editing.js';
import { TcpFlowFollower, type BadSegment, type SegmentNote } from './flows.js';
import {
  addBadCounts,
  countBad,
  emptyBadCounts,
  findCaptureHosts,
  HostTable,
  mismatches,
  placeholders,
  type BadCounts,
  type HostStats,
} from './hosts.js';
import { addByValue, emptyByValue, type OutcomesByValue } from './outcomes.js';
import { guessOs } from './os.js';
import { RecordFacts } from './record-facts.js';
import { DEFAULT_ANNOTATE_LIMIT, TOP_HOSTS } from './thresholds.js';
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

/** Counters for frames whose direction the capture file states (pcapng epb_flags, SLL packet type). */
interface DirectionBucket {
  bad: BadCounts;
  tcp: OutcomesByValue;
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

const newBucket = (): DirectionBucket => ({ bad: emptyBadCounts(), tcp: emptyByValue() });

/**
 * What the accounting of a plain bad frame (no tunnel: an IPv4 header and its TCP or UDP header, both
 * verified, one or both bad) depended on, and where it counted. The frames of a conversation come in runs,
 * so the next plain bad frame mostly has the key of one seen shortly before and its accounting is a replay:
 * no address text, host lookup or editing checks (on the merged real-traffic bench, all but 1,557 of its
 * 1.18 M bad frames).
 */
interface PlainBadFrame {
  valid: boolean;
  src: number;
  dst: number;
  dir: Direction;
  tcp: boolean;
  /** The TCP/UDP checksum's class when it is bad, undefined when it is good. */
  cls: BadClass | undefined;
  /** The IPv4 header checksum's class when it is bad, undefined when it is good. */
  ipv4Cls: BadClass | undefined;
  linkType: number;
  /** FrameFacts.macPattern on Ethernet, -1 elsewhere (as the editing signs read it). */
  macs: number;
  /** Where the classes are counted besides the totals: the flagged direction's bucket or the sending host's. */
  counts: BadCounts;
  /** The sending host when the direction is not flagged (its MACs are noted). */
  host: HostStats | undefined;
  /** Where a bad TCP segment's fate is counted. */
  sink: OutcomesByValue;
  /** What the editing signs counted for it (EditingSigns.observe). */
  editing: number;
}

/**
 * log2 of the replay memo's entries (small objects: ~100 KB in all). Conversations interleave in a busy
 * capture. Misses with 64 / 256 / 1,024 entries: synthetic bench 1,461 / 1,318 / 18 of its 40,957 plain bad
 * frames, real-traffic bench 58,253 / 1,725 / 1,557 of 1.18 M.
 */
const PLAIN_MEMO_BITS = 10;

/**
 * The memo entry for a sender, receiver (IPv4 address words) and `kind` (which checksums are bad, and the
 * transport): the top bits of a multiplicative hash. The kind is in the hash because one pair of hosts often
 * sends several kinds in turn (TCP and UDP, an IPv4 header bad or not), which would evict each other.
 */
const plainSlot = (src: number, dst: number, kind: number): number => Math.imul(src ^ Math.imul(dst ^ kind, 0x27d4eb2d), 0x9e3779b1) >>> (32 - PLAIN_MEMO_BITS);

/** Whether a plain bad frame with this key was accounted as `m` says. */
function sameKey(m: PlainBadFrame, src: number, dst: number, dir: Direction, tcp: boolean, cls: BadClass | undefined, ipv4Cls: BadClass | undefined, linkType: number, macs: number): boolean {
  return m.valid && m.src === src && m.dst === dst && m.dir === dir && m.tcp === tcp && m.cls === cls && m.ipv4Cls === ipv4Cls && m.linkType === linkType && m.macs === macs;
}

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
  private readonly flagged = { outbound: newBucket(), inbound: newBucket() };
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
    return { valid: false, src: 0, dst: 0, dir: undefined, tcp: false, cls: undefined, ipv4Cls: undefined, linkType: 0, macs: -1, counts: this.bad, host: undefined, sink: this.ipv4OnlySink, editing: 0 };
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
      if (protocol === 'ipv4') ipv4Mismatch ||= cls === 'mismatch';
      else placeholderL4 ||= cls !== 'mismatch';
      if (protocol !== 'ipv4') {
        this.sideVerified[side]!++;
        if (cls === 'mismatch') this.sideMismatch[side]!++;
      }
      const bucket = this.badLayer(f, dir, c, cls);
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
   * A plain bad frame (PlainBadFrame): what the general path (badLayers) does for it, with the key-dependent
   * part (host, direction bucket, editing signs) replayed from the memo when its entry has the same key.
   * Returns its TCP segment's bad-checksum facts when it has any to follow.
   */
  private plainBadFrame(f: FrameFacts, dir: Direction): BadSegment | undefined {
    const tcp = f.isTcp;
    const ipv4Cls = f.goodIpv4 === 0 ? classifyIpv4(f.layer(0).stored) : undefined;
    let cls: BadClass | undefined;
    if (f.goodTcp + f.goodUdp === 0) {
      const l4 = f.layer(1);
      cls = classifyTransport(l4.stored, l4.pseudoHeaderSum, l4.pseudoHeaderSumNoLength);
    }
    const linkType = f.linkType;
    const macs = linkType === LINKTYPE_ETHERNET ? f.macPattern() : -1;
    const src = f.srcWord;
    const dst = f.dstWord;
    const m = this.plainMemo[plainSlot(src, dst, (tcp ? 4 : 0) | (ipv4Cls === undefined ? 0 : 2) | (cls === undefined ? 0 : 1))]!;
    if (sameKey(m, src, dst, dir, tcp, cls, ipv4Cls, linkType, macs)) this.editing.repeat(m.editing);
    else {
      m.valid = true;
      m.src = src;
      m.dst = dst;
      m.dir = dir;
      m.tcp = tcp;
      m.cls = cls;
      m.ipv4Cls = ipv4Cls;
      m.linkType = linkType;
      m.macs = macs;
      if (dir !== undefined) {
        const b = this.flagged[dir];
        m.counts = b.bad;
        m.sink = b.tcp;
        m.host = undefined;
      } else {
        const h = this.hostOf(f.srcText()!);
        m.counts = h.badSent;
        m.sink = h.tcp;
        m.host = h;
      }
      f.addressWords(this.words);
      m.editing = this.editing.observe(f, this.words, cls !== undefined && isPlaceholder(cls));
    }
    if (ipv4Cls !== undefined) {
      this.checked.ipv4++;
      countBad(this.bad, 'ipv4', ipv4Cls);
      countBad(m.counts, 'ipv4', ipv4Cls);
    }
    if (cls !== undefined) {
      const protocol = tcp ? 'tcp' : 'udp';
      if (tcp) this.checked.tcp++;
      else this.checked.udp++;
      const side = f.srcPort < f.dstPort ? 1 : 0;
      this.sideVerified[side]!++;
      if (cls === 'mismatch') this.sideMismatch[side]!++;
      countBad(this.bad, protocol, cls);
      countBad(m.counts, protocol, cls);
    }
    if (m.host !== undefined && m.host.macs.length === 0) this.hosts.noteMac(m.host, f.srcMacText());
    if (!tcp) return undefined;
    const bareAck = f.payloadLength === 0 && (f.tcpFlags & 0x03) === 0;
    let tcpBad: BadSegment | undefined;
    if (cls !== undefined) {
      if (bareAck) this.withoutPayload++;
      tcpBad = this.tcpBad;
      tcpBad.placeholder = isPlaceholder(cls);
      tcpBad.sink = m.sink;
      tcpBad.note = undefined;
    }
    if (ipv4Cls === 'mismatch' && !bareAck) {
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

  /** Count one bad layer where it belongs; returns where its TCP fate is to be counted. */
  private badLayer(f: FrameFacts, dir: Direction, c: LayerFacts, cls: BadClass): OutcomesByValue {
    countBad(this.bad, c.protocol, cls);
    if (dir !== undefined) {
      const b = this.flagged[dir];
      countBad(b.bad, c.protocol, cls);
      return b.tcp;
    }
    const depth = c.depth;
    const h: HostStats = this.hostOf(c.src);
    countBad(h.badSent, c.protocol, cls);
    if (depth === 0 && h.macs.length === 0) this.hosts.noteMac(h, f.srcMacText());
    return h.tcp;
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
    this.follower.finish();

    const share = (s: 0 | 1): number | null => (this.sideVerified[s]! > 0 ? this.sideMismatch[s]! / this.sideVerified[s]! : null);
    const evidence: VerdictEvidence = {
      frames: this.frames,
      checked: { ...this.checked },
      unverified: this.unverified,
      bad: { ...this.bad },
      outbound: { ...this.flagged.outbound.bad },
      inbound: { ...this.flagged.inbound.bad },
      unknownDirection: emptyBadCounts(),
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
    addByValue(evidence.tcpSegments.outbound, this.flagged.outbound.tcp);
    addByValue(evidence.tcpSegments.inbound, this.flagged.inbound.tcp);

    const captureHosts = findCaptureHosts(this.hosts, true);
    const isCapture = new Set(captureHosts.map((h) => h.address));
    const unflagged = [...this.hosts.all(), this.hosts.other];
    for (const h of unflagged) {
      const where = isCapture.has(h.address) ? 'outbound' : captureHosts.length > 0 ? 'inbound' : 'unknownDirection';
      addBadCounts(evidence[where], h.badSent);
      addByValue(evidence.tcpSegments[where], h.tcp);
    }

    const decision = decide(evidence, captureHosts);
    // An acknowledged bad segment proves its sender was captured before its NIC, unless the trace was rewritten.
    const hostsShown = decision.kind === 'rewritten' ? captureHosts.filter((h) => h.reason !== 'accepted-bad') : captureHosts;
    const os = guessOs(evidence.outbound, this.linkTypes);
    const hostRows: HostBreakdown[] = unflagged
      .filter((h) => placeholders(h.badSent) + mismatches(h.badSent) > 0)
      .sort((a, b) => placeholders(b.badSent) + mismatches(b.badSent) - (placeholders(a.badSent) + mismatches(a.badSent)))
      .slice(0, TOP_HOSTS)
      .map((h) => ({ address: h.address, captureHost: isCapture.has(h.address), bad: { ...h.badSent }, tcp: h.tcp }));

    this.result = {
      kind: decision.kind,
      captureHosts: hostsShown,
      evidence,
      summary: decision.summary,
      advice: adviceFor(decision.kind, os.guess),
      os,
      hosts: hostRows,
      flows: this.follower.topFlows(),
    };
    return this.result;
  }
}
