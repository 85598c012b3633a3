import type { ProfilesReport } from '@analyze/core/windows';

/** The --json document for one file (docs/json-profiles.md). */
export function profilesJson(file: string, r: ProfilesReport): object {
  return {
    file,
    source: r.source,
    encoding: r.encoding,
    format: r.format,
    profilesDirectory: r.profilesDirectory,
    profiles: r.profiles.map((p) => ({ ...p })),
    findings: r.findings.map((f) => ({ sid: f.sid, code: f.code, message: f.message, realKey: f.realKey, evidence: f.evidence, fix: f.fix })),
    warnings: r.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.offset === undefined ? {} : { offset: w.offset }) })),
  };
}
