/**
 * The fuzz contract (issue 20), checked case by case: only AnalyzeErrors escape, each case finishes
 * within CASE_LIMIT_MS, the heap stays within the budget, and the report serialises to JSON and parses
 * back. A failing input is shrunk and written under fixtures/fuzz/<format>/, where the regression test
 * replays it for ever.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isAnalyzeError } from '../../src/errors.js';
import { mutate, Rng } from './mutate.js';
import { prepareTargets, Scratch, TARGETS } from './targets.js';

/** Each case must finish within this (CPU time of this process: the machine may be shared). */
export const CASE_LIMIT_MS = 2000;
/** Growth of heap + buffers over the run's start allowed after a case (the 256 MB budget less Node itself). */
export const HEAP_BUDGET_BYTES = 200 * 1024 * 1024;
/**
 * Largest mutated input tried. Chunk duplication can grow an input without bound; past every reader's
 * input cap (the largest is profiles' 160 MiB hive) a bigger input only measures the harness's own buffer,
 * and the caps themselves are tested apart. Bigger mutants are cut to this size.
 */
export const MAX_CASE_INPUT = 48 * 1024 * 1024;

export const FUZZ_DIR = fileURLToPath(new URL('../../../../fixtures/fuzz/', import.meta.url));

export interface Failure {
  format: string;
  caseIndex: number;
  reason: string;
  input: Buffer;
  saved?: string;
}

/** A real collection before judging the heap: garbage left by earlier cases is not growth. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Runs one input through the format's entry points; undefined when the contract holds, else why not. */
export async function checkContract(format: string, input: Buffer, scratch: Scratch, baseline: number): Promise<string | undefined> {
  const target = TARGETS[format]!;
  await prepareTargets();
  const t = cpuMs();
  let report: unknown;
  try {
    report = await target.run(input, scratch);
  } catch (e) {
    if (!isAnalyzeError(e)) return `not an AnalyzeError: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e)}`;
  }
  const took = cpuMs() - t;
  if (took > CASE_LIMIT_MS) return `took ${Math.round(took)} ms of CPU (limit ${CASE_LIMIT_MS})`;
  if (report !== undefined) {
    try {
      JSON.parse(JSON.stringify(report));
    } catch (e) {
      return `the report does not serialise to JSON: ${(e as Error).message}`;
    }
  }
  // The input itself is the harness's allocation, not the reader's.
  const grew = used() - baseline - input.length;
  if (grew > HEAP_BUDGET_BYTES) {
    gc();
    if (used() - baseline - input.length > HEAP_BUDGET_BYTES) return `heap + buffers grew by ${Math.round(grew / 1e6)} MB (budget ${HEAP_BUDGET_BYTES / 1e6} MB)`;
  }
  return undefined;
}

/** Shrink a failing input (drop halves, then smaller chunks) while it still fails the same way. */
async function minimise(format: string, input: Buffer, reason: string, scratch: Scratch, baseline: number, deadline: number): Promise<Buffer> {
  const kind = reason.split(':')[0];
  let best = input;
  for (let chunk = best.length >> 1; chunk >= 1 && Date.now() < deadline; chunk >>= 1) {
    for (let at = 0; at < best.length && Date.now() < deadline; ) {
      const candidate = Buffer.concat([best.subarray(0, at), best.subarray(at + chunk)]);
      const r = await checkContract(format, candidate, scratch, baseline);
      if (r !== undefined && r.split(':')[0] === kind) best = candidate;
      else at += chunk;
    }
  }
  return best;
}

export interface FuzzRun {
  format: string;
  seed: number;
  cases: number;
  failures: Failure[];
}

/** An input cut to MAX_CASE_INPUT, as a copy: neither a view nor a variable keeps an oversized mutant alive. */
function capped(mutant: Buffer): Buffer {
  return mutant.length > MAX_CASE_INPUT ? Buffer.from(mutant.subarray(0, MAX_CASE_INPUT)) : mutant;
}

/** `cases` mutated inputs of `format` from `seed`, stopping early at `budgetMs` of wall time. */
export async function fuzz(format: string, opts: { seed: number; cases: number; budgetMs: number; save: boolean }): Promise<FuzzRun> {
  const target = TARGETS[format];
  if (!target) throw new Error(`unknown format ${format}; one of ${Object.keys(TARGETS).join(', ')}`);
  const rng = new Rng(opts.seed);
  await prepareTargets();
  const seeds = target.seeds();
  const scratch = new Scratch();
  const stop = Date.now() + opts.budgetMs;
  const failures: Failure[] = [];
  const baseline = used();
  let n = 0;
  try {
    for (; n < opts.cases && Date.now() < stop; n++) {
      // Let the event loop turn, as it does between files in any real use. A case that fails without I/O
      // awaits only settled promises, and a run of them never reaches the process.nextTick queue, where
      // node:zlib holds each failed inflater (~20 KB, measured) until its 'close' is emitted: ~2,000 damaged gzip
      // cases in a row grew the heap past the budget, and the saved inputs passed alone.
      await new Promise((resolve) => setImmediate(resolve));
      const input = capped(mutate(rng.pick(seeds), target.mutations, rng));
      const reason = await checkContract(format, input, scratch, baseline);
      if (reason === undefined) continue;
      const small = await minimise(format, input, reason, scratch, baseline, Date.now() + 20_000);
      const failure: Failure = { format, caseIndex: n, reason, input: small };
      if (opts.save) {
        const dir = join(FUZZ_DIR, format);
        mkdirSync(dir, { recursive: true });
        failure.saved = join(dir, `${createHash('sha256').update(small).digest('hex').slice(0, 16)}.bin`);
        writeFileSync(failure.saved, small);
      }
      failures.push(failure);
      if (failures.length >= 5) break;
    }
  } finally {
    scratch.dispose();
  }
  return { format, seed: opts.seed, cases: n, failures };
}
