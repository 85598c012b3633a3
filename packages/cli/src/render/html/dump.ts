/**
 * The `analyze dump --html` page, from the documented JSON report (docs/json-dump.md): the crash card
 * (stop code, parameters, culprit and its evidence), the stack with the culprit's frames marked, and the
 * drivers/modules as sortable tables.
 */
import type { DumpDoc, ModuleJson } from '@analyze/core/api/dump';
import { crashUnreadable } from '@analyze/core/dump';
import { card, esc, facts, list, num, table, warningsCard, type Section, type Severity } from './page.js';

/** The dump JSON document (docs/json-dump.md), typed by core: the page reads it as printed. */
export type { DumpDoc };

/**
 * What P1..P4 mean for the stop codes seen most often (Microsoft's bug check reference pages). A legend
 * for the numbers the report holds, not a fact about the dump.
 */
const PARAMETER_MEANINGS: Record<string, string[]> = {
  '0x0000000A': ['memory referenced', 'IRQL at the time of the reference', 'operation: bit 0 write, bit 3 execute', 'address of the instruction that referenced memory'],
  '0x000000D1': ['memory referenced', 'IRQL at the time of the reference', 'operation: 0 read, 1 write, 2 or 8 execute', 'address of the instruction that referenced memory'],
  '0x00000050': ['memory referenced', 'read, write or execute (the encoding depends on the Windows version)', 'address of the instruction that referenced memory, if known', 'type of page fault (newer Windows), else reserved'],
  '0x0000001E': ['exception code', 'address where the exception occurred', 'exception parameter 0', 'exception parameter 1'],
  '0x1000007E': ['exception code', 'address where the exception occurred', 'exception record address', 'context record address'],
  '0x0000007E': ['exception code', 'address where the exception occurred', 'exception record address', 'context record address'],
  '0x1000008E': ['exception code', 'address where the exception occurred', 'trap frame address', 'reserved'],
  '0x0000003B': ['exception code', 'address of the instruction that caused it', 'context record address', 'reserved'],
  '0x00000139': ['kind of corruption (3: LIST_ENTRY corrupted)', 'trap frame address', 'exception record address', 'reserved'],
  '0x00000133': ['0: one DPC ran too long, 1: the system spent too long at DISPATCH_LEVEL', 'time count (ticks)', 'time limit (ticks)', 'extra information'],
  '0x000000EF': ['the process or thread object that ended', 'reserved', 'reserved', 'reserved'],
  '0x0000009F': ['kind of violation (3: a device object blocked an IRP too long)', 'physical device object or timeout', 'functional device object or thread', 'blocked IRP or reserved'],
  '0x00000124': ['error source (0: machine check exception)', 'WHEA_ERROR_RECORD address', 'high 32 bits of MCi_STATUS', 'low 32 bits of MCi_STATUS'],
};

/** One dump's section. */
export function dumpSection(d: DumpDoc): Section {
  const who = d.culprit?.module ?? d.imageName;
  let verdict: string;
  let severity: Severity = 'bad';
  if (d.bugcheck) {
    verdict = `Stop ${d.bugcheck.code}${d.bugcheck.name ? ` ${d.bugcheck.name}` : ''}${who ? `, most likely caused by ${who}` : ', culprit not determined'}.`;
  } else if (d.exception) {
    const what = d.exception.reason ?? d.exception.name ?? `exception ${d.exception.code}`;
    verdict = `${d.processName ?? 'The process'} crashed with ${what} (${d.exception.code})${who ? `, most likely caused by ${who}` : ''}.`;
  } else if (who) {
    verdict = `Crash blamed on ${who}.`;
  } else if (crashUnreadable(d)) {
    // Not "no crash": the dump records one whose record is cut off or damaged (DUMP_CRASH_UNREADABLE).
    verdict = 'A crash is recorded in this dump, but its record could not be read (cut off or damaged): see the warnings.';
  } else {
    verdict = 'No bugcheck or exception is recorded in this dump.';
    severity = 'ok';
  }
  let html = crashCard(d);
  html += stackCard(d, who);
  html += moduleCard('Drivers', d.drivers, who);
  html += moduleCard('Modules', d.modules, who);
  html += moduleCard('Unloaded modules', d.unloadedModules, who);
  if (d.disagreements?.length) html += card('Where the engines disagree', list(d.disagreements));
  html += warningsCard(d.warnings);
  return { verdict, severity, subject: `${d.file} (engine: ${d.engine}${d.format ? `, ${d.format}` : ''})`, html };
}

function crashCard(d: DumpDoc): string {
  let html = facts([
    ['stop code', d.bugcheck ? `${d.bugcheck.code}${d.bugcheck.name ? ` ${d.bugcheck.name}` : ''}` : null],
    ['exception', d.exception ? `${d.exception.code}${d.exception.name ? ` ${d.exception.name}` : ''}${d.exception.address ? ` at ${d.exception.address}` : ''}` : null],
    ['crash reason', d.exception?.reason ?? null],
    ['image', d.imageName],
    ['symbol', d.symbolName],
    ['process', d.processName],
    ['failure bucket', d.failureBucket],
    ['OS', [d.osVersion ?? d.os?.version, d.os?.platform, d.os?.architecture, d.os?.processors != null ? `${d.os.processors} CPUs` : null].filter((x) => x != null && x !== '').join(', ')],
    ['crashed at', d.crashTime],
  ]);
  if (d.bugcheck && d.bugcheck.parameters.length) {
    const meanings = PARAMETER_MEANINGS[d.bugcheck.code];
    html += `<h3>Parameters</h3>${table(
      [{ title: '' }, { title: 'value' }, { title: 'meaning for this stop code' }],
      d.bugcheck.parameters.map((p, i) => [`P${i + 1}`, { html: `<span class="mono">${esc(p)}</span>` }, meanings?.[i] ?? null]),
    )}`;
  }
  if (d.culprit) {
    html += `<h3>Culprit: ${d.culprit.module ? `<strong>${esc(d.culprit.module)}</strong>` : 'not determined'}</h3>`;
    if (d.culprit.evidence.length) html += `<ol class="evidence">${d.culprit.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ol>`;
  }
  return card('Crash', html, 'crash-card');
}

/** The module part of a frame (`mod!fn+off`, `mod.sys+0x1`), lower-cased without extension, for matching the culprit. */
function frameModule(frame: string): string {
  const m = /^([^!+\s]+)[!+]/.exec(frame);
  return m ? baseName(m[1]!) : '';
}

function baseName(name: string): string {
  return name.replace(/ \(unloaded\)$/, '').replace(/^.*[\\/]/, '').replace(/\.(sys|dll|exe|drv)$/i, '').toLowerCase();
}

function stackCard(d: DumpDoc, who: string | null): string {
  if (d.stack.length === 0) return '';
  const culprit = who ? baseName(who) : '';
  const items = d.stack
    .map((f) => `<li${culprit && frameModule(f) === culprit ? ' class="culprit"' : ''}>${esc(f)}</li>`)
    .join('');
  return card(`Stack (${num(d.stack.length)} frames, innermost first)`, `<ol class="stack" start="0">${items}</ol>`, 'stack-card');
}

function moduleCard(title: string, rows: readonly ModuleJson[] | undefined, who: string | null): string {
  if (!rows?.length) return '';
  const culprit = who ? baseName(who) : '';
  return card(
    `${title} (${num(rows.length)})`,
    table(
      [{ title: 'name' }, { title: 'base' }, { title: 'size', numeric: true }, { title: 'timestamp' }, { title: 'version' }, { title: 'path' }],
      rows.map((m) => [m.name, m.base, m.size, m.timestamp, m.version, m.path]),
      { sortable: true, rowClass: (i) => (culprit && baseName(rows[i]!.name) === culprit ? 'culprit' : undefined), caption: 'click a column to sort' },
    ),
  );
}
