/** Moved to frame/frame.ts (the frame contract between reader and verdict); kept so existing imports keep working. */
export * from './frame/frame.js';
