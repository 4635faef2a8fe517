// How the core's long-lived worker threads (the jobs worker, the live preview's worker) are closed.
import type { Worker } from 'node:worker_threads';

/**
 * Asks the worker to close (it closes its catalogue connection, then its port) and waits for it to
 * exit; terminates it only if it has not exited within `graceMs`.
 */
export async function closeWorker(w: Worker, closeMessage: unknown, graceMs = 5000): Promise<void> {
  const exited = new Promise<void>((r) => w.once('exit', () => r()));
  w.postMessage(closeMessage);
  const timer = setTimeout(() => void w.terminate(), graceMs);
  await exited;
  clearTimeout(timer);
}
