/**
 * @analyze/core: one call per job, returning the documented JSON report (docs/api.md):
 *
 *   import { analyzeCapture, showBackup, lookupCode } from '@analyze/core';
 *   const report = await analyzeCapture('capture.pcapng');   // what `analyze pcap --json` prints
 *
 * The jobs: analyzeCapture, analyzeDump, showBackup, extractBackup, diffBackups, checkBackup, restorePlan,
 * analyzePsod, lookupCode, searchCodes, analyzeProfiles. `@analyze/core/api/<area>` loads one area only.
 *
 * The lower-level readers stay available, one namespace per area (their results are models, not the
 * documented JSON):
 *
 * Each area is also importable on its own, which loads only that area's code (the CLI does this, so
 * one command never loads another's parsers):
 *
 *   import { analyzeCapture } from '@analyze/core/pcap';          // checksums, per frame
 *   import { VerdictCollector } from '@analyze/core/pcap/verdict'; // offload verdict over FrameRecords
 *   import { analyzeDump } from '@analyze/core/dump';             // cdb, saved text or native engine
 *   import { openBackup, showBackup } from '@analyze/core/esxi';  // ESXi backups: read, show, extract
 *   import { diffBackups, checkBackup } from '@analyze/core/esxi/diff';
 *   import { analyzePsod } from '@analyze/core/psod';
 *   import { lookupCode } from '@analyze/core/codes';
 *   import { analyzeProfiles } from '@analyze/core/windows';      // registry hives, .reg files, ProfileList
 *   import { analyzeEvents } from '@analyze/core/events';        // .evtx logs: crashes, profiles, updates, services, storage
 *   import { AnalyzeError } from '@analyze/core/errors';
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
