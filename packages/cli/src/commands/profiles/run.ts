import { analyzeProfiles, type ProfilesJson } from '@analyze/core/api/profiles';
import { EXIT_INVALID, EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { runEach } from '../../runner.js';
import { isDamaged, renderProfiles } from './render.js';

interface ProfilesArgs {
  files: string[];
}

/**
 * Exit codes: 0 no finding, 1 a finding in some file, 2 a file could not be read, or was cut short or damaged
 * (isDamaged), findings or not: its findings are still reported, but a script must be able to tell that keys past
 * the damage were not looked at. The worst wins.
 */
export async function run(raw: Record<string, unknown>, ctx: Context): Promise<number> {
  const args = raw as unknown as ProfilesArgs;
  return runEach<ProfilesJson>(ctx, args.files, {
    analyze: (input, name) => analyzeProfiles(input, { name, strict: ctx.strict }),
    exitCode: (r) => (isDamaged(r) ? EXIT_INVALID : r.findings.length > 0 ? EXIT_PROBLEM : EXIT_OK),
    render: (r, i) => `${i > 0 ? '\n' : ''}${renderProfiles(r.file, r, ctx.colors)}`,
  });
}
