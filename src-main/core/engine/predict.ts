// Runs a loaded model on one working-size lightness image and returns its ab prediction.
import { tf } from './backend';
import type { LoadedModel } from './model-store';

/** Two colour planes at some resolution, row-major. */
export interface AbMap {
  width: number;
  height: number;
  a: Float32Array;
  b: Float32Array;
}

/** Optional user colour hints at working resolution: ab where mask = 1. */
export interface Hints {
  a: Float32Array;
  b: Float32Array;
  mask: Uint8Array;
}

/** Largest |a|, |b| kept; the sRGB gamut step afterwards narrows it further per pixel. */
const AB_LIMIT = 110;

/** Network input normalisation, shared with training/train.py: (L-50)/50, hint ab/110, mask 0/1. */
export function networkInput(channels: 1 | 4, L: Float32Array, width: number, height: number, hints?: Hints): Float32Array {
  const n = width * height;
  const x = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    x[o] = (L[i] - 50) / 50;
    if (channels === 4 && hints && hints.mask[i]) {
      x[o + 1] = hints.a[i] / 110;
      x[o + 2] = hints.b[i] / 110;
      x[o + 3] = 1;
    }
  }
  return x;
}

/**
 * L (0..100) at working size (multiples of 8) → ab at the model's output stride.
 * Classification models are decoded with the annealed mean: softmax(logits / T) · bin centres.
 */
export function predictAb(model: LoadedModel, L: Float32Array, width: number, height: number, hints?: Hints): AbMap {
  const { manifest, net } = model;
  if (width % 8 !== 0 || height % 8 !== 0) throw new Error(`working size ${width}x${height} must be a multiple of 8`);
  const channels = manifest.input.channels;
  const out = manifest.output;
  const stride = out.stride;
  const ow = width / stride;
  const oh = height / stride;
  const flat = tf.tidy(() => {
    const x = tf.tensor4d(networkInput(channels, L, width, height, hints), [1, height, width, channels]);
    const y = net.predict(x) as tf.Tensor4D;
    let ab: tf.Tensor2D;
    if (out.type === 'ab-bins') {
      const q = out.centres.length;
      const probs = tf.softmax(y.reshape([-1, q]).div(out.temperature));
      ab = tf.matMul(probs, tf.tensor2d(out.centres.flat(), [q, 2]));
    } else {
      ab = y.reshape([-1, 2]).mul(out.scale);
    }
    return ab.clipByValue(-AB_LIMIT, AB_LIMIT);
  });
  const data = flat.dataSync() as Float32Array;
  flat.dispose();
  const n = ow * oh;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = data[2 * i];
    b[i] = data[2 * i + 1];
  }
  return { width: ow, height: oh, a, b };
}
