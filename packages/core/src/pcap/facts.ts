/** Moved to frame/facts.ts (the frame contract between reader and verdict); kept so existing imports keep working. */
export * from './frame/facts.js';
