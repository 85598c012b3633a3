/**
 * "Probably caused by" for kernel dumps without symbols (docs/formats/windows-dumps.md §8):
 *   1. the bugcheck's address-bearing parameter (per-code table) inside a non-kernel driver
 *      (or an unloaded one),
 *   2. the header CONTEXT's program counter inside a non-kernel driver,
 *   3. a stack scan for values inside non-kernel drivers, from the context SP upward,
 *   4. the kernel itself.
 * A dump without a bugcheck (code 0, taken on demand) names no culprit; the chain then says where the thread was.
 * Each step leaves one evidence sentence, decisive or not, so the reader sees the chain.
 */
import { ModuleMap, hex, moduleOffset, scanStack, walkFramePointers, type ModuleRange } from './modules.js';
import { bugcheckFamily } from '../../tables/index.js';
import type { CpuContext } from './context.js';
import type { Driver, UnloadedDriver } from './triage.js';

/**
 * Which parameter (1-based) of a bugcheck holds a code address, from the bug-check reference pages.
 * Keys are bugcheck families (0x1000007E is looked up as 0x7E).
 */
export const ADDRESS_PARAMETER: ReadonlyMap<number, { param: number; meaning: string }> = new Map([
  [0x1e, { param: 2, meaning: 'the address where the exception occurred' }], // KMODE_EXCEPTION_NOT_HANDLED
  [0x7e, { param: 2, meaning: 'the address where the exception occurred' }], // SYSTEM_THREAD_EXCEPTION_NOT_HANDLED
  [0x8e, { param: 2, meaning: 'the address where the exception occurred' }], // KERNEL_MODE_EXCEPTION_NOT_HANDLED
  [0x3b, { param: 2, meaning: 'the instruction that caused the exception' }], // SYSTEM_SERVICE_EXCEPTION
  [0x0a, { param: 4, meaning: 'the instruction that referenced memory' }], // IRQL_NOT_LESS_OR_EQUAL
  [0xd1, { param: 4, meaning: 'the instruction that referenced memory' }], // DRIVER_IRQL_NOT_LESS_OR_EQUAL
  [0x50, { param: 3, meaning: 'the instruction that referenced memory' }], // PAGE_FAULT_IN_NONPAGED_AREA
  [0xd5, { param: 3, meaning: 'the instruction that referenced memory' }], // DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL
  [0xd6, { param: 3, meaning: 'the instruction that referenced memory' }], // DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION
  [0xce, { param: 3, meaning: 'the instruction that referenced memory' }], // DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS
  [0xfc, { param: 1, meaning: 'the virtual address that was executed' }], // ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY
]);

/**
 * Images that are "the kernel" for culprit purposes: the kernel, HAL, the kernel debugger transport,
 * and the error-reporting plumbing that sits on every crash path. Blaming them says nothing, so
 * !analyze and BlueScreenView skip them too (triage.ini Followup "nt"/"hal").
 */
const KERNEL_IMAGE = /^(ntoskrnl|ntkrnlmp|ntkrnlpa|ntkrpamp|ntkrla57|hal|halmacpi|halacpi|halaacpi|kd|kdcom|kdnet|kdstub|pshed|clfs|ci|werkernel|bootvid)\.(exe|dll|sys)$/i;

/** Bugchecks raised on purpose or by hardware: the "culprit" is then only where the code happened to be. */
const DELIBERATE = new Set([0xe2, 0x1c8, 0xdeaddead, 0x161]);
const HARDWARE = new Set([0x124, 0x9c, 0x101, 0x80, 0x12b, 0x1e2]);

export interface CulpritVerdict {
  module: string | null;
  evidence: string[];
  /** Non-kernel drivers seen on the stack, in scan order, distinct. */
  stackDrivers: string[];
  /** Symbol-less frames for the report: context PC first, then scan hits. */
  frames: string[];
}

/**
 * The kernel image under any of its names (ntoskrnl.exe, ntkrnlmp.exe, nt ...): never blamed on its own.
 * @example isKernelImage('ntkrnlmp.exe') // true
 */
export function isKernelImage(name: string): boolean {
  return KERNEL_IMAGE.test(name);
}

export interface CulpritInput {
  bugcheckCode: number;
  params: bigint[];
  context: CpuContext | null;
  drivers: Driver[];
  unloaded: UnloadedDriver[];
  stack: Buffer | null;
  topOfStack: bigint;
  ptrSize: 4 | 8;
  /** Why no driver list is available (full/bitmap dumps), for the evidence. */
  noDriversReason?: string;
}

/** Thumb code addresses carry bit 0; the instruction is at the even address. */
const codeAddress = (v: bigint, ptrSize: number) => (ptrSize === 4 ? v & ~1n : v);

export function kernelCulprit(input: CulpritInput): CulpritVerdict {
  const evidence: string[] = [];
  const frames: string[] = [];
  const { drivers, ptrSize } = input;
  const map = new ModuleMap<ModuleRange>(drivers);
  const unloadedMap = new ModuleMap<ModuleRange>(input.unloaded);
  const family = bugcheckFamily(input.bugcheckCode);
  const code = `0x${(input.bugcheckCode >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  let verdict: string | null = null;

  if (drivers.length === 0) {
    evidence.push(input.noDriversReason ?? 'The dump carries no driver list, so no address can be tied to a driver.');
    return { module: null, evidence, stackDrivers: [], frames };
  }
  const kernel = drivers[0]!;

  // 1. The address parameter.
  const onDemand = input.bugcheckCode === 0;
  const ap = ADDRESS_PARAMETER.get(family);
  if (onDemand) {
    evidence.push('There is no bugcheck: the dump was taken on demand (a live dump or `.dump /m`), not at a crash, so no driver is to blame.');
  } else if (ap) {
    const value = input.params[ap.param - 1] ?? 0n;
    const addr = codeAddress(value, ptrSize);
    const m = map.find(addr);
    const u = m === null ? unloadedMap.find(addr) : null;
    if (m && !isKernelImage(m.name)) {
      verdict = m.name;
      evidence.push(`Bugcheck ${code} parameter ${ap.param} (${ap.meaning}) is ${hex(value)}, inside ${moduleOffset(m, addr)}.`);
    } else if (u) {
      verdict = `${u.name} (unloaded)`;
      evidence.push(`Bugcheck ${code} parameter ${ap.param} (${ap.meaning}) is ${hex(value)}, inside the range of ${u.name}, a driver that had already been unloaded: a call into an unloaded driver.`);
    } else if (m) {
      evidence.push(`Bugcheck ${code} parameter ${ap.param} (${ap.meaning}) is ${hex(value)}, inside ${moduleOffset(m, addr)} (the kernel), so it does not single out a driver.`);
    } else {
      evidence.push(`Bugcheck ${code} parameter ${ap.param} (${ap.meaning}) is ${hex(value)}, which lies in no loaded driver.`);
    }
  } else {
    evidence.push(`Bugcheck ${code} has no parameter that holds a code address.`);
  }

  // 2. The header context's program counter.
  if (input.context) {
    const pc = codeAddress(input.context.pc, ptrSize);
    const m = map.find(pc);
    frames.push(m ? moduleOffset(m, pc) : hex(pc));
    if (verdict !== null && m && m.name === verdict) {
      evidence.push(`The processor context saved at the crash agrees: its program counter is at ${moduleOffset(m, pc)}.`);
    }
    if (verdict === null) {
      if (m && !isKernelImage(m.name)) {
        verdict = m.name;
        evidence.push(`The processor context saved at the crash has its program counter at ${hex(pc)}, inside ${moduleOffset(m, pc)}.`);
      } else {
        evidence.push(`The processor context saved at the crash has its program counter at ${m ? moduleOffset(m, pc) : hex(pc)}${m ? ' (the kernel)' : ', in no loaded driver'}.`);
      }
    }
  } else {
    evidence.push('The dump header holds no readable processor context.');
  }

  // 3a. ARM64 and x86 kernels keep frame-pointer chains: follow them for real frames when they hold.
  const stackDrivers: string[] = [];
  let chained = false;
  if (input.stack && input.context?.fp != null && FRAME_POINTER_ARCHS.has(input.context.arch)) {
    const chain = walkFramePointers(input.stack, input.topOfStack, input.context.fp, ptrSize);
    if (chain.length >= MIN_CHAIN_FRAMES) {
      chained = true;
      for (const f of chain) {
        const ra = codeAddress(f.returnAddress, ptrSize);
        const m = map.find(ra);
        if (frames.length < MAX_FRAMES) frames.push(m ? moduleOffset(m, ra) : hex(ra));
        if (m && !isKernelImage(m.name) && !stackDrivers.includes(m.name)) stackDrivers.push(m.name);
      }
      if (verdict === null) {
        const i = chain.findIndex((f) => {
          const m = map.find(codeAddress(f.returnAddress, ptrSize));
          return m !== null && !isKernelImage(m.name);
        });
        if (i >= 0) {
          const ra = codeAddress(chain[i]!.returnAddress, ptrSize);
          const m = map.find(ra)!;
          verdict = m.name;
          evidence.push(`Following the frame-pointer chain from ${hex(input.context.fp)} (${chain.length} frames), the first return address in a non-kernel driver is ${moduleOffset(m, ra)} (frame ${i + 1}).`);
        } else {
          evidence.push(`The frame-pointer chain (${chain.length} frames) stays inside the kernel.`);
        }
      }
    }
  }

  // 3b. The stack scan (always run: the drivers on the stack are evidence either way).
  if (input.stack) {
    const from = input.context?.sp ?? input.topOfStack;
    const all = scanStack(input.stack, input.topOfStack, from, ptrSize, map);
    for (const h of all) {
      if (!chained && frames.length < MAX_FRAMES) frames.push(moduleOffset(h.module, codeAddress(h.value, ptrSize)));
      if (!isKernelImage(h.module.name) && !stackDrivers.includes(h.module.name)) stackDrivers.push(h.module.name);
    }
    if (verdict === null) {
      const first = all.find((h) => !isKernelImage(h.module.name));
      if (first) {
        verdict = first.module.name;
        evidence.push(
          `Scanning the saved stack from ${hex(from)} upward, the first value pointing into a non-kernel driver is ${moduleOffset(first.module, codeAddress(first.value, ptrSize))} (stack slot ${hex(first.slot)}).`,
        );
      } else {
        evidence.push(`The saved stack (${input.stack.length} bytes) holds no address inside a non-kernel driver.`);
      }
    }
    if (stackDrivers.length > 0) evidence.push(`Non-kernel drivers found on the stack: ${stackDrivers.join(', ')}.`);
  } else {
    evidence.push('The dump holds no saved stack to scan.');
  }

  // 4. Nothing better: the kernel.
  if (verdict === null) {
    verdict = kernel.name;
    if (!onDemand) evidence.push(`No driver other than the kernel is implicated, so the culprit defaults to ${kernel.name}.`);
  }
  if (onDemand) {
    // Where the thread was is worth knowing, but it is not a culprit: module stays null (no crash, exit 0).
    evidence.push(`The dumped thread was running in ${verdict}; that is where it was, not a fault.`);
    return { module: null, evidence, stackDrivers, frames };
  }
  if (DELIBERATE.has(input.bugcheckCode >>> 0)) {
    evidence.push(`Bugcheck ${code} is raised on purpose (keyboard, power button or debugger): the module named is only where the crash was triggered from.`);
  }
  if (HARDWARE.has(family)) evidence.push(`Bugcheck ${code} usually reports a hardware or firmware fault; a driver is rarely to blame.`);
  return { module: verdict, evidence, stackDrivers, frames };
}

/** Frames listed in the report's `stack` (context PC + chain or scan hits). */
export const MAX_FRAMES = 32;
/** Architectures whose Windows kernels keep frame-pointer chains (ARM64 ABI: x29/x30 records; x86: EBP frames). */
const FRAME_POINTER_ARCHS: ReadonlySet<string> = new Set(['arm64', 'x86']);
/** A chain shorter than this is not trusted over the scan (a lone record may be chance). */
const MIN_CHAIN_FRAMES = 3;
