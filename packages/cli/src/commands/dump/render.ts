import type { DumpDoc, ModuleJson } from '@analyze/core/api/dump';
import { crashUnreadable } from '@analyze/core/dump';
import type { Colors } from '../../render/color.js';

/** Frames shown in the text view (all of them with --debug; the JSON always has all). */
const STACK_FRAMES_SHOWN = 12;
/** Modules/drivers/threads listed by name in the text view before "... and N more". */
const LIST_SHOWN = 8;

const LABEL_WIDTH = 11;
const row = (c: Colors, label: string, value: string) => `  ${c.dim(label.padEnd(LABEL_WIDTH))}${value}\n`;

/** One verdict line, then the facts, then the evidence: what a person triaging a BSOD reads first. */
export function renderDump(r: DumpDoc, c: Colors, opts: { verbose: boolean } = { verbose: false }): string {
  return renderDumpText(r, c, opts);
}

function renderDumpText(r: DumpDoc, c: Colors, opts: { verbose: boolean }): string {
  let out = `${c.bold(r.file)}  ${c.dim(`(engine: ${r.engine}${r.format ? `, ${r.format}` : ''})`)}\n`;
  out += `  ${verdict(r, c)}\n`;

  if (r.bugcheck) {
    out += row(c, 'bugcheck', `${r.bugcheck.code}${r.bugcheck.name ? ` ${r.bugcheck.name}` : ''}`);
    if (r.bugcheck.parameters.length) out += row(c, 'parameters', r.bugcheck.parameters.map((p, i) => `P${i + 1} ${p}`).join('  '));
  }
  if (r.exception) {
    const e = r.exception;
    const what = exceptionWords(e);
    // Native minidumps know both where the instruction was and (Breakpad's crash address) what it touched.
    const where =
      e.instructionAddress && e.address && e.instructionAddress !== e.address
        ? ` at ${e.instructionAddress}, crash address ${e.address}`
        : (e.instructionAddress ?? e.address)
          ? ` at ${e.instructionAddress ?? e.address}`
          : '';
    out += row(c, 'exception', `${e.code}${what ? ` ${what}` : ''}${where}${e.threadId != null ? ` (thread ${e.threadId})` : ''}`);
  }
  if (r.imageName) out += row(c, 'image', r.imageName);
  if (r.moduleName && r.moduleName !== r.imageName) out += row(c, 'module', r.moduleName);
  if (r.symbolName) out += row(c, 'symbol', r.symbolName);
  if (r.processName) out += row(c, 'process', r.processName);
  if (r.failureBucket) out += row(c, 'bucket', r.failureBucket);
  const os = r.os;
  const osText = [r.osVersion ?? os?.version, os?.platform, os?.architecture, os?.processors != null ? `${os.processors} CPUs` : null].filter((x) => x != null && x !== '');
  if (osText.length) out += row(c, 'os', osText.join(', '));
  if (r.crashTime) out += row(c, 'crashed', r.crashTime);

  if (r.culprit && (r.culprit.module || r.culprit.evidence.length)) {
    // With no module named (a full MEMORY.DMP read natively), the evidence says why and what to run instead.
    out += row(c, 'culprit', r.culprit.module ? c.bold(r.culprit.module) : c.dim('not determined'));
    for (const ev of r.culprit.evidence) out += row(c, '', c.dim(`- ${ev}`));
  }
  if (r.stack.length) {
    const shown = opts.verbose ? r.stack : r.stack.slice(0, STACK_FRAMES_SHOWN);
    out += row(c, 'stack', shown[0]!);
    for (const f of shown.slice(1)) out += row(c, '', f);
    if (shown.length < r.stack.length) out += row(c, '', c.dim(`... ${r.stack.length - shown.length} more frames (--debug or --json shows all)`));
  }
  out += list(c, 'drivers', r.drivers);
  out += list(c, 'modules', r.modules);
  if (r.threads?.length) {
    const named = r.threads.filter((t) => t.name).map((t) => `${t.id} ${t.name}`);
    out += row(c, 'threads', `${r.threads.length}${named.length ? `: ${named.slice(0, LIST_SHOWN).join(', ')}${named.length > LIST_SHOWN ? ', ...' : ''}` : ''}`);
  }
  if (r.native) {
    const n = r.native;
    const nCulprit = n.culprit?.module ?? n.imageName;
    out += row(c, 'native', `${n.bugcheck ? `${n.bugcheck.code} ` : ''}${n.exception ? `${n.exception.code} ` : ''}${nCulprit ? `culprit ${nCulprit}` : ''}`.trim() || 'no facts');
  }
  for (const d of r.disagreements ?? []) out += row(c, 'disagrees', c.yellow(d));
  return out;
}

function verdict(r: DumpDoc, c: Colors): string {
  const who = r.culprit?.module ?? r.imageName;
  if (r.bugcheck) {
    const what = r.bugcheck.name ? `${r.bugcheck.name} (${r.bugcheck.code})` : `bugcheck ${r.bugcheck.code}`;
    return c.red(`crash: ${what}${who ? ` in ${who}` : ''}`);
  }
  if (r.exception) {
    const words = exceptionWords(r.exception);
    const what = words ? `${words} (${r.exception.code})` : `exception ${r.exception.code}`;
    return c.red(`crash: ${what}${r.processName ? ` in ${r.processName}` : ''}${who ? `, blamed on ${who}` : ''}`);
  }
  if (who) return c.red(`crash: blamed on ${who}`);
  // Not "no crash": the dump lists an exception whose record is lost (also shown with -q, which hides warnings).
  if (crashUnreadable(r)) return c.red('crash recorded, but it could not be read: the exception record is cut off or damaged (see the warnings)');
  return c.green('no bugcheck or exception recorded');
}

/**
 * The exception in words: Breakpad's crash reason when it says more than the code (SIGSEGV /SEGV_MAPERR on
 * Linux, EXC_BAD_ACCESS on macOS, EXCEPTION_ACCESS_VIOLATION_WRITE), else the table name, else nothing.
 */
function exceptionWords(e: NonNullable<DumpDoc['exception']>): string | null {
  const reason = e.reason && !/^0x[0-9a-f]+ \/ 0x/i.test(e.reason) ? e.reason : null;
  return reason ?? e.name;
}

function list(c: Colors, label: string, items: ModuleJson[] | undefined): string {
  if (!items?.length) return '';
  const names = items.slice(0, LIST_SHOWN).map((m) => m.name.replace(/^.*[\\/]/, ''));
  return row(c, label, `${items.length}: ${names.join(', ')}${items.length > LIST_SHOWN ? ', ...' : ''}`);
}
