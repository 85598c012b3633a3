/**
 * Agreement with the references over the WHOLE dump corpus (every file under dumps/mdmp and dumps/kernel
 * is visited; a new file without ground truth fails the test instead of being skipped):
 *  - minidumps: crash reason, crash address, faulting module (frame 0), module list, OS and CPU agree with
 *    Breakpad's minidump_stackwalk (ground-truth/mdmp/SUMMARY.json); malformed/fuzzed ones give an AnalyzeError;
 *  - kernel dumps: header, drivers and unloaded drivers agree with the independent probe
 *    (ground-truth/kernel/*.probe.json) and kdlibcpp's expectations; the synthetic x64 small dump
 *    (fixtures/gen/dump/triage-x64.mjs) agrees with the values its generator declares (same fields as a probe).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { AnalyzeError } from '../../../src/errors.js';
import { analyzeNativeFile } from '../../../src/dump/native/index.js';
import type { DumpReport } from '../../../src/dump/report.js';
import { corpusFiles, corpusPath, fixturePath } from '../../helpers/corpus.js';

interface GroundTruthModule {
  name: string;
  version: string;
  debug_file: string;
  debug_id: string;
  base: string;
  end: string;
  main: boolean;
}
interface GroundTruth {
  file: string;
  os?: string;
  os_version?: string;
  cpu?: string;
  cpu_count?: string;
  crash_reason?: string;
  crash_address?: string;
  crashing_thread_frame0?: { module: string };
  module_count: number;
  modules?: GroundTruthModule[];
  stackwalk_failed?: boolean;
}

const summary = JSON.parse(readFileSync(corpusPath('dumps', 'ground-truth', 'mdmp', 'SUMMARY.json'), 'utf8')) as { files: Record<string, GroundTruth> };
const minidumps = corpusFiles('dumps', 'mdmp');
const kernelDumps = corpusFiles('dumps', 'kernel');

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('minidumps agree with Breakpad (whole corpus)', () => {
  it('has ground truth for every corpus minidump', () => {
    expect(minidumps.length).toBeGreaterThanOrEqual(28);
    for (const f of minidumps) expect(summary.files[f]).toBeDefined();
  });

  for (const name of minidumps) {
    const g = summary.files[name]!;
    if (g.stackwalk_failed) {
      it(`${name}: malformed -> a clear AnalyzeError with a byte offset (Breakpad fails too)`, async () => {
        const e = await errorOf(analyzeNativeFile(corpusPath('dumps', g.file)));
        expect(e).toBeInstanceOf(AnalyzeError);
        const err = e as AnalyzeError;
        expect(err.code).toMatch(/^DUMP_[A-Z_]+$/);
        expect(typeof err.offset).toBe('number');
        expect(err.offset!).toBeLessThanOrEqual(g.file.length > 0 ? readFileSync(corpusPath('dumps', g.file)).length : 0);
        expect(err.file).toBe(corpusPath('dumps', g.file));
      });
      continue;
    }
    it(`${name}: crash reason, address, faulting module, modules, OS`, async () => {
      const r: DumpReport = await analyzeNativeFile(corpusPath('dumps', g.file));
      expect(r.engine).toBe('native');
      expect(r.format).toBe('minidump');
      if (g.crash_reason === 'No crash') {
        expect(r.exception).toBeNull();
        expect(r.imageName).toBeNull();
      } else {
        expect(r.exception?.reason).toBe(g.crash_reason);
        expect(BigInt(r.exception!.address!)).toBe(BigInt(g.crash_address!));
        // Breakpad's frame 0 module ('' when the PC is in no module).
        expect(r.imageName ?? '').toBe(g.crashing_thread_frame0!.module);
      }
      expect(r.os?.platform).toBe(g.os);
      expect(r.osVersion).toBe(g.os_version!.trim());
      expect(r.os?.architecture).toBe(g.cpu);
      expect(r.os?.processors).toBe(Number(g.cpu_count));
      expect(r.modules).toHaveLength(g.module_count);
      // Module by module (Breakpad lists them by address): base, end, version, debug file and id.
      const byBase = new Map(r.modules!.map((m) => [BigInt(m.base), m]));
      for (const gm of g.modules ?? []) {
        const m = byBase.get(BigInt(gm.base))!;
        expect(m).toBeDefined();
        expect(m.name).toBe(gm.name);
        expect(BigInt(m.base)).toBe(BigInt(gm.base));
        expect(BigInt(m.base) + BigInt(m.size) - 1n).toBe(BigInt(gm.end));
        expect(m.version ?? '').toBe(gm.version);
        expect(m.debugId ?? '').toBe(gm.debug_id);
        if (/\.pdb$/i.test(gm.debug_file)) expect(m.pdbName?.toLowerCase()).toBe(gm.debug_file.toLowerCase());
      }
      // The main module is the first (Breakpad marks it with main=1 for these writers).
      const main = g.modules?.find((m) => m.main);
      if (main && g.os === 'Windows NT') expect(r.processName).toBe(main.name);
    });
  }
});

describe('minidump details', () => {
  it('thread names come from the ThreadNames stream (breakpad_thread_name_list.dmp)', async () => {
    const r = await analyzeNativeFile(corpusPath('dumps', 'mdmp', 'breakpad_thread_name_list.dmp'));
    const named = r.threads!.filter((t) => t.name);
    expect(named.length).toBeGreaterThan(0);
    // What breakpad's minidump_dump printed for each MDRawThreadName (compacted by fixtures/gen/dump/compact-minidump-dump.mjs).
    const truth = JSON.parse(readFileSync(corpusPath('dumps', 'ground-truth', 'mdmp', 'breakpad_thread_name_list.dmp.minidump_dump.json'), 'utf8')) as { threadNames: { id: string; name: string }[] };
    const expected = truth.threadNames.map((t) => ({ id: Number(t.id), name: t.name }));
    expect(expected.length).toBe(3);
    expect(named.map((t) => ({ id: t.id, name: t.name }))).toEqual(expect.arrayContaining(expected));
    expect(named).toHaveLength(expected.length);
  });

  it('the faulting module carries version and PDB identity (breakpad_minidump2.dmp, ntdll 5.1.2600.2180 checked by hand in the notes)', async () => {
    const r = await analyzeNativeFile(corpusPath('dumps', 'mdmp', 'breakpad_minidump2.dmp'));
    expect(r.faultingModule?.name).toBe('test_app.exe');
    expect(r.faultingModule?.pdbName).toBe('test_app.pdb');
    expect(r.faultingModule?.pdbGuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    const ntdll = r.modules!.find((m) => m.name === 'ntdll.dll')!;
    expect(ntdll.version).toBe('5.1.2600.2180');
    expect(ntdll.debugId).toBe('36515FB5D04345E491F672FA2E2878C02');
    expect(r.culprit?.module).toBe('test_app.exe');
    expect(r.exception?.code).toBe('0xC0000005');
    expect(r.exception?.name).toBe('EXCEPTION_ACCESS_VIOLATION');
    expect(r.crashTime).toMatch(/^20\d\d-/);
  });

  it('a crash in no module falls back to the first module address on the stack (exec AV on the stack)', async () => {
    const r = await analyzeNativeFile(corpusPath('dumps', 'mdmp', 'breakpad_exec_av_on_stack.dmp'));
    expect(r.imageName).toBeNull();
    expect(r.culprit?.module).toBe('crashme1.exe');
    expect(r.culprit?.evidence.join(' ')).toMatch(/no loaded module/);
  });

  it('a dump without an exception says so instead of naming a culprit', async () => {
    const r = await analyzeNativeFile(corpusPath('dumps', 'mdmp', 'breakpad_tiny-exe-with-cet-xsave.dmp'));
    expect(r.exception).toBeNull();
    expect(r.culprit?.module).toBeNull();
    expect(r.culprit?.evidence[0]).toMatch(/no exception stream/);
  });
});

interface Probe {
  magic: string;
  MinorVersion: number;
  MachineImageType: string;
  NumberProcessors: number;
  BugCheckCode: string;
  BugCheckParameters: string[];
  DumpType: number;
  drivers: { name: string; base: string; size: string; timestamp: string }[];
  unloaded: { name: string; start: string; end: string }[];
}
const probe = (f: string) => JSON.parse(readFileSync(corpusPath('dumps', 'ground-truth', 'kernel', `${f}.probe.json`), 'utf8')) as Probe;

/** The synthetic x64 small dump and the values its generator declares (fixtures/gen/dump/triage-x64.mjs). */
const SYNTHETIC_X64 = fixturePath('dump', 'synthetic-triage-x64.dmp');
interface Declared extends Probe {
  SystemTime: string;
  culprit: { driver: string; offset: string };
  process: string;
  stackDrivers: string[];
  stackFrames: string[];
}
const declared = JSON.parse(readFileSync(`${SYNTHETIC_X64}.json`, 'utf8')) as Declared;

describe('kernel dumps agree with the probe and kdlibcpp (whole corpus), the synthetic one with its generator', () => {
  it('has a probe for every corpus kernel dump', () => {
    expect(kernelDumps.length).toBeGreaterThanOrEqual(2);
    for (const f of kernelDumps) expect(() => probe(f)).not.toThrow();
  });

  const cases = [...kernelDumps.map((f) => ({ f, path: corpusPath('dumps', 'kernel', f), p: () => probe(f) })), { f: 'synthetic-triage-x64.dmp', path: SYNTHETIC_X64, p: () => declared }];
  for (const { f, path, p: expected } of cases) {
    it(`${f}: header, drivers and unloaded drivers`, async () => {
      const p = expected();
      const r = await analyzeNativeFile(path);
      expect(r.format).toBe('kernel-small');
      if (BigInt(p.BugCheckCode) === 0n) {
        expect(r.bugcheck).toBeNull(); // code 0: no bugcheck, a dump taken on demand
      } else {
        expect(BigInt(r.bugcheck!.code)).toBe(BigInt(p.BugCheckCode));
        expect(r.bugcheck!.parameters.map(BigInt)).toEqual(p.BugCheckParameters.map(BigInt));
      }
      expect(r.os?.build).toBe(p.MinorVersion);
      expect(r.os?.processors).toBe(p.NumberProcessors);
      expect(r.kernel?.machine).toBe(p.MachineImageType);
      expect(r.drivers).toHaveLength(p.drivers.length);
      r.drivers!.forEach((d, i) => {
        const pd = p.drivers[i]!;
        expect(d.name).toBe(pd.name.replace(/^.*\\/, ''));
        expect(BigInt(d.base)).toBe(BigInt(pd.base));
        expect(d.size).toBe(Number(pd.size));
        expect(BigInt(d.timestamp!)).toBe(BigInt(pd.timestamp));
      });
      expect(r.unloadedModules!.map((u) => u.name)).toEqual(p.unloaded.map((u) => u.name));
      expect(r.unloadedModules!.map((u) => BigInt(u.base))).toEqual(p.unloaded.map((u) => BigInt(u.start)));
      expect(r.crashTime).toMatch(/^20\d\d-\d\d-\d\dT/);
      expect(r.warnings).toEqual([]);
    });
  }

  it('x64 small dump (synthetic): 0x1000007E with culprit acmefilt.sys from parameter 2, the context agreeing, the drivers on the stack', async () => {
    const r = await analyzeNativeFile(SYNTHETIC_X64);
    expect(r.bugcheck?.code).toBe('0x1000007E');
    expect(r.bugcheck?.name).toBe('SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M');
    expect(r.culprit?.module).toBe(declared.culprit.driver);
    expect(r.imageName).toBe(declared.culprit.driver);
    expect(r.culprit?.evidence[0]).toBe(
      `Bugcheck 0x1000007E parameter 2 (the address where the exception occurred) is ${declared.BugCheckParameters[1]}, inside ${declared.culprit.driver}+${declared.culprit.offset}.`,
    );
    expect(r.culprit?.evidence[1]).toMatch(/^The processor context saved at the crash agrees/);
    expect(r.exception?.code).toBe('0xC0000005');
    expect(r.exception?.address).toBe(declared.BugCheckParameters[1]);
    expect(r.os).toEqual({ platform: 'Windows NT', version: `10.0.${declared.MinorVersion}`, build: declared.MinorVersion, architecture: 'amd64', processors: declared.NumberProcessors });
    expect(r.processName).toBe(declared.process);
    expect(r.crashTime).toBe(new Date(Number(BigInt(declared.SystemTime) / 10000n) - 11644473600000).toISOString());
    expect(r.stack).toEqual(declared.stackFrames);
    expect(r.kernel?.stackDrivers).toEqual(declared.stackDrivers);
  });

  it('arm64 small dump: 0xE2 MANUALLY_INITIATED_CRASH, PC in the kernel (kdlibcpp: frame 0 KeBugCheck2), frames from the FP chain', async () => {
    const r = await analyzeNativeFile(corpusPath('dumps', 'kernel', 'kdlibcpp_win10_arm64_mem.dmp'));
    expect(r.bugcheck?.code).toBe('0x000000E2');
    expect(r.bugcheck?.name).toBe('MANUALLY_INITIATED_CRASH');
    expect(r.os?.architecture).toBe('arm64');
    expect(r.stack[0]).toMatch(/^ntoskrnl\.exe\+0x/);
    // The ARM64 frame-pointer chain gives real frames: kdlibcpp's frame 11 is Wdf01000!FxRequest::CompleteInternal.
    expect(r.stack[11]).toMatch(/^Wdf01000\.sys\+0x/);
    // A keyboard-initiated crash: the first non-kernel frame is the keyboard HID driver.
    expect(r.culprit?.module).toBe('kbdhid.sys');
    expect(r.culprit?.evidence.join(' ')).toMatch(/frame-pointer chain .* kbdhid\.sys\+0x3a8c \(frame 1\)/);
    expect(r.culprit?.evidence.join(' ')).toMatch(/raised on purpose/);
    expect(r.kernel?.stackDrivers).toContain('kbdhid.sys');
  });

  it('ARM32 small dump (no bugcheck, .dump /m): no culprit (MANIFEST: n/a), PC inside Wdf01000.sys (kdlibcpp frame 0 Wdf01000!FxRequest::CompleteInternal)', async () => {
    const r = await analyzeNativeFile(corpusPath('dumps', 'kernel', 'kdlibcpp_RPi3_ARM_mini.dmp'));
    expect(r.bugcheck).toBeNull();
    expect(r.exception).toBeNull();
    expect(r.os?.architecture).toBe('arm');
    expect(r.culprit?.module).toBeNull();
    expect(r.imageName).toBeNull();
    expect(r.stack[0]).toMatch(/^Wdf01000\.sys\+0x/);
    expect(r.processName).toBe('svchost.exe');
    expect(r.culprit?.evidence[0]).toMatch(/no bugcheck: the dump was taken on demand/);
    expect(r.culprit?.evidence.join(' ')).toMatch(/program counter at 0x83edaf2c, inside Wdf01000\.sys\+0x1af2c/);
    expect(r.culprit?.evidence.at(-1)).toMatch(/thread was running in Wdf01000\.sys; that is where it was, not a fault/);
  });

  it('the CAB in dumps/other is refused with advice, not misread', async () => {
    for (const f of readdirSync(corpusPath('dumps', 'other'))) {
      const e = await errorOf(analyzeNativeFile(corpusPath('dumps', 'other', f)));
      expect(e).toBeInstanceOf(AnalyzeError);
      expect((e as AnalyzeError).code).toBe('DUMP_UNSUPPORTED');
      expect((e as AnalyzeError).message).toMatch(/CAB/);
    }
  });
});
