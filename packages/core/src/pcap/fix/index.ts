/** `@analyze/core/pcap/fix`: write a copy of a capture with its wrong checksums recomputed. */
export { fixChecksums, DEFAULT_LEFT_LIMIT, type FixChecksumsOptions, type FixChecksumsReport, type LeftReason } from './fix-checksums.js';
export { openOutput, wantsGzip, type CaptureOutput } from './output.js';
