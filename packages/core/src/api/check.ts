/**
 * Checks of what a caller passes to a job. TypeScript catches most wrong arguments, plain JavaScript does
 * not: without these a string list was walked a character at a time, a NaN limit listed nothing and a
 * misspelt engine ran cdb. Each check throws UsageError (code USAGE) naming the argument, as the CLI does
 * for its options.
 */
import { UsageError } from '../errors.js';

/** What a value is, for a message: `"x"`, `5`, `null`, `an object`. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  return Array.isArray(value) ? 'an array' : 'an object';
}

/**
 * A whole number from `min` to `max` (when given), or undefined (the option's default).
 * @example checkWholeNumber(opts.limit, 'analyzeCapture: limit', 0)
 */
export function checkWholeNumber(value: unknown, what: string, min: number, max?: number): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && (max === undefined || value <= max)) return;
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  throw new UsageError(`${what} must be a whole number ${range} (got ${shown(value)})`);
}

/**
 * A number above 0 and finite (a byte cap: NaN or Infinity would switch the cap off), or undefined.
 * @example checkPositive(opts.maxInflated, 'showBackup: maxInflated')
 */
export function checkPositive(value: unknown, what: string): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return;
  throw new UsageError(`${what} must be a finite number above 0 (got ${shown(value)})`);
}

/**
 * One of `allowed`, or undefined.
 * @example checkOneOf(opts.engine, ['auto', 'native', 'cdb'], 'analyzeDump: engine')
 */
export function checkOneOf(value: unknown, allowed: readonly string[], what: string): void {
  if (value === undefined || (typeof value === 'string' && allowed.includes(value))) return;
  throw new UsageError(`${what} must be one of ${allowed.join(', ')} (got ${shown(value)})`);
}

/**
 * A function, or undefined.
 * @example checkFunction(opts.onProgress, 'analyzeCapture: onProgress')
 */
export function checkFunction(value: unknown, what: string): void {
  if (value === undefined || typeof value === 'function') return;
  throw new UsageError(`${what} must be a function (got ${shown(value)})`);
}

/**
 * A string, or undefined (or always a string when `required`).
 * @example checkString(to, 'extractBackup: to', true)
 */
export function checkString(value: unknown, what: string, required = false): void {
  if ((value === undefined && !required) || typeof value === 'string') return;
  throw new UsageError(`${what} must be a string (got ${shown(value)})`);
}

/**
 * The options argument: an object, or undefined (null is the usual slip from JavaScript).
 * @example checkOptions(opts, 'analyzeCapture')
 */
export function checkOptions(value: unknown, what: string): void {
  if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))) return;
  throw new UsageError(`${what}: the options must be an object (got ${shown(value)})`);
}

/**
 * A job's input: a path, bytes (Uint8Array/Buffer) or a stream of bytes (anything async iterable).
 * @example checkInput(input, 'analyzePsod')
 */
export function checkInput(value: unknown, what: string): void {
  if (typeof value === 'string' || value instanceof Uint8Array) return;
  if (typeof value === 'object' && value !== null && Symbol.asyncIterator in value) return;
  const hint = value instanceof ArrayBuffer ? ' (wrap an ArrayBuffer in a Uint8Array)' : '';
  throw new UsageError(`${what} takes a path, bytes (Uint8Array, Buffer) or a stream of bytes (got ${shown(value)})${hint}`);
}
