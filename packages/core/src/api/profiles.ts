/** The `analyze profiles` job: why Windows signs a user in with a temporary profile (docs/json-profiles.md). */
import type { Warning } from '../errors.js';
import { analyzeProfiles as analyzeProfilesData, MAX_PROFILES_INPUT, MAX_PROFILES_STREAM_INPUT } from '../windows/profiles/analyze.js';
import type { Profile } from '../windows/profiles/profile.js';
import { checkInput, checkOptions } from './check.js';
import { inputName, isStream, naming, readInput, warningsJson, type Input, type JobOptions } from './input.js';
import { stamped } from './report.js';

/** One finding: at most one per SID. */
export interface ProfileFindingJson {
  sid: string;
  code: string;
  message: string;
  realKey: string | null;
  evidence: string[];
  fix: string[];
}

/** The report of `analyzeProfiles` (`analyze profiles --json`), field by field in docs/json-profiles.md. */
export interface ProfilesJson {
  schemaVersion: string;
  file: string;
  source: 'hive' | 'reg';
  encoding: string | null;
  format: string | null;
  profilesDirectory: string | null;
  profiles: Profile[];
  findings: ProfileFindingJson[];
  warnings: Warning[];
}

/**
 * Read an offline SOFTWARE hive or a .reg export of ProfileList (recognised by content; at most
 * MAX_PROFILES_INPUT bytes, MAX_PROFILES_STREAM_INPUT from a stream) and list each profile with the findings and the `reg` commands that fix them.
 * @example
 *   const r = await analyzeProfiles('fixtures/windows/temp-profile.reg');
 *   r.findings[0]?.code; // 'PROFILE_BAK_DUPLICATE'
 */
export async function analyzeProfiles(input: Input, opts: JobOptions = {}): Promise<ProfilesJson> {
  checkInput(input, 'analyzeProfiles');
  checkOptions(opts, 'analyzeProfiles');
  const file = inputName(input, opts.name);
  return naming(file, async () => {
    const data = await readInput(input, isStream(input) ? MAX_PROFILES_STREAM_INPUT : MAX_PROFILES_INPUT, file);
    const r = analyzeProfilesData(data, { file, strict: opts.strict ?? false });
    return stamped({
      file,
      source: r.source,
      encoding: r.encoding,
      format: r.format,
      profilesDirectory: r.profilesDirectory,
      profiles: r.profiles.map((p) => ({ ...p, stateBits: [...p.stateBits] })),
      findings: r.findings.map((f) => ({ sid: f.sid, code: f.code, message: f.message, realKey: f.realKey, evidence: [...f.evidence], fix: [...f.fix] })),
      // The file is the report's own: not repeated in each warning (docs/json-profiles.md).
      warnings: warningsJson(r.warnings, undefined),
    });
  });
}
