/**
 * Every `!analyze` text of the corpus (fixtures/corpus/dumps/analyze-texts: Microsoft Learn excerpts) parses to
 * the facts read off the text by hand (and, where MANIFEST.json records them, the same as its `known` values);
 * the synthetic texts of fixtures/dump/analyze-texts (fixtures/gen/dump/analyze-texts.mjs: modern user-mode heap
 * corruption and access violation, a 2018-era kernel text with a mismatching `.exr`) parse to the values their
 * generator wrote.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';
import { looksLikeAnalyzeText, parseAnalyzeText } from '../../../src/dump/cdb/index.js';
import type { DumpReport } from '../../../src/dump/report.js';

const DIR = corpusPath('dumps', 'analyze-texts');
const SYNTHETIC_DIR = fixturePath('dump', 'analyze-texts');

interface Expect {
  code?: string | null;
  name?: string | null;
  params?: string[];
  exception?: string | null;
  exceptionName?: string;
  exceptionAddress?: string | null;
  image?: string | null;
  module?: string | null;
  symbol?: string | null;
  process?: string | null;
  bucket?: string | null;
  os?: string | null;
  frames?: number;
  first?: string;
  last?: string;
  warning?: RegExp;
}

const KNOWN: Record<string, Expect> = {
  'msdocs2016_kernel_c4_ddi_compliance_reassembled.txt': {
    // 6.13 era without IMAGE_NAME/SYMBOL_NAME: the followup comes from FOLLOWUP_IP.
    code: '0x000000C4', name: 'DRIVER_VERIFIER_DETECTED_VIOLATION', params: ['0x20004', '0x8481c118', '0x0', '0x0'], exception: null, image: null, module: 'MyDriver',
    symbol: 'MyDriver!HandleISR+0x140', process: null, bucket: null, os: null, frames: 13, first: 'nt!RtlpBreakWithStatusInstruction', last: 'nt!KiInterruptDispatch+0x49',
  },
  'msdocs_old_user_80000003_reassembled.txt': {
    // 6.x user mode: BUGCHECK_STR 80000003 is the exception code, not a bugcheck.
    code: null, exception: '0x80000003', exceptionName: 'EXCEPTION_BREAKPOINT', exceptionAddress: '0x77f97704', image: 'MyApp.exe', module: 'MyApp', symbol: 'MyApp!FatalErrorBox+55',
    process: 'MyApp.exe', bucket: '80000003_MyApp!FatalErrorBox+55', os: null, frames: 12, first: 'ntdll!PropertyLengthAsVariant+0x73', last: 'KERNEL32!BaseProcessStart+0x3d',
  },
  'msdocs_partial_kernel_116.txt': {
    code: '0x00000116', name: 'VIDEO_TDR_FAILURE', params: ['0xffffe000c2c404c0', '0xfffff8016470c14c', '0xffffffffc000009a', '0x4'], exception: null, image: null,
    process: null, bucket: null, os: null, frames: 0, warning: /elided/,
  },
  'msdocs_partial_kernel_117.txt': {
    code: '0x00000117', name: 'VIDEO_TDR_TIMEOUT_DETECTED', params: ['0x8975d500', '0x9a02381e', '0x0', '0x0'], exception: null, image: null, frames: 0, warning: /elided/,
  },
  'msdocs_partial_kernel_133_1.txt': {
    code: '0x00000133', name: 'DPC_WATCHDOG_VIOLATION', params: ['0x0', '0x501', '0x500', '0x0'], exception: null, image: 'BthA2DP.sys', module: null, symbol: null, frames: 0,
  },
  'msdocs_partial_kernel_133_2.txt': {
    // Arg descriptions wrap onto tab-indented continuation lines.
    code: '0x00000133', name: 'DPC_WATCHDOG_VIOLATION', params: ['0x1', '0x1e00', '0xfffff803648fa320', '0x0'], exception: null, image: null, frames: 0,
  },
  'msdocs_partial_kernel_50.txt': {
    code: '0x00000050', name: 'PAGE_FAULT_IN_NONPAGED_AREA', params: ['0xffffffff00000090', '0x0', '0xfffff80240d322f9', '0xc'], exception: null, image: null, frames: 0,
  },
  'msdocs_partial_kernel_9f_1.txt': {
    // Every line indented by four spaces, and `kd>!analyze` without a space.
    code: '0x0000009F', name: 'DRIVER_POWER_STATE_FAILURE', params: ['0x3', '0xfffffa8007b13440', '0xfffff8000386c3d8', '0xfffffa800ab61bd0'], exception: null, image: null, frames: 0,
  },
  'msdocs_partial_kernel_c4_verifier_2012.txt': {
    code: '0x000000C4', name: 'DRIVER_VERIFIER_DETECTED_VIOLATION', params: ['0x20005', '0xfffff88000e16f50', '0x0', '0x0'], exception: null, image: null,
    process: 'TiWorker.exe', bucket: 'WIN8_DRIVER_FAULT', frames: 0, warning: /elided/,
  },
  'msdocs_partial_kernel_cb_old_summary.txt': {
    // Only Arg3 is shown: the parameters stay empty and a warning quotes what was there.
    code: '0x000000CB', name: 'DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS', params: [], exception: null, image: null, frames: 0, warning: /only some bugcheck arguments .*Arg3 = 0x81861788/,
  },
  'msdocs_partial_kernel_old_summary_blue_screen_data.txt': {
    code: '0x0000009F', name: 'DRIVER_POWER_STATE_FAILURE', params: ['0x3', '0xffffe000f38c06a0', '0xfffff803c596cad0', '0xffffe000f46a1010'], exception: null,
    image: 'hidusb.sys', module: null, symbol: null, frames: 0,
  },
};

/** The values fixtures/gen/dump/analyze-texts.mjs writes into each text. */
const SYNTHETIC: Record<string, Expect> = {
  'user_c0000374_heap_double_free.txt': {
    code: null, exception: '0xC0000374', exceptionName: 'STATUS_HEAP_CORRUPTION', exceptionAddress: '0x7ffc1a2be4f9', image: 'ntdll.dll', module: 'ntdll',
    symbol: 'ntdll!RtlpFreeHeapInternal+0', process: 'LedgerSync.exe', bucket: 'HEAP_CORRUPTION_ACTIONABLE_BlockNotBusy_DOUBLE_FREE_c0000374_ntdll.dll!RtlpFreeHeapInternal',
    os: '10.0.22631.1', frames: 1, first: 'ntdll!RtlpFreeHeapInternal+0x0', warning: /Checksum mismatch/,
  },
  'user_c0000005_null_write.txt': {
    code: null, exception: '0xC0000005', exceptionName: 'EXCEPTION_ACCESS_VIOLATION', exceptionAddress: '0x7ff7c4a11a4f', image: 'TileCache.exe', module: 'TileCache',
    symbol: 'TileCache!StoreTile+4f', process: 'TileCache.exe', bucket: 'NULL_POINTER_WRITE_c0000005_TileCache.exe!StoreTile', os: '10.0.22631.1',
    frames: 4, first: 'TileCache!StoreTile+0x4f', last: 'ntdll!RtlUserThreadStart+0x28', warning: /Checksum mismatch/,
  },
  'kernel_7e_exr_mismatch.txt': {
    // EXCEPTION_CODE (NTSTATUS) 0xc0000005 wins over the `.exr` record (ExceptionCode 02000000); the address is then P2.
    code: '0x0000007E', name: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED', params: ['0xffffffffc0000005', '0xfffff80a4c3e1a2b', '0xffffd08f2b7e6c08', '0xffffd08f2b7e6450'],
    exception: '0xC0000005', exceptionAddress: '0xfffff80a4c3e1a2b', image: 'contosodrv.sys', module: 'contosodrv', symbol: 'contosodrv+1a2b', process: 'System',
    bucket: 'AV_contosodrv!unknown_function', os: '10.0.17763.1', frames: 11, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x28',
    warning: /Unable to get NonPagedPoolStart/,
  },
};

function check(r: DumpReport, e: Expect): void {
  if (e.code !== undefined) expect(r.bugcheck?.code ?? null).toBe(e.code);
  if (e.name !== undefined) expect(r.bugcheck?.name ?? null).toBe(e.name);
  if (e.params !== undefined) expect(r.bugcheck?.parameters).toEqual(e.params);
  if (e.exception !== undefined) expect(r.exception?.code ?? null).toBe(e.exception);
  if (e.exceptionName !== undefined) expect(r.exception?.name).toBe(e.exceptionName);
  if (e.exceptionAddress !== undefined) expect(r.exception?.address ?? null).toBe(e.exceptionAddress);
  if (e.image !== undefined) expect(r.imageName).toBe(e.image);
  if (e.module !== undefined) expect(r.moduleName).toBe(e.module);
  if (e.symbol !== undefined) expect(r.symbolName).toBe(e.symbol);
  if (e.process !== undefined) expect(r.processName).toBe(e.process);
  if (e.bucket !== undefined) expect(r.failureBucket).toBe(e.bucket);
  if (e.os !== undefined) expect(r.osVersion).toBe(e.os);
  if (e.frames !== undefined) expect(r.stack).toHaveLength(e.frames);
  if (e.first !== undefined) expect(r.stack[0]).toBe(e.first);
  if (e.last !== undefined) expect(r.stack[r.stack.length - 1]).toBe(e.last);
  if (e.warning !== undefined) expect(r.warnings.map((w) => w.message).join('\n')).toMatch(e.warning);
}

describe('parseAnalyzeText over the corpus texts', () => {
  const tables = [
    [DIR, KNOWN],
    [SYNTHETIC_DIR, SYNTHETIC],
  ] as const;

  it('has an expectation for every corpus and synthetic text (a new text must get one)', () => {
    for (const [dir, table] of tables) expect(readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()).toEqual(Object.keys(table).sort());
  });

  for (const [dir, table] of tables) {
    for (const file of Object.keys(table)) {
      it(`${file}`, () => {
        const text = readFileSync(`${dir}/${file}`, 'utf8');
        expect(looksLikeAnalyzeText(text)).toBe(true);
        const r = parseAnalyzeText(text, { file });
        expect(r.file).toBe(file);
        expect(r.engine).toBe('text');
        check(r, table[file]!);
      });
    }
  }

  it("agrees with MANIFEST.json's recorded facts for every text that has them", () => {
    const manifest = JSON.parse(readFileSync(corpusPath('dumps', 'MANIFEST.json'), 'utf8')) as { entries: { file: string; known?: Record<string, string> }[] };
    let checked = 0;
    for (const entry of manifest.entries.filter((e) => e.file.startsWith('analyze-texts/'))) {
      const r = parseAnalyzeText(readFileSync(corpusPath('dumps', entry.file), 'utf8'));
      const k = entry.known ?? {};
      const eq = (actual: unknown, expected: unknown) => {
        expect({ file: entry.file, value: actual }).toEqual({ file: entry.file, value: expected });
        checked++;
      };
      if (k['IMAGE_NAME']) eq(r.imageName, k['IMAGE_NAME']);
      if (k['MODULE_NAME']) eq(r.moduleName, k['MODULE_NAME']);
      if (k['FAILURE_BUCKET_ID']) eq(r.failureBucket, k['FAILURE_BUCKET_ID']);
      if (k['PROCESS_NAME']) eq(r.processName, k['PROCESS_NAME']);
      if (k['OS_VERSION']) eq(r.osVersion, k['OS_VERSION']);
      if (k['BUGCHECK_CODE']) eq(r.bugcheck?.code.toLowerCase(), `0x${k['BUGCHECK_CODE'].padStart(8, '0')}`);
      if (k['EXCEPTION_CODE_STR']) eq(r.exception?.code.toLowerCase(), `0x${k['EXCEPTION_CODE_STR']}`);
      if (k['bugcheck_name_line']) {
        const m = /^(\S+) \(([0-9a-f]+)\)$/.exec(k['bugcheck_name_line'])!;
        eq(r.bugcheck?.name, m[1]);
        eq(r.bugcheck?.code.toLowerCase(), `0x${m[2]!.padStart(8, '0')}`);
      }
    }
    // The Microsoft Learn texts' MANIFEST entries record 21 facts between them.
    expect(checked).toBeGreaterThanOrEqual(21);
  });
});

describe('line ends: LF, CRLF and a lone CR read the same (no copy of the text per line end)', () => {
  it.each(readdirSync(DIR).filter((f) => f.endsWith('.txt')))('%s', (name) => {
    const text = readFileSync(`${DIR}/${name}`, 'utf8').replace(/\r\n?/g, '\n');
    const lf = parseAnalyzeText(text, name);
    expect(parseAnalyzeText(text.replace(/\n/g, '\r\n'), name)).toEqual(lf);
    expect(parseAnalyzeText(text.replace(/\n/g, '\r'), name)).toEqual(lf);
    expect(parseAnalyzeText(Buffer.from(text.replace(/\n/g, '\r')), name)).toEqual(lf);
  });

  it('a block of 100,000 lines keeps what the stack needs, not every line', () => {
    const text = `DRIVER_IRQL_NOT_LESS_OR_EQUAL (d1)\nSTACK_TEXT:\n${'ffff8001`00001234 fffff801`12345678 : 00000000`00000000 : nt!KiBugCheck+0x1\n'.repeat(100_000)}\n`;
    const r = parseAnalyzeText(text, 'long.txt');
    expect(r.bugcheck?.name).toBe('DRIVER_IRQL_NOT_LESS_OR_EQUAL');
    expect(r.stack.length).toBeGreaterThan(0);
    expect(r.stack.length).toBeLessThanOrEqual(256);
    expect(r.warnings.map((w) => w.code)).toContain('DUMP_TEXT_STACK_CUT');
  });
});
