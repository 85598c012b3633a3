import type { OsGuess, VerdictKind } from './types.js';

const WINDOWS_DISABLE =
  'Windows: Device Manager > the adapter > Advanced: set "TCP Checksum Offload (IPv4)", "TCP Checksum Offload (IPv6)", ' +
  '"UDP Checksum Offload (IPv4)", "UDP Checksum Offload (IPv6)" and "Large Send Offload V2 (IPv4)" / "(IPv6)" to Disabled; ' +
  'or in an elevated PowerShell: Disable-NetAdapterChecksumOffload -Name "<adapter>" and Disable-NetAdapterLso -Name "<adapter>".';
const LINUX_DISABLE =
  'Linux: ethtool -K <if> tx off rx off tso off gso off (then make it persistent in the network configuration once a retest is clean).';
const MACOS_DISABLE = 'macOS: sudo sysctl net.link.generic.system.hwcksum_tx=0 net.link.generic.system.hwcksum_rx=0 (until reboot).';

function disableOffload(os: OsGuess): string[] {
  if (os === 'windows') return [WINDOWS_DISABLE];
  if (os === 'linux') return [LINUX_DISABLE];
  if (os === 'macos') return [MACOS_DISABLE];
  if (os === 'linux-or-macos') return [LINUX_DISABLE, MACOS_DISABLE];
  return [WINDOWS_DISABLE, LINUX_DISABLE];
}

function captureWithout(os: OsGuess): string {
  const how =
    os === 'windows'
      ? 'Disable-NetAdapterChecksumOffload -Name "<adapter>"'
      : os === 'macos'
        ? 'sysctl net.link.generic.system.hwcksum_tx=0'
        : 'ethtool -K <if> tx off';
  return `To capture without them: capture on the peer or a mirror port, or switch transmit offload off just for the capture (${how}) and back on afterwards.`;
}

/** What to do, for this verdict on this OS.
 * @example const lines = adviceFor(verdict.kind, verdict.os.guess);
 */
export function adviceFor(kind: VerdictKind, os: OsGuess): string[] {
  switch (kind) {
    case 'clean':
      return ['Nothing to fix: every checksum that could be verified is correct.'];
    case 'offload-artifact':
      return [
        'Nothing to fix: the capture point saw these packets before any adapter filled their checksums in (checksum offload on the capturing machine: its own outgoing packets, a local VM\'s or container\'s, or segments its receive offload merged); what went on the wire was correct.',
        'To view the capture without the noise: Wireshark 4.2+ marks these as partial checksums; older versions: leave "Validate checksum" off (the default) in the IPv4, TCP and UDP protocol preferences; Zeek -C, Suricata -k none.',
        captureWithout(os),
      ];
    case 'offload-broken':
      return [
        "The adapter's transmit checksum / segmentation offload fails on the wire: switch it off and retest.",
        ...disableOffload(os),
        "If that fixes it, install the NIC vendor's current driver (Realtek and others ship fixes for exactly this) before switching offload back on.",
        'If disabling offload does not help: an MTU black hole on the path also drops full-size segments only; test with a smaller MTU.',
      ];
    case 'wire-corruption':
      return [
        'Packets arrive with wrong checksums and the receiver drops them: check the cable, the switch port or transceiver, and the sending NIC.',
        'Compare error counters: Linux ethtool -S <if> and ip -s link; Windows Get-NetAdapterStatistics; the switch port CRC/FCS counters.',
        'A sender whose adapter computes wrong checksums (broken offload) looks exactly like this from the receiving side: capture on the sender too, and try disabling offload there.',
      ];
    case 'rewritten':
      return [
        'Not a network fault: the trace was edited or anonymised and its checksums were not recomputed.',
        'If a tool drops the packets, recompute the checksums (tcprewrite --fixcsum) or turn validation off (Zeek -C, Suricata -k none).',
      ];
    case 'inconclusive':
      return [
        'Capture on both ends, or for longer, so that acknowledgements and retransmissions show what the receivers did with the bad packets.',
        'Capture to pcapng with direction (dumpcap/tcpdump on Linux "any" gives SLL2 packet types) so inbound and outbound can be told apart.',
      ];
  }
}
