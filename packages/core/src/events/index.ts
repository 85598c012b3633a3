/** `analyze events`: Windows event logs (.evtx) read natively, and the findings an admin looks for. */
export { readEvtxFile, readEvtxFilePaced, readEvtxStream, EvtxParser, type ReadOptions, type EvtxReadResult } from './reader.js';
export { parseFileHeader, isEvtxHeader, FILE_HEADER_SIZE } from './header.js';
export { CHUNK_SIZE } from './chunk.js';
export type { EvtxRecord, EvtxFileHeader, EvtxStats } from './types.js';
export { analyzeEvents, expandEventsPath, MAX_EVENT_LOGS, hasProblem, recordJson, EVENTS_SCHEMA_VERSION, type EventsInput, type AnalyzeEventsOptions, type EventsReport, type EventsFileSummary } from './analyze.js';
export { parseBugcheckText } from './findings/crash.js';
export { interpretUpdateCode } from './findings/update.js';
export type { EventFinding, Occurrence, RecordRef, TimelineEntry, Severity, Family } from './findings/types.js';
export { MAX_OCCURRENCES } from './findings/types.js';
