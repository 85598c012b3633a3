/** The `analyze psod` job: an ESXi purple-screen text or vmkernel log -> what crashed (docs/json-psod.md). */
import { Warnings } from '../errors.js';
import { analyzePsod as analyzePsodText } from '../psod/index.js';
import { MAX_PSOD_INPUT, readPsodWindow } from '../psod/input.js';
import type { PsodReport } from '../psod/types.js';
import { checkInput, checkOptions } from './check.js';
import { inputName, naming, readChunks, warningsJson, type Input, type JobOptions } from './input.js';
import { stamped } from './report.js';

/** One backtrace frame (`obfuscated` only when true). */
export interface PsodFrameJson {
  function: string | null;
  module: string | null;
  version: string | null;
  offset: string | null;
  ip: string | null;
  frameAddress: string | null;
  obfuscated?: true;
}

/** The report of `analyzePsod` (`analyze psod --json`), field by field in docs/json-psod.md. */
export type PsodJson = Omit<PsodReport, 'frames'> & {
  schemaVersion: string;
  file: string;
  crashFound: boolean;
  frames: PsodFrameJson[];
  /** The known crash the screen matches (its matcher left out: plain data). */
  signature: { id: string; title: string; explanation: string; sources: { title: string; url: string }[] } | null;
  advice: string | null;
};

/**
 * Read a purple-screen text (a pasted screen, a vmkernel log, gzipped or not; at most MAX_PSOD_INPUT bytes)
 * and report the exception, world, CPU, backtrace, the frame at fault and advice for known crashes.
 * @example
 *   const r = await analyzePsod('fixtures/psod/e1000.txt');
 *   r.culprit?.function; // 'E1000PollRxRing'
 *   r.signature?.id;     // 'e1000-rx-ring'
 */
export async function analyzePsod(input: Input, opts: JobOptions = {}): Promise<PsodJson> {
  checkInput(input, 'analyzePsod');
  checkOptions(opts, 'analyzePsod');
  const file = inputName(input, opts.name);
  return naming(file, async () => {
    // streamed: the input is looked at a chunk at a time and only its crash text is kept (psod/window.ts)
    const window = await readPsodWindow(readChunks(input, MAX_PSOD_INPUT, file), file);
    const a = analyzePsodText(window, { warnings: new Warnings(opts.strict ?? false, file) });
    return stamped({
      file,
      crashFound: a.crashFound,
      banner: a.banner,
      exception: a.exception,
      world: a.world,
      cpu: a.cpu,
      ip: a.ip,
      faultAddress: a.faultAddress,
      codeStart: a.codeStart,
      uptime: a.uptime,
      frames: a.frames.map((f) => ({
        function: f.function,
        module: f.module,
        version: f.version,
        offset: f.offset,
        ip: f.ip,
        frameAddress: f.frameAddress,
        ...(f.obfuscated ? { obfuscated: true as const } : {}),
      })),
      culprit: a.culprit,
      signature: a.signature ? { id: a.signature.id, title: a.signature.title, explanation: a.signature.explanation, sources: a.signature.sources.map((s) => ({ ...s })) } : null,
      advice: a.signature?.advice ?? null,
      quirks: a.quirks,
      // The file is the report's own, so it is not repeated in each warning (as every single-file job).
      warnings: warningsJson(a.warnings, undefined),
    });
  });
}
