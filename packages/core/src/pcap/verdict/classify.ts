import type { LayerFacts } from '../frame/frame.js';

/**
 * What a bad checksum value is, judged by the value alone:
 * - partial: the uncomplemented pseudo-header sum with the transport length, which Linux, Windows
 *   and BSD stacks leave in the field for the NIC to finish (transmit checksum offload);
 * - partial-no-length: the same sum without the length (Windows large-send offload, BSD TSO drivers);
 * - zero: the field is 0x0000 (virtual NICs, stacks that leave it to the hardware; for IPv4 headers,
 *   Windows and BSD IP header offload);
 * - mismatch: anything else (corruption, editing, anonymisation).
 */
export type BadClass = 'partial' | 'partial-no-length' | 'zero' | 'mismatch';

/** The classes that an offloading sender leaves on its own outbound packets.
 * @example if (isPlaceholder(classifyBad(layer))) placeholders++;
 */
export function isPlaceholder(c: BadClass): boolean {
  return c !== 'mismatch';
}

/** Classify one layer whose status is `bad` (a LayerCheck or the reader's LayerFacts).
 * @example const cls = classifyBad({ protocol: 'tcp', stored: 0, pseudoHeaderSum: 0x1234, pseudoHeaderSumNoLength: 0x1200 });
 */
export function classifyBad(layer: Pick<LayerFacts, 'protocol' | 'stored' | 'pseudoHeaderSum' | 'pseudoHeaderSumNoLength'>): BadClass {
  if (layer.protocol === 'ipv4') return classifyIpv4(layer.stored);
  return classifyTransport(layer.stored, layer.pseudoHeaderSum, layer.pseudoHeaderSumNoLength);
}

/** classifyBad for a bad IPv4 header checksum, from its stored value. */
export function classifyIpv4(stored: number): BadClass {
  return stored === 0 ? 'zero' : 'mismatch';
}

/**
 * classifyBad for a bad TCP or UDP checksum, from its numbers: the per-frame path, where a known
 * protocol need not be compared by name.
 */
export function classifyTransport(stored: number, pseudoHeaderSum: number | undefined, pseudoHeaderSumNoLength: number | undefined): BadClass {
  if (stored === pseudoHeaderSum) return 'partial';
  if (stored === pseudoHeaderSumNoLength) return 'partial-no-length';
  return stored === 0 ? 'zero' : 'mismatch';
}
