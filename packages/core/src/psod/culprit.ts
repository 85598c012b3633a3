/**
 * The frame at fault: the first frame that is not the vmkernel's own panic/trap/lock-wait machinery. Those
 * frames sit on top of every backtrace (PanicvPanicInt, Panic_OnAssertAt, Int6_UD2Assert, gate_entry...) and
 * only say *how* the host went down, not *where*.
 */
import type { PsodCulprit, PsodFrame } from './types.js';

/**
 * vmkernel machinery: panic and assert helpers (every `Panic*`: Panic, PanicvPanicInt, Panic_NoSave, PanicNMI),
 * trap/interrupt entry (Int2_NMI, IDT_IntrHandler, IDTNMIWork, IDTReturnPrepare, gate_entry_), NMI and
 * machine-check handlers, spin-lock waits and busy delays, debugger hooks. docs/psod.md lists the same names.
 * Extend when a real backtrace shows another helper on top.
 */
export const MACHINERY =
  /^(?:Panic\w*|vmk_Panic\w*|Int\d+_\w+|IDT\w*|gate_entry\w*|SP_WaitLock\w*|SP_Lock\w*|SPWaitLock\w*|Util_Udelay|Debug_\w+|BackTrace\w*|Backtrace\w*|NMI\w*|MCE\w*|Heartbeat\w*)$/;

/** Modules that are the vmkernel itself or its driver shims (the driver is the caller, not the shim). */
export const CORE_MODULES = new Set(['vmkernel', 'com.vmware.driverAPI', 'vmkapi_v2_1_0_0', 'vmklinux_9', 'vmklinux']);

function isModule(f: PsodFrame): boolean {
  return f.obfuscated || (f.module !== null && !CORE_MODULES.has(f.module));
}

function describe(f: PsodFrame): string {
  if (f.obfuscated) return 'a frame whose Function@module was rewritten by an e-mail obfuscator ([email protected])';
  const mod = f.module === null ? '' : f.module === '' ? ' in an unnamed module (@#)' : f.module === '<None>' ? ' in an unresolved module (<None>)' : ` in ${f.module}`;
  return `${f.function ?? '?'}${mod}`;
}

/**
 * The frame at fault: the first one that is not panic/exception machinery, with the reason it was chosen.
 * @example chooseCulprit(report.frames)?.function
 */
export function chooseCulprit(frames: readonly PsodFrame[]): PsodCulprit | null {
  const i = frames.findIndex((f) => !(f.function !== null && MACHINERY.test(f.function)));
  if (i < 0) return null;
  const f = frames[i]!;
  const skipped = i === 0 ? 'the top frame' : `the first frame below ${i} frame${i === 1 ? '' : 's'} of vmkernel panic/trap machinery (${frames
    .slice(0, i)
    .map((x) => x.function)
    .join(', ')})`;
  const m = frames.findIndex(isModule);
  const where = isModule(f)
    ? 'it runs in a loadable module, not the vmkernel'
    : f.module === null
      ? 'the screen does not print modules (ESX/ESXi before 5.x)'
      : 'it is vmkernel code';
  const moduleNote = m >= 0 && m !== i ? `; first frame in a loadable module: #${m} ${describe(frames[m]!)}` : '';
  return {
    frameIndex: i,
    function: f.function,
    module: f.module,
    version: f.version,
    reason: `${describe(f)} is ${skipped}; ${where}${moduleNote}`,
    firstModuleFrame: m >= 0 && m !== i ? m : null,
  };
}
