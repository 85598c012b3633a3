/** The per-flow breakdown of the offload verdict: the flows with the most unacknowledged, then bad, segments. */
import { formatIp } from '../decode/addr.js';
import type { Flow } from './flow-table.js';
import { TOP_FLOWS } from './thresholds.js';

/** One line of the per-flow breakdown. */
export interface FlowBreakdown {
  /** `sender:port > receiver:port` of the flow's first bad-checksum segment. */
  flow: string;
  badSegments: number;
  acked: number;
  failed: number;
  unacked: number;
  unknown: number;
}

/** Address words (TcpSegmentFacts.addressWords) back to bytes. */
function wordBytes(w0: number, w1: number, w2: number, w3: number): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, w0);
  dv.setInt32(4, w1);
  dv.setInt32(8, w2);
  dv.setInt32(12, w3);
  return b;
}

function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** `sender:port > receiver:port` of the flow's first bad segment, addresses as the reader prints them. */
function flowLabel(f: Flow): string {
  const v = f.v === 6 ? 6 : 4;
  const low = endpoint(formatIp(wordBytes(f.a0, f.a1, f.a2, f.a3), 0, v), f.lowPort);
  const high = endpoint(formatIp(wordBytes(f.b0, f.b1, f.b2, f.b3), 0, v), f.highPort);
  return f.labelSide === 0 ? `${low} > ${high}` : `${high} > ${low}`;
}

const score = (e: { failed: number; unacked: number; badSegments: number }) => (e.failed + e.unacked) * 1e9 + e.badSegments;

/** The TOP_FLOWS finished flows that matter most, kept sorted as flows finish. */
export class TopFlows {
  private readonly top: FlowBreakdown[] = [];

  /** A flow finished (all its segments have their fate): keep it if it ranks among the top. */
  rank(flow: Flow): void {
    if (flow.bad === 0) return;
    const f = flow.fates;
    const s = score({ failed: f.failed, unacked: f.unacked, badSegments: flow.bad });
    if (this.top.length >= TOP_FLOWS && s <= score(this.top[this.top.length - 1]!)) return;
    // The name is built only for the few flows that make the list.
    const entry: FlowBreakdown = { flow: flowLabel(flow), badSegments: flow.bad, acked: f.acked, failed: f.failed, unacked: f.unacked, unknown: f.unknown };
    let i = this.top.length;
    while (i > 0 && score(this.top[i - 1]!) < s) i--;
    this.top.splice(i, 0, entry);
    if (this.top.length > TOP_FLOWS) this.top.pop();
  }

  list(): FlowBreakdown[] {
    return this.top.slice();
  }
}
