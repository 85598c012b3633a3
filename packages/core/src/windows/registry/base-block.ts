import { AnalyzeError } from '../../errors.js';
import { BASE_BLOCK_SIZE, baseBlockParser, type BaseBlockRecord } from './layout.js';

/** The facts of a hive's base block that a reader or a report needs. */
export interface BaseBlock {
  primarySequence: number;
  secondarySequence: number;
  /** seq1 != seq2: the hive was not cleanly written; changes still in .LOG1/.LOG2 are missing. */
  dirty: boolean;
  /** FILETIME of the last write, as an ISO date (null when zero or out of range). */
  lastWritten: string | null;
  version: string;
  fileType: number;
  rootCellOffset: number;
  hiveBinsDataSize: number;
  /** The embedded file name (debugging aid, often truncated). */
  fileName: string;
  checksum: number;
  /** The checksum computed over the first 508 bytes. */
  computedChecksum: number;
  checksumOk: boolean;
}

const REGF = 'regf';
/** Windows 9x/ME registry files start with this instead; they are a different format. */
const CREG = 'CREG';

/** XOR of the first 127 dwords; 0xFFFFFFFF becomes 0xFFFFFFFE and 0 becomes 1 (regf spec, "Base block").
 * @example const ok = baseBlockChecksum(data) === data.readUInt32LE(508);
 */
export function baseBlockChecksum(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, 508);
  let sum = 0;
  for (let i = 0; i < 508; i += 4) sum ^= view.getUint32(i, true);
  sum >>>= 0;
  if (sum === 0xffffffff) return 0xfffffffe;
  if (sum === 0) return 1;
  return sum;
}

/** FILETIME (100 ns since 1601) to an ISO string; null when zero or outside what Date can hold.
 * @example filetimeToIso(133000000000000000n); // '2022-06-18T...Z'; null for 0
 */
export function filetimeToIso(ft: bigint): string | null {
  if (ft === 0n) return null;
  const ms = Number(ft / 10000n) - 11644473600000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) || ms < -62135596800000 || ms > 253402300799999 ? null : d.toISOString();
}

/** True when the bytes start like a regf hive (the format is recognised by content, not by name).
 * @example isRegfSignature(readHead('NTUSER.DAT', 4)); // true for a registry hive
 */
export function isRegfSignature(head: Uint8Array): boolean {
  return head.length >= 4 && Buffer.from(head.buffer, head.byteOffset, 4).toString('latin1') === REGF;
}

/** Parse and check the base block. Fatal problems throw; recoverable ones are returned for the caller to warn about. */
export function readBaseBlock(data: Buffer, file: string | undefined): BaseBlock {
  const sig = data.subarray(0, 4).toString('latin1');
  if (sig !== REGF) {
    if (sig === CREG) throw new AnalyzeError('REGF_WIN9X_CREG', 'is a Windows 9x/ME registry file (CREG), not an NT registry hive (regf)', { file, offset: 0 });
    throw new AnalyzeError('REGF_NOT_A_HIVE', `is not a registry hive (no "regf" signature; starts with ${JSON.stringify(sig)})`, { file, offset: 0 });
  }
  if (data.length < BASE_BLOCK_SIZE) {
    throw new AnalyzeError('REGF_TRUNCATED', `is cut short inside the base block (${data.length} of ${BASE_BLOCK_SIZE} bytes)`, { file, offset: data.length });
  }
  const r = baseBlockParser.parse(data.subarray(0, BASE_BLOCK_SIZE)) as BaseBlockRecord;
  if (r.major !== 1) {
    throw new AnalyzeError('REGF_UNSUPPORTED_VERSION', `has regf format version ${r.major}.${r.minor}; only 1.x exists`, { file, offset: 20 });
  }
  const nameEnd = r.fileName.indexOf(Buffer.from([0, 0]));
  const fileName = r.fileName
    .subarray(0, nameEnd < 0 ? 64 : nameEnd + (nameEnd % 2))
    .toString('utf16le')
    .replace(/\0+$/, '');
  return {
    primarySequence: r.primarySequence,
    secondarySequence: r.secondarySequence,
    dirty: r.primarySequence !== r.secondarySequence,
    lastWritten: filetimeToIso(r.lastWritten),
    version: `${r.major}.${r.minor}`,
    fileType: r.fileType,
    rootCellOffset: r.rootCellOffset,
    hiveBinsDataSize: r.hiveBinsDataSize,
    fileName,
    checksum: r.checksum,
    computedChecksum: baseBlockChecksum(data),
    checksumOk: baseBlockChecksum(data) === r.checksum,
  };
}
