import type { FacilityField, HresultSeverity, NtSeverity } from './decode.js';
import type { Remedy } from './remedies.js';

/** The tables a 32-bit code can belong to. */
export type CodeKind = 'hresult' | 'ntstatus' | 'win32' | 'windows-update' | 'bugcheck' | 'exception';

/** The code another one wraps: the Win32 error in a FACILITY_WIN32 HRESULT, the NTSTATUS in HRESULT_FROM_NT. */
export interface WrappedCode {
  kind: 'win32' | 'ntstatus';
  value: number;
  name: string | null;
  message: string | null;
}

/** One reading of a code: what it is if it is a `kind`. */
export interface Interpretation {
  kind: CodeKind;
  /** Unsigned 32-bit value. */
  value: number;
  /** The documented name, or null when no table knows this value as this kind. */
  name: string | null;
  /** Other names the sources give the same value. */
  aliases: string[];
  /** The documented message (Microsoft's text, or ReactOS's for bugchecks), or null. */
  message: string | null;
  /** True when a table (or the remedies table) names the value as this kind. */
  known: boolean;
  /** Decoded HRESULT/NTSTATUS fields (hresult, windows-update, ntstatus, exception kinds). */
  severity?: HresultSeverity | NtSeverity;
  customer?: boolean;
  facility?: FacilityField;
  /** Low 16 bits. */
  code?: number;
  wraps?: WrappedCode;
  /** Bugcheck family (bugcheck kind only): 0x1000007E and 0x7E are one family, reported as the base code 0x7E. */
  family?: number;
  /** Microsoft's page for a bugcheck. */
  docUrl?: string;
  remedy?: Remedy;
}

export interface CodeLookup {
  input: string;
  interpretations: Interpretation[];
}
