/**
 * Counts per corpus file against the MANIFEST's tshark 4.0 ground truth: frames, and frames with a
 * bad / unverified IPv4, TCP and UDP checksum. Files tshark rejects must be rejected with an error.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { analyzeCapture } from '../../src/pcap/index.js';
import { corpusPath } from '../helpers/corpus.js';
import { DEVIATIONS } from './tshark.js';

interface Truth {
  frames: number;
  ip_bad: number;
  ip_unverified: number;
  tcp_bad: number;
  tcp_unverified: number;
  udp_bad: number;
  udp_unverified: number;
  udp_illegal: number;
  tshark_rc: number;
  tshark_stderr?: string;
}
const files: { file: string; tshark_ground_truth: Truth }[] = (JSON.parse(readFileSync(corpusPath('pcap', 'MANIFEST.json'), 'utf8')) as { files: { file: string; tshark_ground_truth: Truth }[] }).files;

describe('corpus counts equal the MANIFEST (tshark 4.0)', () => {
  it('has the whole corpus', () => expect(files.length).toBe(31));

  for (const { file, tshark_ground_truth: t } of files.filter((f) => f.tshark_ground_truth.tshark_rc === 0)) {
    it(file, async () => {
      const r = await analyzeCapture(corpusPath('pcap', file));
      expect(r.error).toBeUndefined();
      // A documented deviation adds our extra bad verdicts on top of tshark's.
      const extra = { ipv4: 0, tcp: 0, udp: 0 };
      for (const d of Object.values(DEVIATIONS[file] ?? {})) extra[d.protocol] += d.ours.filter((s) => s === 'bad').length;
      const c = r.checksums;
      expect({ frames: r.frames, ipBad: c.ipv4.bad, ipUnverified: c.ipv4.unverified, tcpBad: c.tcp.bad - extra.tcp, tcpUnverified: c.tcp.unverified, udpBad: c.udp.bad - c.udp.illegal, udpUnverified: c.udp.unverified, udpIllegal: c.udp.illegal }).toEqual({
        frames: t.frames,
        ipBad: t.ip_bad,
        ipUnverified: t.ip_unverified,
        tcpBad: t.tcp_bad,
        tcpUnverified: t.tcp_unverified,
        udpBad: t.udp_bad,
        udpUnverified: t.udp_unverified,
        udpIllegal: t.udp_illegal,
      });
      expect(r.bad.length).toBe(Math.min(1000, r.bad.length));
    });
  }

  for (const { file, tshark_ground_truth: t } of files.filter((f) => f.tshark_ground_truth.tshark_rc !== 0)) {
    it(`${file} is rejected, as tshark rejects it`, async () => {
      const r = await analyzeCapture(corpusPath('pcap', file));
      expect(r.error).toBeDefined();
      expect(r.error!.code).toMatch(/^PCAP_/);
      expect(r.error!.offset).toEqual(expect.any(Number));
      expect(r.frames).toBe(0);
      expect(t.tshark_stderr).toBeTruthy();
    });
  }
});
