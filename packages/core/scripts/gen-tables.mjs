#!/usr/bin/env node
// Generates packages/core/src/tables/generated/*.ts from the code tables in fixtures/corpus/windows/codes and
// fixtures/corpus/dumps/tables (large ones stored gzip-compressed as <name>.gz).
//
//   node packages/core/scripts/gen-tables.mjs [--corpus DIR]     (DIR defaults to fixtures/corpus)
//
// Plain Node, deterministic output, rerunnable. The output is committed so that building the project never
// runs this script. Each table is packed as three strings (see src/tables/table.ts for the decoder):
//   values   sorted unsigned 32-bit codes, delta-encoded in base 36, comma-separated
//   names    one entry per value, '\n'-separated; an entry is `PRIMARY|ALIAS|...` (primary first)
//   messages one entry per value, '\n'-separated, empty when no source gives a message
// Sources and licences: src/tables/SOURCES.md.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const argCorpus = process.argv.indexOf('--corpus');
const corpus = argCorpus > 0 ? process.argv[argCorpus + 1] : join(repoRoot, 'fixtures', 'corpus');
const codesDir = join(corpus, 'windows', 'codes');
const dumpTablesDir = join(corpus, 'dumps', 'tables');
const outDir = join(repoRoot, 'packages', 'core', 'src', 'tables', 'generated');

/** A source file as stored: `<file>` itself, or `<file>.gz`. */
const readJson = (dir, file) => {
  const path = join(dir, file);
  const bytes = existsSync(path) ? readFileSync(path) : gunzipSync(readFileSync(`${path}.gz`));
  return JSON.parse(bytes.toString('utf8'));
};
const entries = (file) => readJson(codesDir, file).entries;
const u32 = (v) => {
  // Hex strings carry their 0x; bare digit strings are decimal (the dump table keys fast-fail codes in decimal).
  const s = String(v);
  const n = typeof v === 'number' ? v : /^0x[0-9a-f]+$/i.test(s) ? Number.parseInt(s.slice(2), 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`bad code value ${v}`);
  return n >>> 0;
};
const clean = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

// Range markers and masks share a value with the real code (DRAGDROP_E_FIRST = DRAGDROP_E_NOTREGISTERED,
// STATUS_SEVERITY_SUCCESS = STATUS_SUCCESS): they go after the real name so the primary name is the meaningful one.
const WEAK_NAME = /_(FIRST|LAST|BASE|MASK|START|END)$|^STATUS_SEVERITY_|^NOERROR$|^NO_ERROR$/;

/** Values whose WinHTTP and WinINet errors differ in meaning, not only in name (winhttp_errors_msdocs.json, notes). */
const WINHTTP_WININET_DIFFER = [12175];

/**
 * winerror.h's two success HRESULTs, `#define S_OK ((HRESULT)0L)` and `#define S_FALSE ((HRESULT)1L)`: the
 * extracted HRESULT tables keep only the `_HRESULT_TYPEDEF_(...)` defines and so miss them (names and numbers, facts).
 */
const WINERROR_SUCCESS_HRESULTS = [
  [0, 'S_OK'],
  [1, 'S_FALSE'],
];

/*
 * Bugcheck messages. mingw's bugcodes.h keeps, as each code's "Approximate msg", only the FIRST LINE of ReactOS's
 * bugcodes.mc text, and a few of its rows carry another bugcheck's text. The rule, checked by hand against
 * ReactOS's bugcodes.mc and Microsoft's bug check pages for each of the 33 bugchecks that had a message:
 *   1. the text must end a sentence (. ! ?): without one it is a line cut mid-sentence (0x1E "... If a driver
 *      is", 0x7B, 0xA5, 0x14, 0x23, 0x3F, 0xE4, 0xFA) or a phrase that only restates the name (0x79, 0x80, 0xB4,
 *      0x4000008A);
 *   2. mingw's name must be one of Microsoft's names for that value: 0xFA is HTTP_DRIVER_CORRUPTED, but mingw calls
 *      it IMPERSONATING_WORKER_THREAD (Microsoft's 0xDF) and gives that bugcheck's text; 0x0 is not Microsoft's;
 *   3. it must not be one of WRONG_REACTOS_MESSAGES, complete sentences that say something wrong.
 * A message failing any of these is dropped, never rewritten or completed: the row keeps its name and page link.
 * Kept (18), each agreeing with Microsoft's page: 0x2E and 0x7F (the first sentence of ReactOS's advice, "Run ...
 * diagnostics supplied by your hardware manufacturer."), 0xA1, 0xAC, 0xB8, 0xBE, 0xC6, 0xC8, 0xCA, 0xD3, 0xD4, 0xD8,
 * 0xE8, 0xE9, 0xF4, 0xF6, 0xF8, 0xFC. packages/core/test/codes/tables.test.ts checks the result.
 */
const ENDS_SENTENCE = /[.!?]$/;

/**
 * Complete ReactOS sentences under Microsoft's own name that are wrong, by hand (value -> the exact source text, so a
 * changed text fails the run and is checked again rather than dropped or kept unseen).
 */
const WRONG_REACTOS_MESSAGES = new Map([
  // DRIVER_CORRUPTED_EXPOOL: the sentence lost its verb ("has [corrupted the system] pool") and says nothing.
  [0xc5, 'A device driver has pool.'],
  // CRITICAL_PROCESS_DIED: a thread-state text; Microsoft's page says a critical system process died.
  [0xef, 'The kernel attempted to ready a thread that was in an incorrect state such as terminated.'],
]);

/** mingw names given to the wrong value: IMPERSONATING_WORKER_THREAD is 0xDF (Microsoft's and ReactOS's), not 0xFA. */
const MISPLACED_MINGW_BUGCHECK_NAMES = new Map([[0xfa, 'IMPERSONATING_WORKER_THREAD']]);

/** A table under construction: value -> { names (in source order), message }. */
function table() {
  const rows = new Map();
  return {
    rows,
    add(value, name, message, extra) {
      const v = u32(value);
      let row = rows.get(v);
      if (!row) rows.set(v, (row = { names: [], message: '', extra: '' }));
      name = clean(name);
      if (name && !row.names.includes(name)) row.names.push(name);
      if (!row.message && clean(message)) row.message = clean(message);
      if (!row.extra && extra) row.extra = extra;
    },
  };
}

/** The ReactOS text of one mingw bugcodes.h row when it passes the rule above, else ''. */
function reactosMessage(value, e, microsoftNamesOfValue) {
  const msg = clean(e.approxMessage);
  // ReactOS often repeats the name as its "message": that says nothing.
  if (!msg || msg === e.name || !/\s/.test(msg)) return '';
  if (!ENDS_SENTENCE.test(msg)) return '';
  if (!microsoftNamesOfValue.includes(e.name)) return '';
  if (WRONG_REACTOS_MESSAGES.get(value) === msg) return '';
  return msg;
}

/** Fails the run when a hand-checked wrong text is no longer in the source: the new text must be checked again. */
function checkWrongMessagesStillInSource(rows) {
  for (const [value, text] of WRONG_REACTOS_MESSAGES)
    if (!rows.some((e) => u32(e.value) === value && clean(e.approxMessage) === text))
      throw new Error(`bugcodes_mingw.json no longer has "${text}" for 0x${value.toString(16)}: check its new text by hand`);
}

function orderNames(names) {
  const strong = names.filter((n) => !WEAK_NAME.test(n));
  const weak = names.filter((n) => WEAK_NAME.test(n));
  return [...strong, ...weak];
}

function pack(t, { withExtra = false } = {}) {
  const values = [...t.rows.keys()].sort((a, b) => a - b);
  let prev = 0;
  const deltas = values.map((v) => {
    const d = (v - prev).toString(36);
    prev = v;
    return d;
  });
  for (const v of values) {
    const r = t.rows.get(v);
    for (const s of [...r.names, r.message, r.extra]) if (/[\n|]/.test(s) && s !== r.message) throw new Error(`separator in ${s}`);
    if (r.message.includes('\n')) throw new Error(`newline in message of ${v}`);
  }
  const out = {
    count: values.length,
    values: deltas.join(','),
    names: values.map((v) => orderNames(t.rows.get(v).names).join('|')).join('\n'),
    messages: values.map((v) => t.rows.get(v).message).join('\n'),
  };
  if (withExtra) out.extra = values.map((v) => t.rows.get(v).extra).join('\n');
  return out;
}

function emit(file, doc, packed, sources) {
  const lines = [
    '// GENERATED by packages/core/scripts/gen-tables.mjs from fixtures/corpus. Do not edit; rerun the script.',
    `// ${doc}`,
    `// Sources (see ../SOURCES.md): ${sources.join('; ')}`,
    `export const count = ${packed.count};`,
    `export const values = ${JSON.stringify(packed.values)};`,
    `export const names = ${JSON.stringify(packed.names)};`,
    `export const messages = ${JSON.stringify(packed.messages)};`,
  ];
  if (packed.extra !== undefined) lines.push(`export const extra = ${JSON.stringify(packed.extra)};`);
  writeFileSync(join(outDir, file), lines.join('\n') + '\n');
  return packed.count;
}

mkdirSync(outDir, { recursive: true });
const rust = entries('minidump_rust.json');
const rustEnum = (name) => rust.filter((e) => e.enum === name);
const dumpRust = readJson(dumpTablesDir, 'ntstatus-exception-fastfail.rust-minidump.json');
const dumpBugchecks = readJson(dumpTablesDir, 'bugcheck-codes.msdocs.json');
const counts = {};

// HRESULT (non-Win32-wrapping, non-WU): Microsoft's COM error code pages first (name + message), then mingw names.
{
  const t = table();
  for (const e of entries('hresults_msdocs.json')) t.add(e.value, e.name, e.message);
  for (const e of entries('hresults_mingw.json')) t.add(e.value, e.name);
  for (const [value, name] of WINERROR_SUCCESS_HRESULTS) t.add(value, name);
  counts.hresult = emit('hresult.ts', 'HRESULT codes: name (+aliases) and message.', pack(t), [
    'hresults_msdocs.json (CC-BY-4.0)',
    'hresults_mingw.json (public domain)',
    'winerror.h S_OK/S_FALSE (facts)',
  ]);
}

// Facility names, from the FACILITY_* decoding the two HRESULT tables and the WU table carry.
{
  const fac = new Map();
  for (const f of ['hresults_msdocs.json', 'hresults_mingw.json', 'wuerror_mingw.json', 'wu_errors_msdocs.json'])
    for (const e of entries(f)) if (e.facilityName && !fac.has(e.facility)) fac.set(e.facility, e.facilityName);
  for (const e of rustEnum('WinErrorFacilityWindows')) if (!fac.has(u32(e.value))) fac.set(u32(e.value), e.name);
  // The corpus names only the facilities its codes use; the rest of winerror.h's FACILITY_* numbers (facts,
  // also listed in [MS-ERREF] 2.1 and Microsoft's "Structure of COM Error Codes") fill the gaps.
  const WINERROR_FACILITIES = {
    10: 'FACILITY_CONTROL', 12: 'FACILITY_INTERNET', 13: 'FACILITY_MEDIASERVER', 14: 'FACILITY_MSMQ',
    18: 'FACILITY_AAF', 19: 'FACILITY_URT', 20: 'FACILITY_ACS', 21: 'FACILITY_DPLAY', 22: 'FACILITY_UMI',
    23: 'FACILITY_SXS', 24: 'FACILITY_WINDOWS_CE', 25: 'FACILITY_HTTP', 26: 'FACILITY_USERMODE_COMMONLOG',
    31: 'FACILITY_USERMODE_FILTER_MANAGER', 32: 'FACILITY_BACKGROUNDCOPY', 33: 'FACILITY_CONFIGURATION',
    34: 'FACILITY_STATE_MANAGEMENT', 35: 'FACILITY_METADIRECTORY', 37: 'FACILITY_DIRECTORYSERVICE',
    38: 'FACILITY_GRAPHICS', 39: 'FACILITY_SHELL', 40: 'FACILITY_TPM_SERVICES', 41: 'FACILITY_TPM_SOFTWARE',
    48: 'FACILITY_PLA', 49: 'FACILITY_FVE', 50: 'FACILITY_FWP', 51: 'FACILITY_WINRM', 52: 'FACILITY_NDIS',
    53: 'FACILITY_USERMODE_HYPERVISOR', 54: 'FACILITY_CMI', 55: 'FACILITY_USERMODE_VIRTUALIZATION',
    56: 'FACILITY_USERMODE_VOLMGR', 57: 'FACILITY_BCD', 58: 'FACILITY_USERMODE_VHD', 60: 'FACILITY_SDIAG',
    61: 'FACILITY_WEBSERVICES', 80: 'FACILITY_WINDOWS_DEFENDER', 81: 'FACILITY_OPC',
  };
  for (const [k, v] of Object.entries(WINERROR_FACILITIES)) if (!fac.has(Number(k))) fac.set(Number(k), v);
  const t = table();
  for (const [k, v] of fac) t.add(k, v);
  counts.facility = emit('facility.ts', 'HRESULT facility numbers -> FACILITY_* names.', pack(t), [
    'hresults_msdocs.json', 'hresults_mingw.json', 'wuerror_mingw.json', 'minidump_rust.json', 'winerror.h facility numbers (facts)',
  ]);
}

// Win32 system error codes: Microsoft's system error code pages (name + message), mingw, rust-minidump, then
// Microsoft's WinHTTP and WinINet error pages.
{
  const t = table();
  for (const e of entries('win32_errors_msdocs.json')) t.add(e.value, e.name, e.message);
  for (const e of entries('win32_errors_mingw.json')) t.add(e.value, e.name);
  for (const e of rustEnum('WinErrorWindows')) t.add(e.value, e.name);
  // WinHTTP/WinINet errors 12001-12192, in none of the files above: Microsoft's two error pages (name + message) plus a
  // few header-only names. Rows are sorted by value with the WinHTTP row first, so ERROR_WINHTTP_* is the primary name
  // and the WinINet name (ERROR_INTERNET_TIMEOUT for 12002) an alias.
  const winhttp = entries('winhttp_errors_msdocs.json');
  for (const e of winhttp) t.add(e.value, e.name, e.message);
  // One number means two different things (the source's note): 12175 is a certificate failure in WinHTTP and a
  // content-decoding failure in WinINet. A row has one message, so it carries both, each under its API's name.
  for (const value of WINHTTP_WININET_DIFFER) {
    const both = winhttp.filter((e) => u32(e.value) === value);
    const api = (e) => (e.header === 'winhttp.h' ? 'WinHTTP' : 'WinINet');
    t.rows.get(value).message = both.map((e) => `${api(e)} (${clean(e.name)}): ${clean(e.message)}`).join(' ');
  }
  counts.win32 = emit('win32.ts', 'Win32 system error codes (ERROR_*): name (+aliases) and message.', pack(t), [
    'win32_errors_msdocs.json (CC-BY-4.0)', 'win32_errors_mingw.json (public domain)', 'minidump_rust.json (MIT)',
    'winhttp_errors_msdocs.json (CC-BY-4.0)',
  ]);
}

// NTSTATUS: rust-minidump (Windows 11 SDK 10.0.26100, the table the dump reader shares) then mingw (MS-ERREF).
{
  const t = table();
  for (const e of rustEnum('NtStatusWindows')) t.add(e.value, e.name);
  for (const [v, n] of Object.entries(dumpRust.ntstatus)) t.add(v, n);
  for (const e of entries('ntstatus_mingw.json')) t.add(e.value, e.name);
  counts.ntstatus = emit('ntstatus.ts', 'NTSTATUS codes: name (+aliases); no public message texts.', pack(t), [
    'minidump_rust.json (MIT)', 'ntstatus-exception-fastfail.rust-minidump.json (MIT)', 'ntstatus_mingw.json (public domain)',
  ]);
}

// Windows Update agent codes: the windows-update-error-reference page (name + description), then mingw wuerror.h.
{
  const t = table();
  for (const e of entries('wu_errors_msdocs.json')) t.add(e.value, e.name, e.message);
  for (const e of entries('wuerror_mingw.json')) t.add(e.value, e.name);
  counts.wu = emit('wu.ts', 'Windows Update agent codes (WU_E_*/WU_S_*): name and description.', pack(t), [
    'wu_errors_msdocs.json (CC-BY-4.0)', 'wuerror_mingw.json (public domain)',
  ]);
}

// Bugchecks: Microsoft's bug check code reference (names + per-code page), mingw/ReactOS bugcodes.h
// (approximate messages, kept by the rule above; its 0x4xxxxxxx/0x8xxxxxxx entries are banner strings, not
// bugchecks, and are dropped).
{
  const t = table();
  for (const e of entries('bugchecks_msdocs.json')) t.add(e.value, e.name, '', e.doc.replace(/\.md$/, ''));
  for (const [v, e] of Object.entries(dumpBugchecks.codes))
    t.add(v, e.name, '', e.doc.replace(/^.*\//, '').replace(/\.md$/, ''));
  const BANNER_STRINGS_FROM = 0x10000000; // every real mingw-only bugcheck is below this; the rest are message strings
  const microsoftNames = new Map([...t.rows].map(([v, row]) => [v, [...row.names]]));
  checkWrongMessagesStillInSource(entries('bugcodes_mingw.json'));
  for (const e of entries('bugcodes_mingw.json')) {
    const v = u32(e.value);
    if (!t.rows.has(v) && v >= BANNER_STRINGS_FROM) continue;
    if (!t.rows.has(v) && e.name === 'BUGCODE_PSS_MESSAGE_SIGNATURE') continue; // a banner string too
    const name = MISPLACED_MINGW_BUGCHECK_NAMES.get(v) === e.name ? '' : e.name;
    t.add(v, name, reactosMessage(v, e, microsoftNames.get(v) ?? []));
  }
  counts.bugcheck = emit('bugcheck.ts', 'Bugcheck (stop) codes: name (+aliases), ReactOS approximate message, learn.microsoft.com page slug (extra).', pack(t, { withExtra: true }), [
    'bugchecks_msdocs.json + bugcheck-codes.msdocs.json (CC-BY-4.0)', 'bugcodes_mingw.json (public domain, ReactOS messages)',
  ]);
}

// Exception codes (EXCEPTION_RECORD.ExceptionCode names) and fast-fail codes: rust-minidump.
{
  const t = table();
  for (const e of rustEnum('ExceptionCodeWindows')) t.add(e.value, e.name);
  for (const [v, n] of Object.entries(dumpRust.exception_codes)) t.add(v, n);
  counts.exception = emit('exception.ts', 'Exception codes (EXCEPTION_*, C++/CLR exception codes): names.', pack(t), [
    'minidump_rust.json (MIT)', 'ntstatus-exception-fastfail.rust-minidump.json (MIT)',
  ]);
  const f = table();
  for (const e of rustEnum('FastFailCode')) f.add(e.value, e.name);
  for (const [v, n] of Object.entries(dumpRust.fast_fail_codes)) f.add(v, n);
  counts.fastfail = emit('fastfail.ts', '__fastfail codes (FAST_FAIL_*, STATUS_STACK_BUFFER_OVERRUN parameter 0): names.', pack(f), [
    'minidump_rust.json (MIT)', 'ntstatus-exception-fastfail.rust-minidump.json (MIT)',
  ]);
}

process.stdout.write(`gen-tables: wrote ${outDir}: ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
