/**
 * The offload verdict (`@analyze/core/pcap/verdict`): are a capture's bad checksums harmless
 * checksum-offload artifacts, broken offload, wire corruption or an edited trace?
 * Feed it the frames of checksum validation (`onFrame`: the reader's FrameFacts; `add`: FrameRecords) and call `finish()`.
 */
export { VerdictCollector, type VerdictOptions } from './collector.js';
export { classifyBad, isPlaceholder, type BadClass } from './classify.js';
export { decide, looksRewritten, type Decision } from './decide.js';
export { adviceFor, type AdviceContext } from './advice.js';
export { guessOs } from './os.js';
export { EditingSigns, type EditingEvidence } from './editing.js';
export { TcpFlowFollower, type FlowBreakdown, type FlowTableStats, type SegmentNote } from './flows.js';
export { findCaptureHosts, HostTable, type BadCounts, type CaptureHost, type CaptureHostReason } from './hosts.js';
export { collectSenders, type SenderGroup, type Senders } from './senders.js';
export type { SegmentOutcomes, OutcomesByValue } from './outcomes.js';
export type { BadAnnotation, HostBreakdown, OsGuess, OsHint, Verdict, VerdictEvidence, VerdictKind } from './types.js';
export * as thresholds from './thresholds.js';
