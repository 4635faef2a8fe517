// The small U-Net both restoration networks share (training/damage_train.py DamageNet): two 3×3
// convolutions per level, 2×2 average pooling down, nearest ×2 up, one 3×3 convolution per level on
// the way up over [upsampled, skip], a 1×1 head. The damage detector reads its head as logits; the
// learned fill (fill-net.ts) as a correction. Weights are plain float32 in tfjs layout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf } from '../engine/backend';

export interface UnetLayerSpec {
  name: string;
  /** [kh, kw, in, out] */
  shape: [number, number, number, number];
  /** Offset in floats into weights.bin: the kernel, then `out` biases. */
  offset: number;
}

export type UnetKernels = Map<string, { w: tf.Tensor4D; b: tf.Tensor1D }>;

/** The layers in the order they run, as the training scripts name them. */
export function unetLayerNames(levels: number): string[] {
  const enc = Array.from({ length: levels }, (_, i) => [`e${i + 1}a`, `e${i + 1}b`]).flat();
  const dec = Array.from({ length: levels - 1 }, (_, i) => `d${levels - 1 - i}`);
  return [...enc, ...dec, 'head'];
}

/** Every layer of a `levels`-level U-Net from `dir`/weights.bin, checked against the manifest's specs. */
export function loadUnetKernels(dir: string, layers: UnetLayerSpec[], levels: number): UnetKernels {
  if (!(levels >= 2 && levels <= 6)) throw new Error(`${dir}: a U-Net of ${levels} levels is not supported`);
  const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const kernels: UnetKernels = new Map();
  for (const name of unetLayerNames(levels)) {
    const spec = layers.find((l) => l.name === name);
    if (!spec) throw new Error(`${dir}: layer ${name} missing`);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const out = spec.shape[3];
    if (!(spec.offset >= 0) || spec.offset + n + out > all.length) throw new Error(`${dir}: weights.bin is too short for layer ${name}`);
    kernels.set(name, {
      w: tf.tensor4d(all.subarray(spec.offset, spec.offset + n), spec.shape),
      b: tf.tensor1d(all.subarray(spec.offset + n, spec.offset + n + out)),
    });
  }
  return kernels;
}

/**
 * The head's output for an input [1,H,W,C] (H, W multiples of 2^(levels − 1)). Each activation is
 * freed as soon as no later layer needs it: a tidy alone holds every one of them to the end (counted
 * from the shapes, about 670 MB for one 640² tile of the 4-level detector against about 160 MB this
 * way; the wasm heap keeps its peak). Restoring the 24 MP benchmark scan went from 1.40 GB to 0.87 GB
 * peak RSS.
 */
export function unetForward(kernels: UnetKernels, levels: number, x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const conv = (name: string, t: tf.Tensor4D, relu = true): tf.Tensor4D => {
      const k = kernels.get(name)!;
      return tf.fused.conv2d({ x: t, filter: k.w, strides: 1, pad: 'same', bias: k.b, activation: relu ? 'relu' : 'linear' });
    };
    const skips: tf.Tensor4D[] = [];
    let t = x;
    /** Moves on to `next`, freeing the current activation unless it is the input or a skip still needed. */
    const advance = (next: tf.Tensor4D): void => {
      if (t !== x && !skips.includes(t)) t.dispose();
      t = next;
    };
    for (let i = 1; i <= levels; i++) {
      if (i > 1) advance(tf.avgPool(t, 2, 2, 'valid'));
      advance(conv(`e${i}a`, t));
      advance(conv(`e${i}b`, t));
      skips.push(t);
    }
    for (let i = levels - 1; i >= 1; i--) {
      const up = tf.image.resizeNearestNeighbor(t, [t.shape[1] * 2, t.shape[2] * 2]);
      const skip = skips[i - 1]!;
      const cat = tf.concat([up, skip], 3);
      for (const done of [up, skip, t]) done.dispose();
      t = conv(`d${i}`, cat);
      cat.dispose();
    }
    const head = conv('head', t, false);
    t.dispose();
    return head;
  });
}
