/** Crashes grouped by cause: the same code, culprit module and (when cdb gave one) symbol. */
import { interpretAs } from '../../codes/index.js';
import type { FleetAdvice, FleetGroup, FleetRow } from './model.js';
import { isWindowsModule } from './windows-modules.js';
import { unloadedModule } from './row.js';

/** Example files listed per group. */
export const GROUP_EXAMPLES = 3;
/** Folders listed per group (`folderCount` has them all). */
export const MAX_GROUP_FOLDERS = 20;

/** Stop codes that are started on purpose (the keyboard crash key combination, a debugger), not failures. */
const DELIBERATE_BUGCHECKS = new Set([0xe2, 0xdeaddead]);

/**
 * Group the crash rows (rows must already be in crash-time order, as the report lists them); largest group
 * first. Each group names its rows by their index in `rows`.
 * @example const groups = groupCrashes(rows); // rows: FleetRow[], one per dump
 */
export function groupCrashes(rows: readonly FleetRow[]): FleetGroup[] {
  const byKey = new Map<string, number[]>();
  rows.forEach((r, i) => {
    if (r.kind === null || r.code === null) return;
    const key = [r.kind, r.code.toUpperCase(), (r.culprit ?? '').toLowerCase(), (r.symbol ?? '').toLowerCase()].join('\u0000');
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  const crashes = [...byKey.values()].reduce((n, l) => n + l.length, 0);
  const groups = [...byKey.values()].map((indexes) => makeGroup(indexes.map((i) => rows[i]!), indexes, crashes));
  return groups.sort((a, b) => b.count - a.count || (b.lastCrash ?? '').localeCompare(a.lastCrash ?? '') || a.code.localeCompare(b.code) || (a.culprit ?? '').localeCompare(b.culprit ?? ''));
}

function makeGroup(list: FleetRow[], rowIndexes: number[], crashes: number): FleetGroup {
  const first = list[0]!;
  const times = list.map((r) => r.crashTime).filter((t): t is string => t !== null).sort();
  const folders = [...new Set(list.map((r) => r.folder))].sort();
  const kind = first.kind!;
  const culprit = first.culprit;
  const thirdParty = kind === 'kernel' && culprit !== null ? !isWindowsModule(culprit) : null;
  const versions = versionRange(list);
  const group: Omit<FleetGroup, 'advice'> = {
    kind,
    code: first.code!,
    name: list.find((r) => r.name !== null)?.name ?? null,
    culprit,
    symbol: first.symbol,
    count: list.length,
    share: crashes === 0 ? 0 : list.length / crashes,
    firstCrash: times[0] ?? null,
    lastCrash: times[times.length - 1] ?? null,
    folders: folders.slice(0, MAX_GROUP_FOLDERS),
    folderCount: folders.length,
    examples: list.slice(0, GROUP_EXAMPLES).map((r) => r.file),
    rowIndexes,
    thirdParty,
    versions,
  };
  return { ...group, advice: adviceFor(group, list) };
}

/** Lowest and highest culprit version; file versions compare numerically, PE timestamps as numbers. */
function versionRange(list: FleetRow[]): { min: string; max: string } | null {
  const vs = list.map((r) => r.culpritVersion ?? r.culpritTimestamp).filter((v): v is string => v !== null && v !== '');
  if (vs.length === 0) return null;
  const key = (v: string) => (/^0x[0-9a-f]+$/i.test(v) ? [parseInt(v, 16)] : v.split(/[.,]/).map((p) => parseInt(p, 10) || 0));
  const cmp = (a: string, b: string) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      const d = (ka[i] ?? 0) - (kb[i] ?? 0);
      if (d !== 0) return d;
    }
    return a.localeCompare(b);
  };
  const sorted = [...new Set(vs)].sort(cmp);
  return { min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** The cdb hint of a group with nothing named, kernel and user mode alike. */
const CDB_HINT = 'analyse one example with cdb and symbols (`analyze dump FILE --engine cdb` on Windows)';

/**
 * A user-mode group in which no module was named. A dump read in part (damage.ts) may have lost what names a
 * module (its module list, the registers, the stack), so nothing is known about the code at fault: another dump
 * is the advice, not a guess. A dump read whole by the native reader crashed at an address in no module it lists,
 * with no module address on the stack either; cdb and saved texts simply named none.
 */
function noModuleSteps(list: readonly FleetRow[], app: string | null): string[] {
  const steps: string[] = [];
  const whole = list.filter((r) => r.damage === 0);
  const damaged = list.length - whole.length;
  if (whole.length > 0 && whole.every((r) => r.engine === 'native')) {
    steps.push(`${app ?? 'The application'} crashed at an address in no loaded module, and no module address was found on the stack either: a call through a bad or freed pointer, or code made at run time (a JIT). Update ${app ?? 'the application'}, and ${CDB_HINT} for the full stack.`);
  } else if (whole.length > 0) {
    steps.push(`No module was named: ${CDB_HINT} for the full !analyze verdict.`);
  }
  if (damaged > 0) {
    const which = damaged === list.length ? (damaged === 1 ? 'The dump is' : 'These dumps are') : `${damaged} of these dumps ${damaged === 1 ? 'is' : 'are'}`;
    steps.push(`${which} damaged (read in part: see the warnings), and a damaged dump may have lost what ties an address to a module (its module list, the registers, the stack), so no module can be blamed. Get another dump of the same crash (a complete copy of the file, or the next one written) and analyse that.`);
  }
  return steps;
}

/** What to do: the code tables' meaning and page, then steps that follow from who is to blame.
 * @example const advice = adviceFor(group, rows);
 */
export function adviceFor(g: Omit<FleetGroup, 'advice'>, list: readonly FleetRow[]): FleetAdvice {
  const value = parseInt(g.code, 16) >>> 0;
  const info = interpretAs(g.kind === 'kernel' ? 'bugcheck' : 'exception', value);
  const steps: string[] = [];
  const range = g.versions ? (g.versions.min === g.versions.max ? `version ${g.versions.min}` : `versions ${g.versions.min} to ${g.versions.max}`) : null;
  const unloaded = unloadedModule(g.culprit);
  if (g.kind === 'kernel') {
    const family = info.family ?? value;
    if (DELIBERATE_BUGCHECKS.has(family) || DELIBERATE_BUGCHECKS.has(value)) {
      steps.push('This stop is started on purpose (the keyboard crash key combination or a debugger): find out who triggered it; it does not point at a broken driver.');
    } else if (g.culprit === null) {
      steps.push(`No driver was named: ${CDB_HINT} for the full !analyze verdict.`);
    } else if (unloaded !== null) {
      // The crash ran into code the driver had left behind (a timer, DPC or callback it did not cancel): the
      // unloaded driver is at fault even when Windows ships it, never the victim.
      steps.push(`The crash ran into ${unloaded} after it had been unloaded: it left a timer, DPC or callback behind. ${isWindowsModule(unloaded) ? `${unloaded} is part of Windows: install the latest Windows updates, and update the drivers of the device it serves` : `Update ${unloaded} from its vendor, or uninstall the software or device that installed it`}${range ? ` (these crashes ran ${range})` : ''}.`);
    } else if (g.thirdParty) {
      steps.push(`Update ${g.culprit} from its vendor${range ? ` (these crashes ran ${range})` : ''}; if no newer version exists or it still crashes, roll it back or uninstall the software or device that installed it.`);
    } else {
      steps.push(`${g.culprit} is part of Windows, so it is more often the victim than the cause: install the latest Windows updates, then look for third-party drivers on the stack of one example (\`analyze dump FILE\`).`);
      steps.push('If the crashes move between unrelated modules, test the memory (mdsched.exe) and check for overheating or overclocking.');
    }
  } else {
    const app = list.find((r) => r.process !== null)?.process ?? g.culprit;
    if (unloaded !== null) {
      steps.push(`${app ?? 'The application'} called into ${unloaded} after it had been unloaded (a callback or hook left registered): update or remove the product that installed ${unloaded} (a plug-in, an injected DLL, an antivirus hook), then update ${app ?? 'the application'}.`);
    } else if (g.culprit === null) steps.push(...noModuleSteps(list, app));
    else if (app !== null && g.culprit.toLowerCase() === app.toLowerCase()) steps.push(`${app} crashed in its own code: update or reinstall it, and send one example to its vendor.`);
    else if (!isWindowsModule(g.culprit)) steps.push(`Update or reinstall ${app ?? 'the application'}; if ${g.culprit} belongs to another product (a plug-in, an injected DLL, an antivirus hook), update or remove that product.`);
    else steps.push(`The fault is inside a Windows library, usually called with bad data by ${app ?? 'the application'}: update the application, and look at the first non-Windows frame of one example's stack.`);
  }
  if (info.remedy) steps.push(...info.remedy.steps);
  if (info.docUrl) steps.push(`Microsoft's page for this stop code: ${info.docUrl}`);
  return { meaning: info.message, docUrl: info.docUrl ?? null, steps };
}
