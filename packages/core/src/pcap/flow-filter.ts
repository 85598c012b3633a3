/** Moved to frame/flow-filter.ts (the frame contract between reader and verdict); kept so existing imports keep working. */
export * from './frame/flow-filter.js';
