/** Kept so existing imports keep working: every secret rule lives in ./secrets.ts. */
export { REDACTED, isSecretField, containsSecret, redactText } from './secrets.js';
