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

/**
 * Where the offload placeholders were (senders.ts), which decides how to capture without them, and whether
 * the broken offload is a sender's other than the capturing machine.
 */
export interface AdviceContext {
  /** On the capture hosts' own packets (or of unknown direction): their transmit offload. */
  ownPackets: boolean;
  /** On super-frames the capture host received: its receive offload (GRO/LRO). */
  superFrames: boolean;
  /** On other received packets: a local VM's or container's, which no NIC of the capturing machine touched. */
  localSenders: boolean;
  /** offload-broken: the failing placeholders are a sender's that is not the capturing machine. */
  brokenSenderElsewhere: boolean;
}

const OWN_PACKETS_ONLY: AdviceContext = { ownPackets: true, superFrames: false, localSenders: false, brokenSenderElsewhere: false };

function transmitOffloadOff(os: OsGuess): string {
  if (os === 'windows') return 'Disable-NetAdapterChecksumOffload -Name "<adapter>"';
  if (os === 'macos') return 'sysctl net.link.generic.system.hwcksum_tx=0';
  return 'ethtool -K <if> tx off';
}

/** How to capture without the placeholders: one remedy per place they were, since each has its own switch. */
function captureWithout(os: OsGuess, at: AdviceContext): string {
  const ways: Array<[forWhat: string, how: string]> = [];
  if (at.ownPackets || (!at.superFrames && !at.localSenders)) {
    ways.push(['its own packets', `capture on the peer or a mirror port, or switch transmit offload off just for the capture (${transmitOffloadOff(os)}) and back on afterwards`]);
  }
  if (at.superFrames) ways.push(['the super-frames', 'switch receive offload off just for the capture (ethtool -K <if> gro off lro off) and back on afterwards']);
  if (at.localSenders) ways.push(["a local VM's or container's packets", 'capture inside it on its own interface, or on the physical NIC its packets leave by']);
  if (ways.length === 1) return `To capture without them: ${ways[0]![1]}.`;
  return `To capture without them: ${ways.map(([forWhat, how]) => `for ${forWhat}, ${how}`).join('; ')}.`;
}

/** What to do when a sender other than the capturing machine leaves placeholders that nothing fills in. */
const BROKEN_ELSEWHERE = [
  "A sender that is not the capturing machine sends checksums left for a NIC to fill in, and nothing on the way does: the receivers drop them. If it is a VM or container on this machine, check the physical NIC its packets leave by (switch that NIC's offload off and retest) or switch transmit offload off inside it; otherwise capture on that sender and check its adapter.",
];

/** What to do, for this verdict on this OS.
 * @example const lines = adviceFor(verdict.kind, verdict.os.guess, { ownPackets: false, superFrames: true, localSenders: false, brokenSenderElsewhere: false });
 */
export function adviceFor(kind: VerdictKind, os: OsGuess, at: AdviceContext = OWN_PACKETS_ONLY): string[] {
  switch (kind) {
    case 'clean':
      return ['Nothing to fix: every checksum that could be verified is correct.'];
    case 'offload-artifact':
      return [
        'Nothing to fix: the capture point saw these packets before any adapter filled their checksums in (checksum offload on the capturing machine: its own outgoing packets, a local VM\'s or container\'s, or segments its receive offload merged); what went on the wire was correct.',
        'To view the capture without the noise: Wireshark 4.2+ marks these as partial checksums; older versions: leave "Validate checksum" off (the default) in the IPv4, TCP and UDP protocol preferences; Zeek -C, Suricata -k none.',
        captureWithout(os, at),
      ];
    case 'offload-broken':
      if (at.brokenSenderElsewhere) {
        return [
          ...BROKEN_ELSEWHERE,
          ...disableOffload('unknown'),
          "If that fixes it, install the NIC vendor's current driver (Realtek and others ship fixes for exactly this) before switching offload back on.",
        ];
      }
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
