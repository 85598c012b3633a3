import { analyzeProfiles, type ProfilesJson } from '@analyze/core/api/profiles';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { runEach } from '../../runner.js';
import { isCutShort, renderProfiles } from './render.js';

interface ProfilesArgs {
  files: string[];
}

/**
 * Exit codes: 0 no finding, 1 a finding in some file, 2 a file could not be read, or was cut short and shows
 * no finding in what was read ("nothing wrong" would claim more than was looked at). The worst wins.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as ProfilesArgs;
  return runEach<ProfilesJson>(ctx, args.files, {
    analyze: (input, name) => analyzeProfiles(input, { name, strict: ctx.strict }),
    exitCode: (r) => (r.findings.length > 0 ? EXIT_PROBLEM : isCutShort(r) ? EXIT_INVALID : EXIT_OK),
    render: (r, i) => `${i > 0 ? '\n' : ''}${renderProfiles(r.file, r, ctx.colors)}`,
  });
}
