import type { CommandSpec } from '../../command.js';
import { inputHelp } from '../../caps.js';

/** `analyze pcap FILE...`: which packets in a capture have bad IPv4/TCP/UDP checksums. */
export const pcapSpec: CommandSpec = {
  command: 'pcap <files..>',
  describe: 'Verify every IPv4, TCP and UDP checksum in pcap/pcapng captures (also .gz); frame numbers as in Wireshark',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: inputHelp('pcap or pcapng capture files, optionally gzip-compressed', 'pcap') })
      .option('limit', { type: 'number', describe: 'List at most N bad checksums per file (default: 20 in text, 1000 with --json); counts are always complete' })
      .option('verdict', { type: 'boolean', default: true, describe: 'Judge the bad checksums: offload artifacts, broken offload, corruption, rewritten trace (--no-verdict: counts only, exit 1 on any bad checksum)' })
      .option('fix-checksums', { type: 'string', describe: 'Write a copy of the (one) capture to OUT with every wrong IPv4/TCP/UDP checksum recomputed, nothing else changed (OUT.gz: compressed, -: stdout)' })
      .option('fix-lengths', { type: 'boolean', describe: 'With --fix-checksums: also set the IPv4 total length / IPv6 payload length of TSO/LSO super-frames whose length field is 0' })
      .example('$0 pcap trace.pcapng --fix-checksums fixed.pcapng', 'a copy Zeek, Suricata or tcpreplay will not drop (offload placeholders recomputed)')
      .example('$0 pcap slow-https.pcapng', 'is my NIC broken, or is this how captures look? (verdict, evidence, advice)')
      .example('$0 pcap capture.pcapng', 'counts per protocol and the first bad checksums')
      .example('$0 pcap trace.pcap.gz --json --limit 100000', 'every bad frame as JSON (docs/json-pcap.md)')
      .example('tcpdump -w - | $0 pcap -', 'a live capture piped in (also gzip)')
      .example('$0 pcap a.pcap.gz b.pcapng --strict', 'warnings are failures too (data after the gzip stream, fragments dropped to bound memory)')
      .example('$0 pcap slow-https.pcapng --html report.html', 'a page for the network team: verdict, advice, timeline of the bad segments (docs/html.md)'),
  load: () => import('./run.js'),
};
