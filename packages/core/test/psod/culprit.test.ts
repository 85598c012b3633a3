import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/corpus.js';
import { chooseCulprit, MACHINERY, type PsodFrame } from '../../src/psod/index.js';

/** The culprit skips the vmkernel's own panic, trap and NMI machinery (psod/culprit.ts), as docs/psod.md lists it. */
const frames = (...names: string[]): PsodFrame[] =>
  names.map((fn, i) => ({ function: fn, module: 'vmkernel', version: 'nover', offset: `0x${i}`, ip: `0x4180238${i}`, frameAddress: null, obfuscated: false }));

describe('panic and NMI machinery is never the culprit', () => {
  it('an NMI (LINT1) backtrace: PanicNMI, the NMI handlers and IDTNMIWork are skipped as PanicvPanicInt is', () => {
    // the frames a LINT1 NMI screen shows on top of the interrupted code (names as the audit typed them)
    const nmi = frames('PanicvPanicInt', 'Panic_NoSave', 'PanicNMI', 'NMICheckLint1', 'NMI_Interrupt', 'IDTNMIWork', 'Int2_NMI', 'gate_entry_', 'Power_HaltPCPU', 'CpuSchedIdleLoopInt');
    const culprit = chooseCulprit(nmi);
    expect(culprit).toMatchObject({ frameIndex: 8, function: 'Power_HaltPCPU' });
    expect(culprit?.reason).toContain('8 frames of vmkernel panic/trap machinery (PanicvPanicInt, Panic_NoSave, PanicNMI, NMICheckLint1, NMI_Interrupt, IDTNMIWork, Int2_NMI, gate_entry_)');
  });

  it('Panic_Exception and IDTReturnPrepare of an exception return are machinery too', () => {
    expect(chooseCulprit(frames('Panic_Exception', 'IDTReturnPrepare', 'gate_entry_', 'VmkDrv_WakeupAllWaiters'))?.function).toBe('VmkDrv_WakeupAllWaiters');
  });

  it('the code that ran is not machinery, even when its name holds a machinery word', () => {
    for (const fn of ['World_DestroyHeap', 'TLBDoInvalidate', 'E1000PollRxRing', 'vmk_LogBacktraceMessage', 'IntrCookie_DoInterrupt', 'Power_HaltPCPU', 'be_mcc_mailbox_notify_and_wait']) {
      expect([fn, MACHINERY.test(fn)]).toEqual([fn, false]);
    }
  });
});

describe('docs/psod.md and MACHINERY agree', () => {
  /** The globs docs/psod.md lists after "`MACHINERY`:". */
  function documented(): string[] {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'psod.md'), 'utf8').replace(/\s+/g, ' ');
    const list = /\(`MACHINERY`: ([^;]+);/.exec(doc)?.[1] ?? '';
    return list.split(/, |\//).map((g) => g.trim());
  }

  /** MACHINERY's alternatives as globs: `\w*`, `\w+`, `\d+` -> `*`. */
  function implemented(): string[] {
    const body = /^\^\(\?:(.*)\)\$$/.exec(MACHINERY.source)?.[1] ?? '';
    return body.split('|').map((alt) => alt.replace(/\\[wd][*+]/g, '*'));
  }

  it('the same names, both ways', () => {
    expect(documented().length).toBeGreaterThan(10);
    expect([...documented()].sort()).toEqual([...implemented()].sort());
  });

  it('every documented glob matches the names it stands for', () => {
    for (const glob of documented()) {
      const example = glob.replace(/^Int\*_/, 'Int2_').replace(/\*/g, 'NMI');
      expect([glob, example, MACHINERY.test(example)]).toEqual([glob, example, true]);
    }
  });
});
