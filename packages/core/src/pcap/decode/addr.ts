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
