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
 * every frame, so formatting each once saves most of the cost of building records. Bounded: the
 * cache is emptied when it reaches MAX_CACHED entries.
 */
const MAX_CACHED = 65536;

export class AddressText {
  private readonly v4 = new Map<number, string>();
  private readonly v6 = new Map<string, string>();
  private readonly macs = new Map<number, string>();

  ip(u8: Uint8Array, off: number, version: 4 | 6): string {
    return version === 4 ? this.ipv4(u8, off) : this.ipv6(u8, off);
  }

  ipv4(u8: Uint8Array, off: number): string {
    const key = (((u8[off] ?? 0) << 24) | ((u8[off + 1] ?? 0) << 16) | ((u8[off + 2] ?? 0) << 8) | (u8[off + 3] ?? 0)) >>> 0;
    let s = this.v4.get(key);
    if (s === undefined) {
      if (this.v4.size >= MAX_CACHED) this.v4.clear();
      s = formatIpv4(u8, off);
      this.v4.set(key, s);
    }
    return s;
  }

  ipv6(u8: Uint8Array, off: number): string {
    // latin1 of the 16 bytes is a cheap exact key.
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
    const key = ((u8[off] ?? 0) * 256 + (u8[off + 1] ?? 0)) * 4294967296 + ((((u8[off + 2] ?? 0) << 24) | ((u8[off + 3] ?? 0) << 16) | ((u8[off + 4] ?? 0) << 8) | (u8[off + 5] ?? 0)) >>> 0);
    let s = this.macs.get(key);
    if (s === undefined) {
      if (this.macs.size >= MAX_CACHED) this.macs.clear();
      s = formatMac(u8, off);
      this.macs.set(key, s);
    }
    return s;
  }
}
