/** Public API of the esxi area: `@analyze/core/esxi`. */
export * from './backup/model.js';
