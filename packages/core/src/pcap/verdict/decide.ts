import { mismatches, placeholders } from './hosts.js';
import { addOutcomes, emptyOutcomes, type SegmentOutcomes } from './outcomes.js';
import {
  ARTIFACT_MAX_UNEXPLAINED_SHARE,
  BROKEN_MIN_FAILED,
  BROKEN_MIN_FAILED_SHARE,
  CORRUPTION_MIN_FAILED,
  MAX_HOSTS,
  REWRITTEN_MISMATCH_SHARE,
  REWRITTEN_MIN_MISMATCHES,
  STANDARD_MTU,
} from './thresholds.js';
import type { VerdictEvidence, VerdictKind } from './types.js';
import type { SenderGroup, Senders } from './senders.js';
import { num, pct, plural } from './wording.js';

export interface Decision {
  kind: VerdictKind;
  summary: string;
  /** offload-broken: the failing placeholders came from a sender that is not the capturing machine (advice.ts). */
  brokenSenderElsewhere?: boolean;
}

/** Failed segments make at least BROKEN_MIN_FAILED_SHARE of those whose fate is known (acked or failed). */
function failsAtBrokenRate(o: SegmentOutcomes): boolean {
  return o.failed > 0 && o.failed >= (o.acked + o.failed) * BROKEN_MIN_FAILED_SHARE;
}

/** Enough failed segments, at a high enough rate, to blame the offload that left their checksums. */
function failsLikeBrokenOffload(o: SegmentOutcomes): boolean {
  return o.failed >= BROKEN_MIN_FAILED && failsAtBrokenRate(o);
}

const tooFewNeeds = `needs ${BROKEN_MIN_FAILED} and ${pct(BROKEN_MIN_FAILED_SHARE)}`;

/**
 * What the failed segments' checksums were, by the counts beside the sentence: placeholders, mismatches or both.
 * @example withChecksums(0, 7) // 'with mismatching checksums'
 */
function withChecksums(placeholderFailed: number, mismatchFailed: number): string {
  if (mismatchFailed === 0) return 'with offloaded checksums';
  if (placeholderFailed === 0) return 'with mismatching checksums';
  return 'with offloaded or mismatching checksums';
}

/**
 * offload-broken for a sender that is not the capturing machine: its placeholders (a local VM's, a forwarded
 * client's, a super-frame sender's) should have been filled in by a NIC further on, and the receivers dropped them.
 */
function brokenElsewhereSummary(o: SegmentOutcomes, s: Senders): string {
  const g = s.failedPlaceholdersElsewhere;
  const who = senderNames(g);
  const one = g.senders.length + (g.untracked > 0 ? 1 : 0) === 1;
  const why: string[] = [];
  if (s.failedPlaceholdersElsewhereFlagged) why.push('the capture file marks its packets inbound: a VM or container on the capturing machine, or a sender whose packets it bridges or routes');
  else if (!s.anyCaptureHost) why.push('no capture host is known, so these are not shown to be its own packets');
  if (s.failedPlaceholdersElsewhereSuperFrames) {
    why.push(`its frames larger than a ${num(STANDARD_MTU)}-byte link carries were sent again, so they are no merge of the capture host's receive offload, GRO/LRO, which merges only segments that arrived`);
  }
  const because = why.length > 0 ? ` (${why.join('; ')})` : '';
  return (
    `${plural(o.failed, 'segment')} with offload placeholders sent by ${who} (${pct(o.failed / Math.max(o.acked + o.failed, 1))} of those whose fate is known) ` +
    `were never acknowledged and had to be sent again; ${num(o.acked)} ${o.acked === 1 ? 'was' : 'were'} acknowledged. ` +
    `${one ? 'That sender is' : 'Those senders are'} not the capturing machine${because}: ${one ? 'its' : 'their'} checksums were left for a NIC on the way to fill in, and it did not. ` +
    `The offload on ${one ? "that sender's" : "those senders'"} path is broken.`
  );
}

function sum(...parts: SegmentOutcomes[]): SegmentOutcomes {
  const o = emptyOutcomes();
  for (const p of parts) addOutcomes(o, p);
  return o;
}

/**
 * The rewritten test: unexplained mismatches make up nearly all verified TCP/UDP checksums in
 * every direction that carried any. Exported for the collector, which keeps the per-direction counts.
 * @example if (looksRewritten(evidence)) console.log('checksums were rewritten after capture');
 */
export function looksRewritten(e: VerdictEvidence): boolean {
  if (e.bad.mismatch < REWRITTEN_MIN_MISMATCHES) return false;
  const shares = [e.mismatchShare.forward, e.mismatchShare.reverse].filter((s): s is number => s !== null);
  return shares.length > 0 && shares.every((s) => s >= REWRITTEN_MISMATCH_SHARE);
}

/**
 * Is the verdict `rewritten` whatever the directions (evidence of editing, or mismatches nearly everywhere)?
 * Decided before the capture hosts are, as neither test depends on them.
 * @example const fallback = !looksEdited(evidence);
 */
export function looksEdited(e: VerdictEvidence): boolean {
  return placeholders(e.bad) + mismatches(e.bad) > 0 && (e.editing.edited || looksRewritten(e));
}

/**
 * The segments sent again that were not counted as failures (segment-fates.ts), as a sentence; '' when none.
 * @example notFailures(evidence) // ' Not counted as failures: 13 segments captured twice (...).'
 */
function notFailures(e: VerdictEvidence): string {
  const t = e.flowTable;
  const parts: string[] = [];
  if (t.duplicates > 0) {
    parts.push(`${plural(t.duplicates, 'segment')} captured twice (the same packet seen on two interfaces, as tcpdump -i any records it across a bridge, VLAN or bond), counted once`);
  }
  if (t.unansweredResends > 0) {
    parts.push(`${plural(t.unansweredResends, 'segment')} sent again to a peer never heard in ${t.unansweredResends === 1 ? 'its' : 'their'} connection (SYN retries to a host that is down or filtered)`);
  }
  if (t.zeroWindowResends > 0) {
    parts.push(`${plural(t.zeroWindowResends, 'zero-window probe')} sent again while the peer's receive window was closed`);
  }
  return parts.length > 0 ? ` Not counted as failures: ${parts.join('; ')}.` : '';
}

/** Senders named in a sentence; the rest are counted ("and 4,093 more"). */
const NAMED_SENDERS = 3;

/**
 * The senders of a group, as a sentence names them: the first NAMED_SENDERS, how many more, and the
 * addresses past the host table's cap.
 * @example senderNames({ total: 9, senders: ['10.0.0.1', '10.0.0.2'], untracked: 0 }) // '10.0.0.1, 10.0.0.2'
 */
function senderNames(g: SenderGroup): string {
  const named = g.senders.slice(0, NAMED_SENDERS).join(', ');
  const more = g.senders.length - NAMED_SENDERS;
  const rest = [more > 0 ? `${num(more)} more` : '', g.untracked > 0 ? `addresses past the first ${num(MAX_HOSTS)}, not tracked one by one` : ''].filter(Boolean);
  if (named === '') return rest.join(' and ');
  return [named, ...rest].join(' and ');
}

/** "on packets sent by ..." and the like: what the placeholders of one group are, and from whom. */
interface PlaceholderPart {
  n: number;
  text: string;
}

/**
 * Where the offload placeholders are, by direction, naming their senders (senders.ts): outbound ones on the
 * capture hosts' packets, inbound super-frames (GRO on the capture host), other inbound ones, unknown.
 */
function placeholderParts(s: Senders): PlaceholderPart[] {
  const packets = (n: number) => (n === 1 ? 'a packet' : 'packets');
  const parts: PlaceholderPart[] = [];
  const out = s.outboundPlaceholders;
  if (out.total > 0) parts.push({ n: out.total, text: `on ${packets(out.total)} sent by ${senderNames(out)}` });
  const gro = s.superFramePlaceholders;
  if (gro.total > 0) {
    parts.push({
      n: gro.total,
      text:
        `on ${gro.total === 1 ? 'a super-frame' : 'super-frames'} received from ${senderNames(gro)} (larger than a ${num(STANDARD_MTU)}-byte link carries: ` +
        `segments merged by the capture host's receive offload, GRO/LRO, which writes the same placeholder)`,
    });
  }
  const inbound = s.inboundPlaceholders;
  if (inbound.total > 0) {
    const local = s.inboundPlaceholdersFlagged
      ? ` (marked inbound by the capture file, yet never filled in by a NIC: a local sender, such as a VM or container on the capturing machine)`
      : '';
    parts.push({ n: inbound.total, text: `on ${packets(inbound.total)} received from ${senderNames(inbound)}${local}` });
  }
  const unknown = s.unknownPlaceholders;
  if (unknown.total > 0) {
    parts.push({ n: unknown.total, text: `on ${packets(unknown.total)} sent by ${senderNames(unknown)}${s.anyCaptureHost ? ' (direction unknown)' : ''}` });
  }
  return parts;
}

/** The first clause of the offload-artifact summary: the placeholders and their senders. */
function placeholderClause(ph: number, s: Senders): string {
  const parts = placeholderParts(s);
  const are = ph === 1 ? 'is an offload placeholder' : 'are offload placeholders';
  if (parts.length === 1) return `${plural(ph, 'bad checksum')} ${are} ${parts[0]!.text}`;
  return `${plural(ph, 'bad checksum')} ${are}: ${parts.map((p) => `${num(p.n)} ${p.text}`).join('; ')}`;
}

/**
 * The verdict rules, in order: clean, rewritten, offload-broken (the capture host's, or another sender's placeholders) / wire-corruption (whichever has
 * more failed segments when both qualify), offload-artifact, else inconclusive with the reason.
 * `senders` names who sent what (senders.ts), with the directions of `e`.
 * @example const decision = decide(evidence, collectSenders(hostTable, captureHostAddresses));
 */
export function decide(e: VerdictEvidence, senders: Senders): Decision {
  const ph = placeholders(e.bad);
  const mm = mismatches(e.bad);
  const total = ph + mm;
  const verified = e.checked.ipv4 + e.checked.tcp + e.checked.udp;

  if (total === 0) {
    const cut = `${plural(e.unverified, 'checksum')} could not be verified (cut by the snaplen or fragmented)`;
    if (verified === 0) {
      // Nothing wrong found, but nothing checked either: say so instead of "all 0 are correct".
      return { kind: 'clean', summary: `No checksum was verified: ${e.unverified > 0 ? cut : `none of the ${plural(e.frames, 'frame')} carries an IPv4, TCP or UDP header`}.` };
    }
    const all = verified === 1 ? 'The one verified checksum is correct' : `All ${num(verified)} verified checksums are correct`;
    return { kind: 'clean', summary: `${all}${e.unverified > 0 ? `; ${cut}` : ''}.` };
  }

  const edit = e.editing;
  if (edit.edited) {
    // Evidence of editing decides whatever the share of wrong checksums: placeholders included.
    const kinds = [ph > 0 ? plural(ph, 'offload-style placeholder') : '', mm > 0 ? plural(mm, 'mismatch', 'mismatches') : ''].filter(Boolean);
    return {
      kind: 'rewritten',
      summary:
        `${plural(total, 'bad checksum')} (${kinds.join(', ')}) in a trace that shows evidence of editing: ${edit.signs.join('; ')}. ` +
        `The trace was edited, anonymised or synthesised after capture; its checksums say nothing about the network.`,
    };
  }
  if (looksRewritten(e)) {
    const l4 = e.checked.tcp + e.checked.udp;
    return {
      kind: 'rewritten',
      summary:
        `${num(e.bad.mismatch)} of ${num(l4)} TCP/UDP checksums are wrong in every direction, with no offload pattern` +
        (e.bad.ipv4Mismatch > 0 ? ` (and ${plural(e.bad.ipv4Mismatch, 'IPv4 header checksum')})` : '') +
        `: the trace was edited or anonymised after capture; this is not a network fault.`,
    };
  }

  const t = e.tcpSegments;
  const out = sum(t.outbound.placeholder, t.outbound.mismatch);
  const inbound = sum(t.inbound.mismatch, t.unknownDirection.mismatch);
  // Placeholders of senders that are not the capturing machine (a local VM, a forwarded client, a super-frame
  // sender): a NIC further on should fill them in; when they fail, it did not.
  const elsewhere = sum(t.inbound.placeholder, t.unknownDirection.placeholder);
  const outJudged = out.acked + out.failed;
  const broken = failsLikeBrokenOffload(out);
  const brokenElsewhere = failsLikeBrokenOffload(elsewhere);
  const corrupt = inbound.failed >= CORRUPTION_MIN_FAILED;
  // When several qualify, the one with the most failed segments decides (the capture host's first on a tie).
  const most = Math.max(broken ? out.failed : 0, brokenElsewhere ? elsewhere.failed : 0, corrupt ? inbound.failed : 0);

  if (broken && out.failed === most) {
    const size =
      out.smallestFailed > out.largestAcked && out.largestAcked > 0
        ? ` Every failed segment carried at least ${num(out.smallestFailed)} bytes, while none larger than ${num(out.largestAcked)} bytes was acknowledged: full-size segments fail, small ones pass.`
        : '';
    return {
      kind: 'offload-broken',
      summary:
        `${plural(out.failed, 'segment')} sent by ${senderNames(senders.failedOutbound)} ${withChecksums(t.outbound.placeholder.failed, t.outbound.mismatch.failed)} ` +
        `(${pct(out.failed / Math.max(outJudged, 1))} of those whose fate is known) were never acknowledged and had to be sent again; ` +
        `${num(out.acked)} ${out.acked === 1 ? 'was' : 'were'} acknowledged. The adapter is sending them with bad checksums.${size}${notFailures(e)}`,
    };
  }
  if (brokenElsewhere && elsewhere.failed === most && (!corrupt || elsewhere.failed > inbound.failed)) {
    return { kind: 'offload-broken', summary: brokenElsewhereSummary(elsewhere, senders) + notFailures(e), brokenSenderElsewhere: true };
  }
  if (corrupt) {
    // Named by their senders: the capture hosts need not be the receivers (a bridge or router capture).
    const who = senders.failedMismatches.total > 0 ? `sent by ${senderNames(senders.failedMismatches)}` : 'in this capture';
    const were = inbound.failed === 1 ? 'was' : 'were';
    return {
      kind: 'wire-corruption',
      summary:
        `${plural(inbound.failed, 'segment')} ${who} arrived with a mismatching checksum (not an offload placeholder), ` +
        `${were} not acknowledged and ${were} sent again: packets are being corrupted on the way.` +
        (inbound.acked > 0 ? ` ${plural(inbound.acked, 'other mismatching segment')} ${inbound.acked === 1 ? 'was' : 'were'} acknowledged.` : '') +
        notFailures(e),
    };
  }

  // Failures at a rate that would be broken offload, but too few to say so: neither harmless nor broken.
  const tooFew = !broken && failsAtBrokenRate(out);
  const tooFewElsewhere = !brokenElsewhere && failsAtBrokenRate(elsewhere);
  const acceptedMismatches = t.outbound.mismatch.acked + t.inbound.mismatch.acked + t.unknownDirection.mismatch.acked;
  // An acknowledged segment's wrong IPv4 header checksum was accepted with it (below the editing threshold).
  const unexplained = Math.max(0, mm - acceptedMismatches - edit.ipv4MismatchAcked);
  const confirmed = sum(t.outbound.placeholder, t.inbound.placeholder, t.unknownDirection.placeholder).acked + acceptedMismatches;
  const ipv4Accepted = edit.ipv4MismatchAcked;
  if (!tooFew && !tooFewElsewhere && ph + acceptedMismatches + ipv4Accepted > 0 && unexplained <= total * ARTIFACT_MAX_UNEXPLAINED_SHARE) {
    const parts: string[] = [];
    if (ph > 0) parts.push(placeholderClause(ph, senders));
    if (acceptedMismatches > 0) parts.push(`${plural(acceptedMismatches, 'segment')} with an unexplained checksum ${acceptedMismatches === 1 ? 'was' : 'were'} acknowledged by the peer anyway`);
    if (ipv4Accepted > 0) parts.push(`${plural(ipv4Accepted, 'segment')} with a wrong IPv4 header checksum ${ipv4Accepted === 1 ? 'was' : 'were'} acknowledged by the peer anyway`);
    const ack = confirmed > 0 ? ` The peers acknowledged ${plural(confirmed, 'such segment')}, so the wire carried correct checksums.` : '';
    const lost = out.failed + elsewhere.failed;
    const loss = lost > 0 ? ` ${plural(lost, 'segment')} went unacknowledged and re-sent: ordinary loss at this rate.` : '';
    const odd = unexplained > 0 ? ` ${plural(unexplained, 'other mismatch', 'other mismatches')} cannot be judged.` : '';
    const harmless = ph + acceptedMismatches + ipv4Accepted === 1 ? 'a harmless capture artifact' : 'harmless capture artifacts';
    return { kind: 'offload-artifact', summary: `${parts.join('; ')}: ${harmless}.${ack}${loss}${odd}${notFailures(e)}` };
  }

  let reason: string;
  if (tooFew) {
    reason = `${plural(out.failed, 'outbound segment')} ${withChecksums(t.outbound.placeholder.failed, t.outbound.mismatch.failed)} ${out.failed === 1 ? 'was' : 'were'} not acknowledged and re-sent (${num(out.acked)} acknowledged): too few to blame the adapter (${tooFewNeeds})`;
  } else if (unexplained > 0) {
    const m = sum(t.outbound.mismatch, t.inbound.mismatch, t.unknownDirection.mismatch);
    const wrong = `${plural(unexplained, 'checksum')} ${unexplained === 1 ? 'is' : 'are'} wrong without being an offload placeholder`;
    // The sentence must agree with the fate counts printed beside it.
    if (m.acked + m.failed === 0) {
      reason = `${wrong}, and no acknowledgement or retransmission shows whether the receiver accepted ${unexplained === 1 ? 'it' : 'them'}`;
    } else {
      reason =
        `${wrong} and not shown to be harmless: of the TCP segments with a mismatching checksum, ${num(m.acked)} ${m.acked === 1 ? 'was' : 'were'} acknowledged, ` +
        `${num(m.failed)} re-sent and ${num(m.unacked + m.unknown)} left without a sign, too few acknowledged to call the rest harmless ` +
        `(needs all but ${pct(ARTIFACT_MAX_UNEXPLAINED_SHARE)} explained)`;
    }
  } else if (tooFewElsewhere) {
    const g = senders.failedPlaceholdersElsewhere;
    reason =
      `${plural(elsewhere.failed, 'segment')} with offload placeholders sent by ${senderNames(g)}, which ${g.senders.length + (g.untracked > 0 ? 1 : 0) === 1 ? 'is' : 'are'} not the capturing machine, ` +
      `${elsewhere.failed === 1 ? 'was' : 'were'} not acknowledged and re-sent (${num(elsewhere.acked)} acknowledged): placeholders that nothing on the path filled in, or ordinary loss; too few to tell (${tooFewNeeds})`;
  } else {
    reason = 'the bad checksums fit no pattern';
  }
  return { kind: 'inconclusive', summary: `Inconclusive: ${reason}.${notFailures(e)}` };
}
