/**
 * Reading what a user typed as a code: `0x800B0001`, `800B0001`, `800b0001`, `-2146762751`, `2148204545`,
 * `c0000374`, `0x7E`, `7E`, `00000050`, `0xC0000005L` (a C literal), or a symbolic name (`E_ACCESSDENIED`).
 */
import { cutForMessage, UsageError } from '../errors.js';

export type Notation = 'hex' | 'decimal';

/** One way to read the input as a 32-bit number; a bare digit string can be read two ways. */
export interface Reading {
  /** Unsigned 32-bit value. */
  value: number;
  notation: Notation;
  /** True for the reading we believe the user meant; alternates only contribute known codes. */
  primary: boolean;
}

export type ParsedInput = { kind: 'number'; readings: Reading[] } | { kind: 'name'; name: string };

const MAX_U32 = 0xffffffff;
const MIN_I32 = -0x80000000;
/** A symbolic name: letters, digits and underscores, not starting with a digit (E_FAIL, WU_E_NO_UPDATE). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Eight digits is how HRESULTs and NTSTATUS codes are written (80070005); a leading zero is hex padding. */
const HEX_WIDTH = 8;

/**
 * A C integer-literal suffix (U, L, UL or LU, any case) after `0x` digits: headers write codes so
 * (`((NTSTATUS)0xC0000005L)` in ntstatus.h, `_HRESULT_TYPEDEF_(0x80070005L)` in winerror.h). It never changes the
 * number, and U/L are not hex digits, so it cannot be mistaken for one.
 */
const C_LITERAL_SUFFIX = /(?:ul|lu|u|l)$/i;

/** Longest input repeated in an error message: a 1 MiB word of standard input must not become a 1 MiB line. */
const SHOWN_INPUT_CHARS = 64;

/** `input` as an error message quotes it: cut to SHOWN_INPUT_CHARS, with its length said. */
export function shownInput(input: string): string {
  return cutForMessage(input, SHOWN_INPUT_CHARS);
}

function hexValue(digits: string, input: string): number {
  const significant = digits.replace(/^0+(?=.)/, '');
  if (significant.length > HEX_WIDTH) throw new UsageError(`${shownInput(input)}: more than 32 bits; a code is a 32-bit number`, 'CODE_TOO_BIG');
  return Number.parseInt(significant, 16) >>> 0;
}

function decimalValue(text: string, input: string): number {
  // BigInt keeps 2^64 and longer exact, so the range check below cannot be fooled by float rounding.
  const n = BigInt(text);
  if (n > BigInt(MAX_U32) || n < BigInt(MIN_I32))
    throw new UsageError(`${shownInput(input)}: outside the 32-bit range (-2147483648 .. 4294967295)`, 'CODE_TOO_BIG');
  return Number(n) >>> 0;
}

/** Parses one user-typed code. Throws UsageError (exit 2) for anything that is neither a number nor a name.
 * @example const parsed = parseCodeInput('-2146762751');
 */
export function parseCodeInput(raw: string): ParsedInput {
  const input = raw.trim();
  if (input === '') throw new UsageError('empty code: give a number such as 0x800B0001, 800B0001, -2146762751 or 7E', 'CODE_EMPTY');
  const hexPrefixed = /^0x(.*)$/i.exec(input);
  if (hexPrefixed) {
    const digits = (hexPrefixed[1] ?? '').replace(C_LITERAL_SUFFIX, '');
    if (!/^[0-9a-f]+$/i.test(digits)) throw new UsageError(`${shownInput(input)}: not a hexadecimal number`, 'CODE_MALFORMED');
    return { kind: 'number', readings: [{ value: hexValue(digits, input), notation: 'hex', primary: true }] };
  }
  if (/^[-+]\d+$/.test(input)) {
    return { kind: 'number', readings: [{ value: decimalValue(input, input), notation: 'decimal', primary: true }] };
  }
  if (/^\d+$/.test(input)) {
    const readings: Reading[] = [];
    const looksHex = input.length === HEX_WIDTH || (input.length > 1 && input.startsWith('0'));
    const fitsHex = input.replace(/^0+(?=.)/, '').length <= HEX_WIDTH;
    const dec = BigInt(input) <= BigInt(MAX_U32) ? Number(input) >>> 0 : undefined;
    const hex = fitsHex ? Number.parseInt(input, 16) >>> 0 : undefined;
    if (dec === undefined && hex === undefined) throw new UsageError(`${shownInput(input)}: outside the 32-bit range`, 'CODE_TOO_BIG');
    const first: Notation = looksHex && hex !== undefined ? 'hex' : dec !== undefined ? 'decimal' : 'hex';
    const push = (value: number | undefined, notation: Notation) => {
      if (value === undefined || readings.some((r) => r.value === value)) return;
      readings.push({ value, notation, primary: readings.length === 0 });
    };
    if (first === 'hex') {
      push(hex, 'hex');
      push(dec, 'decimal');
    } else {
      push(dec, 'decimal');
      push(hex, 'hex');
    }
    return { kind: 'number', readings };
  }
  if (/^[0-9a-f]+$/i.test(input)) {
    return { kind: 'number', readings: [{ value: hexValue(input, input), notation: 'hex', primary: true }] };
  }
  if (NAME.test(input)) return { kind: 'name', name: input };
  throw new UsageError(`${shownInput(input)}: not a code (expected hex like 0x800B0001 or 800B0001, decimal like -2146762751, or a name like E_ACCESSDENIED)`, 'CODE_MALFORMED');
}

/** `0x800B0001`: the canonical spelling of a 32-bit code.
 * @example hex32(-2146762751); // '0x800B0001'
 */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}
