import { AnalyzeError, type Warning } from '../../errors.js';
import { readSmallFile } from '../../io/files.js';
import { isRegfSignature } from '../registry/base-block.js';
import { Hive } from '../registry/hive.js';
import { utf16z, REG_EXPAND_SZ, REG_SZ } from '../registry/value-types.js';
import { isRegFile, parseRegFile } from '../regfile/parse.js';
import { diagnose, type Finding } from './findings.js';
import { sortProfiles, toProfile, type Profile } from './profile.js';
import { profileListFromHive, profileListFromRegFile, type ProfileListSource } from './source.js';

/**
 * Largest input read. Offline SOFTWARE hives are typically 50-300 MB and regf offsets are 32-bit; a
 * file over 1 GiB is not a hive anyone copies off a machine, and refusing it keeps memory bounded.
 */
export const MAX_PROFILES_INPUT = 1024 * 1024 * 1024;

export type ProfilesInputKind = 'hive' | 'reg';

export interface ProfilesReport {
  source: ProfilesInputKind;
  /** .reg only: the text encoding found (utf-16le, utf-8...) and the header form. */
  encoding: string | null;
  format: string | null;
  /** ProfilesDirectory of the ProfileList key (e.g. %SystemDrive%\Users), null when the source lacks it. */
  profilesDirectory: string | null;
  profiles: Profile[];
  findings: Finding[];
  warnings: Warning[];
}

export interface AnalyzeProfilesOptions {
  file?: string;
  strict?: boolean;
}

/** Recognise the input by content: regf signature, or a .reg header in any encoding. */
export function detectProfilesInput(head: Uint8Array): ProfilesInputKind | undefined {
  if (isRegfSignature(head)) return 'hive';
  if (isRegFile(head.subarray(0, 256))) return 'reg';
  return undefined;
}

/**
 * ProfileList from a SOFTWARE hive or a .reg export already in memory: the profiles and the findings.
 * The `analyzeProfiles` job of `@analyze/core` takes a path or a stream too and returns the JSON report.
 * @example analyzeProfiles(readFileSync('SOFTWARE'), { file: 'SOFTWARE' }).findings
 */
export function analyzeProfiles(data: Buffer, options: AnalyzeProfilesOptions = {}): ProfilesReport {
  const kind = detectProfilesInput(data);
  const file = options.file;
  const strict = options.strict ?? false;
  let list: ProfileListSource;
  let warnings: Warning[];
  let encoding: string | null = null;
  let format: string | null = null;
  if (kind === 'hive') {
    const hive = Hive.open(data, { ...(file === undefined ? {} : { file }), strict });
    list = profileListFromHive(hive);
    warnings = hive.warnings;
  } else if (kind === 'reg') {
    const reg = parseRegFile(data, { ...(file === undefined ? {} : { file }), strict });
    list = profileListFromRegFile(reg, file);
    warnings = reg.warnings;
    encoding = reg.encoding;
    format = reg.format;
  } else {
    // Name the thing when it is a known non-input (a Win9x registry), else say what is expected.
    if (data.subarray(0, 4).toString('latin1') === 'CREG') Hive.open(data, { ...(file === undefined ? {} : { file }) });
    throw new AnalyzeError('PROFILES_UNKNOWN_INPUT', 'is neither a registry hive (regf) nor a .reg export ("Windows Registry Editor Version 5.00" / "REGEDIT4")', { file, offset: 0 });
  }
  const profiles = sortProfiles(list.entries.map(toProfile));
  const dir = list.listValues.get('PROFILESDIRECTORY');
  return {
    source: kind,
    encoding,
    format,
    profilesDirectory: dir && (dir.type === REG_SZ || dir.type === REG_EXPAND_SZ) ? utf16z(dir.data) : null,
    profiles,
    findings: diagnose(profiles, { source: kind }),
    warnings,
  };
}

/** Read and analyse one file (hive or .reg). */
export function analyzeProfilesFile(path: string, options: Omit<AnalyzeProfilesOptions, 'file'> = {}): ProfilesReport {
  const data = readSmallFile(path, MAX_PROFILES_INPUT);
  return analyzeProfiles(data, { ...options, file: path });
}
