import { spawnSync } from 'node:child_process';
import { analyzeCapture } from '../../src/pcap/index.js';
import type { ChecksumProtocol, ChecksumStatus } from '../../src/pcap/index.js';

export const PROTOCOLS: ChecksumProtocol[] = ['ipv4', 'tcp', 'udp'];

/** tshark's checksum.status values (epan/proto.h proto_checksum_vals): 4 "Illegal" is UDP zero over IPv6, bad for us. */
const TSHARK_STATUS: Record<string, ChecksumStatus> = { '0': 'bad', '1': 'good', '2': 'unverified', '3': 'absent', '4': 'bad' };

/** Per frame, per protocol: every checksum status in order of appearance (outer first, quoted headers included). */
export type FrameStatuses = Record<ChecksumProtocol, ChecksumStatus[]>;

export interface TsharkResult {
  rc: number;
  stderr: string;
  frames: FrameStatuses[];
}

/** The MANIFEST's ground-truth command, reduced to the fields compared here. */
export function tsharkStatuses(file: string): TsharkResult {
  const r = spawnSync(
    'tshark',
    ['-r', file, '-n', '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-e', 'frame.number', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'udp.checksum.status'],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
  );
  const lines = r.stdout.replace(/\n$/, '');
  const frames = lines === '' ? [] : lines.split('\n').map((line) => {
    const [, ...cols] = line.split('\t');
    const at = (i: number) => (cols[i] ? cols[i]!.split(',').map((v) => TSHARK_STATUS[v] ?? 'bad') : []);
    return { ipv4: at(0), tcp: at(1), udp: at(2) };
  });
  return { rc: r.status ?? -1, stderr: r.stderr, frames };
}

/** Our statuses in the same shape, from the FrameRecords. */
export async function ourStatuses(file: string): Promise<{ frames: FrameStatuses[]; error: string | undefined }> {
  const frames: FrameStatuses[] = [];
  const report = await analyzeCapture(file, {
    onFrame: (f) => {
      const checks = f.record().checks;
      frames.push({ ipv4: statuses(checks, 'ipv4'), tcp: statuses(checks, 'tcp'), udp: statuses(checks, 'udp') });
    },
  });
  return { frames, error: report.error?.message };
}

function statuses(checks: { protocol: ChecksumProtocol; status: ChecksumStatus }[], p: ChecksumProtocol): ChecksumStatus[] {
  return checks.filter((c) => c.protocol === p).map((c) => c.status);
}

/** Frame numbers (1-based) whose statuses for `p` include `status`. */
export function framesWith(frames: FrameStatuses[], p: ChecksumProtocol, status: ChecksumStatus): number[] {
  const out: number[] = [];
  frames.forEach((f, i) => {
    if (f[p].includes(status)) out.push(i + 1);
  });
  return out;
}

/** Where we knowingly differ from tshark 4.0 (docs/pcap.md "Where tshark 4.0 is wrong"): file -> frame -> protocol. */
export const DEVIATIONS: Record<string, Record<number, { protocol: 'tcp'; tshark: string[]; ours: string[] }>> = {
  // IPv6 payload length 0 without a Jumbo option (BIG TCP): tshark 4.0 gives no TCP status; the
  // segment is there in full and its field holds the pseudo-header sum of the 80000-byte length.
  'tcpdump__bigtcp-ipv6.pcap': { 1: { protocol: 'tcp', tshark: [], ours: ['bad'] } },
};

