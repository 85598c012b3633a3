import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/main.js';
import { pcapSpec } from '../../src/commands/pcap/spec.js';
import { renderVerdict } from '../../src/commands/pcap/render-verdict.js';
import { makeColors } from '../../src/render/color.js';
import { captureIo } from '../helpers/io.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const run = async (...argv: string[]) => {
  const io = captureIo({ cwd: ROOT });
  const code = await main(['pcap', ...argv], io, [pcapSpec]);
  return { code, out: io.stdout, err: io.stderr };
};
const S = (name: string) => `fixtures/pcap/scenarios/${name}`;

describe('analyze pcap: the offload verdict', () => {
  it('offload-artifact: verdict block with capture host and advice, exit 0', async () => {
    const r = await run(S('offload-artifact.pcap'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}verdict: offload-artifact$/m);
    expect(r.out).toContain('capture host: 192.168.1.20 (02:42:c0:a8:01:14) [placeholders]');
    expect(r.out).toMatch(/TCP segments, outbound, placeholder: acked \d+, failed 0/);
    expect(r.out).toMatch(/advice:\n {4}- Nothing to fix/);
    expect(r.err).toBe('');
  });

  it('offload-broken (Realtek): exit 1, Windows adapter advice, failing flows listed', async () => {
    const r = await run(S('offload-broken.pcap'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/verdict: offload-broken/);
    expect(r.out).toMatch(/full-size segments fail, small ones pass/);
    expect(r.out).toMatch(/flows with unacknowledged bad segments:\n {6}192\.168\.1\.37:4970\d > /);
    expect(r.out).toContain('Disable-NetAdapterChecksumOffload');
    expect(r.out).toContain('TCP Checksum Offload (IPv4)');
  });

  it('--json: verdict object and class/acked/retransmitted on each bad entry', async () => {
    const r = await run(S('offload-broken.pcap'), '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc.verdict)).toEqual(expect.arrayContaining(['kind', 'captureHosts', 'evidence', 'summary', 'advice']));
    expect(doc.verdict.kind).toBe('offload-broken');
    expect(doc.verdict.captureHosts[0]).toMatchObject({ address: '192.168.1.37', macs: ['00:e0:4c:68:12:37'], reason: 'placeholders' });
    expect(doc.verdict.evidence.tcpSegments.outbound.placeholder.failed).toBe(12);
    const tcp = doc.bad.filter((b: { protocol: string }) => b.protocol === 'tcp');
    const ip = doc.bad.filter((b: { protocol: string }) => b.protocol === 'ipv4');
    expect(tcp.length).toBeGreaterThan(0);
    for (const b of tcp) {
      expect(b.class).toBe('partial');
      expect([true, false, null]).toContain(b.acked);
      expect(typeof b.retransmitted).toBe('boolean');
    }
    expect(tcp.filter((b: { acked: unknown; retransmitted: boolean }) => b.acked === false && b.retransmitted)).toHaveLength(12);
    for (const b of ip) {
      expect(b.class).toBe('zero');
      expect(b).not.toHaveProperty('acked');
    }
  });

  it('wire-corruption: exit 1; rewritten, clean and inconclusive: exit 0', async () => {
    const wire = await run(S('wire-corruption.pcapng'));
    expect(wire.code).toBe(1);
    expect(wire.out).toMatch(/verdict: wire-corruption/);
    expect(wire.out).toMatch(/cable/);
    const rewritten = await run(S('rewritten.pcap'));
    expect(rewritten.code).toBe(0);
    expect(rewritten.out).toMatch(/verdict: rewritten/);
    const clean = await run(S('clean.pcap'));
    expect(clean.code).toBe(0);
    expect(clean.out).toMatch(/verdict: clean/);
    const unsure = await run(S('inconclusive.pcap'));
    expect(unsure.code).toBe(0);
    expect(unsure.out).toMatch(/verdict: inconclusive\n {4}Inconclusive: 3 checksums/);
  });

  it('several files: exit code the worst verdict', async () => {
    const r = await run(S('offload-artifact.pcap'), S('wire-corruption.pcapng'), '--json');
    expect(r.code).toBe(1);
    const docs = JSON.parse(r.out);
    expect(docs.map((d: { verdict: { kind: string } }) => d.verdict.kind)).toEqual(['offload-artifact', 'wire-corruption']);
  });

  it('--no-verdict: counts only, and any bad checksum exits 1', async () => {
    const r = await run(S('offload-artifact.pcap'), '--no-verdict');
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('verdict:');
    const j = JSON.parse((await run(S('offload-artifact.pcap'), '--no-verdict', '--json')).out);
    expect(j).not.toHaveProperty('verdict');
    expect(j.bad[0]).not.toHaveProperty('class');
  });

  it('rewritten: no capture host in the text or the JSON, so the bad checksums have no direction (they said "outbound" beside no capture host)', async () => {
    const r = await run(S('rewritten.pcap'));
    expect(r.out).toMatch(/verdict: rewritten/);
    expect(r.out).not.toMatch(/capture host/);
    expect(r.out).toMatch(/bad checksums: outbound none; inbound none; direction unknown mismatch 18, IPv4 mismatch 8/);
    const doc = JSON.parse((await run(S('rewritten.pcap'), '--json')).out);
    expect(doc.verdict.captureHosts).toEqual([]);
    expect(doc.verdict.hosts.map((h: { captureHost: boolean }) => h.captureHost)).toEqual([false, false]);
  });

  it('the capture-host line names the first 10 and counts the rest, like the other breakdowns', async () => {
    const doc = JSON.parse((await run(S('offload-artifact.pcap'), '--json')).out);
    const one = doc.verdict.captureHosts[0];
    const many = { ...doc.verdict, captureHosts: Array.from({ length: 4096 }, (_, i) => ({ ...one, address: `10.0.${i >> 8}.${i & 255}` })) };
    const text = renderVerdict(many, makeColors(false));
    const line = text.split('\n').find((l) => l.includes('capture hosts:'))!;
    expect(line).toMatch(/^ {4}capture hosts: 10\.0\.0\.0 \(02:42:c0:a8:01:14\) \[placeholders\]; /);
    expect(line.match(/\[placeholders\]/g)).toHaveLength(10);
    expect(line).toMatch(/10\.0\.0\.9 \(02:42:c0:a8:01:14\) \[placeholders\] and 4,086 more$/);
    expect(line.length).toBeLessThan(600);
    expect(renderVerdict(doc.verdict, makeColors(false))).toContain('capture host: 192.168.1.20 (02:42:c0:a8:01:14) [placeholders]\n');
  });

  it('re-send look-alikes (issue: offload-broken on normal captures): captured twice, unanswered SYNs, zero-window probes: exit 0', async () => {
    for (const [name, why] of [
      ['offload-artifact-any-bridge.pcap', /13 segments captured twice/],
      ['offload-syn-unanswered.pcap', /4 segments sent again to a peer never heard in their connection/],
      ['offload-zero-window-probes.pcap', /5 zero-window probes sent again while the peer's receive window was closed/],
    ] as const) {
      const r = await run(S(name));
      expect([name, r.code]).toEqual([name, 0]);
      expect(r.out).toMatch(/verdict: offload-artifact/);
      expect(r.out.replace(/\n {4}/g, ' ')).toMatch(why);
      expect(r.out).toMatch(/- Nothing to fix/);
      expect(r.out).not.toMatch(/fails on the wire/);
    }
  });
});
