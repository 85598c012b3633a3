/**
 * Public API of `esxi diff`, `check` and `restore-plan`: `@analyze/core/esxi/diff`.
 * (Kept beside esxi/index.ts, which is the show/extract API; the lead may re-export these there.)
 */
export * from './model.js';
export { diffBackups, isNoiseFile, fileArea, type DiffResult } from './backups.js';
export { parseBackup, summarize, type ParsedBackup, type BackupSummary } from './parsed.js';
export { diffEsxConf, canonicalEsxConf, ESXCONF_PATH } from './esxconf.js';
export { diffConfigStore, flattenJson } from './configstore.js';
export { checkBackup } from '../findings/check.js';
export { passthroughDevices, passthroughFindings } from '../findings/passthrough.js';
export { hasError, bySeverity, type Finding, type Severity } from '../findings/model.js';
export { restorePlan, type RestorePlan, type RestoreStep } from '../restore-plan.js';
export { redactText, containsSecret, isSecretField, isSecretChange, REDACTED } from '../secrets.js';
