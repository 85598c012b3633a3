import { parseIpWords } from '../decode/addr.js';
import { type Direction, type FrameFacts, type FrameRecord, type LayerFacts, MAC_DST_ZERO, MAC_SAME, MAC_SRC_ZERO } from '../frame/frame.js';

/**
 * FrameFacts over a ready FrameRecord (records built by tests or by another producer), so that
 * `VerdictCollector.add(record)` takes exactly the path the reader's facts take. Reused: `reset`
 * points it at the next record. Addresses come back to numbers by parsing their text, the exact
 * inverse of the reader's formatting.
 */
export class RecordFacts implements FrameFacts {
  private r: FrameRecord | undefined;
  goodIpv4 = 0;
  goodTcp = 0;
  goodUdp = 0;
  bad = 0;
  unverified = 0;
  srcWord = 0;
  dstWord = 0;
  private readonly words = new Int32Array(8);

  reset(r: FrameRecord): this {
    this.r = r;
    let good4 = 0;
    let goodTcp = 0;
    let goodUdp = 0;
    let bad = 0;
    let unverified = 0;
    for (const c of r.checks) {
      if (c.quoted) continue;
      if (c.status === 'good') {
        if (c.protocol === 'ipv4') good4++;
        else if (c.protocol === 'tcp') goodTcp++;
        else goodUdp++;
      } else if (c.status === 'bad') bad++;
      else if (c.status === 'unverified') unverified++;
    }
    this.goodIpv4 = good4;
    this.goodTcp = goodTcp;
    this.goodUdp = goodUdp;
    this.bad = bad;
    this.unverified = unverified;
    this.addressWords(this.words);
    this.srcWord = this.words[0]!;
    this.dstWord = this.words[4]!;
    return this;
  }

  private get rec(): FrameRecord {
    if (this.r === undefined) throw new Error('RecordFacts used before reset()');
    return this.r;
  }

  get frame(): number {
    return this.rec.frame;
  }
  get timestamp(): number {
    return this.rec.timestamp;
  }
  get linkType(): number {
    return this.rec.linkType;
  }
  get direction(): Direction {
    return this.rec.direction;
  }
  get ipVersion(): 0 | 4 | 6 {
    return this.rec.ipVersion ?? 0;
  }
  get isTcp(): boolean {
    return this.rec.tcp !== undefined;
  }
  get isUdp(): boolean {
    return this.rec.udp !== undefined;
  }
  get srcPort(): number {
    const r = this.rec;
    return r.tcp?.srcPort ?? r.udp?.srcPort ?? 0;
  }
  get dstPort(): number {
    const r = this.rec;
    return r.tcp?.dstPort ?? r.udp?.dstPort ?? 0;
  }
  get seq(): number {
    return this.rec.tcp?.seq ?? 0;
  }
  get ack(): number {
    return this.rec.tcp?.ack ?? 0;
  }
  get tcpFlags(): number {
    return this.rec.tcp?.flags ?? 0;
  }
  get payloadLength(): number {
    return this.rec.tcp?.payloadLength ?? 0;
  }
  get window(): number {
    return this.rec.tcp?.window ?? 0;
  }
  get ipId(): number {
    const r = this.rec;
    return r.ipVersion === 4 && r.ipId !== undefined ? r.ipId : -1;
  }

  addressWords(into: Int32Array): void {
    const r = this.rec;
    into.fill(0);
    if (r.src !== undefined) parseIpWords(r.src, into, 0);
    if (r.dst !== undefined) parseIpWords(r.dst, into, 4);
  }

  get layerCount(): number {
    return this.rec.checks.length;
  }
  layer(i: number): LayerFacts {
    return this.rec.checks[i]!;
  }

  srcText(): string | undefined {
    return this.rec.src;
  }
  dstText(): string | undefined {
    return this.rec.dst;
  }
  srcMacText(): string | undefined {
    return this.rec.srcMac;
  }
  dstMacText(): string | undefined {
    return this.rec.dstMac;
  }
  macPattern(): number {
    const { srcMac, dstMac } = this.rec;
    if (srcMac === undefined || dstMac === undefined) return -1;
    const zero = '00:00:00:00:00:00';
    return (srcMac === zero ? MAC_SRC_ZERO : 0) | (dstMac === zero ? MAC_DST_ZERO : 0) | (srcMac === dstMac ? MAC_SAME : 0);
  }
  record(): FrameRecord {
    return this.rec;
  }
}
