/** The paragraph on top, in the spirit of WhoCrashed: how many, over what period, how many causes, the top one and what to do. */
import type { FleetGroup, FleetTotals } from './model.js';

const day = (iso: string | null) => (iso === null ? null : iso.slice(0, 10));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Tied leading causes named in the summary (all of them are in the causes list). */
const TIED_NAMED = 3;

/** One paragraph of plain sentences; no colours, no line breaks (the CLI wraps it).
 * @example const line = summarise(report.totals, report.period, report.groups);
 */
export function summarise(totals: FleetTotals, period: { first: string | null; last: string | null }, groups: readonly FleetGroup[]): string {
  const parts: string[] = [];
  const first = day(period.first);
  const last = day(period.last);
  const when = first === null ? '' : first === last ? ` on ${first}` : ` from ${first} to ${last}`;
  parts.push(`${plural(totals.dumps, 'dump')} found${when}: ${plural(totals.crashes, 'crash', 'crashes')} from ${plural(totals.groups, 'distinct cause')}` +
    `${totals.noCrash ? `, ${totals.noCrash} with no crash recorded` : ''}${totals.errors ? `, ${totals.errors} that could not be read` : ''}` +
    `${skippedWords(totals)}.`);
  const top = groups[0];
  if (top === undefined) {
    if (totals.dumps === 0) parts.push('No dump was found in what was given.');
    return parts.join(' ');
  }
  const share = Math.round(top.share * 100);
  // Tied leaders: naming one of them "the most frequent" picked it by the order of the sort alone.
  const tied = groups.filter((g) => g.count === top.count);
  if (tied.length > 1) {
    const named = tied.slice(0, TIED_NAMED).map(cause).join('; ');
    const more = tied.length > TIED_NAMED ? `; and ${tied.length - TIED_NAMED} more` : '';
    parts.push(`${tied.length} causes are tied as the most frequent, with ${top.count} of ${totals.crashes} crashes (${share} %) each: ${named}${more}. What to do is listed with each cause.`);
    return parts.join(' ');
  }
  const tp = top.thirdParty === true ? `, a third-party driver${top.versions ? ` (${top.versions.min === top.versions.max ? `version ${top.versions.min}` : `versions ${top.versions.min} to ${top.versions.max}`})` : ''}` : top.thirdParty === false ? ', a Windows module' : '';
  const lastSeen = day(top.lastCrash);
  const machines = top.folderCount > 1 ? ` on ${top.folderCount} machines/folders` : '';
  parts.push(`The most frequent cause is ${cause(top)}${tp}: ${top.count} of ${totals.crashes} (${share} %)${machines}${lastSeen ? `, last on ${lastSeen}` : ''}.`);
  const step = top.advice.steps[0];
  if (step) parts.push(step);
  return parts.join(' ');
}

/** The names not read: files that are not dumps, then files named again (counted once). */
function skippedWords(totals: FleetTotals): string {
  const notDumps = totals.skipped - totals.duplicates;
  const others = notDumps ? `; ${plural(notDumps, 'other file')} skipped (not dumps)` : '';
  const again = totals.duplicates ? `; ${plural(totals.duplicates, 'duplicate')} skipped (a file named again through a link or overlapping paths, counted once)` : '';
  return others + again;
}

/** A cause in words: `NAME (code)` and who is to blame. */
function cause(g: FleetGroup): string {
  const what = g.name ? `${g.name} (${g.code})` : g.kind === 'kernel' ? `bugcheck ${g.code}` : `exception ${g.code}`;
  return `${what}${g.culprit === null ? '' : g.kind === 'kernel' ? ` in ${g.culprit}` : `, blamed on ${g.culprit}`}`;
}
