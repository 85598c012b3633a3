import type { CaptureJson } from '@analyze/core/api/pcap';
import { linkTypeName } from '@analyze/core/pcap';
import type { Colors } from '../../render/color.js';

const hex = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;
const n = (v: number) => v.toLocaleString('en-US');

/** The text report for one capture. */
export function renderPcap(r: CaptureJson, c: Colors, shown: number): string {
  const lines: string[] = [];
  const fmt = r.format === null ? 'unknown format' : `${r.format}${r.gzip ? ' (gzip)' : ''}`;
  const links = r.linkTypes.length ? r.linkTypes.map(linkTypeName).join(', ') : 'no interfaces';
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
    if (r.badTruncated || r.bad.length > list.length) lines.push(c.dim(`    ... more (raise --limit, or use --json); ${n(total)} frame/protocol pairs are bad in all`));
  }
  if (r.error) {
    // An internal error is ours, not damage in the capture.
    const why = r.error.code === 'PCAP_INTERNAL' ? 'where the analysis failed (an internal error: please report it)' : 'where it is damaged';
    lines.push(c.yellow(`  results above cover the capture up to byte ${r.error.offset ?? 0}, ${why}`));
  }
  return `${lines.join('\n')}\n`;
}
