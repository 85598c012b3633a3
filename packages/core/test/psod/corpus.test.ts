import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/corpus.js';
import { analyzePsod, MAX_PSOD_FRAMES, parsePsod, type PsodReport } from '../../src/psod/index.js';
import { Warnings } from '../../src/errors.js';

/**
 * One synthetic text per shape of PSOD text met in the field (fixtures/gen/psod/shapes.mjs says which shape
 * each re-creates, and for shapes 11-18 which public page's structure it follows); the real vendor-KB and blog
 * excerpts they stand for may not be redistributed.
 */
const psod = (name: string) => readFileSync(fixturePath('psod', 'shapes', name), 'utf8');
const sig = (f: PsodReport['frames'][number]) => `${f.function}@${f.module}#${f.version}+${f.offset}`;

// Expected values: what fixtures/gen/psod/shapes.mjs writes into each text.
interface Expected {
  file: string;
  world: { id: number | null; idText: string; name: string | null } | null;
  exception: { kind: string; type: string | null; number: number | null; location?: string | null; inferred?: boolean } | null;
  cpu: number | null;
  frames: number;
  first: string | null;
  last: string | null;
  culprit: string | null;
  quirks?: string[];
  signature?: string | null;
  ip?: string | null;
  faultAddress?: string | null;
}

const CASES: Expected[] = [
  {
    file: '01-pf14-old-header-no-modules.txt',
    world: { id: 1073750117, idText: '1073750117', name: 'busybox' },
    exception: { kind: 'exception', type: 'PF', number: 14 },
    cpu: null,
    frames: 7,
    first: 'WorldNewInt@null#null+0x6b',
    last: 'User_LinuxSyscallHandler@null#null+0x9d',
    culprit: 'WorldNewInt',
    ip: '0x418029a3b1c4',
    faultAddress: '0x417fe8c0a918',
  },
  {
    file: '02-gp13-esx35-register-dump.txt',
    world: { id: 4127, idText: '4127', name: 'helper11-2' },
    exception: { kind: 'exception', type: 'GP', number: 13 },
    cpu: 2,
    frames: 0,
    first: null,
    last: null,
    culprit: null,
    ip: '0x41800c2d91a7',
  },
  {
    file: '03-not-implemented-world-c2307.txt',
    world: { id: 2098911, idText: '2098911', name: null },
    exception: { kind: 'not-implemented', type: null, number: null, location: 'bora/vmkernel/main/world.c:2307' },
    cpu: 14,
    frames: 8,
    first: 'PanicvPanicInt@vmkernel#nover+0x1d9',
    last: 'InitTable_Cleanup@vmkernel#nover+0x27',
    culprit: 'World_DestroyHeap',
    signature: 'world-destroy-heap-not-implemented',
  },
  {
    file: '04-assert-vmkernel-log-obfuscated.txt',
    world: { id: 2131550, idText: '2131550', name: null },
    exception: { kind: 'assert', type: null, number: null, inferred: true },
    cpu: 41,
    frames: 11,
    first: 'PanicvPanicInt@vmkernel#nover+0x20c',
    last: 'null@null#0.0.0.1+0x41',
    culprit: null, // the culprit frame's name was obfuscated
    quirks: ['email-obfuscated', 'log-prefixed'],
  },
  {
    file: '05-be2net-mailbox-empty-modules.txt',
    world: null,
    exception: null,
    cpu: null,
    frames: 16,
    first: 'Util_Udelay@vmkernel#nover+0x2f',
    last: 'gate_entry@vmkernel#nover+0x72',
    culprit: 'be_mcc_mailbox_notify_and_wait',
    signature: 'be2net-mailbox',
  },
  {
    file: '06-be2iscsi-ioctl-none-modules.txt',
    world: null,
    exception: null,
    cpu: null,
    frames: 10,
    first: 'be_char_ioctl@<None>#<None>+0xc8',
    last: 'User_LinuxSyscallHandler@vmkernel#nover+0x1c',
    culprit: 'be_char_ioctl',
    signature: 'be2iscsi-ioctl',
  },
  {
    file: '07-spin-count-flattened-markdown.txt',
    world: { id: 1081342, idText: '1081342', name: null },
    exception: { kind: 'spin-count-exceeded', type: null, number: null },
    cpu: 5,
    frames: 21,
    first: 'PanicvPanicInt@vmkernel#nover+0x61',
    last: '__vmk_versionInfo_str@#+0xd7c44a21',
    culprit: 'NetSchedFIFOInput',
    quirks: ['markdown-escapes', 'flattened', 'log-prefixed'],
  },
  {
    file: '08-vmmemcow-frames-only.txt',
    world: null,
    exception: null,
    cpu: null,
    frames: 6,
    first: 'PFrame_IsBackedByLPage@vmkernel#nover+0x0',
    last: 'CpuSched_StartWorld@vmkernel#nover+0x86',
    culprit: 'PFrame_IsBackedByLPage',
    signature: 'vmmemcow-tps-race',
  },
  {
    file: '09-prealloc-masked-flattened.txt',
    world: { id: null, idText: '########', name: 'prealloc-2' },
    exception: { kind: 'exception', type: 'PF', number: 14 },
    cpu: null,
    frames: 5,
    first: 'VmMemPf_PreallocRange@vmkernel#nover+0x45',
    last: 'Debug_IsInitialized@vmkernel#nover+0xc',
    culprit: 'VmMemPf_PreallocRange',
    quirks: ['flattened', 'log-prefixed', 'masked-digits'],
    signature: 'prealloc-passthrough',
  },
  {
    // three headers of three worlds: the last is reported (PSOD_MORE_CRASHES counts the other two)
    file: '10-vmfs6-pf14-headers-only.txt',
    world: { id: 3204417, idText: '3204417', name: 'fssAIO' },
    exception: { kind: 'exception', type: 'PF', number: 14 },
    cpu: null,
    frames: 0,
    first: null,
    last: null,
    culprit: null,
    ip: '0x4200063a91c2',
    faultAddress: '0x18',
    signature: 'vmfs6-heap-helper',
  },
  // 11-17: messages as the screen prints them, without "@BlueScreen:" (screen-headers.test.ts checks each further)
  {
    file: '11-lockup-esx-server-masked-screen.txt',
    world: null,
    exception: { kind: 'lockup', type: null, number: null },
    cpu: null,
    frames: 0,
    first: null,
    last: null,
    culprit: null,
  },
  {
    file: '12-lockup-log-banner-masked.txt',
    world: { id: 10487, idText: '10487', name: null },
    exception: { kind: 'lockup', type: null, number: null },
    cpu: 22,
    frames: 0,
    first: null,
    last: null,
    culprit: null,
    quirks: ['log-prefixed'],
  },
  {
    file: '13-lockup-tlb-two-frames.txt',
    world: null,
    exception: { kind: 'lockup', type: null, number: null },
    cpu: null,
    frames: 2,
    first: 'Panic@vmkernel#nover+0x9e',
    last: 'TLBDoInvalidate@vmkernel#nover+0x3c1',
    culprit: 'TLBDoInvalidate',
  },
  {
    // two crashes: the heartbeat (last) is reported, the lockup counted (more-crashes.test.ts)
    file: '14-lockup-then-heartbeat-flattened.txt',
    world: null,
    exception: { kind: 'heartbeat', type: null, number: null },
    cpu: null,
    frames: 2,
    first: 'Panic@vmkernel#nover+0x9e',
    last: 'Heartbeat_DetectCPULockups@vmkernel#nover+0x2c4',
    culprit: null, // both frames are panic/heartbeat machinery
  },
  {
    file: '15-lockup-esx3-screen-cpu-list.txt',
    world: { id: 1046, idText: '1046', name: 'helper3-0' },
    exception: { kind: 'lockup', type: null, number: null },
    cpu: 2,
    frames: 7,
    first: 'Panic@null#null+0x21',
    last: 'ide_ops@null#null+0xfe2bc931',
    culprit: 'TLBDoInvalidate',
    ip: '0x61a7b5',
  },
  {
    file: '16-lint1-nmi-screen.txt',
    world: null,
    exception: { kind: 'nmi', type: null, number: null },
    cpu: null,
    frames: 0,
    first: null,
    last: null,
    culprit: null,
  },
  {
    file: '17-heartbeat-saved-backtrace-tcpip.txt',
    world: null,
    exception: { kind: 'heartbeat', type: null, number: null },
    cpu: null,
    frames: 8,
    first: 'Timer_GetCycles@vmkernel#nover+0x2',
    last: 'CpuSched_StartWorld@vmkernel#nover+0x86',
    culprit: 'Timer_GetCycles',
    quirks: ['log-prefixed'],
    ip: '0x42001c4a4e17',
  },
];

/** Shapes that hold no crash (logged-backtrace.test.ts checks each further). */
const NO_CRASH = ['18-netdev-watchdog-logged-no-crash.txt'];

describe('every PSOD shape in fixtures/psod/shapes parses to its world, exception and frames', () => {
  it.each(CASES.map((c) => [c.file, c] as const))('%s', (file, want) => {
    const r = analyzePsod(psod(file));
    expect(r.world).toEqual(want.world);
    if (want.exception === null) expect(r.exception).toBeNull();
    else expect(r.exception).toMatchObject(want.exception);
    expect(r.cpu).toBe(want.cpu);
    expect(r.frames).toHaveLength(want.frames);
    expect(r.frames[0] ? sig(r.frames[0]) : null).toBe(want.first);
    expect(r.frames.at(-1) ? sig(r.frames.at(-1)!) : null).toBe(want.last);
    expect(r.culprit?.function ?? null).toBe(want.culprit);
    if (want.quirks) expect(r.quirks).toEqual(want.quirks);
    if (want.signature !== undefined) expect(r.signature?.id ?? null).toBe(want.signature);
    if (want.ip !== undefined) expect(r.ip).toBe(want.ip);
    if (want.faultAddress !== undefined) expect(r.faultAddress).toBe(want.faultAddress);
    expect(r.crashFound).toBe(true);
  });

  it.each(NO_CRASH)('%s holds no crash: nothing of one is reported', (file) => {
    const r = analyzePsod(psod(file));
    expect(r.crashFound).toBe(false);
    expect([r.exception, r.world, r.cpu, r.frames, r.culprit]).toEqual([null, null, null, [], null]);
  });

  it('the folder has exactly the texts listed here (a new one needs its expected values)', () => {
    const files = readdirSync(fixturePath('psod', 'shapes')).filter((f) => f.endsWith('.txt')).sort();
    expect(files).toEqual([...CASES.map((c) => c.file), ...NO_CRASH].sort());
  });
});

describe('culprit and quirks', () => {
  it('04: the obfuscated frame below the assert machinery is the culprit, and the reason says why its name is missing', () => {
    const r = parsePsod(psod('04-assert-vmkernel-log-obfuscated.txt'));
    expect(r.culprit?.frameIndex).toBe(5);
    expect(r.culprit?.reason).toMatch(/e-mail obfuscator/);
    expect(r.frames[5]).toMatchObject({ obfuscated: true, version: '0.0.0.1', offset: '0x5e' });
  });

  it('07: the spin-lock machinery is skipped and the first loadable-module frame is reported too', () => {
    const r = parsePsod(psod('07-spin-count-flattened-markdown.txt'));
    expect(r.culprit).toMatchObject({ frameIndex: 3, module: 'vmkernel', firstModuleFrame: 7 });
    expect(r.frames[7]).toMatchObject({ function: 'TeamES_Output', module: '', version: '' });
    expect(r.codeStart).toBe('0x41802e400000');
    expect(r.uptime).toBe('41:13:02:17.905');
  });

  it("05 with '@' escaped as a blog's markdown did it ('@' in quotes) parses the same frames", () => {
    const escaped = psod('05-be2net-mailbox-empty-modules.txt').replace(/@/g, "'@'");
    const r = parsePsod(escaped);
    expect(r.frames).toHaveLength(16);
    expect(r.culprit?.function).toBe('be_mcc_mailbox_notify_and_wait');
    expect(r.quirks).toContain('quoted-at');
  });

  it('a 5.x-8.x screen: the CPU from its starred `*PCPU28:33446/vmm0:VM Name` line, world names with spaces kept whole', () => {
    const screen = [
      'VMware ESXi 6.7.0 [Releasebuild-8169922 x86_64]',
      '#PF Exception 14 in world 2097224:HBR Helper IP 0x418013c2a0d7 addr 0x18',
      'cr0=0x8001003d cr2=0x18 cr3=0x2cc58000 cr4=0x216c',
      '*PCPU28:2097224/HBR Helper',
      'PCPU  0: SSSSSSSSSSSSSSSSSSSSSSSSSVSUSSUS',
      'Code start: 0x418013000000 VMK uptime: 41:06:09:53.398',
      '0x451a1201be20:[0x418013c2a0d7]HbrHelperWorld@hbr_filter#1.0.0+0x1b stack: 0x0',
    ].join('\n');
    const r = parsePsod(screen);
    expect(r.cpu).toBe(28);
    expect(r.world).toMatchObject({ idText: '2097224', name: 'HBR Helper' });
    expect(r.ip).toBe('0x418013c2a0d7');
    expect(r.faultAddress).toBe('0x18');
    // The header without a world name on the line: the starred line names it, spaces and all.
    const starred = parsePsod(screen.replace('in world 2097224:HBR Helper IP', 'in world 2097224: IP'));
    expect([starred.cpu, starred.ip]).toEqual([28, '0x418013c2a0d7']);
  });

  it('02: ESX 3.5 banner and the starred current CPU', () => {
    const r = parsePsod(psod('02-gp13-esx35-register-dump.txt'));
    expect(r.banner).toEqual({ product: 'VMware ESX', version: null, build: '153875' });
  });
});

describe('the e1000 fixture (fixtures/psod/e1000.txt)', () => {
  it('yields the vmxnet3 advice with E1000PollRxRing@vmkernel as the culprit', () => {
    const r = analyzePsod(readFileSync(fixturePath('psod', 'e1000.txt'), 'utf8'));
    expect(r.exception).toMatchObject({ kind: 'exception', type: 'PF', number: 14 });
    expect(r.world).toEqual({ id: 34461, idText: '34461', name: 'vmm0:backup0' });
    expect(r.culprit).toMatchObject({ frameIndex: 0, function: 'E1000PollRxRing', module: 'vmkernel', version: 'nover' });
    expect(r.signature?.id).toBe('e1000-rx-ring');
    expect(r.signature?.advice).toMatch(/VMXNET3/);
    expect(r.banner).toEqual({ product: 'VMware ESXi', version: '5.5.0', build: '1623387' });
  });

  it('the same screen pasted as one flattened line gives the same answer', () => {
    const flat = readFileSync(fixturePath('psod', 'e1000.txt'), 'utf8').replace(/\n/g, ' ');
    const r = analyzePsod(flat);
    expect(r.frames).toHaveLength(13);
    expect(r.signature?.id).toBe('e1000-rx-ring');
    expect(r.quirks).toContain('flattened');
  });
});

describe('real-world inputs around the screen', () => {
  const e1000 = () => readFileSync(fixturePath('psod', 'e1000.txt'), 'utf8');

  it('a vmkernel.log with other CPUs\' lines before the PSOD takes cpu and world from the PSOD lines, not the noise', () => {
    const noise = Array.from({ length: 40 }, (_, i) => `2014-03-02T03:1${i % 10}:00.000Z cpu3:32789)ScsiDeviceIO: 2331: Cmd(0x412e80b1e0c0) 0x85 to dev "naa.600" failed H:0x0 D:0x2 P:0x0`);
    // Without the header, the log prefix is the only place the world is named.
    const screen = e1000().replace(/^.*BlueScreen.*$/m, '');
    const r = analyzePsod(`${noise.join('\n')}\n${screen}\n2014-03-02T03:20:00.000Z cpu0:32768)Boot Successful\n`);
    expect(r.cpu).toBe(5);
    expect(r.world?.id).toBe(34461);
    expect(r.frames).toHaveLength(13);
    expect(r.signature?.id).toBe('e1000-rx-ring');
  });

  it('a photo transcript with x-masked ids, OCR letters in hex and spaces around + parses every frame', () => {
    const ocr = [
      'VMware ESXi 6.7.0 [Releasebuild-8169922 x86_64]',
      '#PF Exception 14 in world 2100xxx:vmm0:backupVM IP 0x4180xxxxxx addr 0x0',
      '0x451a1b89bd40:[0x41800a19c266]E1000PollRxRing@vmkernel#nover+0xdb9 stack: 0x0',
      '0x451a1b89bdb0:[0x41800a19fc73] E1000DevRx@vmkernel#nover + 0x18a stack: 0x0',
      '0x451alb89be90:[0x41800al2c0e4]PortOutput@vmkernel#nover +0xe3 stack: 0x0',
    ].join('\n');
    const r = analyzePsod(ocr);
    expect(r.exception).toMatchObject({ kind: 'exception', type: 'PF', number: 14 });
    expect(r.world).toEqual({ id: null, idText: '2100xxx', name: 'vmm0:backupVM' });
    expect(r.ip).toBe('0x4180xxxxxx');
    expect(r.frames.map((f) => `${f.function}+${f.offset}`)).toEqual(['E1000PollRxRing+0xdb9', 'E1000DevRx+0x18a', 'PortOutput+0xe3']);
    expect(r.frames[2]?.frameAddress).toBe('0x451alb89be90');
    expect(r.quirks).toContain('masked-digits');
    expect(r.signature?.id).toBe('e1000-rx-ring');
    expect(r.warnings).toEqual([]);
  });

  it('a frame-like record that cannot be read is warned about, not dropped silently', () => {
    const r = analyzePsod('#PF Exception 14 in world 1:x IP 0x1 addr 0x0\n0x1:[0x2]Foo@vmkernel#nover+0x3 stack: 0x0\n0x4:[0x5]Bar@vmkernel#nover 0x6\n');
    expect(r.frames).toHaveLength(1);
    expect(r.warnings.map((w) => w.code)).toEqual(['PSOD_FRAME_UNREADABLE']);
    expect(r.warnings[0]!.message).toContain('Bar@vmkernel');
  });

  it('a log holding two crashes reports the last and warns that another precedes it (frames are not mixed)', () => {
    const second = psod('03-not-implemented-world-c2307.txt');
    const r = analyzePsod(`${e1000()}\n${second}`);
    expect(r.frames).toHaveLength(8);
    expect(r.signature?.id).toBe('world-destroy-heap-not-implemented');
    expect(r.cpu).toBe(14);
    expect(r.banner).toBeNull(); // the e1000 screen's banner names that crash, not this one
    expect(r.warnings.map((w) => w.code)).toEqual(['PSOD_MORE_CRASHES']);
    expect(r.warnings[0]!.message).toMatch(/another crash \(line 2\); only the last, at line 22, is reported/);
    const back = analyzePsod(`${second}\n${e1000()}`);
    expect(back.frames).toHaveLength(13);
    expect(back.signature?.id).toBe('e1000-rx-ring');
    // Shape 10 holds three headers of three different worlds; ESX 3.5's repeated header (02) is one crash.
    expect(analyzePsod(psod('10-vmfs6-pf14-headers-only.txt')).warnings.map((w) => w.code)).toEqual(['PSOD_MORE_CRASHES']);
    expect(analyzePsod(psod('02-gp13-esx35-register-dump.txt')).warnings).toEqual([]);
  });

  it('strict mode turns the first warning into an error', () => {
    expect(() => analyzePsod('0x4:[0x5]Bar@vmkernel#nover 0x6\n', { warnings: new Warnings(true) })).toThrow(/could not be read/);
  });
});

describe('crash kinds the corpus has no text for', () => {
  it.each([
    ['@BlueScreen: PCPU 3 locked up. Failed to ack TLB invalidate (total of 1 locked up, PCPU(s): 3).', 'lockup', null],
    ['@BlueScreen: PCPU 1: no heartbeat (2/2 IPIs received)', 'heartbeat', null],
    ['@BlueScreen: NMI IPI: Panic requested by another PCPU. RIPOFF(base):RBP:CS [0x1234(0x418000000000):0x0:0x4010]', 'nmi', null],
    ['@BlueScreen: LINT1/NMI (motherboard nonmaskable interrupt), undiagnosed. This may be a hardware problem', 'nmi', null],
    ['@BlueScreen: MCE Machine Check Exception in world 33:vmm0', 'machine-check', null],
    ['@BlueScreen: ASSERT bora/vmkernel/main/pframe_int.h:527', 'assert', 'bora/vmkernel/main/pframe_int.h:527'],
    ['@BlueScreen: Spin count exceeded (refCount) - possible deadlock', 'spin-count-exceeded', null],
    ['@BlueScreen: Out of memory', 'panic', null],
  ])('%s -> %s', (text, kind, location) => {
    const r = parsePsod(`2020-01-01T00:00:00.000Z cpu3:2097)${text}\n`);
    expect(r.exception).toMatchObject({ kind, location, inferred: false });
    expect(r.cpu).toBe(3);
    expect(r.world?.id).toBe(2097);
  });
});

describe('hostile input', () => {
  it('terminal escape sequences in the text never reach the report', () => {
    const r = analyzePsod('@BlueScreen: #PF Exception 14 in world 1:\u001b]0;pwned\u0007x IP 0x1 addr 0x0\n0x1:[0x2]Foo\u001b[2J@vmkernel#nover+0x3\n');
    expect(JSON.stringify(r)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.frames).toHaveLength(1);
  });

  it('no PSOD in ordinary text: nothing found', () => {
    const r = analyzePsod('2024-01-01T00:00:00Z hostd: all good\nnothing to see [here]\n');
    expect(r.crashFound).toBe(false);
    expect(r.culprit).toBeNull();
  });

  it('a 2 MB line of near-frames does not hang the parser (regex backtracking attack)', () => {
    const evil = '0x1:[0x2]'.repeat(100_000) + 'A'.repeat(1_000_000);
    const t0 = Date.now();
    const r = parsePsod(evil);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.frames).toHaveLength(0);
  });

  // Each took seconds to minutes (quadratic regex backtracking) before the patterns were made linear;
  // linear, each takes a few milliseconds.
  const runs: [string, string][] = [
    ['spaces', ' '.repeat(100_000)],
    ['spaces after a frame start, + at the end', `0x1:[0x2]${' '.repeat(100_000)}+`],
    ['spaces inside an exception header', `#PF Exception${' '.repeat(100_000)}14`],
    ['spaces after a banner', `VMware ESXi${' '.repeat(100_000)}5`],
    ['0x0x0x... (every 0 starts a hex number)', '0x'.repeat(50_000)],
    ['bora/ paths without a line number', `@BlueScreen: ${'bora/'.repeat(20_000)}`],
    ['a message word without .c:line', `@BlueScreen: ${'a'.repeat(100_000)}`],
  ];
  for (const [what, text] of runs) {
    it(`a 100 kB run does not make the parser quadratic: ${what}`, () => {
      const t0 = Date.now();
      parsePsod(text);
      expect(Date.now() - t0).toBeLessThan(2000);
    });
  }

  it('a one-line paste of 300,000 frames: no call-stack overflow; the first MAX_PSOD_FRAMES are read and the cut is said', () => {
    const r = parsePsod('0x1:[0x2]F@m#v+0x3 '.repeat(300_000));
    expect(r.frames).toHaveLength(MAX_PSOD_FRAMES);
    expect(r.frames.every((f) => sig(f) === 'F@m#v+0x3')).toBe(true); // no frame broken where the line was cut
    expect(r.warnings.map((w) => w.code)).toContain('PSOD_INPUT_CUT');
  });

  it('the linear patterns still read spaces around + and inside the header, and the location', () => {
    const r = parsePsod(
      'VMware ESXi   7.0.3   [Releasebuild-1 x86_64]\n@BlueScreen: NOT_IMPLEMENTED at world.c:2307\n#PF Exception ( 14 ) in world 5:w ip 0x1 addr 0x2\n0x1:[0x2]  Foo@vmkernel#nover  +  0x3 stack: 0x0\n',
    );
    expect(r.banner).toEqual({ product: 'VMware ESXi', version: '7.0.3', build: '1' });
    expect(r.exception).toMatchObject({ kind: 'not-implemented', location: 'world.c:2307' });
    expect(r.frames.map(sig)).toEqual(['Foo@vmkernel#nover+0x3']);
  });
});
