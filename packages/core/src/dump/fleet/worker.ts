/**
 * Worker-thread entry of the fleet pool: the job options arrive once as workerData; each message is an
 * array of `{ id, input }`; the pure per-file job runs and the answers go back as arrays of `{ id, result }`
 * (posting each one alone cost ~15 % of a worker's time on a busy machine, and a wake-up of the main
 * thread). Nothing else lives here, so the job stays testable inline.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runFleetJob, type FleetJobOptions } from './job.js';
import type { FleetInput, FleetJobResult } from './model.js';

interface Task {
  id: number;
  input: FleetInput;
}

const options = workerData as FleetJobOptions;
/**
 * Answers are posted once per turn of this thread's event loop, all together. The port hands over each
 * message of tasks as its own event, so answering whenever the queue ran dry sent one answer per message
 * once the pool topped the worker up a file at a time: 10,000 dumps cost 10,000 wake-ups of the main thread.
 * setImmediate runs after every message already waiting has been taken. A batch also goes as soon as it
 * holds BATCH answers: the pool sends three times as many ahead (pool.ts PIPELINE), so the worker still has
 * work queued while the main thread reads them and tops it up.
 */
const BATCH = 8;
let batch: Array<{ id: number; result: FleetJobResult }> = [];
let flushScheduled = false;
const flush = (): void => {
  if (batch.length === 0) return;
  const out = batch;
  batch = [];
  parentPort!.postMessage(out);
};
// The pool sends a few jobs ahead; they run one after another (one dump's memory at a time, one cdb at a time).
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (tasks: Task[]) => {
  for (const task of tasks) {
    queue = queue
      .then(() => runFleetJob(task.input, options))
      .then((result) => {
        batch.push({ id: task.id, result });
        if (batch.length >= BATCH) flush();
        else if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(() => {
            flushScheduled = false;
            flush();
          });
        }
      });
  }
});
