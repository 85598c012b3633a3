/**
 * The per-file job of a fleet run: one input (a path, or an archive member's bytes) -> one row, "not a
 * dump", or "an archive" (for a path). A pure function of its input and options (no shared state), so it
 * runs the same inline, in a worker thread, or on another machine.
 */
import { readHead } from '../../io/files.js';
import { looksLikeAnalyzeText, parseAnalyzeText } from '../cdb/index.js';
import { analyzeDump, type AnalyzeDumpOptions } from '../index.js';
import { analyzeNativeBuffer, analyzeNativeFile } from '../native/index.js';
import { detectDumpFormat } from '../native/detect.js';
import { detectArchive } from './archive-kind.js';
import { ReadScratch } from '../native/source.js';
import type { FleetInput, FleetJobResult } from './model.js';
import { errorRow, reportRow } from './row.js';

/** Bytes sniffed to recognise a dump or a saved analysis (the same as `analyze dump` sniffs). */
export const SNIFF_BYTES = 64 * 1024;
/** The dump magics are in the first 8 bytes: a small first read, the whole sniff only for what is not a dump. */
const MAGIC_BYTES = 8;

/**
 * A file named like a dump but too short to hold a dump's signature: what Windows leaves when writing a
 * minidump fails (a 0-byte Minidump\*.dmp). The one case told by name, not content: an unreadable dump, not
 * "not a dump", or a fleet's failed dumps would vanish from its counts.
 */
const DUMP_NAME = /\.(dmp|mdmp)$/i;
const tooShortDump = (name: string, length: number): boolean => length < MAGIC_BYTES && DUMP_NAME.test(name);

/** This thread's buffer for whole-file reads: a job runs one dump at a time, and a row holds no Buffer. */
const scratch = new ReadScratch();

/** The options a job needs: plain data, so they cross to a worker thread unchanged. */
export type FleetJobOptions = Pick<AnalyzeDumpOptions, 'engine' | 'cdbPath' | 'symbols' | 'timeoutMs' | 'strict' | 'env'>;

/**
 * Analyse one input. Never throws: a file that cannot be read is a row with its error.
 * @example
 *   const r = await runFleetJob({ kind: 'path', path: '/dumps/a.dmp', display: 'a.dmp', folder: '.' }, { engine: 'native' });
 *   if (r.status === 'dump') console.log(r.row.code, r.row.culprit);
 */
export async function runFleetJob(input: FleetInput, opts: FleetJobOptions): Promise<FleetJobResult> {
  try {
    if (input.kind === 'path') {
      const magic = readHead(input.path, MAGIC_BYTES);
      // The native reader's own error for it ("the file is 0 bytes, too short to be a dump"), as a row.
      if (tooShortDump(input.path, magic.length)) await analyzeNativeFile(input.path, { strict: opts.strict === true, scratch });
      const isDump = detectDumpFormat(magic) !== null;
      if (!isDump) {
        const head = readHead(input.path, SNIFF_BYTES);
        if (!looksLikeAnalyzeText(head)) {
          // archives are told here, off the walking thread; the fleet run opens them (archiveItems)
          const archive = detectArchive(head);
          return archive === null ? { status: 'skipped', display: input.display } : { status: 'archive', archive };
        }
      }
      // The native engine straight away (analyzeDump would sniff the file again); cdb and texts through analyzeDump.
      const report = isDump && opts.engine === 'native' ? await analyzeNativeFile(input.path, { strict: opts.strict === true, scratch }) : await analyzeDump(input.path, opts);
      return { status: 'dump', row: reportRow({ ...report, file: input.display }, input) };
    }
    const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
    const head = bytes.subarray(0, SNIFF_BYTES);
    if (detectDumpFormat(head) !== null || tooShortDump(input.display, bytes.length)) {
      // cdb reads files only, and archive members are never written to disk: the native reader answers.
      const report = analyzeNativeBuffer(bytes, input.display, { strict: opts.strict === true });
      return { status: 'dump', row: reportRow(report, input) };
    }
    if (looksLikeAnalyzeText(head)) return { status: 'dump', row: reportRow(parseAnalyzeText(bytes, { file: input.display, strict: opts.strict === true }), input) };
    return { status: 'skipped', display: input.display };
  } catch (e) {
    return { status: 'dump', row: errorRow(e, input) };
  }
}
