/**
 * Worker-thread entry of the fleet pool: receives `{ id, input, options }`, runs the pure per-file job and
 * posts `{ id, result }` back. Nothing else lives here, so the job stays testable inline.
 */
import { parentPort } from 'node:worker_threads';
import { runFleetJob, type FleetJobOptions } from './job.js';
import type { FleetInput } from './model.js';

interface Task {
  id: number;
  input: FleetInput;
  options: FleetJobOptions;
}

parentPort?.on('message', (task: Task) => {
  void runFleetJob(task.input, task.options).then((result) => parentPort!.postMessage({ id: task.id, result }));
});
