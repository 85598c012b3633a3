export { Hive, RegKey, typeName, valueOf } from './hive.js';
export type { OpenHiveOptions, ReadValuesOptions, RegValue } from './hive.js';
export { walkKeys } from './walk.js';
export type { WalkEntry } from './walk.js';
export { isRegfSignature, baseBlockChecksum, filetimeToIso } from './base-block.js';
export type { BaseBlock } from './base-block.js';
export * from './value-types.js';
export { MAX_KEY_DEPTH, BIG_DATA_SEGMENT } from './layout.js';
