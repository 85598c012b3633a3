/** `analyze events`: Windows event logs (.evtx) read natively, and the findings an admin looks for. */
export { readEvtxFile, readEvtxStream, EvtxParser, type ReadOptions, type EvtxReadResult } from './reader.js';
export { parseFileHeader, isEvtxHeader, FILE_HEADER_SIZE } from './header.js';
export { CHUNK_SIZE } from './chunk.js';
export type { EvtxRecord, EvtxFileHeader, EvtxStats } from './types.js';
