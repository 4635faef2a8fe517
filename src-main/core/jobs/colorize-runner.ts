// The serving side of the jobs worker (colorize and fine-tune): starts it on first use, runs one job at a time, forwards
// progress, and turns a crashed worker into a failed job (the next job starts a fresh worker).
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { closeWorker } from './close-worker';
import type { FinetuneProgress } from '../finetune/trainer';
import type { BatchProgress } from '../service/heirloom-core';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol';
import type { Problem } from '../../contract/problems';

export interface RunEnd {
  status: 'done' | 'failed' | 'cancelled';
  message: string | null;
  /** The message's problem, for the window's words. */
  problem?: Problem | null;
}

export class ColorizeRunner {
  private worker: Worker | undefined;
  private current:
    { jobId: number; onProgress: (p: BatchProgress) => void; onFinetune?: (p: FinetuneProgress) => void; resolve: (e: RunEnd) => void } | undefined;

  constructor(private readonly init: WorkerInit) {}

  /** Runs one job in the worker; resolves when it ends (never rejects: a crash is a failed job). */
  run(jobId: number, onProgress: (p: BatchProgress) => void, onFinetune?: (p: FinetuneProgress) => void): Promise<RunEnd> {
    if (this.current) throw new Error('a colorize job is already running');
    const w = this.start();
    return new Promise<RunEnd>((resolve) => {
      this.current = { jobId, onProgress, onFinetune, resolve };
      w.ref();
      this.send({ type: 'run', jobId });
    });
  }

  cancel(jobId: number): void {
    if (this.current?.jobId === jobId) this.send({ type: 'cancel', jobId });
  }

  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    await closeWorker(w, { type: 'close' } satisfies WorkerRequest);
  }

  private send(m: WorkerRequest): void {
    this.worker?.postMessage(m);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(__dirname, 'colorize-worker.js'), { workerData: this.init });
    this.worker = w;
    w.on('message', (m: WorkerReply) => {
      const cur = this.current;
      if (m.type === 'progress' && cur && m.progress.jobId === cur.jobId) cur.onProgress(m.progress);
      else if (m.type === 'finetune-progress' && cur && m.jobId === cur.jobId) cur.onFinetune?.(m.progress);
      else if (m.type === 'end' && cur && m.jobId === cur.jobId) this.end({ status: m.status, message: m.message, problem: m.problem ?? null }, w);
    });
    const died = (why: string): void => {
      if (this.worker === w) this.worker = undefined;
      this.end({ status: 'failed', message: why, problem: { code: 'job.workerStopped', params: { detail: why } } }, w);
    };
    w.on('error', (e) => died(`the colorizer stopped unexpectedly: ${e.message}`));
    w.on('exit', (code) => died(`the colorizer stopped unexpectedly (exit code ${code})`));
    w.unref();
    return w;
  }

  private end(e: RunEnd, w: Worker): void {
    const cur = this.current;
    this.current = undefined;
    w.unref(); // an idle worker never keeps the process alive
    cur?.resolve(e);
  }
}
