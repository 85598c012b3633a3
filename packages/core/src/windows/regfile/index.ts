export { parseRegFile, readRegFile, isRegFile, REGEDIT4_HEADER, REGEDIT5_HEADER } from './parse.js';
export type { RegFile, RegFileKey, RegFileValue, ParseRegOptions, RegFileVisitor, RegFileInfo } from './parse.js';
export { decodeRegText } from './decode-text.js';
export type { RegText, RegTextEncoding } from './decode-text.js';
