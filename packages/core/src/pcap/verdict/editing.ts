/**
 * Evidence that a trace was edited after capture (anonymised, addresses or TTLs rewritten, packets
 * synthesised): things no capture of a real wire shows. Looked for only on frames with a bad checksum
 * (the only frames whose checksums need explaining, and the only ones the reader always hands over),
 * so it costs nothing on clean traffic. Each sign has a threshold in thresholds.ts and a line in the
 * verdict (docs/pcap-verdict.md, "Evidence of editing").
 */
import { type FrameFacts, MAC_DST_ZERO, MAC_SAME, MAC_SRC_ZERO } from '../frame/frame.js';
import { LINKTYPE_ETHERNET } from '../decode/link.js';
import type { SegmentNote } from './flows.js';
import {
  EDITED_MIN_BLANK_MAC_FRAMES,
  EDITED_MIN_IMPOSSIBLE_ADDRESS_FRAMES,
  EDITED_MIN_IPV4_MISMATCH_ACKED,
  EDITED_MIN_TWO_SIDED_PUBLIC_PAIRS,
  EDITED_MIN_WEAK_SIGNS,
  MAX_IPV4_MISMATCH_TRACKED,
  MAX_PLACEHOLDER_PAIRS,
} from './thresholds.js';
import { plural } from './wording.js';

/** The counts behind the editing signs (JSON `verdict.evidence.editing`). */
export interface EditingEvidence {
  /** Bad-checksum frames with an address that cannot be on a wire (strong sign). */
  impossibleAddressFrames: number;
  /** TCP segments with a non-zero IPv4 header checksum mismatch whose fate was followed, and of those the acknowledged (strong sign). */
  ipv4MismatchSegments: number;
  ipv4MismatchAcked: number;
  /** Bad-checksum frames between different non-loopback hosts with all-zero or identical MACs on both sides (weak sign). */
  blankMacFrames: number;
  /** Address pairs with a public end and offload placeholders sent both ways (weak sign). */
  twoSidedPublicPairs: number;
  /** One sentence per sign that reached its threshold, strongest first. */
  signs: string[];
  /** A strong sign, or EDITED_MIN_WEAK_SIGNS weak ones: the trace was edited. */
  edited: boolean;
}

/** What `observe` counted for a frame: an impossible address, blank MACs. */
const COUNTED_IMPOSSIBLE = 1;
const COUNTED_BLANK = 2;

/** One pair of addresses that sent placeholders: which ways, and whether it looks like one host. */
interface Pair {
  /** Bit 1: from the lower address (as text) to the higher; bit 2: back. */
  ways: number;
  publicEnd: boolean;
  /** A frame of the pair had all-zero MACs on both sides (as Linux `lo` writes them: the same host). */
  sameHost: boolean;
}

/** A globally routed unicast address (documentation ranges count as public: they stand for it). */
function isPublic(w: Int32Array, at: number, v: number): boolean {
  if (v === 6) return w[at]! >>> 29 === 1; // 2000::/3
  const a = w[at]! >>> 0;
  const o1 = a >>> 24;
  const o2 = (a >>> 16) & 0xff;
  if (o1 === 0 || o1 === 10 || o1 === 127 || o1 >= 224) return false;
  if (o1 === 100 && o2 >= 64 && o2 < 128) return false; // carrier-grade NAT
  if (o1 === 169 && o2 === 254) return false;
  if (o1 === 172 && o2 >= 16 && o2 < 32) return false;
  if (o1 === 192 && o2 === 168) return false;
  return true;
}

function isLoopback(w: Int32Array, at: number, v: number): boolean {
  if (v === 4) return w[at]! >>> 24 === 127;
  return w[at] === 0 && w[at + 1] === 0 && w[at + 2] === 0 && w[at + 3] === 1;
}

function isUnspecified(w: Int32Array, at: number, v: number): boolean {
  return w[at] === 0 && (v === 4 || (w[at + 1] === 0 && w[at + 2] === 0 && w[at + 3] === 0));
}


/** Collects the editing signs from the bad-checksum frames of one capture; bounded memory.
 * @example const signs = new EditingSigns();
 *   signs.observe(facts, words, false);
 *   const evidence = signs.finish();
 */
export class EditingSigns {
  private impossible = 0;
  private impossibleExample = '';
  private blank = 0;
  private blankExample = '';
  private readonly pairs = new Map<string, Pair>();
  /** The pair of the last placeholder frame, in that frame's direction (source words 0-3, destination 4-7). */
  private readonly lastWords = new Int32Array(8);
  private lastVersion = 0;
  private lastPair: Pair | undefined;
  /** Notes of annotated frames (at most the annotation limit): filled in by the follower. */
  private readonly ipv4Notes: SegmentNote[] = [];
  /** The note given to every other such segment: counts acknowledgements, keeps nothing per segment. */
  readonly ipv4AckCounter = new AckCounter();
  private ipv4Counted = 0;

  /**
   * A frame with at least one bad (not ICMP-quoted) checksum. `w` holds its address words
   * (FrameFacts.addressWords); `placeholder`: one of its TCP/UDP checksums is an offload placeholder, not on a
   * TCP super-frame (thresholds.ts SUPER_FRAME_MIN_PAYLOAD: TSO on the sender or GRO on the receiver explains those).
   * Returns what it counted (COUNTED_* bits), for `repeat`.
   */
  observe(f: FrameFacts, w: Int32Array, placeholder: boolean): number {
    const v = f.ipVersion;
    if (v === 0) return 0;
    let counted = 0;
    // MACs compared as bytes (no text per frame); -1: not an Ethernet frame with both.
    const macs = f.linkType === LINKTYPE_ETHERNET ? f.macPattern() : -1;
    const zeroMacs = macs >= 0 && (macs & (MAC_SRC_ZERO | MAC_DST_ZERO)) === (MAC_SRC_ZERO | MAC_DST_ZERO);
    const blankMacs = macs >= 0 && (zeroMacs || (macs & MAC_SAME) !== 0);
    const realMacs = macs >= 0 && !blankMacs && (macs & MAC_SRC_ZERO) === 0;
    const sameAddress = w[0] === w[4] && w[1] === w[5] && w[2] === w[6] && w[3] === w[7];
    const loopback = isLoopback(w, 0, v) || isLoopback(w, 4, v);

    if (this.impossibleAddress(f, w, v, realMacs && loopback)) {
      if (this.impossible++ === 0) this.impossibleExample = `${f.srcText()} > ${f.dstText()}`;
      counted |= COUNTED_IMPOSSIBLE;
    }
    if (blankMacs && !sameAddress && !loopback) {
      if (this.blank++ === 0) this.blankExample = `${f.srcText()} > ${f.dstText()}, MACs ${f.srcMacText()} > ${f.dstMacText()}`;
      counted |= COUNTED_BLANK;
    }
    if (placeholder && !sameAddress) this.notePair(f, w, v, zeroMacs);
    return counted;
  }

  /**
   * `times` more frames like the one `observe` returned `counted` for: same addresses, MACs, link type,
   * transport and placeholder (its pair is already noted: noting it again changes nothing).
   */
  repeat(counted: number, times = 1): void {
    if (counted & COUNTED_IMPOSSIBLE) this.impossible += times;
    if (counted & COUNTED_BLANK) this.blank += times;
  }

  private impossibleAddress(f: FrameFacts, w: Int32Array, v: number, loopbackOnWire: boolean): boolean {
    if (loopbackOnWire) return true; // 127/8 or ::1 on an Ethernet frame between real NICs
    if (v === 4) {
      const src = w[0]! >>> 0;
      const dst = w[4]! >>> 0;
      if (src >>> 28 >= 14) return true; // multicast (224/4), reserved and broadcast sources
      if (dst >>> 24 === 0) return true;
      // 0.0.0.0 as a source is legal only for a host without an address yet (DHCP, over UDP).
      return src >>> 24 === 0 && !(src === 0 && f.isUdp);
    }
    if (w[0]! >>> 24 === 0xff) return true; // IPv6 multicast source
    if (isUnspecified(w, 4, v)) return true;
    return isUnspecified(w, 0, v) && f.isTcp; // :: as a source: only before an address exists (no TCP)
  }

  private notePair(f: FrameFacts, w: Int32Array, v: number, zeroMacs: boolean): void {
    // Consecutive frames mostly belong to one conversation in one direction: no text, no map lookup then.
    const lw = this.lastWords;
    const last = this.lastPair;
    if (last !== undefined && v === this.lastVersion && w[0] === lw[0] && w[4] === lw[4] && w[1] === lw[1] && w[5] === lw[5] && w[2] === lw[2] && w[6] === lw[6] && w[3] === lw[3] && w[7] === lw[7]) {
      if (zeroMacs) last.sameHost = true;
      return;
    }
    const src = f.srcText()!;
    const dst = f.dstText()!;
    const key = src < dst ? `${src} ${dst}` : `${dst} ${src}`;
    let p = this.pairs.get(key);
    if (p === undefined) {
      if (this.pairs.size >= MAX_PLACEHOLDER_PAIRS) return;
      p = { ways: 0, publicEnd: isPublic(w, 0, v) || isPublic(w, 4, v), sameHost: false };
      this.pairs.set(key, p);
    }
    p.ways |= src < dst ? 1 : 2;
    if (zeroMacs) p.sameHost = true;
    lw.set(w);
    this.lastVersion = v;
    this.lastPair = p;
  }

  /**
   * A TCP segment whose IPv4 header checksum is a non-zero mismatch; the flow follower fills `note`
   * in when its fate is known (acknowledged or not).
   */
  trackIpv4Mismatch(note: SegmentNote): void {
    if (note === this.ipv4AckCounter) this.ipv4Counted++;
    else if (this.ipv4Notes.length < MAX_IPV4_MISMATCH_TRACKED) this.ipv4Notes.push(note);
  }

  /** The evidence, after the flow follower has finished (every tracked note has its fate). */
  finish(): EditingEvidence {
    let twoSided = 0;
    let twoSidedExample = '';
    for (const [key, p] of this.pairs) {
      if (p.ways === 3 && p.publicEnd && !p.sameHost) {
        if (twoSided++ === 0) twoSidedExample = key.replace(' ', ' <> ');
      }
    }
    const acked = this.ipv4Notes.reduce((n, x) => n + (x.acked === true ? 1 : 0), this.ipv4AckCounter.acks);
    const signs: string[] = [];
    const impossible = this.impossible >= EDITED_MIN_IMPOSSIBLE_ADDRESS_FRAMES;
    const ipv4 = acked >= EDITED_MIN_IPV4_MISMATCH_ACKED;
    const blank = this.blank >= EDITED_MIN_BLANK_MAC_FRAMES;
    const pairs = twoSided >= EDITED_MIN_TWO_SIDED_PUBLIC_PAIRS;
    if (impossible) {
      signs.push(`${plural(this.impossible, 'bad-checksum frame')} ${this.impossible === 1 ? 'carries' : 'carry'} addresses that cannot be on a wire (first: ${this.impossibleExample})`);
    }
    if (ipv4) {
      signs.push(
        `the peers acknowledged ${plural(acked, 'TCP segment')} whose IPv4 header checksum is wrong (not 0), which no offload produces and no receiver accepts: the headers were changed after capture`,
      );
    }
    if (blank) signs.push(`${plural(this.blank, 'bad-checksum frame')} between different hosts ${this.blank === 1 ? 'has' : 'have'} all-zero or identical MAC addresses on both sides (first: ${this.blankExample})`);
    if (pairs) {
      signs.push(
        `${plural(twoSided, 'conversation')} with a public address ${twoSided === 1 ? 'carries' : 'carry'} offload placeholders in both directions, though below the size of a super-frame (which receive offload writes them into) only the capture host's own packets can (first: ${twoSidedExample})`,
      );
    }
    const weak = (blank ? 1 : 0) + (pairs ? 1 : 0);
    return {
      impossibleAddressFrames: this.impossible,
      ipv4MismatchSegments: this.ipv4Notes.length + this.ipv4Counted,
      ipv4MismatchAcked: acked,
      blankMacFrames: this.blank,
      twoSidedPublicPairs: twoSided,
      signs,
      edited: impossible || ipv4 || weak >= EDITED_MIN_WEAK_SIGNS,
    };
  }
}

/**
 * A SegmentNote shared by all segments it stands for: the flow follower sets `acked` once per segment
 * when its fate is known, and this counts the acknowledgements instead of keeping an object per segment.
 */
class AckCounter implements SegmentNote {
  acks = 0;
  retransmitted = false;
  get acked(): boolean | null {
    return null;
  }
  set acked(v: boolean | null) {
    if (v === true) this.acks++;
  }
}
