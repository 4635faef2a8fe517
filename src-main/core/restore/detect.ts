// A classical detector of scratches, dust and creases on a grey photo's L plane (a learned one comes
// later). Such damage is thinner than a small square structuring element, so it survives in the
// white top-hat (L − opening: bright thin things) or black-hat (closing − L: dark thin things) while
// edges and broad shapes do not. The response is thresholded against the local texture level (so
// grass and hair, which respond everywhere, need far more than a smooth sky), grown by hysteresis, and
// only components shaped like damage — small specks or thin elongated curves — are kept.
import { boxMean, rankFilter } from './planes';

export interface DetectOptions {
  /** Structuring element radius: thin things up to 2r px wide respond; default 3 (7×7). */
  seRadius?: number;
  /** Strong threshold: seeds need a response ≥ max(highAbs, highRel × local texture); defaults 15, 6
   *  (chosen on the tune half: the lowest that keeps repair of clean photos near 45 dB). */
  highAbs?: number;
  highRel?: number;
  /** Weak threshold (hysteresis growth); defaults 4, 2. */
  lowAbs?: number;
  lowRel?: number;
  /** Radius of the window measuring local texture; default 15. */
  textureRadius?: number;
  /** Largest component kept as a speck without being elongated, in pixels; default 12. */
  maxSpeck?: number;
  /** Shortest kept line (bounding-box diagonal), px; default 12. */
  minLineLength?: number;
  /** Widest kept line (area ÷ length), px; default 4. */
  maxLineWidth?: number;
  /** Largest fraction of candidate pixels in an 11×11 window for a pixel to stay a candidate; default 0.35. */
  maxDensity?: number;
  /** Dilation of the final mask, px; default 1. */
  dilate?: number;
}

function dilateMask(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  if (r <= 0) return mask;
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) out[yy * w + xx] = 1;
      }
    }
  }
  return out;
}

/** Finds thin damage on an L plane (0..100) of width × height; returns a 0/1 mask. */
export function detectDamage(L: Float32Array, width: number, height: number, opts: DetectOptions = {}): Uint8Array {
  const w = width,
    h = height,
    n = w * h;
  if (L.length !== n) throw new RangeError(`L has ${L.length} values, expected ${w}×${h}`);
  const r = opts.seRadius ?? 3;
  const highAbs = opts.highAbs ?? 15,
    highRel = opts.highRel ?? 6;
  const lowAbs = opts.lowAbs ?? 4,
    lowRel = opts.lowRel ?? 2;
  const maxSpeck = opts.maxSpeck ?? 12;
  const minLen = opts.minLineLength ?? 12,
    maxWidth = opts.maxLineWidth ?? 4;

  // White top-hat and black-hat; a pixel takes whichever is larger (it cannot be both thin-bright and thin-dark).
  const eroded = rankFilter(L, w, h, r, false);
  const opened = rankFilter(eroded, w, h, r, true);
  const dilated = rankFilter(L, w, h, r, true);
  const closed = rankFilter(dilated, w, h, r, false);
  const resp = eroded; // reuse: |response|
  const sign = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const wth = L[i]! - opened[i]!,
      bh = closed[i]! - L[i]!;
    if (wth >= bh) {
      resp[i] = wth;
      sign[i] = 1;
    } else {
      resp[i] = bh;
      sign[i] = -1;
    }
  }
  // Local texture: the mean response around a pixel. Damage itself is thin, so it adds little to a
  // wide window's mean, while real fine texture raises it everywhere in its region.
  const texture = boxMean(resp, w, h, opts.textureRadius ?? 15);

  // Hysteresis: components of weak pixels (same sign) that contain at least one strong pixel.
  const label = new Int32Array(n).fill(-1);
  const keep = new Uint8Array(n);
  const members: number[] = [];
  for (let s = 0; s < n; s++) {
    if (label[s] !== -1) continue;
    const lowS = Math.max(lowAbs, lowRel * texture[s]!);
    if (resp[s]! < lowS) continue;
    label[s] = s;
    growRegion(s, w, h, members, (q) => {
      if (label[q] !== -1 || sign[q] !== sign[s]) return false;
      if (resp[q]! < Math.max(lowAbs, lowRel * texture[q]!)) return false;
      label[q] = s;
      return true;
    });
    const strong = members.some((p) => resp[p]! >= Math.max(highAbs, highRel * texture[p]!));
    if (strong) for (const p of members) keep[p] = 1;
  }
  // Damage is sparse even where it crosses texture; patterned cloth or foliage fills its
  // neighbourhood. Dropping pixels whose neighbourhood is dense splits a scratch from the texture it
  // touched, so the scratch can pass the shape test on its own.
  const kf = new Float32Array(n);
  for (let i = 0; i < n; i++) kf[i] = keep[i]!;
  const density = boxMean(kf, w, h, 5);
  const maxDensity = opts.maxDensity ?? 0.35;
  for (let i = 0; i < n; i++) if (density[i]! > maxDensity) keep[i] = 0;
  // Shape: keep small specks and thin elongated curves.
  const done = new Uint8Array(n);
  const out = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    if (!keep[s] || done[s]) continue;
    done[s] = 1;
    const { minX, maxX, minY, maxY } = growRegion(s, w, h, members, (q) => {
      if (!keep[q] || done[q]) return false;
      done[q] = 1;
      return true;
    });
    const area = members.length;
    const length = Math.hypot(maxX - minX + 1, maxY - minY + 1);
    const speck = area <= maxSpeck && maxX - minX < 8 && maxY - minY < 8;
    const line = length >= minLen && area / length <= maxWidth;
    if (speck || line) for (const p of members) out[p] = 1;
  }
  return dilateMask(out, w, h, opts.dilate ?? 1);
}

/**
 * The 8-connected region grown from `seed` (already claimed by the caller) into `members`: `claim(q)`
 * says whether neighbour q joins it, and marks it taken. Returns the region's bounding box.
 */
function growRegion(
  seed: number,
  w: number,
  h: number,
  members: number[],
  claim: (q: number) => boolean,
): { minX: number; maxX: number; minY: number; maxY: number } {
  members.length = 0;
  const stack = [seed];
  let minX = w,
    maxX = 0,
    minY = h,
    maxY = 0;
  while (stack.length) {
    const p = stack.pop()!;
    members.push(p);
    const px = p % w,
      py = (p - px) / w;
    if (px < minX) minX = px;
    if (px > maxX) maxX = px;
    if (py < minY) minY = py;
    if (py > maxY) maxY = py;
    for (let dy = -1; dy <= 1; dy++) {
      const qy = py + dy;
      if (qy < 0 || qy >= h) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const qx = px + dx;
        if (qx < 0 || qx >= w) continue;
        const q = qy * w + qx;
        if (claim(q)) stack.push(q);
      }
    }
  }
  return { minX, maxX, minY, maxY };
}

/** Precision, recall and F1 of a predicted mask against the truth. */
export function maskScores(
  pred: Uint8Array,
  truth: Uint8Array,
): { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number } {
  let tp = 0,
    fp = 0,
    fn = 0;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i]) {
      if (truth[i]) tp++;
      else fp++;
    } else if (truth[i]) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, tp, fp, fn };
}
