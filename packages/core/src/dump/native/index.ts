/**
 * The native engine: reads kernel dumps (PAGEDUMP/PAGEDU64) and user-mode minidumps (MDMP) without a
 * debugger. Public API of `dump/native`; `analyzeDump` in ../index.ts chooses between engines.
 */
import { otherKindHint } from '../../io/other-kinds.js';
import { detectArchive, gzipContent, type ArchiveKind } from '../fleet/archive-kind.js';
import { AnalyzeError, Warnings } from '../../errors.js';
import { gzipInputMessage } from '../../io/files.js';
import type { DumpReport } from '../report.js';
import { detectDumpFormat, detectForeign } from './detect.js';
import { analyzeKernel } from './kernel.js';
import { analyzeMinidump } from './minidump.js';
import { BufferSource, Reader, openSource, type ByteSource, type ReadScratch } from './source.js';

export interface NativeOptions {
  /** Turn every warning (damaged optional stream, unreadable name ...) into an error. */
  strict?: boolean;
  /** Read small dumps on demand into this reused buffer (callers that read many dumps in turn; see SparseFileSource). */
  scratch?: ReadScratch;
}

export { detectDumpFormat } from './detect.js';
export { crashReason, crashAddress } from './crash-reason.js';
export { ADDRESS_PARAMETER, isKernelImage } from './culprit.js';

/** Read a dump file positionally (a multi-GB MEMORY.DMP costs its header pages, not its size).
 * @example const report = await analyzeNativeFile('MEMORY.DMP', { strict: true });
 */
export async function analyzeNativeFile(file: string, opts: NativeOptions = {}): Promise<DumpReport> {
  const src = openSource(file, opts.scratch);
  try {
    return analyzeSource(src, file, opts);
  } finally {
    src.close();
  }
}

/** The same on bytes already in memory (tests, callers that unpacked a CAB).
 * @example const report = analyzeNativeBuffer(readFileSync('app.dmp'), 'app.dmp');
 */
export function analyzeNativeBuffer(data: Buffer, file = '<buffer>', opts: NativeOptions = {}): DumpReport {
  return analyzeSource(new BufferSource(data), file, opts);
}

function analyzeSource(src: ByteSource, file: string, opts: NativeOptions): DumpReport {
  const r = new Reader(src, file);
  const warnings = new Warnings(opts.strict === true, file);
  const head = src.read(0, Math.min(8, src.size));
  const kind = detectDumpFormat(head);
  try {
    switch (kind) {
      case 'kernel64':
        return analyzeKernel(r, true, file, warnings);
      case 'kernel32':
        return analyzeKernel(r, false, file, warnings);
      case 'minidump':
        return analyzeMinidump(r, file, warnings);
      default:
        // 4 KB: an archive's magic may sit past the 8 that tell the dump formats apart (tar: at 257), and the
        // text of another command's input (otherKindHint) further still.
        throw notADump(src.read(0, Math.min(4096, src.size)), file);
    }
  } catch (e) {
    if (e instanceof AnalyzeError) {
      if (e.file === undefined) e.file = file;
      throw e;
    }
    // A decoder bug must still surface as a clear, located error rather than a crash of the caller.
    throw new AnalyzeError('DUMP_INTERNAL', `the dump could not be decoded (${(e as Error).message})`, { file, cause: e });
  }
}

/** An archive of dumps given where one dump is read: the fleet view reads those in place, from a path. */
function archiveNotADump(archive: ArchiveKind, file: string): AnalyzeError {
  return new AnalyzeError('DUMP_NOT_A_DUMP', `this is a ${archive === 'tgz' ? 'gzip-compressed tar' : archive} archive, not a dump: named as a path without --no-group (analyze dump dumps.${archive}), the dumps inside are read`, { file, offset: 0 });
}

function notADump(head: Buffer, file: string): AnalyzeError {
  switch (detectForeign(head)) {
    case 'userdump':
      return new AnalyzeError('DUMP_UNSUPPORTED', 'this is a legacy USERDUMP/USERDU64 full user-mode dump (pre-minidump format), which the native reader does not decode; open it with cdb (--engine cdb)', { file, offset: 0 });
    case 'cab':
      return new AnalyzeError('DUMP_UNSUPPORTED', 'this is a Microsoft CAB archive; extract the .dmp inside it first (e.g. `cabextract` or `expand -F:* file.cab .`)', { file, offset: 0 });
    case 'elf':
      return new AnalyzeError('DUMP_NOT_A_DUMP', 'this is an ELF file (a Linux core dump or binary), not a Windows crash dump or minidump', { file, offset: 0 });
    case 'gzip':
      // A .tgz of dumps (on standard input, say) is told as the archive it is: gunzip would only leave a tar.
      if (gzipContent(head) === 'tar') return archiveNotADump('tgz', file);
      return new AnalyzeError('DUMP_NOT_A_DUMP', gzipInputMessage('dump'), { file, offset: 0 });
    default: {
      // An archive of dumps: the fleet view reads those in place, from a path (not from standard input).
      const archive = detectArchive(head);
      if (archive !== null) return archiveNotADump(archive, file);
      if (head.length >= 8 && head.toString('latin1', 0, 4) === 'MDMP') {
        const version = head.readUInt16LE(4);
        return new AnalyzeError(
          'DUMP_NOT_A_DUMP',
          `the file has the MDMP signature, but its version 0x${version.toString(16).padStart(4, '0')} is not MINIDUMP_VERSION 0xa793: not a minidump, or a damaged one`,
          { file, offset: 4 },
        );
      }
      return new AnalyzeError(
        'DUMP_NOT_A_DUMP',
        head.length < 8 ? `the file is ${head.length} bytes, too short to be a dump` : `not a crash dump: no PAGEDUMP, PAGEDU64 or MDMP signature at the start${otherKindHint(head, 'dump')}`,
        { file, offset: 0 },
      );
    }
  }
}
