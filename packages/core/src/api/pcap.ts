/** The `analyze pcap` job: checksums of a capture and the offload verdict (docs/json-pcap.md). */
import { UsageError, type Warning } from '../errors.js';
import { analyzeCapture as readCapture } from '../pcap/analyze.js';
import type { BadChecksum, CaptureReport, ChecksumCounts, UdpCounts } from '../pcap/report.js';
import { VerdictCollector } from '../pcap/verdict/collector.js';
import type { BadClass } from '../pcap/verdict/classify.js';
import type { Verdict } from '../pcap/verdict/types.js';
import { checkFunction, checkInput, checkOptions, checkWholeNumber } from './check.js';
import { byteChunks, inputName, warningsJson, type Input, type JobOptions } from './input.js';
import { errorJson, stamped, type ErrorJson } from './report.js';

/** Options of `analyzeCapture`. */
export interface CaptureJobOptions extends JobOptions {
  /** Keep at most this many entries in `bad` (default 1000; the counts are always complete). */
  limit?: number;
  /** The offload verdict (default true); false gives the checksum counts only. */
  verdict?: boolean;
  /** Called after each buffer refill (`totalBytes` 0 for a stream). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** A bad checksum, with the verdict's class (and for TCP the segment's fate) when the verdict ran. */
export interface BadChecksumJson extends BadChecksum {
  class?: BadClass;
  acked?: boolean | null;
  retransmitted?: boolean;
}

/** The report of `analyzeCapture` (`analyze pcap --json`), field by field in docs/json-pcap.md. */
export interface CaptureJson {
  schemaVersion: string;
  file: string;
  format: 'pcap' | 'pcapng' | null;
  gzip: boolean;
  linkTypes: number[];
  frames: number;
  bytes: number;
  checksums: { ipv4: ChecksumCounts; tcp: ChecksumCounts; udp: UdpCounts };
  bad: BadChecksumJson[];
  badTruncated: boolean;
  warnings: Warning[];
  /** The capture could be read only up to this damage (or not at all): the fields above are what came before. */
  error?: ErrorJson;
  verdict?: Pick<Verdict, 'kind' | 'captureHosts' | 'evidence' | 'summary' | 'advice' | 'os' | 'hosts' | 'flows'>;
}

/**
 * Verify every IPv4/TCP/UDP checksum of a pcap or pcapng capture (gzip too) and judge the bad ones:
 * offload artifact, broken offload, wire corruption, rewritten trace. A stream (standard input) is read
 * chunk by chunk, never held whole. Damage does not throw: `error` says where reading stopped and the
 * rest of the report is what came before it (no verdict when nothing was read).
 * @example
 *   const r = await analyzeCapture('fixtures/pcap/checksums-example.pcapng');
 *   r.checksums.tcp.bad; // 7
 *   r.verdict?.kind;     // 'inconclusive'
 */
export async function analyzeCapture(input: Input, opts: CaptureJobOptions = {}): Promise<CaptureJson> {
  checkCaptureArgs(input, opts);
  const file = inputName(input, opts.name);
  const collector = opts.verdict === false ? undefined : new VerdictCollector(opts.limit === undefined ? {} : { annotateLimit: opts.limit });
  // What the caller got wrong (its callback threw, its stream gives strings) is thrown back to it once the
  // reader returns: the reader turns any exception into its report's error, which would blame the capture.
  const caller: CallerFailure = {};
  const source = input instanceof Uint8Array ? bytesOnce(input) : typeof input === 'string' ? input : watched(byteChunks(input, file), caller);
  const report = await readCapture(source, {
    name: file,
    strict: opts.strict ?? false,
    ...(opts.limit === undefined ? {} : { limit: opts.limit }),
    ...(collector === undefined ? {} : { sink: collector }),
    ...(opts.onProgress === undefined ? {} : { onProgress: watchedCallback(opts.onProgress, caller) }),
  });
  if (caller.failure) throw caller.failure.error;
  // Nothing read (not a capture, unreadable): no verdict, only the error.
  const verdict = report.error && report.frames === 0 ? undefined : collector?.finish();
  const doc = captureJson(report, file);
  return stamped(collector && verdict ? withVerdict(doc, report, collector, verdict) : doc);
}

/** Wrong arguments from JavaScript are usage errors naming the argument (a NaN limit listed nothing). */
function checkCaptureArgs(input: unknown, opts: unknown): void {
  checkInput(input, 'analyzeCapture');
  checkOptions(opts, 'analyzeCapture');
  const o = (opts ?? {}) as Record<string, unknown>;
  checkWholeNumber(o.limit, 'analyzeCapture: limit', 0);
  checkFunction(o.onProgress, 'analyzeCapture: onProgress');
}

/** The first exception that came from the caller's side (its callback, its stream's chunks). */
interface CallerFailure {
  failure?: { error: unknown };
}

/** The caller's callback, remembering what it threw. */
function watchedCallback<A extends unknown[]>(fn: (...args: A) => void, caller: CallerFailure): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch (error) {
      caller.failure ??= { error };
      throw error;
    }
  };
}

/** The caller's stream, remembering a refusal of its chunks (byteChunks: strings are not bytes). */
async function* watched(chunks: AsyncIterable<Uint8Array>, caller: CallerFailure): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } catch (error) {
    if (error instanceof UsageError) caller.failure ??= { error };
    throw error;
  }
}

/** Bytes in memory as a one-chunk stream: the capture reader takes a path or a stream. */
async function* bytesOnce(data: Uint8Array): AsyncIterable<Uint8Array> {
  yield data;
}

function captureJson(r: CaptureReport, file: string): Omit<CaptureJson, 'schemaVersion'> {
  return {
    file,
    format: r.format ?? null,
    gzip: r.gzip,
    linkTypes: r.linkTypes,
    frames: r.frames,
    bytes: r.bytes,
    checksums: r.checksums,
    bad: r.bad,
    badTruncated: r.badTruncated,
    // The file is the report's own, so it is not repeated in each warning.
    warnings: warningsJson(r.warnings, undefined),
    ...(r.error === undefined ? {} : { error: errorJson(r.error) }),
  };
}

/** `verdict` added and each `bad` entry annotated with its class and TCP fate. */
function withVerdict(doc: Omit<CaptureJson, 'schemaVersion'>, report: CaptureReport, c: VerdictCollector, v: Verdict): Omit<CaptureJson, 'schemaVersion'> {
  const bad = report.bad.map((b): BadChecksumJson => {
    const a = c.annotation(b.frame, b.protocol);
    if (a === undefined) return b;
    return b.protocol === 'tcp' ? { ...b, class: a.class, acked: a.acked ?? null, retransmitted: a.retransmitted ?? false } : { ...b, class: a.class };
  });
  return {
    ...doc,
    bad,
    verdict: { kind: v.kind, captureHosts: v.captureHosts, evidence: v.evidence, summary: v.summary, advice: v.advice, os: v.os, hosts: v.hosts, flows: v.flows },
  };
}
