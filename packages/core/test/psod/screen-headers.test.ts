import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIXTURES, fixturePath } from '../helpers/corpus.js';
import { analyzePsod, readPsodWindow, type PsodAnalysis } from '../../src/psod/index.js';
import { BLOCK_GAP_LINES } from '../../src/psod/window.js';

/**
 * Purple screens in their on-screen form: the message without the log's `@BlueScreen:` (`PCPU 6 locked up. Failed
 * to ack TLB invalidate.`, `LINT1/NMI (motherboard nonmaskable interrupt), ...`), after a `VMware ESX Server
 * [Releasebuild-...]` banner or a log prefix. Shapes 11-17 of fixtures/psod/shapes are re-typed synthetic texts
 * (fixtures/gen/psod/shapes.mjs names the public KB each one's structure follows); the values expected here are
 * those the generator writes.
 */
const shape = (name: string) => readFileSync(fixturePath('psod', 'shapes', name), 'utf8');

interface Expected {
  file: string;
  kind: string;
  text: string;
  banner?: PsodAnalysis['banner'];
  cpu?: number | null;
  world?: string | null;
  frames: number;
  culprit: string | null;
}

const CASES: Expected[] = [
  {
    // KB 324947's screen: build masked by "#" as the KB prints it
    file: '11-lockup-esx-server-masked-screen.txt',
    kind: 'lockup',
    text: 'PCPU 6 locked up. Failed to ack TLB invalidate.',
    banner: { product: 'VMware ESX', version: null, build: '#######' },
    frames: 0,
    culprit: null,
  },
  {
    // the log form: banner (version and build masked) and message on one line after the log prefix, whose CPU
    // and world printed it
    file: '12-lockup-log-banner-masked.txt',
    kind: 'lockup',
    text: 'PCPU 9 locked up. Failed to ack TLB invalidate (total of 3 locked up, PCPU(s): 4,9,27).',
    banner: { product: 'VMware ESXi', version: '#.#.#', build: '#######' },
    cpu: 22,
    world: '10487',
    frames: 0,
    culprit: null,
  },
  {
    file: '13-lockup-tlb-two-frames.txt',
    kind: 'lockup',
    text: 'PCPU 23 locked up. Failed to ack TLB invalidate (total of 1 locked up, PCPU(s): 23).',
    frames: 2,
    culprit: 'TLBDoInvalidate',
  },
  {
    file: '15-lockup-esx3-screen-cpu-list.txt',
    kind: 'lockup',
    text: 'PCPU 2 locked up. Failed to ack TLB invalidate.',
    cpu: 2,
    world: '1046',
    frames: 7,
    culprit: 'TLBDoInvalidate',
  },
  {
    file: '16-lint1-nmi-screen.txt',
    kind: 'nmi',
    text: 'LINT1/NMI (motherboard nonmaskable interrupt), undiagnosed. This may be a hardware problem; please contact your hardware vendor.',
    banner: { product: 'VMware ESXi', version: '6.0.0', build: '4192238' },
    frames: 0,
    culprit: null,
  },
  {
    file: '17-heartbeat-saved-backtrace-tcpip.txt',
    kind: 'heartbeat',
    text: 'PCPU 57: no heartbeat (2/2 IPIs received)',
    frames: 8,
    culprit: 'Timer_GetCycles',
  },
];

describe('messages in their on-screen form are found and classified (fixtures/psod/shapes 11-17)', () => {
  it.each(CASES.map((c) => [c.file, c] as const))('%s', (file, want) => {
    const r = analyzePsod(shape(file));
    expect(r.crashFound).toBe(true);
    expect(r.exception).toEqual({ kind: want.kind, type: null, number: null, text: want.text, location: null, inferred: false });
    if (want.banner !== undefined) expect(r.banner).toEqual(want.banner);
    if (want.cpu !== undefined) expect(r.cpu).toBe(want.cpu);
    if (want.world !== undefined) expect(r.world?.idText ?? null).toBe(want.world);
    expect(r.frames).toHaveLength(want.frames);
    expect(r.culprit?.function ?? null).toBe(want.culprit);
    expect(r.warnings).toEqual([]);
  });

  it.each(CASES.map((c) => [c.file, c] as const))('%s: classified as its @BlueScreen: form is', (file, want) => {
    const logForm = analyzePsod(`2020-01-01T00:00:00.000Z cpu3:2097)@BlueScreen: ${want.text}\n`);
    expect(analyzePsod(shape(file)).exception).toEqual(logForm.exception);
  });

  it('the window takes the on-screen message for a crash header: a lockup screen, then a frames-only crash: the lockup is reported', () => {
    // two crash texts (more than BLOCK_GAP_LINES apart): the last one with a header is the crash analysed
    const noise = Array.from({ length: BLOCK_GAP_LINES + 100 }, (_, i) => `2019-06-02T11:${String(i % 60).padStart(2, '0')}:00.000Z cpu1:2098)Vol3: 2664: could not open device 'naa.6000c29' for probing`);
    const text = `${shape('15-lockup-esx3-screen-cpu-list.txt')}${noise.join('\n')}\n${shape('08-vmmemcow-frames-only.txt')}`;
    const r = analyzePsod(text);
    expect(r.exception).toMatchObject({ kind: 'lockup', text: 'PCPU 2 locked up. Failed to ack TLB invalidate.' });
    expect([r.cpu, r.frames.length, r.culprit?.function]).toEqual([2, 7, 'TLBDoInvalidate']);
    expect(r.warnings.map((w) => w.code)).toEqual(['PSOD_MORE_CRASHES']);
  });

  it('the screen of shape 11 is the same crash when its @BlueScreen: copy follows (one crash, no warning)', () => {
    const r = analyzePsod(`${shape('11-lockup-esx-server-masked-screen.txt')}\n@BlueScreen: PCPU 6 locked up. Failed to ack TLB invalidate.\n`);
    expect(r.exception?.kind).toBe('lockup');
    expect(r.warnings).toEqual([]);
  });
});

describe('NOT_IMPLEMENTED world.c:2307 on the screen', () => {
  // Shape 03 as the screen prints it: the banner, then the message without "BlueScreen:".
  const onScreen = shape('03-not-implemented-world-c2307.txt').replace('BlueScreen: NOT_IMPLEMENTED', 'VMware ESXi 7.0.3 [Releasebuild-20036589 x86_64]\nNOT_IMPLEMENTED');

  it('is classified, located and matched to KB 316522 as its BlueScreen: form is', () => {
    expect(onScreen).toMatch(/^NOT_IMPLEMENTED bora/m);
    const screen = analyzePsod(onScreen);
    const log = analyzePsod(shape('03-not-implemented-world-c2307.txt'));
    expect(screen.exception).toEqual({ kind: 'not-implemented', type: null, number: null, text: 'NOT_IMPLEMENTED bora/vmkernel/main/world.c:2307', location: 'bora/vmkernel/main/world.c:2307', inferred: false });
    expect(screen.exception).toEqual(log.exception);
    expect(screen.signature?.id).toBe('world-destroy-heap-not-implemented');
    expect(screen.signature?.advice).toMatch(/HPE iLO/);
    expect(screen.frames).toEqual(log.frames);
    expect(screen.culprit).toEqual(log.culprit);
    expect(screen.banner).toEqual({ product: 'VMware ESXi', version: '7.0.3', build: '20036589' });
  });

  it('indented, as a web page quotes it, or after a log prefix', () => {
    expect(analyzePsod(`    NOT_IMPLEMENTED bora/vmkernel/main/world.c:2307\n`).signature?.id).toBe('world-destroy-heap-not-implemented');
    const r = analyzePsod('2023-03-08T02:11:49.811Z cpu14:2098911)NOT_IMPLEMENTED bora/vmkernel/main/world.c:2307\n');
    expect([r.exception?.kind, r.cpu, r.world?.id]).toEqual(['not-implemented', 14, 2098911]);
  });
});

describe('ordinary log lines are not crash headers', () => {
  /** Text files of every other area's fixtures (not the generator scripts: some write PSOD texts). */
  function otherTextFixtures(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        const rel = relative(FIXTURES, path);
        if (rel === 'psod' || rel === 'gen') continue;
        if (statSync(path).isDirectory()) walk(path);
        else if (statSync(path).size > 0 && statSync(path).size < 1024 * 1024 && !readFileSync(path).subarray(0, 8192).includes(0)) out.push(path);
      }
    };
    walk(FIXTURES);
    return out;
  }

  it('no PSOD in any text file of the other fixtures (configs, logs, debugger texts, tables)', async () => {
    const files = otherTextFixtures();
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const file of files) {
      const r = analyzePsod(await readPsodWindow([readFileSync(file)]));
      if (r.crashFound) found.push(relative(FIXTURES, file));
    }
    expect(found).toEqual([]);
  });

  /** The log lines around the crashes of shape 14 (structure of VMware KB 2000091): `NMI: ...`, `Heartbeat: ...`. */
  const aroundShape14 = shape('14-lockup-then-heartbeat-flattened.txt')
    .split('\n')
    .filter((l) => /^(?:NMI|Heartbeat): /.test(l));

  it('shape 14 holds its two log lines (NMI received, a CPU that *may* be locked up)', () => {
    expect(aroundShape14).toEqual([expect.stringMatching(/^NMI: \d+: NMI IPI received/), expect.stringMatching(/^Heartbeat: \d+: PCPU \d+ didn't have a heartbeat/)]);
  });

  it.each([
    // re-typed with values of our own; message structure of Broadcom KB 335063 (vmkernel.log, no crash)
    '2023-11-06T04:18:27.310Z cpu12:1000873515)ALERT: Heartbeat: HandleLockup:811: PCPU 44 didn\'t have a heartbeat for 6 seconds, timeout is 14, 2 IPIs sent; *may* be locked up.',
    '2023-11-06T04:18:27.310Z cpu44:1000873490)WARNING: World: vm 1000873490: PanicWork:8417: vmm1:app02:vcpu-1:Received VMkernel NMI IPI, possible CPU lockup while executing HV VT VM',
    ...aroundShape14,
    // an IOMMU fault logged before an NMI (structure of Broadcom KB 333947)
    'WARNING: IOMMUIntel: 2236: IOMMU Unit # 1: R/W = 0, Device 004:00.1 Faulting PA = 0x7ab21000 Fault Reason = 5',
    // the shapes in the middle of a message, not as the message
    '2024-01-01T00:00:00.000Z cpu2:2097)Storage: device reported PCPU 3 locked up. Failed to ack TLB invalidate',
    '2024-01-01T00:00:00.000Z cpu2:2097)vmkmod: note: NOT_IMPLEMENTED bora/x.c:1 is a message text',
    'Boot Session: VMware ESXi 7.0.3 build-20036589 starting',
  ])('%s', (line) => {
    const r = analyzePsod(`${line}\n`);
    expect(r.crashFound).toBe(false);
    expect(r.warnings).toEqual([]);
  });
});

describe('hostile lines for the on-screen patterns', () => {
  /** Far above the linear cost, far below a quadratic one. */
  const HANG_GUARD_MS = 5000;
  const runs: [string, string][] = [
    ['log prefixes, each followed by a spin-count message without its end', 'cpu1:1)Spin count exceeded '.repeat(2400)],
    ['banner brackets that never close', '[Releasebuild-'.repeat(4500)],
    ['screen messages with a U+2028 at the end', `${'[Releasebuild-1] PCPU 1 locked up '.repeat(1800)}\u2028`],
    ['a log prefix, 60,000 spaces and no message', `cpu1:1)${' '.repeat(60_000)}x`],
    ['frames, then a run of log prefixes without a header', `0x1:[0x2]F@m#v+0x3 ${'cpu1:1)'.repeat(9000)}#PF Exception`],
  ];
  it.each(runs)('%s: twenty such lines at once', (_what, line) => {
    const started = performance.now();
    analyzePsod(`${line}\n`.repeat(20));
    expect(performance.now() - started).toBeLessThan(HANG_GUARD_MS);
  });
});
