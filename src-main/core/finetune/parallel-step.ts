// One optimizer step of fine-tuning, spread over the cores: the batch is split between the main
// thread and gradient workers (grad-worker.ts), each computes its share's gradients on its own
// replica, and the main thread averages them (weighted by share size, so the result is the whole
// batch's gradient) and applies one Adam step. Each step sends the workers the current trainable
// weights, so every replica computes at the same point. Native TensorFlow already uses every
// core itself, so workers are only started for the WebAssembly and JavaScript backends.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { tf } from '../engine/backend';
import type { Batch } from './batches';
import type { WorkerInit, WorkerReply } from './grad-worker';
import { gradientsOf, splitBatch, TrainableArchitecture, trainableVariables } from './replica';

/** How many threads fine-tuning computes on: all cores but one for the window, at most 4 (then batches get too thin). */
export function finetuneThreads(backend: string): number {
  if (backend !== 'wasm' && backend !== 'cpu') return 1;
  const forced = Number(process.env.HEIRLOOM_FINETUNE_THREADS);
  if (Number.isInteger(forced) && forced >= 1) return Math.min(forced, 8);
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

interface Pending {
  resolve: (r: { loss: number; grads: Float32Array[] }) => void;
  reject: (e: Error) => void;
}

class GradWorker {
  private pending: Pending | null = null;
  private failure: Error | null = null;
  readonly ready: Promise<void>;

  constructor(private readonly worker: Worker) {
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', (m: WorkerReply) =>
        m.kind === 'ready' ? resolve() : reject(new Error(`gradient worker: ${m.kind === 'error' ? m.message : 'unexpected reply'}`)),
      );
      worker.once('error', reject);
    });
    worker.on('message', (m: WorkerReply) => {
      const p = this.pending;
      if (!p || m.kind === 'ready') return;
      this.pending = null;
      if (m.kind === 'grads') p.resolve(m);
      else p.reject(new Error(`gradient worker: ${m.message}`));
    });
    const fail = (e: Error): void => {
      this.failure = e;
      this.pending?.reject(e);
      this.pending = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`gradient worker stopped (exit code ${code})`)));
  }

  gradients(trainable: Float32Array[], batch: Batch): Promise<{ loss: number; grads: Float32Array[] }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ kind: 'step', trainable, batch });
    });
  }

  terminate(): Promise<number> {
    this.worker.removeAllListeners('exit');
    return this.worker.terminate();
  }
}

export class StepRunner {
  private readonly vars: tf.Variable[];

  private constructor(
    private readonly net: tf.LayersModel,
    private readonly numBins: number,
    private readonly workers: GradWorker[],
  ) {
    this.vars = trainableVariables(net);
  }

  /** Starts `threads − 1` gradient workers holding copies of `net` (its weights as they are now). */
  static async start(net: tf.LayersModel, arch: TrainableArchitecture, numBins: number, threads: number): Promise<StepRunner> {
    const workers: GradWorker[] = [];
    if (threads > 1) {
      const weights = net.weights.map((w) => new Float32Array(w.read().dataSync()));
      const init: WorkerInit = { arch, numBins, weights };
      for (let i = 1; i < threads; i++) workers.push(new GradWorker(new Worker(path.join(__dirname, 'grad-worker.js'), { workerData: init })));
      try {
        await Promise.all(workers.map((w) => w.ready));
      } catch (e) {
        await Promise.all(workers.map((w) => w.terminate()));
        throw e;
      }
    }
    return new StepRunner(net, numBins, workers);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** One step on the whole batch; returns its loss (the mean over all its pixels, as on one thread). */
  async step(optimizer: tf.Optimizer, batch: Batch): Promise<number> {
    const parts = splitBatch(batch, this.threads);
    const trainable = this.workers.length ? this.vars.map((v) => new Float32Array(v.dataSync())) : [];
    // Workers start first; the main thread then computes its own share while they run.
    const remote = parts.slice(1).map((part, i) => this.workers[i].gradients(trainable, part));
    const own = gradientsOf(this.net, this.vars, parts[0], this.numBins);
    const results = [own, ...(await Promise.all(remote))];
    let loss = 0;
    const sum = this.vars.map((v) => new Float32Array(v.size));
    results.forEach((r, k) => {
      const share = parts[k].size / batch.size;
      loss += share * r.loss;
      r.grads.forEach((g, i) => {
        const s = sum[i];
        for (let j = 0; j < s.length; j++) s[j] += share * g[j];
      });
    });
    tf.tidy(() => {
      optimizer.applyGradients(Object.fromEntries(this.vars.map((v, i) => [v.name, tf.tensor(sum[i], v.shape)])));
    });
    return loss;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
