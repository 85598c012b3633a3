import type { ChecksumProtocol, Direction, FrameRecord, LayerCheck } from '../frame.js';
import { adviceFor } from './advice.js';
import { classifyBad, isPlaceholder, type BadClass } from './classify.js';
import { decide } from './decide.js';
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
 */
function effectiveDirection(r: FrameRecord): Direction {
  const d = r.direction;
  if (d !== 'inbound') return d;
  const src = r.src;
  if (src !== undefined && (src === r.dst || src.startsWith('127.') || src === '::1')) return 'outbound';
  return d;
}

const newBucket = (): DirectionBucket => ({ bad: emptyBadCounts(), tcp: emptyByValue() });

/**
 * Consumes the FrameRecords of one capture (`add`, in capture order, e.g. as the checksum
 * analysis's `onFrame`) and decides at `finish()` whether its bad checksums are harmless offload
 * artifacts, broken offload, corruption or an edited trace. Memory stays bounded whatever the
 * capture: see the caps in thresholds.ts.
 */
export class VerdictCollector {
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

  constructor(options: VerdictOptions = {}) {
    this.annotateLimit = options.annotateLimit ?? DEFAULT_ANNOTATE_LIMIT;
  }

  /** Bound form for callbacks: `analyze(file, { onFrame: verdict.onFrame })`. */
  readonly onFrame = (record: FrameRecord): void => this.add(record);

  add(r: FrameRecord): void {
    this.frames++;
    if (!this.linkTypes.has(r.linkType)) this.linkTypes.add(r.linkType);
    const dir = effectiveDirection(r);
    if (dir === 'outbound' && r.src !== undefined) {
      const h = this.hostOf(r.src);
      h.outboundFlagged++;
      if (h.macs.length === 0) this.hosts.noteMac(h, r.srcMac);
    }

    let tcpBad: BadSegment | undefined;
    const checks = r.checks;
    // Direction of the conversation, for the rewritten test: from the higher port to the lower
    // (client to server, usually) is 0. Ports are numbers: no string compare per frame.
    const ports = r.tcp ?? r.udp;
    const side = ports !== undefined && ports.srcPort < ports.dstPort ? 1 : 0;
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i]!;
      if (c.quoted) continue;
      const status = c.status;
      const protocol = c.protocol;
      if (status === 'good') {
        if (protocol === 'ipv4') this.checked.ipv4++;
        else {
          if (protocol === 'tcp') this.checked.tcp++;
          else this.checked.udp++;
          this.sideVerified[side]!++;
        }
      } else if (status === 'bad') {
        this.checked[protocol]++;
        const cls = classifyBad(c);
        if (protocol !== 'ipv4') {
          this.sideVerified[side]!++;
          if (cls === 'mismatch') this.sideMismatch[side]!++;
        }
        const bucket = this.badLayer(r, dir, c, cls);
        if (c.protocol === 'tcp' && tcpBad === undefined) {
          tcpBad = { placeholder: isPlaceholder(cls), sink: bucket, note: this.noteFor(r.frame, 'tcp', cls, true) };
        } else {
          this.noteFor(r.frame, c.protocol, cls, false);
        }
      } else if (status === 'unverified') {
        this.unverified++;
      }
    }

    const tcp = r.tcp;
    if (tcp !== undefined) {
      if (tcpBad !== undefined && tcp.payloadLength === 0 && (tcp.flags & 0x03) === 0) this.withoutPayload++;
      this.follower.observe(r, tcp, tcpBad);
    }
  }

  /** Count one bad layer where it belongs; returns where its TCP fate is to be counted. */
  private badLayer(r: FrameRecord, dir: Direction, c: LayerCheck, cls: BadClass): OutcomesByValue {
    countBad(this.bad, c.protocol, cls);
    if (dir !== undefined) {
      const b = this.flagged[dir];
      countBad(b.bad, c.protocol, cls);
      return b.tcp;
    }
    const h: HostStats = this.hostOf(c.src);
    countBad(h.badSent, c.protocol, cls);
    if (c.depth === 0 && h.macs.length === 0) this.hosts.noteMac(h, r.srcMac);
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
