/** Moved to frame/gate.ts (the frame contract between reader and verdict); kept so existing imports keep working. */
export * from './frame/gate.js';
