import type { CaptureReport } from '@analyze/core/pcap';

/** The --json document for one capture (docs/json-pcap.md). */
export function pcapJson(r: CaptureReport): object {
  return {
    file: r.file,
    format: r.format ?? null,
    gzip: r.gzip,
    linkTypes: r.linkTypes,
    frames: r.frames,
    bytes: r.bytes,
    checksums: r.checksums,
    bad: r.bad,
    badTruncated: r.badTruncated,
    warnings: r.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.offset === undefined ? {} : { offset: w.offset }) })),
    ...(r.error === undefined
      ? {}
      : { error: { code: r.error.code, message: r.error.message, ...(r.error.offset === undefined ? {} : { offset: r.error.offset }) } }),
  };
}
