/**
 * Tunnels nested past MAX_DEPTH (IP-in-IP, IPv6-in-IPv6) are not followed past it, on every nesting path:
 * a 40 KB frame of 2,000 nested IPv4 headers overflowed the stack and ended the analysis (and
 * --fix-checksums) at that frame. The frames after it are read, counted and fixed as if the frame were a
 * shallow tunnel. Captures are built in-test by fixtures/gen/pcap/hostile-nesting.mjs.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCapture, type FrameRecord } from '../../src/pcap/index.js';
import { fixChecksums } from '../../src/pcap/fix/index.js';
import { MAX_DEPTH } from '../../src/pcap/checksum/check.js';
import { fixturePath } from '../helpers/corpus.js';

interface Nesting {
  nestedCapture: (version: 4 | 6, depth: number, after?: number) => Buffer;
}
const gen = (await import(fixturePath('gen', 'pcap', 'hostile-nesting.mjs'))) as Nesting;

const dir = mkdtempSync(join(tmpdir(), 'pcap-nesting-'));
let n = 0;
function temp(data: Uint8Array): string {
  const p = join(dir, `f${n++}.pcap`);
  writeFileSync(p, data);
  return p;
}

async function analysis(file: string) {
  const frames: FrameRecord[] = [];
  const report = await analyzeCapture(file, { onFrame: (f) => frames.push(f.record()) });
  return { report, frames };
}

/** What a report counts, without what the frame's own layers add. */
const counts = (r: Awaited<ReturnType<typeof analyzeCapture>>) => ({ frames: r.frames, error: r.error, bad: r.bad.map((b) => [b.frame, b.protocol]) });

describe.each([
  [4, 2000], // 40 KB: IP-in-IP
  [6, 4000], // 160 KB: IPv6-in-IPv6
] as const)('IPv%i tunnels %i deep', (version, depth) => {
  const deep = temp(gen.nestedCapture(version, depth));
  const shallow = temp(gen.nestedCapture(version, 2));

  it('analysis: the frame is walked MAX_DEPTH + 1 headers deep; the frames after it are read and counted', async () => {
    const { report, frames } = await analysis(deep); // was "Maximum call stack size exceeded" at frame 2, 1 frame counted
    const base = await analysis(shallow);
    expect(counts(report)).toEqual(counts(base.report));
    expect(report.frames).toBe(4);
    expect(report.bad.map((b) => b.frame)).toEqual([1, 1, 3, 3, 4, 4]);
    // The nested frame: one header per level followed (IPv4 ones are checked), the datagram inside not reached.
    const checks = frames[1]!.checks;
    if (version === 4) expect(checks.map((c) => [c.protocol, c.status, c.depth])).toEqual(Array.from({ length: MAX_DEPTH + 1 }, (_, i) => ['ipv4', 'good', i]));
    else expect(checks).toEqual([]);
  });

  it('--fix-checksums: the frames after it are fixed, the file is copied whole', async () => {
    const out = join(dir, `fixed-${version}.pcap`);
    const r = await fixChecksums(deep, out); // was the same stack overflow: nothing fixed after frame 1
    const base = await fixChecksums(shallow, join(dir, `fixed-shallow-${version}.pcap`));
    expect(r.error).toBeUndefined();
    expect([r.frames, r.fixed, r.left, r.packetsChanged]).toEqual([base.frames, base.fixed, base.left, base.packetsChanged]);
    expect(r.fixed).toEqual({ ipv4: 3, tcp: 0, udp: 3 });
    expect(r.bytesWritten).toBe(r.bytesRead);
    const after = await analyzeCapture(out);
    expect([after.frames, after.bad]).toEqual([4, []]);
    expect(readFileSync(out).length).toBe(readFileSync(deep).length);
  });
});
