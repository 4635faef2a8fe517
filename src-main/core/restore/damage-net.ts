// The learned damage detector (training/damage_train.py): a small U-Net over a grey photo's
// lightness that gives each pixel a probability of being a scratch, dust speck or crease. Run here
// with TensorFlow.js ops on whatever backend is active; the weights are plain float32 in tfjs layout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appRoot } from '../app-paths';
import { tf } from '../engine/backend';

interface LayerSpec {
  name: string;
  /** [kh, kw, in, out] */
  shape: [number, number, number, number];
  /** Offset in floats into weights.bin: the kernel, then `out` biases. */
  offset: number;
}

export interface DamageNetManifest {
  id: string;
  architecture: 'damage-unet';
  layers: LayerSpec[];
  /** Probability above which a pixel is called damaged (chosen on the tune half). */
  threshold: number;
  trainedCpuMinutes?: number;
}

export interface DamageNet {
  manifest: DamageNetManifest;
  kernels: Map<string, { w: tf.Tensor4D; b: tf.Tensor1D }>;
}

export const DAMAGE_MODEL_DIR = (): string => path.join(appRoot(), 'models', 'damage-detector');
export const DAMAGE_MANIFEST = 'damage.json';

const LAYERS = ['e1a', 'e1b', 'e2a', 'e2b', 'e3a', 'e3b', 'd2', 'd1', 'head'] as const;

export function loadDamageNet(dir: string = DAMAGE_MODEL_DIR()): DamageNet {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, DAMAGE_MANIFEST), 'utf8')) as DamageNetManifest;
  if (manifest.architecture !== 'damage-unet') throw new Error(`${dir}: not a damage detector (${String(manifest.architecture)})`);
  const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const kernels = new Map<string, { w: tf.Tensor4D; b: tf.Tensor1D }>();
  for (const name of LAYERS) {
    const spec = manifest.layers.find((l) => l.name === name);
    if (!spec) throw new Error(`${dir}: layer ${name} missing`);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const out = spec.shape[3];
    if (spec.offset + n + out > all.length) throw new Error(`${dir}: weights.bin is too short for layer ${name}`);
    kernels.set(name, { w: tf.tensor4d(all.subarray(spec.offset, spec.offset + n), spec.shape), b: tf.tensor1d(all.subarray(spec.offset + n, spec.offset + n + out)) });
  }
  return { manifest, kernels };
}

let shipped: DamageNet | null | undefined;

/** The detector shipped in models/damage-detector, or null if this install has none. */
export function shippedDamageNet(): DamageNet | null {
  if (shipped === undefined) shipped = fs.existsSync(path.join(DAMAGE_MODEL_DIR(), DAMAGE_MANIFEST)) ? loadDamageNet() : null;
  return shipped;
}

/** Network logits for an input [1,H,W,1] (H, W multiples of 4). */
export function damageLogits(net: DamageNet, x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const conv = (name: string, t: tf.Tensor4D, relu = true): tf.Tensor4D => {
      const k = net.kernels.get(name)!;
      const y = tf.add(tf.conv2d(t, k.w, 1, 'same'), k.b) as tf.Tensor4D;
      return relu ? tf.relu(y) : y;
    };
    const up = (t: tf.Tensor4D): tf.Tensor4D => tf.image.resizeNearestNeighbor(t, [t.shape[1] * 2, t.shape[2] * 2]);
    const e1 = conv('e1b', conv('e1a', x));
    const e2 = conv('e2b', conv('e2a', tf.avgPool(e1, 2, 2, 'valid')));
    const e3 = conv('e3b', conv('e3a', tf.avgPool(e2, 2, 2, 'valid')));
    const d2 = conv('d2', tf.concat([up(e3), e2], 3));
    const d1 = conv('d1', tf.concat([up(d2), e1], 3));
    return conv('head', d1, false);
  });
}

/**
 * Damage probability per pixel of an L plane (0..100). The plane is mirrored out to a multiple of 4
 * so the network's two poolings line up; the result has the input's size.
 */
export function damageProbabilities(net: DamageNet, L: Float32Array, width: number, height: number): Float32Array {
  const pw = Math.ceil(width / 4) * 4, ph = Math.ceil(height / 4) * 4;
  const input = new Float32Array(pw * ph);
  const mirror = (v: number, n: number): number => (v < n ? v : Math.max(0, 2 * n - 2 - v));
  for (let y = 0; y < ph; y++) {
    const sy = mirror(y, height);
    for (let x = 0; x < pw; x++) input[y * pw + x] = L[sy * width + mirror(x, width)]! / 50 - 1;
  }
  const probs = tf.tidy(() => tf.sigmoid(damageLogits(net, tf.tensor4d(input, [1, ph, pw, 1]))).dataSync() as Float32Array);
  if (pw === width && ph === height) return probs;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) out.set(probs.subarray(y * pw, y * pw + width), y * width);
  return out;
}

/** A 0/1 damage mask from the learned detector, at its tuned threshold unless one is given. */
export function detectDamageLearned(net: DamageNet, L: Float32Array, width: number, height: number, threshold = net.manifest.threshold): Uint8Array {
  const p = damageProbabilities(net, L, width, height);
  const mask = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) mask[i] = p[i]! >= threshold ? 1 : 0;
  return mask;
}
