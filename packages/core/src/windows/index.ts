/**
 * @analyze/core/windows: Windows registry inputs and the temporary-profile analysis.
 * - registry: read-only regf (hive file) reader
 * - regfile: .reg export reader
 * - profiles: ProfileList diagnosis (`analyze profiles`)
 */
export * from './registry/index.js';
export * from './regfile/index.js';
export * from './profiles/index.js';
