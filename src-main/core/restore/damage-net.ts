// The learned damage detector (training/damage_train.py): a small U-Net over a grey photo's
// lightness that gives each pixel a probability of being a scratch, dust speck or crease. Run here
// with TensorFlow.js ops on whatever backend is active; the weights are plain float32 in tfjs layout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appRoot } from '../app-paths';
import { tf } from '../engine/backend';
import { loadUnetKernels, unetForward, type UnetKernels, type UnetLayerSpec } from './unet';

export interface DamageNetManifest {
  id: string;
  architecture: 'damage-unet';
  /** Channels per level (the U-Net's depth is its length); the first detector had [16, 32, 64]. */
  widths?: number[];
  layers: UnetLayerSpec[];
  /** Probability above which a pixel is called damaged (chosen on the tune half). */
  threshold: number;
  /** Mirror views averaged before the threshold (chosen with it; 1 when absent). */
  views?: DetectViews;
  /**
   * The print's long side, px, the detector was trained to look at (detect-scale.ts): every photo is
   * brought to it before detection. Absent on detectors from before, which look at pixels as they are.
   */
  workingSide?: number;
  trainedCpuMinutes?: number;
}

export interface DamageNet {
  manifest: DamageNetManifest;
  /** Levels of the U-Net: the input's sides must be multiples of 2^(levels − 1). */
  levels: number;
  kernels: UnetKernels;
}

export const DAMAGE_MODEL_DIR = (): string => path.join(appRoot(), 'models', 'damage-detector');
export const DAMAGE_MANIFEST = 'damage.json';

export function loadDamageNet(dir: string = DAMAGE_MODEL_DIR()): DamageNet {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, DAMAGE_MANIFEST), 'utf8')) as DamageNetManifest;
  if (manifest.architecture !== 'damage-unet') throw new Error(`${dir}: not a damage detector (${String(manifest.architecture)})`);
  if (manifest.views !== undefined && ![1, 2, 4].includes(manifest.views))
    throw new Error(`${dir}: views must be 1, 2 or 4, not ${String(manifest.views)}`);
  if (manifest.workingSide !== undefined && !(Number.isInteger(manifest.workingSide) && manifest.workingSide >= 64 && manifest.workingSide <= 8192))
    throw new Error(`${dir}: workingSide must be a whole number of pixels from 64 to 8192, not ${String(manifest.workingSide)}`);
  const levels = manifest.widths?.length ?? 3;
  return { manifest, levels, kernels: loadUnetKernels(dir, manifest.layers, levels) };
}

let shipped: DamageNet | null | undefined;

/** The detector shipped in models/damage-detector, or null if this install has none. */
export function shippedDamageNet(): DamageNet | null {
  if (shipped === undefined) shipped = fs.existsSync(path.join(DAMAGE_MODEL_DIR(), DAMAGE_MANIFEST)) ? loadDamageNet() : null;
  return shipped;
}

/** Network logits for an input [1,H,W,1] (H, W multiples of 2^(levels − 1)). */
export function damageLogits(net: DamageNet, x: tf.Tensor4D): tf.Tensor4D {
  return unetForward(net.kernels, net.levels, x);
}

/**
 * How many mirror views of the photo the detector looks at, their probabilities flipped back and
 * averaged: 1 (as it is), 2 (and flipped left-right) or 4 (and top-bottom, and both). It learned on
 * flipped and turned tiles, so each view is as good as another and their mean is steadier.
 */
export type DetectViews = 1 | 2 | 4;
/** The tensor axes ([1, H, W, 1]) each view reverses. */
const VIEW_AXES: number[][] = [[], [2], [1], [1, 2]];

/**
 * Damage probability per pixel of an L plane (0..100). The plane is mirrored out to a multiple of
 * 2^(levels − 1) so the network's poolings line up; the result has the input's size.
 */
export function damageProbabilities(net: DamageNet, L: Float32Array, width: number, height: number, views: DetectViews = 1): Float32Array {
  const unit = 2 ** (net.levels - 1);
  const pw = Math.ceil(width / unit) * unit,
    ph = Math.ceil(height / unit) * unit;
  const input = new Float32Array(pw * ph);
  const mirror = (v: number, n: number): number => (v < n ? v : Math.max(0, 2 * n - 2 - v));
  for (let y = 0; y < ph; y++) {
    const sy = mirror(y, height);
    for (let x = 0; x < pw; x++) input[y * pw + x] = L[sy * width + mirror(x, width)]! / 50 - 1;
  }
  const probs = tf.tidy(() => {
    const x = tf.tensor4d(input, [1, ph, pw, 1]);
    let sum: tf.Tensor | null = null;
    for (const axes of VIEW_AXES.slice(0, views)) {
      const p = tf.sigmoid(damageLogits(net, axes.length ? tf.reverse(x, axes) : x));
      const back = axes.length ? tf.reverse(p, axes) : p;
      sum = sum ? tf.add(sum, back) : back;
    }
    return tf.div(sum!, views).dataSync() as Float32Array;
  });
  if (pw === width && ph === height) return probs;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) out.set(probs.subarray(y * pw, y * pw + width), y * width);
  return out;
}

/** The mirror views a detector was tuned with (its manifest's; 1 for detectors from before views). */
export const detectorViews = (net: DamageNet): DetectViews => net.manifest.views ?? 1;

/** A 0/1 damage mask from the learned detector, at its tuned threshold (and views) unless one is given. */
export function detectDamageLearned(
  net: DamageNet,
  L: Float32Array,
  width: number,
  height: number,
  threshold = net.manifest.threshold,
  tiled = false,
): Uint8Array {
  const views = detectorViews(net);
  const p = tiled ? damageProbabilitiesTiled(net, L, width, height, views) : damageProbabilities(net, L, width, height, views);
  const mask = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) mask[i] = p[i]! >= threshold ? 1 : 0;
  return mask;
}

/** Side of the square tiles the detector runs on, px. */
const NET_TILE = 512;
/** Context on each side of a tile: more than the U-Net's reach (±17 px at 3 levels, ±37 at 4). */
const netMargin = (net: DamageNet): number => 2 ** (net.levels + 2);
/**
 * Damage is found at most at this long side: the detector learned scratch widths of 1–4 px on photos
 * about 512 px across, so a large scan is looked at smaller and the mask brought back to full size.
 */
export const DETECT_MAX_SIDE = 2048;

/** The probability map of a whole L plane, in overlapping tiles (bounded memory at any size). */
export function damageProbabilitiesTiled(net: DamageNet, L: Float32Array, width: number, height: number, views: DetectViews = 1): Float32Array {
  const margin = netMargin(net);
  if (width * height <= (NET_TILE + 2 * margin) ** 2) return damageProbabilities(net, L, width, height, views);
  const out = new Float32Array(width * height);
  for (let ty = 0; ty < height; ty += NET_TILE) {
    for (let tx = 0; tx < width; tx += NET_TILE) {
      const x0 = Math.max(0, tx - margin),
        y0 = Math.max(0, ty - margin);
      const x1 = Math.min(width, tx + NET_TILE + margin),
        y1 = Math.min(height, ty + NET_TILE + margin);
      const w = x1 - x0,
        h = y1 - y0;
      const sub = new Float32Array(w * h);
      for (let y = 0; y < h; y++) sub.set(L.subarray((y0 + y) * width + x0, (y0 + y) * width + x1), y * w);
      const p = damageProbabilities(net, sub, w, h, views);
      for (let y = ty; y < Math.min(height, ty + NET_TILE); y++) {
        out.set(p.subarray((y - y0) * w + (tx - x0), (y - y0) * w + (Math.min(width, tx + NET_TILE) - x0)), y * width + tx);
      }
    }
  }
  return out;
}

/**
 * The damage mask of a whole photo of any size: looked at no larger than DETECT_MAX_SIDE (box-averaged
 * down), the probabilities brought back to full size bilinearly and thresholded there, so the mask
 * follows the scratch at full resolution rather than in blocks.
 */
export function detectDamageWhole(net: DamageNet, L: Float32Array, width: number, height: number, threshold = net.manifest.threshold): Uint8Array {
  const f = Math.max(1, Math.ceil(Math.max(width, height) / DETECT_MAX_SIDE));
  if (f === 1) return detectDamageLearned(net, L, width, height, threshold, true);
  const sw = Math.ceil(width / f),
    sh = Math.ceil(height / f);
  const small = new Float32Array(sw * sh);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      let sum = 0,
        n = 0;
      for (let yy = y * f; yy < Math.min(height, (y + 1) * f); yy++)
        for (let xx = x * f; xx < Math.min(width, (x + 1) * f); xx++) {
          sum += L[yy * width + xx]!;
          n++;
        }
      small[y * sw + x] = sum / n;
    }
  }
  const p = damageProbabilitiesTiled(net, small, sw, sh, detectorViews(net));
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(sh - 1, Math.max(0, (y + 0.5) / f - 0.5)),
      y0 = Math.floor(fy),
      y1 = Math.min(sh - 1, y0 + 1),
      wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(sw - 1, Math.max(0, (x + 0.5) / f - 0.5)),
        x0 = Math.floor(fx),
        x1 = Math.min(sw - 1, x0 + 1),
        wx = fx - x0;
      const v = (1 - wy) * ((1 - wx) * p[y0 * sw + x0]! + wx * p[y0 * sw + x1]!) + wy * ((1 - wx) * p[y1 * sw + x0]! + wx * p[y1 * sw + x1]!);
      mask[y * width + x] = v >= threshold ? 1 : 0;
    }
  }
  return mask;
}
