import { resolve } from 'node:path';
import { AnalyzeError } from '@analyze/core/errors';
import { analyzeProfilesFile, type ProfilesReport } from '@analyze/core/windows';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { errorJson, printJson, reportError, reportWarnings } from '../../output.js';
import { profilesJson } from './json.js';
import { renderProfiles } from './render.js';

interface ProfilesArgs {
  files: string[];
}

/** Exit codes: 0 no finding, 1 a finding in some file, 2 a file could not be read (the worst wins). */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as ProfilesArgs;
  const docs: object[] = [];
  let exit = EXIT_OK;
  for (const [i, file] of args.files.entries()) {
    let report: ProfilesReport;
    try {
      report = analyzeProfilesFile(resolve(ctx.io.cwd, file), { strict: ctx.strict });
    } catch (e) {
      if (e instanceof AnalyzeError) e.file = file;
      exit = EXIT_INVALID;
      if (ctx.json) docs.push(errorJson(e, file));
      else reportError(ctx, e, file);
      continue;
    }
    // Messages name the file as the user typed it.
    for (const w of report.warnings) w.file = file;
    reportWarnings(ctx, report.warnings);
    if (report.findings.length > 0 && exit === EXIT_OK) exit = EXIT_PROBLEM;
    if (ctx.json) docs.push(profilesJson(file, report));
    else ctx.io.out(`${i > 0 ? '\n' : ''}${renderProfiles(file, report, ctx.colors)}`);
  }
  if (ctx.json) printJson(ctx, docs.length === 1 ? docs[0]! : docs);
  return exit;
}
