// A fleet worker that dies on every job (an uncaught exception), for the pool's "a dead worker fails only
// its jobs, and is replaced" test.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', () => {
  throw new Error('worker crashed on purpose');
});
