/** Kept so existing imports keep working: every secret rule lives in ../secrets.ts. */
export { isSecretPath, isSecretFile as isSecret } from '../secrets.js';
