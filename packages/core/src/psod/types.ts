/** What a purple-screen (PSOD) text says, as parsed by `parsePsod`. */
import type { Warning } from '../errors.js';

export type PsodKind =
  | 'exception' // #PF Exception 14, #GP Exception 13, ...
  | 'not-implemented'
  | 'assert'
  | 'spin-count-exceeded'
  | 'lockup'
  | 'heartbeat'
  | 'nmi'
  | 'machine-check'
  | 'panic';

export interface PsodException {
  kind: PsodKind;
  /** x86 mnemonic for CPU exceptions: PF, GP, UD, DE... */
  type: string | null;
  /** Exception vector: 14 for #PF, 13 for #GP. */
  number: number | null;
  /** The header text as printed (after clean-up). */
  text: string;
  /** Source location for NOT_IMPLEMENTED / ASSERT (bora/vmkernel/main/world.c:2307). */
  location: string | null;
  /** True when no header survived and the kind was inferred from the backtrace (Panic_OnAssertAt...). */
  inferred: boolean;
}

export interface PsodWorld {
  /** null when the digits are masked (`########`). */
  id: number | null;
  /** As printed, masked digits included. */
  idText: string;
  name: string | null;
}

export interface PsodFrame {
  /** null when the function name was lost (e-mail obfuscation) or not printed. */
  function: string | null;
  /** null when the frame does not say (4.x frames, obfuscated); '' for the unnamed `@#` module. */
  module: string | null;
  version: string | null;
  /** `+0x..` offset into the function. */
  offset: string | null;
  ip: string | null;
  frameAddress: string | null;
  /** The text was rewritten by an e-mail protector (`[email protected]`). */
  obfuscated: boolean;
}

export interface PsodBanner {
  product: string;
  version: string | null;
  build: string | null;
}

export interface PsodCulprit {
  frameIndex: number;
  function: string | null;
  module: string | null;
  version: string | null;
  reason: string;
  /** First frame in a loadable module (not the vmkernel), when it differs from the culprit frame. */
  firstModuleFrame: number | null;
}

export interface PsodReport {
  banner: PsodBanner | null;
  exception: PsodException | null;
  world: PsodWorld | null;
  /** null when not printed or masked. */
  cpu: number | null;
  /** Instruction pointer at the fault. */
  ip: string | null;
  /** Faulting address (#PF `addr`, or cr2). */
  faultAddress: string | null;
  codeStart: string | null;
  uptime: string | null;
  frames: PsodFrame[];
  culprit: PsodCulprit | null;
  /** Which clean-ups the text needed: markdown-escapes, quoted-at, email-obfuscated, flattened, log-prefixed, masked-digits. */
  quirks: string[];
  /**
   * PSOD_FRAME_UNREADABLE (a frame-like record that did not parse), PSOD_MORE_CRASHES (a second crash, not read),
   * PSOD_LOGGED_BACKTRACE (a backtrace a non-fatal warning logged: no crash, not read).
   */
  warnings: Warning[];
}
