/**
 * IP fragment reassembly, only to verify the transport checksum of a fragmented datagram, as tshark
 * does with its default `ip.defragment: TRUE` / `ipv6.defragment: TRUE`: the datagram is checked in the
 * frame that completes it, the other fragments carry no transport status.
 *
 * Memory is bounded whatever the input: fragments are copied (they live in the reusable read buffer),
 * but pending bytes are capped and the oldest datagrams are dropped first.
 */

/** Upper bound on the bytes of all incomplete datagrams held at once (a hostile file can start many). */
export const MAX_PENDING_FRAGMENT_BYTES = 32 * 1024 * 1024;
/** An IP datagram cannot exceed 65535 bytes (IPv4 total length / IPv6 payload length are 16-bit). */
export const MAX_DATAGRAM = 65535;

interface Pending {
  parts: { offset: number; data: Uint8Array }[];
  /** Datagram length once the last fragment (MF clear) has been seen; -1 before. */
  total: number;
  bytes: number;
}

export class Reassembler {
  private readonly pending = new Map<string, Pending>();
  private pendingBytes = 0;

  /**
   * Add one fragment; returns the whole datagram when this fragment completes it, else undefined.
   * `data` is copied.
   */
  add(key: string, offset: number, data: Uint8Array, more: boolean): Uint8Array | undefined {
    if (offset + data.length > MAX_DATAGRAM) return undefined;
    let p = this.pending.get(key);
    if (!p) {
      p = { parts: [], total: -1, bytes: 0 };
      this.pending.set(key, p);
    }
    p.parts.push({ offset, data: data.slice() });
    p.bytes += data.length;
    this.pendingBytes += data.length;
    if (!more) p.total = offset + data.length;
    this.evict();
    if (p.total < 0 || !this.pending.has(key)) return undefined;
    const whole = assemble(p);
    if (whole) {
      this.pending.delete(key);
      this.pendingBytes -= p.bytes;
    }
    return whole;
  }

  private evict(): void {
    for (const [k, v] of this.pending) {
      if (this.pendingBytes <= MAX_PENDING_FRAGMENT_BYTES) return;
      this.pending.delete(k);
      this.pendingBytes -= v.bytes;
    }
  }
}

/** The datagram if the parts cover [0, total) without a gap, else undefined. Overlaps: later data wins. */
function assemble(p: Pending): Uint8Array | undefined {
  const sorted = [...p.parts].sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const part of sorted) {
    if (part.offset > covered) return undefined;
    covered = Math.max(covered, part.offset + part.data.length);
  }
  if (covered < p.total) return undefined;
  const out = new Uint8Array(p.total);
  for (const part of p.parts) out.set(part.data.subarray(0, Math.max(0, p.total - part.offset)), part.offset);
  return out;
}
