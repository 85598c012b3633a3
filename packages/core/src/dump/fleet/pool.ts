/**
 * A small pool of worker threads (node:worker_threads) for the per-file jobs. Why not piscina or tinypool:
 * each job is one message in and one small row out, so a pool is a queue and a map; bundling a library's
 * own worker entry next to ours would add a second worker script to ship and find.
 *
 * A worker that dies (a bug, a resource limit) fails only its current job; a new worker takes its place.
 */
import { existsSync } from 'node:fs';
import { AnalyzeError } from '../../errors.js';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FleetJobOptions } from './job.js';
import type { FleetInput, FleetJobResult } from './model.js';

/**
 * Heap limit per worker. One job holds one dump's parse (a small dump's driver list and stack; the
 * native reader reads big dumps positionally), and an archive member at most MAX_MEMBER_BYTES, which lives
 * outside the V8 heap as an ArrayBuffer.
 */
const WORKER_HEAP_MB = 128;

interface Pending {
  resolve: (r: FleetJobResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Ids of the jobs sent to this worker and not answered yet. */
  busy: Set<number>;
}

/**
 * Jobs sent ahead to each worker. With one at a time, a worker idles from posting its answer until the main
 * thread has read it and sent the next file; on a busy machine that round trip cost a quarter of the
 * worker's time (measured on 10,000 dumps). The worker runs them one after another and answers in batches
 * of up to 8 (worker.ts), so it always has work queued.
 */
const PIPELINE = 24;

/**
 * Where the worker script is: beside this module when built (dist/dump/fleet/worker.js), beside the CLI
 * bundle's chunks (dump-fleet-worker.js, see scripts/bundle-cli.mjs), or, when this module runs as
 * TypeScript source (the test runner), the built copy in dist/.
 * @example const worker = new Worker(defaultWorkerUrl());
 */
export function defaultWorkerUrl(): URL {
  const candidates = [new URL('./worker.js', import.meta.url), new URL('./dump-fleet-worker.js', import.meta.url), new URL('../../../dist/dump/fleet/worker.js', import.meta.url)];
  for (const u of candidates) if (u.protocol === 'file:' && existsSync(fileURLToPath(u))) return u;
  // A bundler that inlined this module left the worker script behind (it is a file of its own).
  throw new AnalyzeError('DUMP_FLEET_NO_WORKER', 'the fleet worker script (dump/fleet/worker.js) is not beside this module, as when the library is bundled: pass workerUrl pointing to it, or workers: 0 to run every job on this thread');
}

/** The rejection of a job the pool dropped on `cancel()`: it was never answered (not read, or cut short). */
export class FleetJobCancelled extends Error {
  constructor() {
    super('the fleet run was stopped before this job was answered');
    this.name = 'FleetJobCancelled';
  }
}

export class FleetPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: Array<{ id: number; input: FleetInput }> = [];
  private nextId = 1;
  private closing = false;
  private dispatchScheduled = false;

  constructor(
    size: number,
    private readonly options: FleetJobOptions,
    private readonly workerUrl: URL = defaultWorkerUrl(),
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Jobs accepted and not yet answered (queued or running). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Run one job on the next free worker. The input's bytes are transferred (moved, not copied). */
  run(input: FleetInput): Promise<FleetJobResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.waiting.push({ id, input });
      // Sent once the caller has queued what it has at hand: one message per worker, not one per file.
      if (!this.dispatchScheduled) {
        this.dispatchScheduled = true;
        setImmediate(() => {
          this.dispatchScheduled = false;
          this.dispatch();
        });
      }
    });
  }

  /**
   * Stop now: the jobs queued here and those sent ahead to the workers are dropped (rejected with
   * FleetJobCancelled) and the workers are ended, so a stopped run does not wait for up to PIPELINE jobs per
   * worker. A cdb a worker started is not stopped by this (it ends at its own timeout).
   */
  async cancel(): Promise<void> {
    this.closing = true;
    this.waiting.length = 0;
    const dropped = [...this.pending.values()];
    this.pending.clear();
    for (const slot of this.slots) slot.busy.clear();
    for (const p of dropped) p.reject(new FleetJobCancelled());
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, { workerData: this.options, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const slot: Slot = { worker, busy: new Set() };
    worker.on('message', (answers: Array<{ id: number; result: FleetJobResult }>) => {
      for (const m of answers) {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        slot.busy.delete(m.id);
        p?.resolve(m.result);
      }
      this.dispatch();
    });
    const died = (e: Error) => {
      const i = this.slots.indexOf(slot);
      if (i < 0 || this.closing) return;
      for (const id of slot.busy) {
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.reject(e);
      }
      slot.busy.clear();
      this.slots[i] = this.spawn();
      this.dispatch();
    };
    worker.on('error', died);
    worker.on('exit', (code) => {
      if (code !== 0) died(new Error(`worker thread exited with code ${code}`));
    });
    // The workers stay referenced: the pool lives for one run and is closed at its end. Unreferenced while
    // idle (as they once were), their terminate() at the end sometimes never settled on Node 20 (one run in
    // 30 with three at once in an empty environment): the event loop ran empty and the CLI exited with 13,
    // "unsettled top-level await", without printing its report (fleet-cli.test.ts).
    return slot;
  }

  private dispatch(): void {
    // Fill the least loaded worker first, so that each has work queued; what one worker is given in one
    // call goes as one message (a message per file cost a wake-up of both threads per file).
    const outgoing = new Map<Slot, { tasks: Array<{ id: number; input: FleetInput }>; transfer: ArrayBuffer[] }>();
    for (;;) {
      const slot = this.slots.reduce((a, b) => (b.busy.size < a.busy.size ? b : a));
      if (slot.busy.size >= PIPELINE || this.waiting.length === 0) break;
      const task = this.waiting.shift()!;
      slot.busy.add(task.id);
      let message = outgoing.get(slot);
      if (message === undefined) outgoing.set(slot, (message = { tasks: [], transfer: [] }));
      let input = task.input;
      if (input.kind === 'bytes' && input.bytes.byteLength > 0) {
        // Move the bytes rather than copy them; a small Buffer shares its ArrayBuffer with others (Node's
        // pool), so it is copied into its own first.
        const b = input.bytes;
        const own = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);
        input = { ...input, bytes: own };
        message.transfer.push(own.buffer as ArrayBuffer);
      }
      message.tasks.push({ id: task.id, input });
    }
    for (const [slot, { tasks, transfer }] of outgoing) slot.worker.postMessage(tasks, transfer);
  }
}
