// A gradient worker: one replica of the network on its own thread (and its own tfjs backend), so
// fine-tuning on WebAssembly uses more than one core. It receives the weights once, then per step
// the current trainable weights and its share of the batch, and answers with that share's loss and
// gradients. The optimizer lives only on the main thread (parallel-step.ts), so replicas never drift.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, tf } from '../engine/backend';
import { registerWasmConvGradients } from '../engine/wasm-gradients';
import type { Batch } from './batches';
import { buildReplica, gradientsOf, TrainableArchitecture, trainableVariables } from './replica';

export interface WorkerInit {
  arch: TrainableArchitecture;
  numBins: number;
  /** Every weight of the network, in net.weights order. */
  weights: Float32Array[];
}

export type WorkerRequest = { kind: 'step'; trainable: Float32Array[]; batch: Batch };
export type WorkerReply =
  { kind: 'ready'; backend: string } | { kind: 'grads'; loss: number; grads: Float32Array[] } | { kind: 'error'; message: string };

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  const backend = await initBackend();
  if (backend.name === 'wasm') registerWasmConvGradients();
  const net = buildReplica(init.arch, init.numBins);
  tf.tidy(() => net.weights.forEach((w, i) => w.write(tf.tensor(init.weights[i], w.shape as number[]))));
  const vars = trainableVariables(net);
  port.postMessage({ kind: 'ready', backend: backend.name } satisfies WorkerReply);
  port.on('message', (req: WorkerRequest) => {
    try {
      tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(req.trainable[i], v.shape))));
      const { loss, grads } = gradientsOf(net, vars, req.batch, init.numBins);
      port.postMessage(
        { kind: 'grads', loss, grads } satisfies WorkerReply,
        grads.map((g) => g.buffer as ArrayBuffer),
      );
    } catch (e) {
      port.postMessage({ kind: 'error', message: (e as Error).message } satisfies WorkerReply);
    }
  });
}

main().catch((e) => parentPort?.postMessage({ kind: 'error', message: (e as Error).message } satisfies WorkerReply));
