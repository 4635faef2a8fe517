// Worker thread that runs colorize and fine-tune jobs for CoreApi: tfjs prediction and the pixel maths
// block a thread for ~0.5–1 s per photo (a training step for ~2 s), so they run here and the thread
// serving the window (HTTP/IPC) stays free.
// It opens its own catalogue connection (WAL lets both write); the job rows are the shared truth.
import { problemOf } from '../../contract/problems';
import { parentPort, workerData } from 'node:worker_threads';
import { HeirloomCore } from '../service/heirloom-core';
import { runFinetuneJob } from './finetune-job';
import { markEnded } from './job-state';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('colorize-worker.js must run in a worker thread');

const init = workerData as WorkerInit;
const core = HeirloomCore.open({ library: init.library, install: init.install, role: 'worker' });
const controllers = new Map<number, AbortController>();
const post = (m: WorkerReply): void => port.postMessage(m);

port.on('message', (m: WorkerRequest) => {
  if (m.type === 'cancel') controllers.get(m.jobId)?.abort();
  else if (m.type === 'close') {
    for (const c of controllers.values()) c.abort();
    core.close();
    port.close();
  } else if (m.type === 'run') {
    const ctrl = new AbortController();
    controllers.set(m.jobId, ctrl);
    if (core.catalogue.getJob(m.jobId)?.kind === 'finetune') {
      finetuneJob(m.jobId, ctrl.signal).finally(() => controllers.delete(m.jobId));
      return;
    }
    core
      .runColorizeJob(m.jobId, { signal: ctrl.signal, onProgress: (p) => post({ type: 'progress', progress: p }) })
      .then((s) => post({ type: 'end', jobId: m.jobId, status: s.status, message: s.modelWarning ?? null }))
      .catch((e: Error) => {
        // A job that could not even start (e.g. no model) must not stay 'running' in the catalogue.
        try {
          markEnded(core.catalogue, m.jobId, 'failed', e.message, problemOf(e));
        } catch {
          /* the catalogue itself is the problem; the message below still reaches the window */
        }
        post({ type: 'end', jobId: m.jobId, status: 'failed', message: e.message, problem: problemOf(e) });
      })
      .finally(() => controllers.delete(m.jobId));
  }
});
async function finetuneJob(jobId: number, signal: AbortSignal): Promise<void> {
  const end = await runFinetuneJob(core, jobId, signal, (progress) => post({ type: 'finetune-progress', jobId, progress }));
  post({ type: 'end', jobId, ...end });
}

post({ type: 'ready' });
