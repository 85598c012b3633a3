/**
 * Every `!analyze` text of the corpus (../shared/corpus/dumps/analyze-texts) parses to the facts read off
 * the text by hand (and, where MANIFEST.json records them, the same as its `known` values).
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { corpusPath } from '../../helpers/corpus.js';
import { looksLikeAnalyzeText, parseAnalyzeText } from '../../../src/dump/cdb/index.js';
import type { DumpReport } from '../../../src/dump/report.js';

const DIR = corpusPath('dumps', 'analyze-texts');

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
  'cnblog_kernel_139_lxcore_old_summary_partial.txt': {
    code: '0x00000139', name: 'KERNEL_SECURITY_CHECK_FAILURE', params: ['0x3', '0xffff84022caef450', '0xffff84022caef3a8', '0x0'],
    exception: null, image: 'LXCORE.SYS', module: 'LXCORE', symbol: 'LXCORE!LxpFutexEvictWaitQueue+47', process: null, bucket: null, os: null,
    frames: 13, first: 'nt!KeBugCheckEx', last: '0x00007f01`b70ed360',
  },
  'hexoblog_kernel_1e_windbg10.0.17134_2018_full.txt': {
    code: '0x0000001E', name: 'KMODE_EXCEPTION_NOT_HANDLED', params: ['0xffffffffc0000005', '0xfffff8036f6d2316', '0x0', '0x14'],
    // EXCEPTION_CODE (NTSTATUS) 0xc0000005 wins over the bogus `.exr` record (ExceptionCode: 01000000).
    exception: '0xC0000005', exceptionAddress: '0xfffff8036f6d2316', image: 'ntkrnlmp.exe', module: 'nt', symbol: 'nt!CmpCreateKeyBody+166',
    process: 'services.exe', bucket: '0x1E_c0000005_R_nt!CmpCreateKeyBody', os: '10.0.17134.1',
    frames: 8, first: 'nt!KeBugCheckEx', last: '0xffff8689`0c47f840', warning: /Unable to get NonPagedPoolStart/,
  },
  'ie_kernel_139_KERNEL_SECURITY_CHECK_FAILURE_0x139_Memory_Corruption.txt': {
    code: '0x00000139', name: 'KERNEL_SECURITY_CHECK_FAILURE', params: ['0x1d', '0xffffb88f1487ec30', '0xffffb88f1487eb88', '0x0'],
    exception: '0xC0000409', exceptionAddress: '0xfffff8071b09aae3', image: 'Driver.sys', module: 'Driver', symbol: 'Driver+11b1', process: 'System',
    bucket: '0x139_1d_INVALID_BALANCED_TREE_Driver!unknown_function', os: '10.0.22621.1928', frames: 18, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x34',
  },
  'ie_kernel_13a_KERNEL_MODE_HEAP_CORRUPTION_0x13a_Misuse_of_RtlZeroMemory_Le.txt': {
    code: '0x0000013A', name: 'KERNEL_MODE_HEAP_CORRUPTION', params: ['0x12', '0xffffe2808c200140', '0xffffe2809abee000', '0x0'],
    exception: null, image: 'Driver.sys', module: 'Driver', symbol: 'Driver!CreateRandomFile+13b', process: 'System', bucket: '0x13a_12_Driver!CreateRandomFile',
    os: '10.0.22621.1928', frames: 18, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x34',
  },
  'ie_kernel_13a_abbreviated_Thread_Wait_Reasons.txt': {
    // No BUGCHECK_CODE in this excerpt: the code comes from the name line `KERNEL_MODE_HEAP_CORRUPTION (13a)`.
    code: '0x0000013A', name: 'KERNEL_MODE_HEAP_CORRUPTION', params: ['0x12', '0xffff95029d402140', '0xffff9502a4b5c000', '0x0'],
    exception: null, image: null, module: null, symbol: null, process: 'System', bucket: null, os: null, frames: 15, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x34',
  },
  'ie_kernel_153_KERNEL_LOCK_ENTRY_LEAKED_ON_THREAD_TERMINATION_153_Thread_wa.txt': {
    code: '0x00000153', name: 'KERNEL_LOCK_ENTRY_LEAKED_ON_THREAD_TERMINATION', params: ['0xffffc78839108040', '0xffffc788391086e0', '0x1', '0xffffc7883a0f6f70'],
    exception: null, image: 'ntkrnlmp.exe', module: 'nt', symbol: 'nt!KeCleanupThreadState+2467a8', process: 'System',
    bucket: '0x153_KERNEL_LOCK_ENTRY_LEAKED_ON_THREAD_TERMINATION_LOCK_POINTER_NOT_NULL_nt!KeCleanupThreadState', os: '10.0.22621.2506', frames: 9, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x34',
  },
  'ie_kernel_162_KERNEL_AUTO_BOOST_INVALID_LOCK_RELEASE_162_Releasing_a_lock.txt': {
    code: '0x00000162', name: 'KERNEL_AUTO_BOOST_INVALID_LOCK_RELEASE', params: ['0xffff910142869040', '0xffff910145796f70', '0xffffffff', '0x0'],
    exception: null, image: 'TestDriver.sys', module: 'TestDriver', symbol: 'TestDriver+10d7', process: 'System', bucket: '0x162_TestDriver!unknown_function',
    os: '10.0.22621.2506', frames: 12, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x34',
  },
  'ie_kernel_19_BAD_POOL_HEADER_0x19_Double_Freeing_Memory_with_ExFreePoolWi.txt': {
    code: '0x00000019', name: 'BAD_POOL_HEADER', params: ['0x22', '0xffffbd06d46e0000', '0x1', '0x0'], exception: null, image: 'Driver.sys', module: 'Driver',
    symbol: 'Driver+1170', process: 'System', bucket: '0x19_22_Driver!unknown_function', os: null, frames: 0,
  },
  'ie_kernel_19_BAD_POOL_HEADER_0x19_Double_Freeing_Memory_with_MmFreeContig.txt': {
    code: '0x00000019', name: 'BAD_POOL_HEADER', params: ['0x22', '0xffffc48068d7d000', '0x4', '0x0'], exception: null, image: 'Driver.sys', module: 'Driver',
    symbol: 'Driver+11b3', process: 'System', bucket: '0x19_22_Driver!unknown_function', os: '10.0.22621.1928', frames: 13, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x34',
  },
  'ie_kernel_20_KERNEL_APC_PENDING_DURING_EXIT_0x20_Not_releasing_a_KMUTEX_w.txt': {
    code: '0x00000020', name: 'KERNEL_APC_PENDING_DURING_EXIT', params: ['0x0', '0xffff', '0x0', '0x1'], exception: null, image: 'ntkrnlmp.exe', module: 'nt',
    symbol: 'nt!PspExitThread+1f8f14', process: 'System', bucket: '0x20_NULLAPC_KAPC_NEGATIVE_nt!PspExitThread', os: '10.0.22621.2506', frames: 5, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x34',
  },
  'ie_kernel_39_SYSTEM_EXIT_OWNED_MUTEX_39_Global_Mutex_not_released_leads_t.txt': {
    code: '0x00000039', name: 'SYSTEM_EXIT_OWNED_MUTEX', params: ['0xfffff8040677fe00', '0xffffc80f43c8f3f0', '0xffffc80f43c8f3f0', '0x0'], exception: null,
    image: 'ntkrnlmp.exe', module: 'nt', symbol: 'nt!IopLoadUnloadDriver+0', process: 'System', bucket: '0x39_nt!IopLoadUnloadDriver', os: '10.0.19041.1',
    frames: 4, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x28',
  },
  'ie_kernel_7e_SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_0x7e_Memory_Corruption_D.txt': {
    code: '0x0000007E', name: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED', params: ['0xffffffffc0000005', '0xfffff8076624f3d4', '0xffffa1088a4aebf8', '0xffffa1088a4ae410'],
    exception: '0xC0000005', exceptionAddress: '0xfffff8076624f3d4', image: 'EvilDriver.sys', module: 'EvilDriver', symbol: 'EvilDriver+115b', process: 'System',
    bucket: 'AV_EvilDriver!unknown_function', os: '10.0.22621.1928', frames: 13, first: 'nt!RtlpHpVsFreeChunkInsert+0x1b4', last: 'nt!KiStartSystemThread+0x34',
  },
  'ie_kernel_d1_DRIVER_IRQL_NOT_LESS_OR_EQUAL_d1_Fast_Mutex_operating_at_Hig.txt': {
    code: '0x000000D1', name: 'DRIVER_IRQL_NOT_LESS_OR_EQUAL', params: ['0xffff80091002ac08', '0x2', '0x1', '0xfffff802084d9062'], exception: null,
    image: 'fileinfo.sys', module: 'fileinfo', symbol: 'fileinfo!FIPfFileFSOpPostCreate+2ff', process: 'System', bucket: 'AV_fileinfo!FIPfFileFSOpPostCreate',
    os: '10.0.22621.2506', frames: 36, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x34',
  },
  'ie_kernel_d1_DRIVER_IRQL_NOT_LESS_OR_EQUA_d1_Accessing_Pageable_Memory_at.txt': {
    code: '0x000000D1', name: 'DRIVER_IRQL_NOT_LESS_OR_EQUAL', params: ['0xfffff803712e5000', '0x2', '0x8', '0xfffff803712e5000'], exception: null,
    image: 'TestDriver.sys', module: 'TestDriver', symbol: 'TestDriver!AccessPageableMemory+0', process: 'System', bucket: 'AV_CODE_AV_PAGED_IP_TestDriver!AccessPageableMemory',
    os: '10.0.22621.2506', frames: 7, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x34', warning: /Page 24d116 not present in the dump file/,
  },
  'ie_kernel_d1_Section_5_Triaging_a_thread_from_a_Memory_Dump.txt': {
    code: '0x000000D1', name: 'DRIVER_IRQL_NOT_LESS_OR_EQUAL', params: ['0x8', '0x2', '0x0', '0xfffff8068a1c75b0'], exception: null, image: 'tunnel.sys', module: 'tunnel',
    symbol: 'tunnel!TeredoWfpRemoveHashEntry+2c', process: 'System', bucket: 'AV_tunnel!TeredoWfpRemoveHashEntry', os: '10.0.19041.1', frames: 25, first: 'nt!KeBugCheckEx', last: 'nt!KiStartSystemThread+0x28',
  },
  'ie_kernel_d1_Section_9_Triaging_a_Crash_Dump.txt': {
    code: '0x000000D1', name: 'DRIVER_IRQL_NOT_LESS_OR_EQUAL', params: ['0xffff8001acdc6010', '0x2', '0x0', '0xfffff805736312d0'], exception: null, image: 'myfault.sys',
    module: 'myfault', symbol: 'myfault+12d0', process: 'notmyfault64.exe', bucket: 'AV_myfault!unknown_function', os: '10.0.22621.2506', frames: 12, first: 'nt!KeBugCheckEx', last: '0x00007ffc`aa52f454',
  },
  'ie_user_c0000005_Analyzing_AppCrash_of_Cobalt_Strike_Beacon.txt': {
    code: null, exception: '0xC0000005', exceptionName: 'EXCEPTION_ACCESS_VIOLATION', exceptionAddress: '0x0', image: 'beacon.exe', module: 'beacon',
    symbol: 'beacon.exe!unknown_error_in_process', process: 'beacon.exe', bucket: 'INVALID_POINTER_EXECUTE_c0000005_beacon.exe!unknown_error_in_process', os: '10.0.19041.1', frames: 0,
    warning: /Teb 10 pointer is NULL/,
  },
  'ie_user_c0000005_Analyzing_AppCrash_of_Cobalt_Strike_Beacon_2.txt': {
    code: null, exception: '0xC0000005', image: 'beacon.exe', module: 'beacon', symbol: 'beacon.exe!unknown_error_in_process', process: 'beacon.exe',
    bucket: 'INVALID_POINTER_EXECUTE_c0000005_beacon.exe!unknown_error_in_process', os: '10.0.19041.1', frames: 0, warning: /Thread 13b4 access failure/,
  },
  'ie_user_c0000005_Debug_Case_Study_Analyzing_AppCrash_of_Cobalt_Strike_Beacon.txt': {
    code: null, exception: '0xC0000005', image: 'Beacon_x64.exe', module: 'Beacon_x64', symbol: 'Beacon_x64.exe!unknown_error_in_process', process: 'Beacon_x64.exe',
    bucket: 'INVALID_POINTER_EXECUTE_c0000005_Beacon_x64.exe!unknown_error_in_process', os: '10.0.19041.1', frames: 0,
  },
  'ie_user_c0000005_Section_3_Access_Violation.txt': {
    code: null, exception: '0xC0000005', exceptionAddress: '0x7ff8329aa826', image: 'AccessV.exe', module: 'AccessV', symbol: 'accessv!main+b2', process: 'AccessV.exe',
    bucket: 'INVALID_POINTER_READ_c0000005_AccessV.exe!main', os: '10.0.22621.1', frames: 9, first: 'ntdll!RtlInitUnicodeStringEx+0x16', last: 'ntdll!RtlUserThreadStart+0x28',
    warning: /Checksum mismatch/,
  },
  'ie_user_c0000005_Section_3_Access_Violation_2.txt': {
    code: null, exception: '0xC0000005', exceptionAddress: '0x7ff66d771101', image: 'AccessV.exe', module: 'AccessV', symbol: 'AccessV!main+101', process: 'AccessV.exe',
    bucket: 'NULL_POINTER_WRITE_c0000005_AccessV.exe!main', os: '10.0.22621.1', frames: 4, first: 'AccessV!main+0x101', last: 'ntdll!RtlUserThreadStart+0x28',
  },
  'ie_user_c0000005_Section_3_Access_Violation_3.txt': {
    code: null, exception: '0xC0000005', exceptionAddress: '0x1f3ef330000', image: 'AccessV.exe', module: 'AccessV', symbol: 'accessv!main+64', process: 'AccessV.exe',
    bucket: 'SOFTWARE_NX_FAULT_c0000005_AccessV.exe!main', os: '10.0.22621.1', frames: 5, first: '0x000001f3`ef330000', last: 'ntdll!RtlUserThreadStart+0x28',
  },
  'ie_user_c0000374_Heap_Corruption_Double_Free_Memory.txt': {
    code: null, exception: '0xC0000374', exceptionName: 'STATUS_HEAP_CORRUPTION', exceptionAddress: '0x7ff874d9c239', image: 'ntdll.dll', module: 'ntdll',
    symbol: 'ntdll!RtlpFreeHeapInternal+0', process: 'MemoryIssue.exe', bucket: 'HEAP_CORRUPTION_ACTIONABLE_BlockNotBusy_DOUBLE_FREE_c0000374_ntdll.dll!RtlpFreeHeapInternal',
    os: '10.0.22621.1', frames: 1, first: 'ntdll!RtlpFreeHeapInternal+0x0',
  },
  'ie_user_c0000374_Heap_Corruption_Freeing_Invalid_Memory.txt': {
    code: null, exception: '0xC0000374', image: 'heap_corruption', module: 'heap_corruption', symbol: 'heap_corruption!Mem.exe', process: 'Mem.exe',
    bucket: 'HEAP_CORRUPTION_ACTIONABLE_InvalidArgument_c0000374_heap_corruption!Mem.exe', os: '10.0.22621.1', frames: 1, first: 'heap_corruption!Mem.exe+0x0',
  },
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
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();

  it('has an expectation for every corpus text (a new text must get one)', () => {
    expect(files.sort()).toEqual(Object.keys(KNOWN).sort());
  });

  for (const file of Object.keys(KNOWN)) {
    it(`${file}`, () => {
      const text = readFileSync(`${DIR}/${file}`, 'utf8');
      expect(looksLikeAnalyzeText(text)).toBe(true);
      const r = parseAnalyzeText(text, { file });
      expect(r.file).toBe(file);
      expect(r.engine).toBe('text');
      check(r, KNOWN[file]!);
    });
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
    expect(checked).toBeGreaterThan(100);
  });
});
