/**
 * Every number the offload verdict decides with. Each is a judgement call; the comment says why it
 * has this value. docs/pcap-verdict.md repeats them in a table.
 */

// ---- bounded state -------------------------------------------------------------------------

/**
 * Most TCP flows followed at once. A flow is only followed once it has carried a bad checksum,
 * so a clean capture never fills this. 65,536 flows of ~700 bytes each with an open segment is
 * ~45 MB (measured: bench/pcap-flows.mjs); beyond it the least recently active flows are finalised
 * early (their open segments become "unknown").
 */
export const FLOW_TABLE_CAP = 65_536;

/** When the table is full and idle eviction did not free enough, evict down to this many. */
export const FLOW_TABLE_LOW_WATER = Math.floor(FLOW_TABLE_CAP * 0.875);

/**
 * A flow silent for this long (capture time) is finalised and dropped when room is needed.
 * TCP's retransmission timer backs off to about 2 minutes (RFC 6298 caps RTO at >= 60 s, Linux
 * at 120 s), so an acknowledgement or retransmission after 5 minutes of silence is not coming.
 */
export const FLOW_IDLE_SECONDS = 300;

/**
 * Bad-checksum segments awaiting their fate, per flow. A window of 64 full-size segments is ~93 KB
 * in flight; past it the oldest open segment is finalised early rather than growing without bound.
 */
export const MAX_PENDING_PER_FLOW = 64;

/**
 * Bad-checksum segments awaiting their fate, in all flows together: caps memory (~80 bytes each,
 * so ~16 MB) even when every flow of a huge capture is busy. Segments past it are counted as
 * `untracked` and judged by value only.
 */
export const MAX_PENDING_TOTAL = 200_000;

/**
 * Addresses with per-host counters. Only addresses that sent a bad checksum or a frame marked
 * outbound get an entry, so this is reached only by rewritten or fuzzed traces; later addresses
 * share one "other" entry.
 */
export const MAX_HOSTS = 4_096;

/** Flows and hosts listed in the breakdown (largest first). */
export const TOP_FLOWS = 10;
export const TOP_HOSTS = 10;

/** Bad frames whose class and TCP fate are kept for the per-frame `bad` list (matches --limit's default). */
export const DEFAULT_ANNOTATE_LIMIT = 1_000;

// ---- what a re-sent range proves (segment-fates.ts) -----------------------------------------
// A bad-checksum segment is `failed` when its range is sent again before the peer acknowledged it. Three
// kinds of "sent again" prove nothing against the adapter and are not counted as failures.

/**
 * Duplicates: a copy of an open segment with the same IPv4 identification, sequence number, length and
 * acknowledgement number, captured at most this long after it, is the same packet captured twice, not a
 * re-send. `tcpdump -i any` on a Linux host with a bridge (docker0 + veth, br0 + its port), a VLAN
 * sub-interface or a bond records every packet on both interfaces, microseconds apart (the later copy
 * after the egress queue: milliseconds on a loaded link). A re-sent segment gets a new IPv4 ID on Linux
 * (per-socket counter), Windows (global counter) and BSD/macOS (counter or random), so the ID alone tells
 * them apart; the time bound is for stacks and packets with a constant ID (a Linux SYN-ACK carries 0), whose
 * re-sends come from timers of 200 ms (Linux) or 300 ms (Windows) and up, or from a tail loss probe after
 * two round trips plus a few ms. A re-send taken for a copy keeps the segment open: at worst one failure
 * is missed, never one invented.
 */
export const DUPLICATE_MAX_SECONDS = 0.01;

/**
 * Duplicates without an identification (IPv6 has none): the same sequence number, length and
 * acknowledgement number, nothing from the peer in between, and at most this long apart. Tighter than
 * DUPLICATE_MAX_SECONDS because the time is all there is: Linux's tail loss probe re-sends the last
 * segment two round trips plus at least 2 ms after it with nothing from the peer (on a LAN that is ~2 ms),
 * and a fast retransmit follows the peer's duplicate ACKs (hence "nothing from the peer in between").
 */
export const DUPLICATE_NO_ID_MAX_SECONDS = 0.001;

// Two rules without a number (segment-fates.ts `resendFate`; docs/pcap-verdict.md, "What a re-send proves"):
// - Unanswered: a re-send that acknowledges nothing (a SYN: TCP sets ACK on every segment once it has the
//   peer's SYN) with nothing from the peer captured since the earlier copy settles that copy as `unknown`.
//   SYN retries to a host that is down or filtered say nothing about the sender's checksums: nobody was
//   there to receive them. A re-send with ACK set still counts, even in a one-sided capture: the sender had
//   heard the peer in the connection, so the peer was there.
// - Zero window: a 1-byte segment sent while the peer's last advertised window was 0 (a zero-window probe,
//   RFC 9293 3.8.6.1), or any segment sent again while the peer, heard since it, advertises window 0, settles
//   as `unknown`: the receiver acknowledges a probe without taking its byte, so the byte is sent again
//   however good its checksum was (tshark: tcp.analysis.zero_window_probe).

// ---- capture host ------------------------------------------------------------------------

/**
 * An address is a capture host when at least this share of the bad checksums it sent are offload
 * placeholders. A pseudo-header sum matches a random wrong value with probability 1/65,535, so a
 * rewritten trace yields the odd accidental "placeholder" among thousands of mismatches; one half
 * keeps such an address out while a real offloading host (nearly 100 %) is in.
 */
export const CAPTURE_HOST_PLACEHOLDER_SHARE = 0.5;

/**
 * The largest IP packet a standard Ethernet link carries (its MTU, RFC 894). A capture holds larger ones only
 * where the capturing machine's own stack had not yet split them or had already merged them: segmentation
 * offload (TSO/GSO) on packets it sends, receive offload (GRO/LRO) on packets it receives. Jumbo-frame links
 * (MTU 9,000) carry larger packets for real (docs/pcap-verdict.md, "Known limits").
 */
export const STANDARD_MTU = 1_500;

/**
 * A TCP segment with more payload than this is a super-frame: its IP packet is over STANDARD_MTU whatever its
 * header options (the MTU less the smallest IPv4 and TCP headers, 20 + 20 bytes; IPv6 headers are larger
 * still). Taken from the payload length the frame facts already carry: one comparison per frame. Linux GRO
 * writes the same partial pseudo-header sum a sender leaves for its NIC into the super-frames it builds from
 * received segments (`tcp4_gro_complete`: th->check = ~tcp_v4_check(len, saddr, daddr, 0); likewise for IPv6),
 * and leaves the IPv4 header checksum correct, so such a placeholder is explained by TSO on the sender or GRO
 * on the receiver. Loopback links (MTU 64 KiB: Linux `lo` with its zero MACs, BSD loopback) have no super-frames.
 */
export const SUPER_FRAME_MIN_PAYLOAD = STANDARD_MTU - 20 - 20 + 1;

/**
 * Receivers remembered per sender of super-frame placeholders (those received by a capture host are GRO's, not
 * the sender's). A capture host has one or a few addresses; placeholders to receivers past this many count as
 * received by no capture host (the sender is judged on them as before GRO was modelled).
 */
export const MAX_SUPER_FRAME_RECEIVERS = 8;

// ---- verdicts ------------------------------------------------------------------------------

/**
 * rewritten: at least this share of the verified TCP/UDP checksums are unexplained mismatches, in
 * each direction that carried any. Offload only touches the capture host's own outbound packets
 * (at most about half of a conversation) and wire corruption hits a few percent at worst before
 * the link is unusable, so 90 % in both directions means the trace was edited after capture.
 */
export const REWRITTEN_MISMATCH_SHARE = 0.9;

/** rewritten needs at least this many mismatches: a 1-frame trace with one bad checksum says nothing. */
export const REWRITTEN_MIN_MISMATCHES = 5;

/**
 * offload-broken: at least this many of the capture host's own bad-checksum segments went
 * unacknowledged and were sent again. One or two is ordinary packet loss.
 */
export const BROKEN_MIN_FAILED = 3;

/**
 * offload-broken: and at least this share of its judged (acknowledged or failed) bad-checksum
 * segments failed. Healthy networks lose well under 1-2 %; 10 % lost segments with a consistent
 * pattern is an adapter (or path) that drops them, not congestion.
 */
export const BROKEN_MIN_FAILED_SHARE = 0.1;

/**
 * wire-corruption: at least this many received segments with a mismatching checksum (not a
 * placeholder) were not acknowledged and were sent again. A mismatch on a received segment is
 * already abnormal; the retransmission shows the host really dropped it, so one suffices.
 */
export const CORRUPTION_MIN_FAILED = 1;

/**
 * offload-artifact tolerates unexplained mismatches (not placeholders, not acknowledged) up to
 * this share of all bad checksums, and names them in the summary. Public captures mix a few
 * hand-edited packets into otherwise pure offload traces; more than 10 % is no longer "a few".
 */
export const ARTIFACT_MAX_UNEXPLAINED_SHARE = 0.1;

// ---- evidence of editing (editing.ts) -----------------------------------------------------
// A trace edited after capture (anonymised, addresses or TTLs rewritten, synthesised) shows signs no
// capture of a real wire can. Strong signs decide `rewritten` alone; weak ones have innocent
// explanations on some captures and count only when EDITED_MIN_WEAK_SIGNS different ones agree.

/**
 * Strong: bad-checksum frames with an address that cannot be on a wire (a source or destination in
 * 0.0.0.0/8 other than DHCP's 0.0.0.0 source, a multicast or broadcast source, 127.0.0.0/8 or ::1
 * on an Ethernet frame with real MACs, IPv6 :: on TCP). Routers and hosts drop such packets, so a
 * capture only holds them if someone wrote them; a few such frames, not one, since fuzzers and scans
 * send the odd one for real.
 */
export const EDITED_MIN_IMPOSSIBLE_ADDRESS_FRAMES = 3;

/**
 * Strong: TCP segments whose IPv4 header checksum is a non-zero mismatch and that the peer
 * acknowledged. No offload leaves a non-zero wrong IPv4 header checksum, and a receiver drops an IPv4
 * header that fails its checksum, so an acknowledged one was correct on the wire and changed after
 * capture (addresses or TTL rewritten without fixing the sum). Two, so that a single capture-side
 * bit flip does not decide the verdict.
 */
export const EDITED_MIN_IPV4_MISMATCH_ACKED = 2;

/**
 * Weak: bad-checksum frames between two different, non-loopback addresses whose Ethernet MACs are all
 * zero on both sides or the same on both sides. No NIC sends that on a wire, but Linux `lo` captures
 * carry zero MACs for traffic between two of the host's own addresses, and converters write zero MACs
 * when they wrap raw IP in Ethernet.
 */
export const EDITED_MIN_BLANK_MAC_FRAMES = 3;

/**
 * Weak: address pairs (not all-zero MACs, which Linux `lo` writes) where both ends sent offload placeholders and at
 * least one end has a public (globally routed) address. Transmit offload leaves placeholders only on
 * the capture host's own packets, and a server on the Internet is not the capture host; two local
 * endpoints (a docker0 or vSwitch capture between containers or VMs, private addresses) legitimately
 * show them both ways. Placeholders on TCP super-frames (SUPER_FRAME_MIN_PAYLOAD) do not count: receive offload
 * (GRO/LRO) writes them into what the capture host received. Weak because a Linux router capturing forwarded
 * traffic can also see software-segmented (GSO) packets with partial sums in both directions.
 */
export const EDITED_MIN_TWO_SIDED_PUBLIC_PAIRS = 1;

/** How many different weak signs make a trace `rewritten` together. */
export const EDITED_MIN_WEAK_SIGNS = 2;

/** Address pairs remembered for the two-sided placeholder sign; later pairs are not judged. */
export const MAX_PLACEHOLDER_PAIRS = 4_096;

/** Notes of annotated frames with an IPv4 header mismatch kept for the count (the others share one counting note). */
export const MAX_IPV4_MISMATCH_TRACKED = 100_000;
