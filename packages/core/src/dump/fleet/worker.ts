/**
 * Worker-thread entry of the fleet pool: the job options arrive once as workerData; each message is an
 * array of `{ id, input }`; the pure per-file job runs and the answers go back as arrays of `{ id, result }`
 * (posting each one alone cost ~15 % of a worker's time on a busy machine). Nothing else lives here, so the
 * job stays testable inline.
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
 * Answers posted together at most (the pool sends up to twice as many ahead, so the worker never waits for
 * a batch's reply); they also go as soon as no job is waiting, so a batch never holds back the last answers.
 */
const BATCH = 4;
// The pool sends a few jobs ahead; they run one after another (one dump's memory at a time, one cdb at a time).
let queue: Promise<void> = Promise.resolve();
let waiting = 0;
let batch: Array<{ id: number; result: FleetJobResult }> = [];
parentPort?.on('message', (tasks: Task[]) => {
  for (const task of tasks) {
    waiting++;
    queue = queue
      .then(() => runFleetJob(task.input, options))
      .then((result) => {
        waiting--;
        batch.push({ id: task.id, result });
        if (waiting === 0 || batch.length >= BATCH) {
          parentPort!.postMessage(batch);
          batch = [];
        }
      });
  }
});
