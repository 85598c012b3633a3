/**
 * @analyze/core: one call per job, returning the documented JSON report (docs/api.md):
 *
 *   import { analyzeCapture, showBackup, lookupCode } from '@analyze/core';
 *   const report = await analyzeCapture('capture.pcapng');   // what `analyze pcap --json` prints
 *
 * The jobs: analyzeCapture, analyzeDump, showBackup, extractBackup, diffBackups, checkBackup, restorePlan,
 * analyzePsod, lookupCode, searchCodes, analyzeProfiles; analyzeDumpFleet (`@analyze/core/dump/fleet`),
 * fixChecksums (`@analyze/core/pcap/fix`), analyzeEvents (`@analyze/core/events`).
 *
 * Each job is also importable from its area's own entry point, which loads only that area's code (the CLI
 * does this, so one command never loads another's parsers). These take the same arguments and return the
 * same reports as above:
 *
 *   import { analyzeCapture } from '@analyze/core/api/pcap';
 *   import { analyzeDump } from '@analyze/core/api/dump';
 *   import { showBackup, diffBackups, checkBackup } from '@analyze/core/api/esxi';
 *   import { analyzePsod } from '@analyze/core/api/psod';
 *   import { lookupCode, searchCodes } from '@analyze/core/api/code';
 *   import { analyzeProfiles } from '@analyze/core/api/profiles';
 *   import { AnalyzeError } from '@analyze/core/errors';
 *
 * The lower-level readers stay available, one namespace per area below (`@analyze/core/psod`,
 * `@analyze/core/esxi`, ...). Their functions share some names with the jobs but not their contracts:
 * they take models or text, not paths, and return models, not the documented JSON (the `analyzePsod` of
 * `@analyze/core/psod` reads its argument as the screen's text, not as a path).
 */
export { AnalyzeError, MAX_WARNINGS, UsageError, Warnings, inFile, isAnalyzeError } from './errors.js';
export type { ErrorCode, ErrorDetails, Warning } from './errors.js';
export { REPORT_SCHEMA_VERSION } from './report.js';
export * from './api/index.js';
export * as io from './io/index.js';
export * as pcap from './pcap/index.js';
export * as pcapVerdict from './pcap/verdict/index.js';
export * as dump from './dump/index.js';
export * as esxi from './esxi/index.js';
export * as esxiDiff from './esxi/diff/index.js';
export * as psod from './psod/index.js';
export * as codes from './codes/index.js';
export * as windows from './windows/index.js';
export * as tables from './tables/index.js';
/**
 * Windows event logs (.evtx): `events.analyzeEvents(['System.evtx'])` reads the logs natively (streaming,
 * chunk by chunk) and returns the findings document (docs/json-events.md); `events.readEvtxFile` gives the
 * records themselves.
 */
export * as events from './events/index.js';
