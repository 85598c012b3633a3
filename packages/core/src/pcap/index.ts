/** `@analyze/core/pcap`: read pcap/pcapng captures and verify every IPv4/TCP/UDP checksum. */
export { analyzeCapture, DEFAULT_BAD_LIMIT, type AnalyzeOptions } from './analyze.js';
export type { CaptureReport, ChecksumCounts, UdpCounts, BadChecksum } from './report.js';
export { linkTypeName } from './report.js';
export type {
  FrameFacts,
  FrameRecord,
  LayerCheck,
  LayerFacts,
  TcpSegmentFacts,
  ChecksumProtocol,
  ChecksumStatus,
  Direction,
  TcpFacts,
  UdpFacts,
  FrameSink,
  SkippedFrames,
} from './frame/frame.js';
export { FlowFilter } from './frame/flow-filter.js';
