/** Text forms of addresses, built only for reports (bad frames) and FrameRecords, never on the plain path. */

export function formatIpv4(u8: Uint8Array, off: number): string {
  return `${u8[off]}.${u8[off + 1]}.${u8[off + 2]}.${u8[off + 3]}`;
}

/** RFC 5952 form: lower-case hex, leading zeros dropped, the longest run (>= 2) of zero groups as `::`. */
export function formatIpv6(u8: Uint8Array, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(((u8[off + 2 * i] ?? 0) << 8) | (u8[off + 2 * i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((v) => v.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export function formatIp(u8: Uint8Array, off: number, version: 4 | 6): string {
  return version === 4 ? formatIpv4(u8, off) : formatIpv6(u8, off);
}

export function formatMac(u8: Uint8Array, off: number): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += (i ? ':' : '') + (u8[off + i] ?? 0).toString(16).padStart(2, '0');
  return s;
}

/**
 * Text forms with a memory: a capture repeats the same few addresses, and FrameRecords need them for
 * every frame, so formatting each once saves most of the cost of building records. Bounded: the IPv6
 * cache is emptied when it reaches MAX_CACHED entries.
 */
const MAX_CACHED = 65536;

/**
 * log2 of the slots of the IPv4 and MAC caches: direct-mapped, one text per slot, the last address that
 * hashed there. Not a Map: V8 hashes integer keys without a seed, and a capture whose 65,536 source
 * addresses share their hash's low bits made each lookup walk one chain (10 MB of such frames took 20 s,
 * against 0.6 s); here such addresses only miss, and are formatted again (linear). 4,096 slots hold the
 * few hundred addresses of a busy capture with few collisions.
 */
const SLOT_BITS = 12;
const SLOTS = 1 << SLOT_BITS;
const slotOf = (word: number): number => Math.imul(word, 0x9e3779b1) >>> (32 - SLOT_BITS);

export class AddressText {
  private readonly v4Keys = new Int32Array(SLOTS);
  private readonly v4Texts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  private readonly v6 = new Map<string, string>();
  private readonly macKeys = new Float64Array(SLOTS);
  private readonly macTexts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

  ip(u8: Uint8Array, off: number, version: 4 | 6): string {
    return version === 4 ? this.ipv4(u8, off) : this.ipv6(u8, off);
  }

  ipv4(u8: Uint8Array, off: number): string {
    const key = ((u8[off] ?? 0) << 24) | ((u8[off + 1] ?? 0) << 16) | ((u8[off + 2] ?? 0) << 8) | (u8[off + 3] ?? 0);
    const slot = slotOf(key);
    let s = this.v4Texts[slot];
    if (s === undefined || this.v4Keys[slot] !== key) {
      s = formatIpv4(u8, off);
      this.v4Keys[slot] = key;
      this.v4Texts[slot] = s;
    }
    return s;
  }

  ipv6(u8: Uint8Array, off: number): string {
    // latin1 of the 16 bytes is a cheap exact key (string keys are hashed with V8's seed).
    let key = '';
    for (let i = 0; i < 16; i++) key += String.fromCharCode(u8[off + i] ?? 0);
    let s = this.v6.get(key);
    if (s === undefined) {
      if (this.v6.size >= MAX_CACHED) this.v6.clear();
      s = formatIpv6(u8, off);
      this.v6.set(key, s);
    }
    return s;
  }

  mac(u8: Uint8Array, off: number): string {
    const high = (u8[off] ?? 0) * 256 + (u8[off + 1] ?? 0);
    const low = ((u8[off + 2] ?? 0) << 24) | ((u8[off + 3] ?? 0) << 16) | ((u8[off + 4] ?? 0) << 8) | (u8[off + 5] ?? 0);
    const key = high * 4294967296 + (low >>> 0);
    const slot = slotOf(low ^ Math.imul(high, 0x85ebca6b));
    let s = this.macTexts[slot];
    if (s === undefined || this.macKeys[slot] !== key) {
      s = formatMac(u8, off);
      this.macKeys[slot] = key;
      this.macTexts[slot] = s;
    }
    return s;
  }
}

/**
 * The inverse of formatIp: write an address's big-endian 32-bit words into `into[at..at+3]` (IPv4:
 * one word, then zeros) and return its version, or 0 when `text` is not an address. Accepts any
 * IPv6 text form (`::`, leading zeros, a dotted IPv4 tail), so it also reads hand-written addresses.
 */
export function parseIpWords(text: string, into: Int32Array, at: number): 0 | 4 | 6 {
  into[at] = into[at + 1] = into[at + 2] = into[at + 3] = 0;
  if (!text.includes(':')) {
    const v = parseIpv4(text);
    if (v < 0) return 0;
    into[at] = v | 0;
    return 4;
  }
  const groups = parseIpv6Groups(text);
  if (groups === undefined) return 0;
  for (let i = 0; i < 4; i++) into[at + i] = ((groups[2 * i]! << 16) | groups[2 * i + 1]!) | 0;
  return 6;
}

/** Dotted quad to an unsigned 32-bit number, or -1. */
function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) return -1;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return -1;
    v = v * 256 + Number(p);
  }
  return v;
}

function parseIpv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const side = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 < 0) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = side(halves[0]!);
  const tail = halves.length === 2 ? side(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  if (head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
