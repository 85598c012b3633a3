import type { CaptureJson } from '@analyze/core/api/pcap';
import { linkTypeName } from '@analyze/core/pcap';
import type { Colors } from '../../render/color.js';

const hex = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;
const n = (v: number) => v.toLocaleString('en-US');

/** The text report for one capture. */
export function renderPcap(r: CaptureJson, c: Colors, shown: number): string {
  const lines: string[] = [];
  const fmt = r.format === null ? 'unknown format' : `${r.format}${r.gzip ? ' (gzip)' : ''}`;
  // One name once: 101 and its platform aliases 12 and 14 are all raw IP.
  const links = r.linkTypes.length ? [...new Set(r.linkTypes.map(linkTypeName))].join(', ') : 'no interfaces';
  lines.push(`${c.bold(r.file)}: ${fmt}, ${links}, ${n(r.frames)} frame${r.frames === 1 ? "" : "s"}, ${n(r.bytes)} bytes`);
  const { ipv4, tcp, udp } = r.checksums;
  const row = (name: string, k: { checked: number; bad: number; unverified: number }, extra = '') => {
    const bad = k.bad > 0 ? c.red(`bad ${n(k.bad)}`) : c.green('bad 0');
    lines.push(`  ${name.padEnd(5)} checked ${n(k.checked).padStart(9)}  ${bad}  unverified ${n(k.unverified)}${extra}`);
  };
  row('ipv4', ipv4);
  row('tcp', tcp);
  row('udp', udp, `  absent ${n(udp.absent)}${udp.illegal ? `  (illegal zero over IPv6 ${n(udp.illegal)})` : ''}`);
  const list = r.bad.slice(0, shown);
  if (list.length) {
    lines.push(`  ${list.length === 1 ? 'bad checksum' : `first ${list.length} bad checksums`} (frame, protocol, source > destination, stored, correct):`);
    for (const b of list) {
      const tunnel = b.depth > 0 ? c.dim(` [tunnel level ${b.depth}]`) : '';
      lines.push(`    ${String(b.frame).padStart(8)}  ${b.protocol.padEnd(4)}  ${b.src} > ${b.dst}  stored ${c.red(hex(b.stored))}  correct ${hex(b.correct)}${tunnel}`);
    }
    const total = ipv4.bad + tcp.bad + udp.bad;
    if (r.badTruncated || r.bad.length > list.length) lines.push(c.dim(`    ... more (raise --limit, or use --json); ${n(total)} frame/protocol ${total === 1 ? 'pair is' : 'pairs are'} bad in all`));
  }
  if (r.error) lines.push(c.yellow(`  ${coverage(r.error, r.bytes)}`));
  return `${lines.join('\n')}\n`;
}

/** How much of the capture the results cover, given the error that stopped the read. */
function coverage(e: { code: string; offset?: number }, bytes: number): string {
  const at = e.offset ?? 0;
  switch (e.code) {
    case 'PCAP_INTERNAL': // ours, not damage in the capture
      return `results above cover the capture up to byte ${at}, where the analysis failed (an internal error: please report it)`;
    case 'PCAP_TRUNCATED_RECORD':
      return `results above cover the capture up to byte ${at}, where it ends in the middle of a record`;
    case 'PCAP_GZIP_TRAILING_DATA': // with --strict; its offset counts compressed bytes, and every inflated byte was read
      return `results above cover all ${n(bytes)} bytes of the decompressed capture; --strict refuses the data after its gzip stream, at byte ${at} of the compressed file`;
    default:
      return `results above cover the capture up to byte ${at}, where it is damaged`;
  }
}
