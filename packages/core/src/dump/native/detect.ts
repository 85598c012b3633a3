/**
 * What kind of file is this, from its first 8 bytes (docs/formats/windows-dumps.md §1).
 */

export type DumpSignature = 'kernel64' | 'kernel32' | 'minidump';

/** Other magics we recognise only to say clearly why we do not read them. */
export type ForeignSignature = 'userdump' | 'cab' | 'elf' | 'gzip';

const ascii = (b: Uint8Array, from: number, len: number) => String.fromCharCode(...b.subarray(from, from + len));

/** The dump kind, or null when the bytes are not a dump we read.
 * @example const format = detectDumpFormat(readHead('MEMORY.DMP', 8192));
 */
export function detectDumpFormat(head: Uint8Array): DumpSignature | null {
  if (head.length < 8) return null;
  const magic = ascii(head, 0, 8);
  if (magic === 'PAGEDU64') return 'kernel64';
  if (magic === 'PAGEDUMP') return 'kernel32';
  // MDMP + MINIDUMP_VERSION 0xA793 in the low 16 bits of Version (the high half is writer-specific).
  if (magic.startsWith('MDMP') && head[4] === 0x93 && head[5] === 0xa7) return 'minidump';
  return null;
}

/** Formats that are not ours but deserve a precise error. */
export function detectForeign(head: Uint8Array): ForeignSignature | null {
  if (head.length >= 8 && /^USERDU(MP|64)$/.test(ascii(head, 0, 8))) return 'userdump';
  if (head.length >= 4 && ascii(head, 0, 4) === 'MSCF') return 'cab';
  if (head.length >= 4 && head[0] === 0x7f && ascii(head, 1, 3) === 'ELF') return 'elf';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  return null;
}
