/** The `analyze profiles --html` page, from the documented JSON report (docs/json-profiles.md): findings with evidence and fix, then the profile list. */
import { isCutShort, isDamaged } from '../../commands/profiles/render.js';
import { card, commands, esc, facts, plural, table, warningsCard, type Section } from './page.js';

export interface ProfilesDoc {
  file: string;
  source: string;
  profilesDirectory: string | null;
  profiles: { key: string; sid: string; isBak: boolean; wellKnown: string | null; profileImagePath: string | null; state: number | null; stateBits: string[]; refCount: number | null }[];
  findings: { sid: string; code: string; message: string; realKey: string | null; evidence: string[]; fix: string[] }[];
  warnings?: { code: string; message: string; offset?: number }[];
}

export function profilesSection(d: ProfilesDoc): Section {
  const n = d.findings.length;
  // As the text says: a damaged file's "nothing broken" covers only what was read.
  const damaged = isDamaged(d);
  const verdict =
    n > 0
      ? `${plural(n, 'user profile')} broken: ${d.findings.map((f) => f.code).join(', ')}.`
      : isCutShort(d)
        ? `No broken user profile among the ${plural(d.profiles.length, 'profile')} read, but the file was cut short: keys past the cut are not ruled out.`
        : damaged
          ? `No broken user profile among the ${plural(d.profiles.length, 'profile')} read, but the file is damaged (see the warnings): keys or values lost to the damage are not ruled out.`
          : `No broken user profile among ${plural(d.profiles.length, 'profile')}.`;
  let html = d.findings
    .map((f) =>
      card(
        `${f.code}: ${f.sid}`,
        `<p>${esc(f.message)}</p><h3>Evidence</h3><ol class="evidence">${f.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ol>${
          f.fix.length ? `<h3>Fix (run on the machine, in an elevated cmd.exe)</h3>${commands(f.fix)}` : ''
        }`,
        'finding-card',
      ),
    )
    .join('');
  html += card(
    `Profiles (${d.profiles.length})`,
    facts([['ProfilesDirectory', d.profilesDirectory], ['read from', d.source === 'hive' ? 'registry hive' : '.reg export']]) +
      table(
        [{ title: 'key' }, { title: 'account' }, { title: 'folder' }, { title: 'State' }, { title: 'RefCount', numeric: true }],
        d.profiles.map((p) => [p.key, p.wellKnown, p.profileImagePath, p.state === null ? null : `0x${p.state.toString(16).padStart(4, '0')}${p.stateBits.length ? ` ${p.stateBits.join(' ')}` : ''}`, p.refCount]),
        { rowClass: (i) => (d.findings.some((f) => f.sid === d.profiles[i]!.sid) ? 'culprit' : undefined) },
      ),
  );
  html += warningsCard(d.warnings);
  return { verdict, severity: n ? 'bad' : damaged ? 'warn' : 'ok', subject: d.file, html };
}
