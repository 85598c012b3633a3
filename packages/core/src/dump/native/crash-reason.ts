/**
 * Breakpad-compatible crash reasons and crash addresses, so our answer can be compared word for word with
 * `minidump_stackwalk` (the reference every minidump tool is measured against). Behaviour follows
 * breakpad's MinidumpProcessor::GetCrashReason (src/processor/minidump_processor.cc): the reason depends on
 * the platform (Windows exception code, Linux signal + si_code, macOS Mach exception + code), and unknown
 * values print as `0x%08x / 0x%08x` (code / flags).
 */

export const PLATFORM = {
  WIN32S: 0,
  WIN32_WINDOWS: 1,
  WIN32_NT: 2,
  WIN32_CE: 3,
  UNIX: 0x8000,
  MAC_OS_X: 0x8101,
  IOS: 0x8102,
  LINUX: 0x8201,
  SOLARIS: 0x8202,
  ANDROID: 0x8203,
  PS3: 0x8204,
  NACL: 0x8205,
  FUCHSIA: 0x8206,
} as const;

export const PLATFORM_NAME: Record<number, string> = {
  [PLATFORM.WIN32_NT]: 'Windows NT',
  [PLATFORM.WIN32_WINDOWS]: 'Windows',
  [PLATFORM.MAC_OS_X]: 'Mac OS X',
  [PLATFORM.IOS]: 'iOS',
  [PLATFORM.LINUX]: 'Linux',
  [PLATFORM.SOLARIS]: 'Solaris',
  [PLATFORM.ANDROID]: 'Android',
  [PLATFORM.PS3]: 'PS3',
  [PLATFORM.NACL]: 'NaCl',
  [PLATFORM.FUCHSIA]: 'Fuchsia',
};

/** MINIDUMP_SYSTEM_INFO.ProcessorArchitecture. */
export const CPU = { X86: 0, MIPS: 1, PPC: 3, SHX: 4, ARM: 5, IA64: 6, AMD64: 9, X86_WIN64: 10, ARM64: 12, SPARC: 0x8001, PPC64: 0x8002, ARM64_OLD: 0x8003, MIPS64: 0x8004 } as const;

export const CPU_NAME: Record<number, string> = {
  [CPU.X86]: 'x86',
  [CPU.X86_WIN64]: 'x86',
  [CPU.AMD64]: 'amd64',
  [CPU.ARM]: 'arm',
  [CPU.ARM64]: 'arm64',
  [CPU.ARM64_OLD]: 'arm64',
  [CPU.PPC]: 'ppc',
  [CPU.PPC64]: 'ppc64',
  [CPU.SPARC]: 'sparc',
  [CPU.MIPS]: 'mips',
  [CPU.MIPS64]: 'mips64',
  [CPU.IA64]: 'ia64',
};

/** 32-bit CPUs: breakpad masks the crash address to 32 bits for these. */
const CPU_32BIT: ReadonlySet<number> = new Set([CPU.X86, CPU.MIPS, CPU.PPC, CPU.SHX, CPU.ARM, CPU.X86_WIN64]);

const WIN_REASON: ReadonlyMap<number, string> = new Map([
  [0x40010005, 'DBG_CONTROL_C'],
  [0x80000001, 'EXCEPTION_GUARD_PAGE'],
  [0x80000002, 'EXCEPTION_DATATYPE_MISALIGNMENT'],
  [0x80000003, 'EXCEPTION_BREAKPOINT'],
  [0x80000004, 'EXCEPTION_SINGLE_STEP'],
  [0xc0000008, 'EXCEPTION_INVALID_HANDLE'],
  [0xc000001d, 'EXCEPTION_ILLEGAL_INSTRUCTION'],
  [0xc0000025, 'EXCEPTION_NONCONTINUABLE_EXCEPTION'],
  [0xc0000026, 'EXCEPTION_INVALID_DISPOSITION'],
  [0xc000008c, 'EXCEPTION_BOUNDS_EXCEEDED'],
  [0xc000008d, 'EXCEPTION_FLT_DENORMAL_OPERAND'],
  [0xc000008e, 'EXCEPTION_FLT_DIVIDE_BY_ZERO'],
  [0xc000008f, 'EXCEPTION_FLT_INEXACT_RESULT'],
  [0xc0000090, 'EXCEPTION_FLT_INVALID_OPERATION'],
  [0xc0000091, 'EXCEPTION_FLT_OVERFLOW'],
  [0xc0000092, 'EXCEPTION_FLT_STACK_CHECK'],
  [0xc0000093, 'EXCEPTION_FLT_UNDERFLOW'],
  [0xc0000094, 'EXCEPTION_INT_DIVIDE_BY_ZERO'],
  [0xc0000095, 'EXCEPTION_INT_OVERFLOW'],
  [0xc0000096, 'EXCEPTION_PRIV_INSTRUCTION'],
  [0xc00000fd, 'EXCEPTION_STACK_OVERFLOW'],
  [0xc00000ff, 'EXCEPTION_BAD_FUNCTION_TABLE'],
  [0xc0000194, 'EXCEPTION_POSSIBLE_DEADLOCK'],
  [0xc0000409, 'EXCEPTION_STACK_BUFFER_OVERRUN'],
  [0xc0000374, 'EXCEPTION_HEAP_CORRUPTION'],
  [0xe0000008, 'Out of Memory'],
  [0xe06d7363, 'Unhandled C++ Exception'],
  [0x0517a7ed, 'Simulated Exception'],
]);
const WIN_ACCESS_VIOLATION = 0xc0000005;
const WIN_IN_PAGE_ERROR = 0xc0000006;
const AV_KIND: Record<number, string> = { 0: 'READ', 1: 'WRITE', 8: 'EXEC' };

const LINUX_SIGNAL: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL',
  10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM', 16: 'SIGSTKFLT', 17: 'SIGCHLD',
  18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU', 23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ',
  26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO', 30: 'SIGPWR', 31: 'SIGSYS', 0xffffffff: 'DUMP_REQUESTED',
};
/** si_code names per signal, and the separator breakpad prints (it has no space after SIGSEGV's slash). */
const LINUX_SI_CODE: Record<number, { sep: string; codes: Record<number, string> }> = {
  4: { sep: ' / ', codes: { 1: 'ILL_ILLOPC', 2: 'ILL_ILLOPN', 3: 'ILL_ILLADR', 4: 'ILL_ILLTRP', 5: 'ILL_PRVOPC', 6: 'ILL_PRVREG', 7: 'ILL_COPROC', 8: 'ILL_BADSTK' } },
  7: { sep: ' / ', codes: { 1: 'BUS_ADRALN', 2: 'BUS_ADRERR', 3: 'BUS_OBJERR', 4: 'BUS_MCEERR_AR', 5: 'BUS_MCEERR_AO' } },
  8: { sep: ' / ', codes: { 1: 'FPE_INTDIV', 2: 'FPE_INTOVF', 3: 'FPE_FLTDIV', 4: 'FPE_FLTOVF', 5: 'FPE_FLTUND', 6: 'FPE_FLTRES', 7: 'FPE_FLTINV', 8: 'FPE_FLTSUB' } },
  11: { sep: ' /', codes: { 1: 'SEGV_MAPERR', 2: 'SEGV_ACCERR', 3: 'SEGV_BNDERR', 4: 'SEGV_PKUERR' } },
};

/** Mach exception types and, per type, the code names (some per CPU family). */
const MAC_EXC: Record<number, string> = {
  1: 'EXC_BAD_ACCESS', 2: 'EXC_BAD_INSTRUCTION', 3: 'EXC_ARITHMETIC', 4: 'EXC_EMULATION', 5: 'EXC_SOFTWARE',
  6: 'EXC_BREAKPOINT', 7: 'EXC_SYSCALL', 8: 'EXC_MACH_SYSCALL', 9: 'EXC_RPC_ALERT',
};
const MAC_BAD_ACCESS: Record<number, string> = { 1: 'KERN_INVALID_ADDRESS', 2: 'KERN_PROTECTION_FAILURE', 8: 'KERN_NO_ACCESS', 9: 'KERN_MEMORY_FAILURE', 10: 'KERN_MEMORY_ERROR', 50: 'KERN_CODESIGN_ERROR' };
const MAC_X86: Record<number, Record<number, string>> = {
  1: { 13: 'EXC_I386_GPFLT' },
  2: { 1: 'EXC_I386_INVOP', 10: 'EXC_I386_INVTSSFLT', 11: 'EXC_I386_SEGNPFLT', 12: 'EXC_I386_STKFLT', 13: 'EXC_I386_GPFLT', 17: 'EXC_I386_ALIGNFLT' },
  3: { 1: 'EXC_I386_DIV', 2: 'EXC_I386_INTO', 3: 'EXC_I386_NOEXT', 4: 'EXC_I386_EXTOVR', 5: 'EXC_I386_EXTERR', 6: 'EXC_I386_EMERR', 7: 'EXC_I386_BOUND', 8: 'EXC_I386_SSEEXTERR' },
  6: { 1: 'EXC_I386_SGL', 2: 'EXC_I386_BPT' },
};
const MAC_ARM: Record<number, Record<number, string>> = {
  1: { 0x101: 'EXC_ARM_DA_ALIGN', 0x102: 'EXC_ARM_DA_DEBUG' },
  2: { 1: 'EXC_ARM_UNDEFINED' },
  6: { 0x101: 'EXC_ARM_DA_ALIGN', 0x102: 'EXC_ARM_DA_DEBUG', 1: 'EXC_ARM_BREAKPOINT' },
};
const MAC_SOFTWARE: Record<number, string> = { 0x10003: 'SIGABRT', 0xdeadc0de: 'UNCAUGHT_NS_EXCEPTION' };
/** Crashpad's synthetic exception codes ('CPsx' simulated, 'CPnx' uncaught NSException). */
const CRASHPAD_SIMULATED = 0x43507378;
const CRASHPAD_NS_EXCEPTION = 0x43506e78;

export interface ExceptionFacts {
  platformId: number | null;
  cpu: number | null;
  code: number;
  flags: number;
  address: bigint;
  parameters: bigint[];
}

const hex8 = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/**
 * Breakpad's crash reason for an exception record (EXCEPTION_ACCESS_VIOLATION_WRITE, SIGSEGV /SEGV_MAPERR ...).
 * @example crashReason({ platformId: 2, cpu: null, code: 0xc0000005, flags: 0, address: 0n, parameters: [1n, 0n] }) // 'EXCEPTION_ACCESS_VIOLATION_WRITE' (Windows NT)
 */
export function crashReason(e: ExceptionFacts, fastFailName?: (code: number) => string | undefined): string {
  const code = e.code >>> 0;
  const flags = e.flags >>> 0;
  const fallback = `${hex8(code)} / ${hex8(flags)}`;
  switch (e.platformId) {
    case PLATFORM.WIN32_NT:
    case PLATFORM.WIN32_WINDOWS: {
      if (code === WIN_ACCESS_VIOLATION || code === WIN_IN_PAGE_ERROR) {
        const base = code === WIN_ACCESS_VIOLATION ? 'EXCEPTION_ACCESS_VIOLATION' : 'EXCEPTION_IN_PAGE_ERROR';
        const kind = e.parameters.length >= 1 ? AV_KIND[Number(e.parameters[0]! & 0xffn)] : undefined;
        const k = e.parameters.length >= 1 && e.parameters[0]! <= 8n ? kind : undefined;
        return k ? `${base}_${k}` : base;
      }
      if (code === 0xc0000409 && e.parameters.length >= 1 && fastFailName) {
        // __fastfail: the first parameter is the FAST_FAIL_* code.
        const ff = fastFailName(Number(e.parameters[0]! & 0xffffffffn));
        if (ff) return ff;
      }
      return WIN_REASON.get(code) ?? fallback;
    }
    case PLATFORM.LINUX:
    case PLATFORM.ANDROID: {
      const sig = LINUX_SIGNAL[code];
      if (!sig) return fallback;
      const sub = LINUX_SI_CODE[code];
      if (!sub) return sig;
      return `${sig}${sub.sep}${sub.codes[flags] ?? hex8(flags)}`;
    }
    case PLATFORM.MAC_OS_X:
    case PLATFORM.IOS: {
      if (code === CRASHPAD_NS_EXCEPTION) return 'Uncaught NSException';
      if (code === CRASHPAD_SIMULATED) return 'Simulated Exception';
      const exc = MAC_EXC[code];
      if (!exc) return fallback;
      const armLike = e.cpu === CPU.ARM || e.cpu === CPU.ARM64_OLD;
      const x86 = e.cpu === CPU.X86 || e.cpu === CPU.AMD64;
      let sub: string | undefined;
      if (code === 1) sub = MAC_BAD_ACCESS[flags];
      if (code === 5) sub = MAC_SOFTWARE[flags];
      if (sub === undefined && x86) sub = MAC_X86[code]?.[flags];
      if (sub === undefined && armLike) sub = MAC_ARM[code]?.[flags];
      return `${exc} / ${sub ?? hex8(flags)}`;
    }
    default:
      return fallback;
  }
}

/**
 * The crash address as breakpad reports it: the exception address, except for Windows access violations
 * and in-page errors, where parameter 2 is the data address that faulted. 32-bit CPUs mask to 32 bits.
 * @example const address = crashAddress(exception); // bigint
 */
export function crashAddress(e: ExceptionFacts): bigint {
  let a = e.address;
  const windows = e.platformId === PLATFORM.WIN32_NT || e.platformId === PLATFORM.WIN32_WINDOWS;
  if (windows && (e.code >>> 0 === WIN_ACCESS_VIOLATION || e.code >>> 0 === WIN_IN_PAGE_ERROR) && e.parameters.length >= 2) a = e.parameters[1]!;
  if (e.cpu !== null && CPU_32BIT.has(e.cpu)) a &= 0xffffffffn;
  return a;
}
