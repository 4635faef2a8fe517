// The trainable form of a colorizer, built the same way on the main thread and in each gradient
// worker: the network of the model's architecture with its encoders frozen, and the loss that
// training/train.py optimises. Kept free of file and catalogue code so a worker can load it alone.
import { buildNetwork } from '../engine/architectures';
import { tf } from '../engine/backend';
import { MOBILENET_LAYER } from '../engine/mobilenet';
import type { Batch } from './batches';

/** Layers that stay as the base model has them: the encoders (own and pretrained) and v3's fusion. */
const FROZEN = /^(enc|fuse)/;

export type TrainableArchitecture = 'heirloom' | 'heirloom3';

/** A fresh network whose encoders are frozen; weights are set by the caller. */
export function buildReplica(arch: TrainableArchitecture, numBins: number): tf.LayersModel {
  const net = buildNetwork(arch, numBins);
  for (const layer of net.layers) if (FROZEN.test(layer.name) || MOBILENET_LAYER.test(layer.name)) layer.trainable = false;
  return net;
}

/** The variables an optimizer step changes, in the network's own (deterministic) order. */
export function trainableVariables(net: tf.LayersModel): tf.Variable[] {
  return net.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** The rebalanced soft cross-entropy over the ab bins at stride 4, averaged over the batch's pixels. */
export function batchLoss(net: tf.LayersModel, batch: Batch, numBins: number): tf.Scalar {
  const lo = batch.crop / 4;
  const x = tf.tensor4d(batch.input, [batch.size, batch.crop, batch.crop, 4]);
  const logp = tf.logSoftmax(net.apply(x, { training: true }) as tf.Tensor4D);
  const t = tf.tensor4d(batch.targets, [batch.size, lo, lo, numBins]);
  const w = tf.tensor3d(batch.weights, [batch.size, lo, lo]);
  return t.mul(logp).sum(-1).neg().mul(w).mean() as tf.Scalar;
}

/**
 * Loss and gradients of one batch, as plain arrays (in trainableVariables order) that can cross
 * threads: each is copied out of the backend's memory, so transferring it detaches nothing else.
 */
export function gradientsOf(net: tf.LayersModel, vars: tf.Variable[], batch: Batch, numBins: number): { loss: number; grads: Float32Array[] } {
  const out = { loss: 0, grads: [] as Float32Array[] };
  // The arrays are filled inside and not returned from tidy: tidy walks what it returns element by
  // element looking for tensors, which for a million-element array cost more than the step itself.
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => batchLoss(net, batch, numBins), vars);
    out.loss = value.dataSync()[0];
    out.grads = vars.map((v) => new Float32Array(grads[v.name].dataSync()));
  });
  return out;
}

/** Splits a batch into `parts` contiguous batches of near-equal size (the loss is a mean, so sizes weight the parts). */
export function splitBatch(batch: Batch, parts: number): Batch[] {
  const n = Math.min(parts, batch.size);
  const perIn = batch.crop * batch.crop * 4;
  const perT = batch.targets.length / batch.size;
  const perW = batch.weights.length / batch.size;
  const out: Batch[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(batch.size / n) + (i < batch.size % n ? 1 : 0);
    out.push({
      size,
      crop: batch.crop,
      input: batch.input.slice(start * perIn, (start + size) * perIn),
      targets: batch.targets.slice(start * perT, (start + size) * perT),
      weights: batch.weights.slice(start * perW, (start + size) * perW),
    });
    start += size;
  }
  return out;
}
