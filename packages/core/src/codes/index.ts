/** `analyze code`: Windows error, status, Windows Update and bugcheck codes -> name, meaning, remedy. */
export { parseCodeInput, hex32, type ParsedInput, type Reading, type Notation } from './parse.js';
export {
  decodeHresult,
  decodeNtStatus,
  wrappedWin32,
  wrappedNtStatus,
  FACILITY_WIN32,
  FACILITY_WINDOWSUPDATE,
  type HresultFields,
  type NtStatusFields,
  type FacilityField,
} from './decode.js';
export { lookupCode, interpretAs, kindOrder, isKnown, findByName, searchCodes, SEARCH_LIMIT, type SearchResult } from './lookup.js';
export { REMEDIES, remedyFor, remediesFor, type Remedy, type RemedySource } from './remedies.js';
export type { CodeKind, CodeLookup, Interpretation, WrappedCode } from './types.js';
