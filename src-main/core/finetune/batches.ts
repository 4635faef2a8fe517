// Training batches, built exactly as in training/train.py: a random crop and flip of a stored photo,
// user hints simulated from the truth half the time, ab targets soft-encoded over the model's bins
// (5 nearest, σ = 5) at the network's output stride, each pixel weighted by its bin's rebalancing weight.
import { emptyHints, revealPatch } from '../engine/hints';
import { Hints, networkInput } from '../engine/predict';
import type { StoredPhoto } from './dataset';
import { Rng } from '../rng';

export interface Batch {
  size: number;
  crop: number;
  /** [size, crop, crop, 4] network input. */
  input: Float32Array;
  /** [size, crop/4, crop/4, Q] soft targets. */
  targets: Float32Array;
  /** [size, crop/4, crop/4] per-pixel loss weights. */
  weights: Float32Array;
}

export interface BinSpec {
  centres: Array<[number, number]>;
  rebalancingWeights: number[];
}

const STRIDE = 4;
const K_NEAREST = 5;
const SIGMA = 5;

/** Hints as in Zhang et al. 2017: none half the time, else a geometric number of small patches of the true mean ab. */
export function simulateHints(a: Float32Array, b: Float32Array, w: number, h: number, rng: Rng): Hints {
  const hints = emptyHints(w, h);
  if (rng.next() < 0.5) return hints;
  let n = 1;
  while (rng.next() > 1 / 8 && n < 24) n++;
  for (let k = 0; k < n; k++) {
    const s = rng.int(1, 9);
    const y0 = Math.min(Math.max(Math.floor(rng.gauss(h / 2, h / 4)), 0), h - s);
    const x0 = Math.min(Math.max(Math.floor(rng.gauss(w / 2, w / 4)), 0), w - s);
    revealPatch(a, b, w, hints, x0, y0, s);
  }
  return hints;
}

function cropFlip(p: StoredPhoto, crop: number, rng: Rng): { L: Float32Array; a: Float32Array; b: Float32Array } {
  const x0 = rng.int(0, p.width - crop);
  const y0 = rng.int(0, p.height - crop);
  const flip = rng.next() < 0.5;
  const L = new Float32Array(crop * crop);
  const a = new Float32Array(crop * crop);
  const b = new Float32Array(crop * crop);
  for (let y = 0; y < crop; y++) {
    for (let x = 0; x < crop; x++) {
      const src = (y0 + y) * p.width + x0 + (flip ? crop - 1 - x : x);
      const dst = y * crop + x;
      L[dst] = p.L[src];
      a[dst] = p.a[src];
      b[dst] = p.b[src];
    }
  }
  return { L, a, b };
}

/** Writes the soft target of one ab value into out[offset..offset+Q) and returns the nearest bin. */
function softEncode(a: number, b: number, bins: BinSpec, out: Float32Array, offset: number, d2: Float64Array): number {
  const q = bins.centres.length;
  for (let k = 0; k < q; k++) {
    const da = a - bins.centres[k][0];
    const db = b - bins.centres[k][1];
    d2[k] = da * da + db * db;
  }
  const nearest: number[] = [];
  for (let n = 0; n < K_NEAREST; n++) {
    let best = -1;
    for (let k = 0; k < q; k++) if (!nearest.includes(k) && (best < 0 || d2[k] < d2[best])) best = k;
    nearest.push(best);
  }
  let sum = 0;
  const w = nearest.map((k) => Math.exp(-d2[k] / (2 * SIGMA * SIGMA)));
  for (const v of w) sum += v;
  nearest.forEach((k, n) => (out[offset + k] = w[n] / sum));
  return nearest[0];
}

export function makeBatch(photos: readonly StoredPhoto[], size: number, crop: number, bins: BinSpec, rng: Rng): Batch {
  const q = bins.centres.length;
  const lo = crop / STRIDE;
  const input = new Float32Array(size * crop * crop * 4);
  const targets = new Float32Array(size * lo * lo * q);
  const weights = new Float32Array(size * lo * lo);
  const d2 = new Float64Array(q);
  for (let s = 0; s < size; s++) {
    const c = cropFlip(photos[rng.int(0, photos.length - 1)], crop, rng);
    const hints = simulateHints(c.a, c.b, crop, crop, rng);
    input.set(networkInput(4, c.L, crop, crop, hints), s * crop * crop * 4);
    for (let y = 0; y < lo; y++) {
      for (let x = 0; x < lo; x++) {
        let sa = 0;
        let sb = 0;
        for (let dy = 0; dy < STRIDE; dy++)
          for (let dx = 0; dx < STRIDE; dx++) {
            const i = (y * STRIDE + dy) * crop + x * STRIDE + dx;
            sa += c.a[i];
            sb += c.b[i];
          }
        const px = (s * lo + y) * lo + x;
        const nearest = softEncode(sa / 16, sb / 16, bins, targets, px * q, d2);
        weights[px] = bins.rebalancingWeights[nearest];
      }
    }
  }
  return { size, crop, input, targets, weights };
}
