/**
 * CPU CONTEXT records: just the registers a verdict needs (PC, SP, frame pointer).
 * Layouts in docs/formats/windows-dumps.md §3 (rust-minidump context.rs, breakpad minidump_cpu_*.h).
 * Read with DataView-style offsets rather than binary-parser: each layout is a handful of
 * registers at scattered offsets inside a 400–1232-byte record, so a full struct parser would
 * decode hundreds of bytes to use three values.
 */

export type Arch = 'x86' | 'amd64' | 'arm' | 'arm64';

export interface CpuContext {
  arch: Arch;
  pc: bigint;
  sp: bigint;
  fp: bigint | null;
}

/** CONTEXT_<cpu> bits (ContextFlags & 0xFFFFFF00). */
const CONTEXT_X86 = 0x00010000;
const CONTEXT_AMD64 = 0x00100000;
const CONTEXT_ARM = 0x00200000;
const CONTEXT_ARM64 = 0x00400000;
/** Breakpad's own ARM / old ARM64 layouts. */
const CONTEXT_ARM_BREAKPAD = 0x40000000;
const CONTEXT_ARM64_BREAKPAD_OLD = 0x80000000;

/** Minimum bytes for the registers we read in each layout. */
const NEED = { x86: 0xc8, amd64: 0x100, arm: 0x44, arm64: 0x110 } as const;

/**
 * Decode PC/SP from a context record. `hint` is the architecture the dump claims (SystemInfo or
 * MachineImageType); the context's own flags confirm or override it. Returns null when no layout fits.
 */
export function readContext(buf: Buffer, hint: Arch | null): CpuContext | null {
  const f0 = buf.length >= 4 ? buf.readUInt32LE(0) : 0;
  const fAmd64 = buf.length >= 0x34 ? buf.readUInt32LE(0x30) : 0;
  const candidates: Arch[] = [];
  if (hint) candidates.push(hint);
  candidates.push('amd64', 'x86', 'arm64', 'arm');
  for (const arch of candidates) {
    if (buf.length < NEED[arch]) continue;
    switch (arch) {
      case 'amd64':
        if ((fAmd64 & CONTEXT_AMD64) === 0) break;
        return { arch, pc: buf.readBigUInt64LE(0xf8), sp: buf.readBigUInt64LE(0x98), fp: buf.readBigUInt64LE(0xa0) };
      case 'x86':
        if ((f0 & 0xffffff00) !== CONTEXT_X86) break;
        return { arch, pc: BigInt(buf.readUInt32LE(0xb8)), sp: BigInt(buf.readUInt32LE(0xc4)), fp: BigInt(buf.readUInt32LE(0xb4)) };
      case 'arm64':
        if ((f0 & 0xffffff00) !== CONTEXT_ARM64 && (f0 & 0xffffff00) !== CONTEXT_ARM64_BREAKPAD_OLD) break;
        return { arch, pc: buf.readBigUInt64LE(0x108), sp: buf.readBigUInt64LE(0x100), fp: buf.readBigUInt64LE(0xf0) };
      case 'arm':
        if ((f0 & 0xffffff00) !== CONTEXT_ARM && (f0 & 0xffffff00) !== CONTEXT_ARM_BREAKPAD) break;
        // Pc carries the Thumb bit on Windows ARM; the instruction is at Pc & ~1.
        return { arch, pc: BigInt(buf.readUInt32LE(0x40)), sp: BigInt(buf.readUInt32LE(0x38)), fp: BigInt(buf.readUInt32LE(0x2c)) };
    }
  }
  return null;
}

export function pointerSize(arch: Arch | null): 4 | 8 {
  return arch === 'x86' || arch === 'arm' ? 4 : 8;
}
