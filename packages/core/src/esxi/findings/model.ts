/** A restore trap found in a backup (and, with a target, in the pair backup → target host). */

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** Stable code, e.g. ESXI_PASSTHRU_BOOT_HBA. */
  code: string;
  /** What is wrong and what happens if you restore anyway, in plain words. */
  message: string;
  /** What to do: the esx.conf line to set, or the esxcli / vim-cmd command. */
  fix: string;
  /** The device, key or file concerned, when there is one. */
  subject?: string;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Sort order: errors, then warnings, then info.
 * @example findings.sort(bySeverity)
 */
export function bySeverity(a: Finding, b: Finding): number {
  return RANK[a.severity] - RANK[b.severity] || a.code.localeCompare(b.code);
}

/**
 * True when a finding has severity `error` (the CLI exits 1).
 * @example hasError(report.findings)
 */
export function hasError(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
