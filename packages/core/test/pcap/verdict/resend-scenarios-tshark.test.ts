/**
 * The scenario captures of what only looks like a re-send (fixtures/gen/pcap/scenarios.mjs), checked against
 * tshark's own TCP analysis (tcp.analysis.*): tshark shows that each capture holds what its generator says,
 * and where the verdict does not count a failure, what tshark calls it.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { analyzeCapture } from '../../../src/pcap/index.js';
import { VerdictCollector } from '../../../src/pcap/verdict/index.js';
import { fixturePath, requireToolInCi } from '../../helpers/corpus.js';

interface TsharkTcp {
  frame: number;
  time: number;
  src: string;
  ipId: number;
  seq: number;
  len: number;
  flags: number;
  window: number;
  retransmission: boolean;
  zeroWindow: boolean;
  zeroWindowProbe: boolean;
}

function tsharkTcp(file: string): TsharkTcp[] {
  const fields = ['frame.number', 'frame.time_relative', 'ip.src', 'ip.id', 'tcp.seq_raw', 'tcp.len', 'tcp.flags', 'tcp.window_size_value', 'tcp.analysis.retransmission', 'tcp.analysis.zero_window', 'tcp.analysis.zero_window_probe'];
  const r = spawnSync('tshark', ['-r', file, '-n', '-Y', 'tcp', '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout
    .replace(/\n$/, '') // not trim(): the last line ends in empty fields
    .split('\n')
    .map((line) => {
      const c = line.split('\t');
      return {
        frame: Number(c[0]),
        time: Number(c[1]),
        src: c[2]!,
        ipId: Number(c[3]),
        seq: Number(c[4]),
        len: Number(c[5]),
        flags: Number(c[6]),
        window: Number(c[7]),
        retransmission: c[8] === '1',
        zeroWindow: c[9] === '1',
        zeroWindowProbe: c[10] === '1',
      };
    });
}

async function judge(name: string) {
  const file = fixturePath('pcap', 'scenarios', name);
  const c = new VerdictCollector();
  const report = await analyzeCapture(file, { onFrame: c.onFrame });
  return { file, v: c.finish(), c, report };
}

describe('re-send look-alikes against tshark', () => {
  const haveTshark = requireToolInCi('tshark');

  it('offload-artifact-any-bridge.pcap: tshark 4.0 calls the second copies retransmissions; they are the same packets, and nothing failed', async () => {
    const { file, v, c, report } = await judge('offload-artifact-any-bridge.pcap');
    expect(v.kind).toBe('offload-artifact');
    expect(report.bad.filter((b) => b.protocol === 'tcp').every((b) => c.annotation(b.frame, 'tcp')?.retransmitted === false)).toBe(true);
    if (!haveTshark) return;
    const t = tsharkTcp(file);
    expect(t).toHaveLength(report.frames - 4); // all but the two DNS datagrams, twice
    for (let i = 1; i < t.length; i += 2) {
      const [a, b] = [t[i - 1]!, t[i]!];
      // the same packet: ID, sequence, length, flags; microseconds apart
      expect([b.frame, b.src, b.ipId, b.seq, b.len, b.flags]).toEqual([a.frame + 1, a.src, a.ipId, a.seq, a.len, a.flags]);
      expect(b.time - a.time).toBeLessThan(1e-5);
      // what tshark 4.0 makes of it (a deliberate difference: docs/pcap-verdict.md)
      if (b.len > 0 || b.flags & 0x03) expect([b.frame, b.retransmission]).toEqual([b.frame, true]);
    }
  });

  it('offload-syn-unanswered.pcap: tshark sees the SYN retransmissions and not one frame from the host that is down', async () => {
    const { file, v, c } = await judge('offload-syn-unanswered.pcap');
    expect(v.kind).toBe('offload-artifact');
    if (!haveTshark) return;
    const t = tsharkTcp(file);
    expect(t.filter((x) => x.src === '198.51.100.9')).toEqual([]);
    const toDown = t.filter((x) => x.flags === 0x02 && x.frame > 10);
    expect(toDown).toHaveLength(6);
    expect(toDown.filter((x) => x.retransmission).map((x) => x.frame)).toEqual(toDown.filter((_, i) => i % 3 !== 0).map((x) => x.frame));
    // tshark's retransmissions, every one of them to the silent host: none counted as failed
    for (const x of t.filter((y) => y.retransmission)) expect(c.annotation(x.frame, 'tcp')).toEqual({ class: 'partial', acked: null, retransmitted: false });
  });

  it('offload-zero-window-probes.pcap: the frames tshark calls zero-window probes are the ones not counted as failed', async () => {
    const { file, v, c, report } = await judge('offload-zero-window-probes.pcap');
    expect(v.kind).toBe('offload-artifact');
    const tcpBad = report.bad.filter((b) => b.protocol === 'tcp');
    const notAcked = tcpBad.filter((b) => c.annotation(b.frame, 'tcp')?.acked !== true && b.tcpPayload! > 0).map((b) => b.frame);
    expect(notAcked).toHaveLength(5);
    if (!haveTshark) return;
    const t = tsharkTcp(file);
    expect(t.filter((x) => x.zeroWindowProbe).map((x) => x.frame)).toEqual(notAcked);
    expect(t.filter((x) => x.retransmission)).toEqual([]); // tshark: nothing was re-sent because lost
    expect(t.filter((x) => x.zeroWindow).length).toBe(6); // the server's ACKs with window 0
  });
});
