/** The `analyze pcap IN --fix-checksums OUT --html` page, from the documented JSON report (docs/json-pcap-fix.md). */
import type { LeftReason } from '@analyze/core/pcap/fix';
import { card, facts, num, plural, type Section } from './page.js';

export interface PcapFixDoc {
  input: string;
  output: string;
  format?: string;
  gzipOut: boolean;
  frames: number;
  packetsChanged: number;
  fixed: { ipv4: number; tcp: number; udp: number };
  lengthsFixed: { ipv4: number; ipv6: number };
  left: Record<LeftReason, number>;
  leftFrames: { frame: number; reason: LeftReason }[];
  leftFramesTruncated: boolean;
}

/** Why a packet was written unchanged, for someone who did not run the command. */
const WHY: Record<LeftReason, string> = {
  truncated: 'captured shorter than sent (snaplen): left as captured, as a checksum may cover bytes that are not in the file',
  fragment: 'IP fragments: the transport checksum covers bytes in other packets',
  'bad-length': 'a UDP or IP length field runs past the packet: what the checksum covers is unknown',
  'icmp-quoted': 'headers quoted inside ICMP errors: kept as the peer received them',
  'length-too-long': 'super-frames over 65,535 bytes: no length field can hold their length',
  'cut-record': 'the record the capture ends inside: copied unchanged, never checked',
};

export function pcapFixSection(d: PcapFixDoc): Section {
  const left = Object.values(d.left).reduce((a, b) => a + b, 0);
  const fixed = d.fixed.ipv4 + d.fixed.tcp + d.fixed.udp;
  const verdict =
    left > 0
      ? `${plural(fixed, 'checksum')} fixed in ${plural(d.packetsChanged, 'packet')}; ${plural(left, 'packet')} left unchanged (the reasons are listed below).`
      : `${plural(fixed, 'checksum')} fixed in ${plural(d.packetsChanged, 'packet')}; every wrong checksum is fixed.`;
  let html = card(
    'Copy written',
    facts([
      ['from', d.input],
      ['to', `${d.output}${d.gzipOut ? ' (gzip)' : ''}`],
      ['format', d.format],
      ['frames', num(d.frames)],
      ['IPv4 header checksums fixed', num(d.fixed.ipv4)],
      ['TCP checksums fixed', num(d.fixed.tcp)],
      ['UDP checksums fixed', num(d.fixed.udp)],
      ['lengths set (--fix-lengths)', d.lengthsFixed.ipv4 + d.lengthsFixed.ipv6 > 0 ? `${num(d.lengthsFixed.ipv4)} IPv4, ${num(d.lengthsFixed.ipv6)} IPv6` : null],
    ]),
  );
  if (left > 0) {
    const rows = (Object.entries(d.left) as [LeftReason, number][]).filter(([, n]) => n > 0).map(([reason, n]): [string, unknown] => [`${num(n)} ${reason}`, WHY[reason]]);
    const frames = d.leftFrames.map((l) => `${l.frame} (${l.reason})`).join(', ') + (d.leftFramesTruncated ? ', …' : '');
    html += card('Left unchanged', facts([...rows, ['frames', frames]]));
  }
  return { verdict, severity: left > 0 ? 'warn' : 'ok', subject: `${d.input} → ${d.output}`, html };
}
