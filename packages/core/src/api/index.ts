/**
 * One call per job (`@analyze/core`, also `@analyze/core/api/<area>` to load one area only): each takes a
 * path, bytes or a stream (plus options, `name` among them) and returns the report exactly as the
 * command's `--json` prints it (docs/json*.md): plain data with `schemaVersion`. See docs/api.md.
 */
export { analyzeCapture, type CaptureJobOptions, type CaptureJson, type BadChecksumJson } from './pcap.js';
export { analyzeDump, MAX_DUMP_STREAM_INPUT, type DumpJobOptions, type DumpJson, type DumpDoc, type ModuleJson } from './dump.js';
export {
  showBackup,
  extractBackup,
  diffBackups,
  checkBackup,
  restorePlan,
  type BackupJobOptions,
  type TargetOption,
  type ShowJson,
  type ExtractJson,
  type DiffJson,
  type CheckJson,
  type RestorePlanJson,
} from './esxi.js';
export { analyzePsod, type PsodJson, type PsodFrameJson } from './psod.js';
export { lookupCode, searchCodes, type CodeReport, type CodeSearchReport, type InterpretationJson } from './code.js';
export { analyzeProfiles, type ProfilesJson, type ProfileFindingJson } from './profiles.js';
export { errorReport, errorJson, type ErrorReport, type ErrorJson } from './report.js';
export { inputName, readInput, type Input, type JobOptions } from './input.js';
