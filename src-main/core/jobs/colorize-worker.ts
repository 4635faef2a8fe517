// Worker thread that runs colorize and fine-tune jobs for CoreApi: tfjs prediction and the pixel maths
// block a thread for ~0.5–1 s per photo (a training step for ~2 s), so they run here and the thread
// serving the window (HTTP/IPC) stays free.
// It opens its own catalogue connection (WAL lets both write); the job rows are the shared truth.
import { parentPort, workerData } from 'node:worker_threads';
import { FinetuneCancelled } from '../finetune/trainer';
import { HeirloomCore } from '../service/heirloom-core';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('colorize-worker.js must run in a worker thread');

const core = HeirloomCore.open({ library: (workerData as { library: string }).library, recoverCrashedJobs: false });
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
      runFinetuneJob(m.jobId, ctrl.signal).finally(() => controllers.delete(m.jobId));
      return;
    }
    core
      .runColorizeJob(m.jobId, { signal: ctrl.signal, onProgress: (p) => post({ type: 'progress', progress: p }) })
      .then((s) => post({ type: 'end', jobId: m.jobId, status: s.status, message: s.modelWarning ?? null }))
      .catch((e: Error) => {
        // A job that could not even start (e.g. no model) must not stay 'running' in the catalogue.
        try {
          core.catalogue.updateJobStatus(m.jobId, 'failed', e.message);
        } catch {
          /* the catalogue itself is the problem; the message below still reaches the window */
        }
        post({ type: 'end', jobId: m.jobId, status: 'failed', message: e.message });
      })
      .finally(() => controllers.delete(m.jobId));
  }
});
/** A fine-tune job: its row holds the request; the trainer resumes the run from its last checkpoint. */
async function runFinetuneJob(jobId: number, signal: AbortSignal): Promise<void> {
  const p = (core.catalogue.getJob(jobId)!.params ?? {}) as { folder: string; name: string; minutes: number; from?: string };
  core.catalogue.updateJobStatus(jobId, 'running');
  let status: 'done' | 'failed' | 'cancelled' = 'done';
  let message: string | null = null;
  try {
    const r = await core.finetune({ ...p, signal, onProgress: (progress) => post({ type: 'finetune-progress', jobId, progress }) });
    message = r.best.id === r.checkpoint.id ? `checkpoint ${r.checkpoint.id}` : `checkpoint ${r.checkpoint.id}; best on the held-out photos: ${r.best.id}`;
  } catch (e) {
    status = e instanceof FinetuneCancelled ? 'cancelled' : 'failed';
    message = e instanceof FinetuneCancelled ? `checkpoint ${e.checkpoint.id} kept` : (e as Error).message;
  }
  core.catalogue.updateJobStatus(jobId, status, status === 'failed' ? message : null);
  post({ type: 'end', jobId, status, message });
}

post({ type: 'ready' });
