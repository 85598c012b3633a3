/**
 * Worker-thread entry of the fleet pool: the job options arrive once as workerData; each message is
 * `{ id, input }`; the pure per-file job runs and `{ id, result }` goes back. Nothing else lives here, so
 * the job stays testable inline.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runFleetJob, type FleetJobOptions } from './job.js';
import type { FleetInput } from './model.js';

interface Task {
  id: number;
  input: FleetInput;
}

const options = workerData as FleetJobOptions;
// The pool sends a few jobs ahead; they run one after another (one dump's memory at a time, one cdb at a time).
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (task: Task) => {
  queue = queue.then(() => runFleetJob(task.input, options)).then((result) => parentPort!.postMessage({ id: task.id, result }));
});
