/** Public API of the esxi area: `@analyze/core/esxi`. */
export * from './backup/model.js';
export { openBackup, MAX_INPUT_BYTES } from './backup/open.js';
export { isSecretFile as isSecret, isSecretFile, isSecretPath, isSecretField, isSecretChange, containsSecret, redactText, REDACTED } from './secrets.js';
export { parseEncryptionInfo, decryptEnvelope, isEnvelope, type EncryptionInfo } from './backup/envelope.js';
export { parseManifest } from './config/manifest.js';
export { readConfigStore, rowsNotReadWarning, valuesKeptAsTextWarning, MAX_CONFIGSTORE_ROWS, MAX_CONFIGSTORE_DEPTH, MAX_CONFIGSTORE_ITEMS, MAX_CONFIGSTORE_ITEMS_TOTAL, rowsOf, mergedValue, loadSqlJs, isSqlite, CONFIGSTORE_PATH, VALUE_COLUMNS, type ConfigStore, type ConfigStoreRow, type ValueColumn } from './config/configstore.js';
export { extractBackup, type ExtractReport, type ExtractOptions, type ExtractedFile, type SkippedFile, type SkipReason } from './backup/extract.js';
export { showBackup, type ShowReport, type ShowFile, type ShowUser, type ShowVSwitch, type ShowVmknic, type FactSource } from './show.js';
