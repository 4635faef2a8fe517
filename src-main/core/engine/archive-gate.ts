// A fine-tuned colorizer changes only photos like the archive it learnt from. Trained on one kind of
// photo (a family's street scenes, say), a network learns that kind's colours and forgets others:
// on the fine-tuning proof it grew 4 % worse on general photos. So each checkpoint carries a gate:
// how likely a photo's image-level features are under the archive's photos against under photos in
// general (the training pool, summarised in the base model's pool embedding). Photos like the archive
// get the fine-tuned network; photos unlike it get the network the run started from; in between, a
// mix of their logits.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { tf } from './backend';

/** The base model's summary of the training pool's image-level features (scripts/pool-embedding.ts). */
export const POOL_EMBEDDING_FILE = 'pool-embedding.json';
/** A checkpoint's gate: the archive's features plus how to rebuild the network the run started from. */
export const ARCHIVE_GATE_FILE = 'archive-gate.json';
/** The layer whose output is a photo's features: the network's own global pooling (both architectures have it). */
export const GATE_LAYER = 'global_pool';
/** Photos are seen square at this side for their features, whatever their shape. */
export const GATE_SIDE = 160;
/** Whitened principal directions of the pool's features that the gate compares in. */
export const GATE_DIMS = 16;
/** Weight of the identity in the archive's covariance (a few hundred photos cannot fill 16 × 16 reliably). */
const SHRINK = 0.3;
/** The share of the archive's own photos that sit below the gate's midpoint. */
const MIDPOINT_QUANTILE = 0.1;
/** Width of the gate's ramp, in nats of likelihood ratio. */
const SOFTNESS = 0.5;

const vector = z.array(z.number());
export const PoolEmbeddingSchema = z.object({
  layer: z.literal(GATE_LAYER),
  side: z.literal(GATE_SIDE),
  photos: z.number().int().positive(),
  mean: vector,
  /** GATE_DIMS unit directions, each as long as the mean. */
  basis: z.array(vector).length(GATE_DIMS),
  /** The pool's spread along each direction. */
  sd: z.array(z.number().positive()).length(GATE_DIMS),
});
export type PoolEmbedding = z.infer<typeof PoolEmbeddingSchema>;

export const ArchiveGateSchema = z.object({
  pool: PoolEmbeddingSchema,
  photos: z.number().int().positive(),
  centre: vector.length(GATE_DIMS),
  precision: z.array(vector.length(GATE_DIMS)).length(GATE_DIMS),
  logDet: z.number(),
  midpoint: z.number(),
  softness: z.number().positive(),
  /** The start network = these weights − scale × the difference in `file`, layer by layer in this order. */
  parentDelta: z.object({ file: z.string(), scale: z.number().min(0).max(1), layers: z.array(z.string()) }),
});
export type ArchiveGate = z.infer<typeof ArchiveGateSchema>;

export interface LoadedGate {
  gate: ArchiveGate;
  /** The network the fine-tune started from. */
  parent: tf.LayersModel;
  embedder: tf.LayersModel;
}

/** A model's features network (shares the weights of `net`). */
export function embedder(net: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: net.inputs, outputs: net.getLayer(GATE_LAYER).output });
}

/** A photo's features from its lightness (0..100, any size), as the gate and the pool summary see them. */
export function photoFeatures(features: tf.LayersModel, L: Float32Array, width: number, height: number): Float32Array {
  return tf.tidy(() => {
    const l = tf.tensor4d(L, [1, height, width, 1]);
    const square = tf.image.resizeBilinear(l, [GATE_SIDE, GATE_SIDE], true);
    const x = tf.concat([square, tf.zeros([1, GATE_SIDE, GATE_SIDE, 3])], -1); // no hints
    return Float32Array.from((features.predict(x) as tf.Tensor).dataSync());
  });
}

/** Coordinates in the pool's whitened principal directions: the pool itself has mean 0, spread 1. */
export function poolCoordinates(pool: PoolEmbedding, f: Float32Array): number[] {
  return pool.basis.map((dir, k) => {
    let s = 0;
    for (let i = 0; i < dir.length; i++) s += dir[i] * (f[i] - pool.mean[i]);
    return s / pool.sd[k];
  });
}

/** log p(photo | archive) − log p(photo | pool), both Gaussian in the pool's coordinates. */
export function archiveLikelihoodRatio(gate: Pick<ArchiveGate, 'centre' | 'precision' | 'logDet'>, z: number[]): number {
  const d = z.map((v, i) => v - gate.centre[i]);
  let toArchive = 0;
  for (let i = 0; i < d.length; i++) for (let j = 0; j < d.length; j++) toArchive += d[i] * gate.precision[i][j] * d[j];
  const toPool = z.reduce((s, v) => s + v * v, 0);
  return 0.5 * (toPool - toArchive - gate.logDet);
}

/** 0 (unlike the archive: the start network) .. 1 (like it: the fine-tuned network). */
export function gateWeight(gate: ArchiveGate, features: Float32Array): number {
  const r = archiveLikelihoodRatio(gate, poolCoordinates(gate.pool, features));
  return 1 / (1 + Math.exp(-(r - gate.midpoint) / gate.softness));
}

/** Inverse and log-determinant of a symmetric positive-definite matrix, by Cholesky. */
export function spdInverse(a: number[][]): { inverse: number[][]; logDet: number } {
  const n = a.length;
  const L = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) throw new Error('matrix is not positive definite');
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  const logDet = 2 * L.reduce((s, row, i) => s + Math.log(row[i]), 0);
  // Solve L Lᵀ X = I column by column.
  const inverse = a.map(() => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= L[i][k] * y[k];
      y[i] = s / L[i][i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k < n; k++) s -= L[k][i] * inverse[k][c];
      inverse[i][c] = s / L[i][i];
    }
  }
  return { inverse, logDet };
}

/** The gate of an archive, from its training photos' features. */
export function fitArchiveGate(pool: PoolEmbedding, features: Float32Array[], parentDelta: ArchiveGate['parentDelta']): ArchiveGate {
  if (features.length < 2) throw new Error('an archive gate needs at least two photos');
  const zs = features.map((f) => poolCoordinates(pool, f));
  const n = zs.length;
  const centre = new Array<number>(GATE_DIMS).fill(0).map((_, i) => zs.reduce((s, z) => s + z[i], 0) / n);
  const cov = centre.map((_, i) =>
    centre.map((__, j) => (1 - SHRINK) * (zs.reduce((s, z) => s + (z[i] - centre[i]) * (z[j] - centre[j]), 0) / (n - 1)) + (i === j ? SHRINK : 0)),
  );
  const { inverse: precision, logDet } = spdInverse(cov);
  const ratios = zs.map((z) => archiveLikelihoodRatio({ centre, precision, logDet }, z)).sort((a, b) => a - b);
  const midpoint = ratios[Math.floor(MIDPOINT_QUANTILE * (n - 1))];
  return { pool, photos: n, centre, precision, logDet, midpoint, softness: SOFTNESS, parentDelta };
}

/** Reads a model folder's pool summary, if it has one. */
export function readPoolEmbedding(dir: string, file: string): PoolEmbedding {
  return PoolEmbeddingSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, path.basename(file)), 'utf8')));
}

/**
 * A checkpoint's gate, with the start network rebuilt beside the fine-tuned one: a copy of `net`
 * (built by `rebuild`) minus scale × the saved training difference.
 */
export async function loadArchiveGate(dir: string, file: string, net: tf.LayersModel, rebuild: () => Promise<tf.LayersModel>): Promise<LoadedGate> {
  const gate = ArchiveGateSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, path.basename(file)), 'utf8')));
  const bytes = fs.readFileSync(path.join(dir, path.basename(gate.parentDelta.file)));
  const delta = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const parent = await rebuild();
  let offset = 0;
  for (const name of gate.parentDelta.layers) {
    const layer = parent.getLayer(name);
    const updated = layer.getWeights().map((w) => {
      const v = Float32Array.from(w.dataSync());
      if (offset + v.length > delta.length) throw new Error(`${gate.parentDelta.file} is shorter than the layers it should cover`);
      for (let i = 0; i < v.length; i++) v[i] -= gate.parentDelta.scale * delta[offset + i];
      offset += v.length;
      return tf.tensor(v, w.shape);
    });
    layer.setWeights(updated);
    updated.forEach((t) => t.dispose());
  }
  if (offset !== delta.length) throw new Error(`${gate.parentDelta.file} does not match the network's layers`);
  return { gate, parent, embedder: embedder(net) };
}
