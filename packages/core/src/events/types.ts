/** Plain-data shapes of the EVTX reader (all JSON-serialisable). */

/** One event record, reduced to the fields an admin (and `--records`) needs. */
export interface EvtxRecord {
  /** EventRecordID from the System element (the record header's number when the event has none). */
  recordId: number;
  /** The record header's own number (differs from recordId in exported/filtered logs). */
  headerNumber: number;
  /** Byte offset of the record in the file. */
  offset: number;
  eventId: number | null;
  qualifiers: number | null;
  level: number | null;
  /** TimeCreated/@SystemTime as ISO 8601 UTC with 7 fractional digits (FILETIME resolution), or null. */
  time: string | null;
  /** The same instant in milliseconds since 1970 (for sorting and windows), or null. */
  timeMs: number | null;
  provider: string | null;
  /** Provider/@EventSourceName (classic source name, e.g. `BugCheck`), when present. */
  eventSourceName: string | null;
  channel: string | null;
  computer: string | null;
  /** System/Security/@UserID: the SID the event was logged for, when present. */
  userId: string | null;
  /**
   * EventData: `Data/@Name` -> text, unnamed `Data` by position `#1`, `#2`...; other elements (Binary) by name;
   * repeated keys get `~2`, `~3`. UserData: leaf elements by path below its root element.
   */
  data: Record<string, string>;
  /** The root element name below UserData, when the event has UserData. */
  userData: string | null;
}

/** What the file header says (libevtx: "file header", 4096-byte block, 128 bytes used). */
export interface EvtxFileHeader {
  firstChunk: number;
  lastChunk: number;
  nextRecordId: number;
  majorVersion: number;
  minorVersion: number;
  chunkCount: number;
  flags: number;
  /** Flag 0x1: the log was not closed cleanly. */
  dirty: boolean;
  /** Flag 0x2: the log is full. */
  full: boolean;
  /** Flag 0x4: the writer keeps no CRC32 checksums (they are not checked). */
  noCrc: boolean;
  crcOk: boolean;
}

/** Reading statistics for one file. */
export interface EvtxStats {
  bytes: number;
  chunks: number;
  /** Chunks skipped: bad magic or header, or the partial chunk at the end of a truncated file. */
  chunksSkipped: number;
  /** All-zero 64 KiB blocks (preallocated, never written). */
  chunksEmpty: number;
  records: number;
  /** Records that could not be decoded (warned about, left out). */
  recordsDamaged: number;
}
