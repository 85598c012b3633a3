/**
 * Builds FrameRecords (the checksum reader's output) for verdict unit tests: TCP sessions whose
 * receivers accept or drop segments the way real stacks do, with chosen checksum values.
 */
import type { Direction, FrameRecord, LayerCheck } from '../../../src/pcap/frame/frame.js';

/** What the checksum field of a packet holds. */
export type CheckKind = 'good' | 'partial' | 'nolen' | 'zero' | 'mismatch' | 'unverified';

export interface Endpoint {
  ip: string;
  port: number;
  mac?: string;
}

export interface SegmentOptions {
  check?: CheckKind;
  /** The receiver drops it (bad checksum on the wire). */
  lost?: boolean;
  ipv4Zero?: boolean;
  /** The IPv4 header checksum is wrong and not 0 (an edited header). */
  ipv4Mismatch?: boolean;
  direction?: Direction;
  /** IPv4 identification (default: the frame number); the same on a second capture of one packet. */
  ipId?: number;
  /** TCP window advertised (default 65535). */
  window?: number;
  /** Seconds since the previous frame (default 0.001). */
  dt?: number;
}

function ipv4Kind(o: { ipv4Zero?: boolean; ipv4Mismatch?: boolean }): CheckKind {
  return o.ipv4Zero ? 'zero' : o.ipv4Mismatch ? 'mismatch' : 'good';
}

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

/** Deterministic pseudo values: stored/correct/pseudo sums only need to be consistent, not real. */
function pseudo(seed: number): { correct: number; partial: number; nolen: number; other: number } {
  const h = Math.imul(seed, 2654435761) >>> 0;
  const v = [h & 0xffff, ((h >>> 16) ^ 0x5a5a) & 0xffff, ((h >>> 8) ^ 0x1234) & 0xffff, (h ^ 0xbeef) & 0xffff];
  // four distinct non-zero values, so a "mismatch" never equals a pseudo-header sum by accident
  for (let i = 0; i < 4; i++) {
    while (v[i] === 0 || v.indexOf(v[i]!) !== i) v[i] = (v[i]! + 0x101) & 0xffff;
  }
  return { correct: v[0]!, partial: v[1]!, nolen: v[2]!, other: v[3]! };
}

export function layer(protocol: 'ipv4' | 'tcp' | 'udp', kind: CheckKind, src: string, dst: string, seed: number): LayerCheck {
  const p = pseudo(seed);
  const stored =
    kind === 'good' ? p.correct : kind === 'partial' ? p.partial : kind === 'nolen' ? p.nolen : kind === 'zero' ? 0 : kind === 'mismatch' ? p.other : p.correct;
  const status = kind === 'good' ? 'good' : kind === 'unverified' ? 'unverified' : 'bad';
  const l: LayerCheck = { protocol, status, stored, correct: kind === 'unverified' ? undefined : p.correct, depth: 0, quoted: false, src, dst };
  if (protocol !== 'ipv4') {
    l.pseudoHeaderSum = p.partial;
    l.pseudoHeaderSumNoLength = p.nolen;
  }
  return l;
}

export class CaptureBuilder {
  readonly frames: FrameRecord[] = [];
  time = 1_700_000_000;
  linkType = 1;

  private push(r: Omit<FrameRecord, 'frame' | 'timestamp' | 'interfaceId' | 'linkType'>, dt = 0.001): FrameRecord {
    this.time += dt;
    const rec: FrameRecord = { frame: this.frames.length + 1, timestamp: this.time, interfaceId: 0, linkType: this.linkType, ...r };
    this.frames.push(rec);
    return rec;
  }

  tcp(from: Endpoint, to: Endpoint, seq: number, ack: number, flags: number, len: number, o: SegmentOptions = {}): FrameRecord {
    const n = this.frames.length + 1;
    const v6 = from.ip.includes(':');
    const checks: LayerCheck[] = [];
    if (!v6) checks.push(layer('ipv4', ipv4Kind(o), from.ip, to.ip, n * 7));
    checks.push(layer('tcp', o.check ?? 'good', from.ip, to.ip, n));
    return this.push({
      capturedLength: 54 + len,
      originalLength: 54 + len,
      direction: o.direction,
      epbFlags: undefined,
      srcMac: from.mac,
      dstMac: to.mac,
      ipVersion: v6 ? 6 : 4,
      src: from.ip,
      dst: to.ip,
      ipv4ChecksumZero: o.ipv4Zero ?? false,
      ipId: v6 ? undefined : (o.ipId ?? n) & 0xffff, // a new ID per packet, as Linux and Windows send them
      tcp: { srcPort: from.port, dstPort: to.port, seq: seq >>> 0, ack: ack >>> 0, flags, window: o.window ?? 65535, payloadLength: len },
      udp: undefined,
      checks,
    }, o.dt);
  }

  udp(from: Endpoint, to: Endpoint, len: number, check: CheckKind | 'absent' = 'good', o: { ipv4Zero?: boolean; ipv4Mismatch?: boolean; direction?: Direction } = {}): FrameRecord {
    const n = this.frames.length + 1;
    const v6 = from.ip.includes(':');
    const checks: LayerCheck[] = [];
    if (!v6) checks.push(layer('ipv4', ipv4Kind(o), from.ip, to.ip, n * 7));
    const u = layer('udp', check === 'absent' ? 'good' : check, from.ip, to.ip, n);
    if (check === 'absent') {
      u.status = 'absent';
      u.stored = 0;
    }
    checks.push(u);
    return this.push({
      capturedLength: 42 + len,
      originalLength: 42 + len,
      direction: o.direction,
      epbFlags: undefined,
      srcMac: from.mac,
      dstMac: to.mac,
      ipVersion: v6 ? 6 : 4,
      src: from.ip,
      dst: to.ip,
      ipv4ChecksumZero: o.ipv4Zero ?? false,
      tcp: undefined,
      udp: { srcPort: from.port, dstPort: to.port, length: len + 8 },
      checks,
    });
  }

  /** Time passes with no packets (for idle eviction). */
  idle(seconds: number): void {
    this.time += seconds;
  }

  session(client: Endpoint, server: Endpoint, isn = { c: 1000, s: 5_000_000 }): Session {
    return new Session(this, client, server, isn);
  }
}

type Side = 'c' | 's';

/**
 * A TCP connection whose receivers accept in-order segments unless told they are lost, and
 * acknowledge what they hold contiguously (as real stacks do).
 */
export class Session {
  private nxt: Record<Side, number>;
  private rcv: Record<Side, number>;
  constructor(
    private readonly cap: CaptureBuilder,
    readonly client: Endpoint,
    readonly server: Endpoint,
    isn: { c: number; s: number },
    /** Checksum of every packet each side sends unless a call says otherwise. */
    readonly checks: Record<Side, CheckKind> = { c: 'good', s: 'good' },
  ) {
    this.nxt = { c: isn.c, s: isn.s };
    this.rcv = { c: isn.s, s: isn.c };
  }

  defaults: Record<Side, SegmentOptions> = { c: {}, s: {} };

  private ends(side: Side): [Endpoint, Endpoint] {
    return side === 'c' ? [this.client, this.server] : [this.server, this.client];
  }
  private other(side: Side): Side {
    return side === 'c' ? 's' : 'c';
  }

  handshake(o: { c?: SegmentOptions; s?: SegmentOptions } = {}): this {
    const [c, s] = this.ends('c');
    this.cap.tcp(c, s, this.nxt.c, 0, SYN, 0, { ...this.defaults.c, ...o.c });
    this.nxt.c = (this.nxt.c + 1) >>> 0;
    this.rcv.s = this.nxt.c;
    this.cap.tcp(s, c, this.nxt.s, this.rcv.s, SYN | ACK, 0, { ...this.defaults.s, ...o.s });
    this.nxt.s = (this.nxt.s + 1) >>> 0;
    this.rcv.c = this.nxt.s;
    this.cap.tcp(c, s, this.nxt.c, this.rcv.c, ACK, 0, { ...this.defaults.c, ...o.c });
    return this;
  }

  /** Send `len` bytes from `side`; returns the segment's start for `resend`. */
  send(side: Side, len: number, o: SegmentOptions = {}): { seq: number; len: number } {
    const [a, b] = this.ends(side);
    const seq = this.nxt[side];
    this.cap.tcp(a, b, seq, this.rcv[side], PSH | ACK, len, { ...this.defaults[side], ...o });
    this.nxt[side] = (seq + len) >>> 0;
    const peer = this.other(side);
    if (!o.lost && this.rcv[peer] === seq) this.rcv[peer] = (seq + len) >>> 0;
    return { seq, len };
  }

  /** Send again from `seg.seq` (the sender rewinds: go-back-N). */
  resend(side: Side, seg: { seq: number; len: number }, o: SegmentOptions = {}): void {
    const [a, b] = this.ends(side);
    this.cap.tcp(a, b, seg.seq, this.rcv[side], PSH | ACK, seg.len, { ...this.defaults[side], ...o }, );
    const peer = this.other(side);
    if (!o.lost && this.rcv[peer] === seg.seq) this.rcv[peer] = (seg.seq + seg.len) >>> 0;
  }

  /** A bare ACK from `side` for everything it holds in order. */
  ack(side: Side, o: SegmentOptions = {}): void {
    const [a, b] = this.ends(side);
    this.cap.tcp(a, b, this.nxt[side], this.rcv[side], ACK, 0, { ...this.defaults[side], ...o });
  }

  close(o: { c?: SegmentOptions; s?: SegmentOptions } = {}): void {
    const [c, s] = this.ends('c');
    this.cap.tcp(c, s, this.nxt.c, this.rcv.c, FIN | ACK, 0, { ...this.defaults.c, ...o.c });
    this.nxt.c = (this.nxt.c + 1) >>> 0;
    this.rcv.s = this.nxt.c;
    this.cap.tcp(s, c, this.nxt.s, this.rcv.s, FIN | ACK, 0, { ...this.defaults.s, ...o.s });
    this.nxt.s = (this.nxt.s + 1) >>> 0;
    this.rcv.c = this.nxt.s;
    this.cap.tcp(c, s, this.nxt.c, this.rcv.c, ACK, 0, { ...this.defaults.c, ...o.c });
  }
}
