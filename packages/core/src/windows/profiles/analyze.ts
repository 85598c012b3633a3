import { AnalyzeError, type Warning } from '../../errors.js';
import { otherKindHint } from '../../io/other-kinds.js';
import { gzipInputMessage, isGzip, readSmallFile } from '../../io/files.js';
import { isRegfSignature } from '../registry/base-block.js';
import { Hive } from '../registry/hive.js';
import { utf16z, REG_EXPAND_SZ, REG_SZ } from '../registry/value-types.js';
import { isRegFile } from '../regfile/parse.js';
import { diagnose, type Finding } from './findings.js';
import { sortProfiles, toProfile, type Profile } from './profile.js';
import { profileListFromHive, profileListFromRegData, type ProfileListSource } from './source.js';

/**
 * Largest input read (a hive; see MAX_PROFILES_REG_INPUT for .reg text). The whole file is held in memory
 * (regf cells point anywhere in it), and the 256 MB peak-RSS budget is Node itself (~55 MB) plus the file
 * plus the reader's maps: measured (bench/memory.mjs) a 160 MiB hive peaks at 226 MB, a 192 MiB one at
 * 259 MB, a 300 MB one at 356 MB. Most SOFTWARE hives are 50-150 MB; a larger one can be cut down to its
 * ProfileList (`reg export` of the key, or `hivexregedit --export`) and that .reg read instead.
 */
export const MAX_PROFILES_INPUT = 160 * 1024 * 1024;
/**
 * The same from standard input: what arrives there passes through the stream's own buffers, garbage that
 * is collected only now and then (~40 MB more at the peak), so a 150 MB hive on stdin peaked at 258 MiB
 * (370 before readInput held it once); at 128 MiB the peak is 226-230 MiB. A larger hive can be named by path.
 */
export const MAX_PROFILES_STREAM_INPUT = 128 * 1024 * 1024;

/**
 * Largest .reg export read. Decoding the text to a string and splitting it into lines costs about five
 * times its size (measured: 12 MiB peaks at 149 MB, 16 MiB at 171 MB, 32 MiB at 260 MB; 12 MiB of nothing but
 * ProfileList subkeys at 201 MB, with MAX_PROFILE_ENTRIES). A ProfileList
 * export is a few KB; a whole-SOFTWARE export (hundreds of MB) is refused with the command that exports
 * only ProfileList.
 */
export const MAX_PROFILES_REG_INPUT = 12 * 1024 * 1024;

/**
 * ProfileList subkeys analysed at most. A machine has one per account that ever logged on: tens, a few
 * thousand on a busy terminal server. Each costs its profile, findings and JSON (measured: 119,000 subkeys in
 * a 16 MiB .reg peaked at 404 MB, 235 MB cut to 10,000), so a hostile list is cut here with the warning PROFILES_LIST_CUT.
 */
export const MAX_PROFILE_ENTRIES = 10_000;

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

/** Recognise the input by content: regf signature, or a .reg header in any encoding.
 * @example const kind = detectProfilesInput(readHead('SOFTWARE', 512)); // 'hive' | 'reg' | undefined
 */
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
    list = profileListFromHive(hive, MAX_PROFILE_ENTRIES);
    warnings = hive.warnings;
  } else if (kind === 'reg') {
    if (data.length > MAX_PROFILES_REG_INPUT) {
      throw new AnalyzeError(
        'FILE_TOO_LARGE',
        `is a ${data.length}-byte .reg export; at most ${MAX_PROFILES_REG_INPUT} bytes of .reg text are read (memory budget): export only ProfileList, e.g. reg export "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList" profiles.reg`,
        { file, offset: MAX_PROFILES_REG_INPUT },
      );
    }
    const { source, info } = profileListFromRegData(data, { ...(file === undefined ? {} : { file }), strict });
    list = source;
    warnings = info.warnings;
    encoding = info.encoding;
    format = info.format;
  } else {
    // Name the thing when it is a known non-input (a Win9x registry), else say what is expected.
    if (data.subarray(0, 4).toString('latin1') === 'CREG') Hive.open(data, { ...(file === undefined ? {} : { file }) });
    if (isGzip(data)) throw new AnalyzeError('PROFILES_UNKNOWN_INPUT', gzipInputMessage('hive or .reg export'), { file, offset: 0 });
    throw new AnalyzeError('PROFILES_UNKNOWN_INPUT', `is neither a registry hive (regf) nor a .reg export ("Windows Registry Editor Version 5.00" / "REGEDIT4")${otherKindHint(data, 'profiles')}`, { file, offset: 0 });
  }
  let entries = list.entries;
  const listed = list.listed ?? entries.length;
  if (listed > MAX_PROFILE_ENTRIES) {
    const message = `ProfileList has ${listed} subkeys; only the first ${MAX_PROFILE_ENTRIES} are analysed (memory budget)`;
    if (strict) throw new AnalyzeError('PROFILES_LIST_CUT', message, { file });
    warnings = [...warnings, { code: 'PROFILES_LIST_CUT', message, ...(file === undefined ? {} : { file }) }];
    entries = entries.slice(0, MAX_PROFILE_ENTRIES);
  }
  const profiles = sortProfiles(entries.map(toProfile));
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

/** Read and analyse one file (hive or .reg).
 * @example const report = analyzeProfilesFile('C:\\Windows\\System32\\config\\SOFTWARE');
 */
export function analyzeProfilesFile(path: string, options: Omit<AnalyzeProfilesOptions, 'file'> = {}): ProfilesReport {
  const data = readSmallFile(path, MAX_PROFILES_INPUT);
  return analyzeProfiles(data, { ...options, file: path });
}
