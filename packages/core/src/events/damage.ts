/**
 * Which damage costs a log its records: the reader warns about every damage with its byte offset; the first
 * one that lost records or data becomes the log's error (files[].error, exit 2), the findings still come from
 * all that was read. Damage that loses nothing stays a warning. docs/events.md lists each code and why.
 */
import { Warnings, type ErrorCode } from '../errors.js';

/**
 * Reader warnings whose damage lost records or data: the file ends before its header's chunks, a chunk is
 * not read (no signature), records are skipped (bad header, damaged BinXML, rest of a chunk over the work
 * budget) or a record's data is cut (text limit). Not here, as they lose nothing: header and chunk CRC32
 * mismatches (every record is still checked and read: a live log's last chunk often has a stale CRC),
 * an impossible free-space offset (records read to the chunk's end), a version other than 3.x.
 */
export const DATA_LOSS_CODES: ReadonlySet<ErrorCode> = new Set([
  'EVTX_TRUNCATED',
  'EVTX_CHUNK_SIGNATURE',
  'EVTX_RECORD_HEADER',
  'EVTX_RECORD_BINXML',
  'EVTX_CHUNK_WORK',
  'EVTX_RECORD_TEXT_LIMIT',
]);

/** The first damage that lost data: the log's error. */
export interface DataLoss {
  code: ErrorCode;
  message: string;
  offset?: number;
}

/**
 * The warnings of one log, keeping aside its first damage that lost data: that one is the log's error, not
 * also a warning (it would be said twice on stderr). Later damage stays in the list. Under --strict every
 * warning is already an error, thrown where it occurs.
 * @example
 *   const w = new LogWarnings(false, 'System.evtx');
 *   readEvtxFile('System.evtx', onRecord, { warnings: w });
 *   summary.error = w.firstLoss; // e.g. EVTX_TRUNCATED at the partial chunk
 */
export class LogWarnings extends Warnings {
  private loss: DataLoss | null = null;

  get firstLoss(): DataLoss | null {
    return this.loss;
  }

  override warn(code: ErrorCode, message: string, offset?: number): void {
    if (!this.strict && this.loss === null && DATA_LOSS_CODES.has(code)) {
      this.loss = { code, message, ...(offset === undefined ? {} : { offset }) };
      return;
    }
    super.warn(code, message, offset);
  }

  /** Reading then failed on something else (that is the log's error): list the damage kept aside as a warning after all. */
  demoteLoss(): void {
    const loss = this.loss;
    if (loss === null) return;
    this.loss = null;
    super.warn(loss.code, loss.message, loss.offset);
  }
}
