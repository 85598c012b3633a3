/**
 * Field layouts of the two 32-bit status formats ([MS-ERREF] 2.1 HRESULT, 2.3 NTSTATUS).
 *
 * HRESULT:  S(31) R(30) C(29) N(28) X(27) facility(16..26) code(0..15). winerror.h's HRESULT_FACILITY
 *           masks 13 bits (16..28); we use the 11 the spec defines and report N (HRESULT_FROM_NT) apart.
 * NTSTATUS: Sev(30..31) C(29) N(28) facility(16..27) code(0..15).
 */
import { facilityName } from '../tables/index.js';

export type HresultSeverity = 'success' | 'error';
export type NtSeverity = 'success' | 'informational' | 'warning' | 'error';

export interface FacilityField {
  value: number;
  name: string | null;
}

export interface HresultFields {
  severity: HresultSeverity;
  /** C bit: a customer (non-Microsoft) code. */
  customer: boolean;
  /** N bit: an NTSTATUS wrapped by HRESULT_FROM_NT. */
  ntWrapped: boolean;
  facility: FacilityField;
  code: number;
}

export interface NtStatusFields {
  severity: NtSeverity;
  customer: boolean;
  facility: FacilityField;
  code: number;
}

export const FACILITY_WIN32 = 7;
export const FACILITY_WINDOWSUPDATE = 36;
const HRESULT_FACILITY_MASK = 0x7ff;
const NTSTATUS_FACILITY_MASK = 0xfff;
export const FACILITY_NT_BIT = 0x10000000;

/**
 * Severity, customer and N bits, facility and code of an HRESULT.
 * @example decodeHresult(0x800b0001).facility // { value: 11, name: 'FACILITY_CERT' }
 */
export function decodeHresult(value: number): HresultFields {
  const v = value >>> 0;
  const facility = (v >>> 16) & HRESULT_FACILITY_MASK;
  return {
    severity: v >>> 31 ? 'error' : 'success',
    customer: ((v >>> 29) & 1) === 1,
    ntWrapped: ((v >>> 28) & 1) === 1,
    facility: { value: facility, name: facilityName(facility) ?? null },
    code: v & 0xffff,
  };
}

const NT_SEVERITIES: readonly NtSeverity[] = ['success', 'informational', 'warning', 'error'];

/**
 * Severity, customer bit, facility and code of an NTSTATUS.
 * @example decodeNtStatus(0xc0000005).severity // 'error'
 */
export function decodeNtStatus(value: number): NtStatusFields {
  const v = value >>> 0;
  return {
    severity: NT_SEVERITIES[v >>> 30] ?? 'error',
    customer: ((v >>> 29) & 1) === 1,
    // NTSTATUS facility numbers have their own names in ntstatus.h; none of our sources list them.
    facility: { value: (v >>> 16) & NTSTATUS_FACILITY_MASK, name: null },
    code: v & 0xffff,
  };
}

/** The Win32 error a FACILITY_WIN32 HRESULT (0x8007xxxx, HRESULT_FROM_WIN32) wraps, else undefined.
 * @example wrappedWin32(0x80070005); // 5 (ERROR_ACCESS_DENIED wrapped in an HRESULT)
 */
export function wrappedWin32(value: number): number | undefined {
  const v = value >>> 0;
  return (v & 0xffff0000) >>> 0 === 0x80070000 ? v & 0xffff : undefined;
}

/** The NTSTATUS an HRESULT_FROM_NT value (N bit set) wraps, else undefined.
 * @example wrappedNtStatus(0xd0000022); // 0xC0000022 (STATUS_ACCESS_DENIED)
 */
export function wrappedNtStatus(value: number): number | undefined {
  const v = value >>> 0;
  return v & FACILITY_NT_BIT ? (v & ~FACILITY_NT_BIT) >>> 0 : undefined;
}
