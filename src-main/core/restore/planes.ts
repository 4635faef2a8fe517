// Small helpers on single-channel float planes (row-major, width × height) shared by the restore
// steps: square min/max filters (morphology), box means, histogram percentiles and L → grey bytes.
import { srgbEncode } from '../color/lab';

/** Separable square min (erode) or max (dilate) filter of radius r; edges use the pixels inside. */
export function rankFilter(src: Float32Array, w: number, h: number, r: number, max: boolean): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  // A (2r+1)-wide square is a row pass then a column pass; r is small (≤ 4) so a direct scan is fine.
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let v = src[row + x]!;
      const x0 = Math.max(0, x - r),
        x1 = Math.min(w - 1, x + r);
      for (let k = x0; k <= x1; k++) {
        const s = src[row + k]!;
        if (max ? s > v : s < v) v = s;
      }
      tmp[row + x] = v;
    }
  }
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r),
      y1 = Math.min(h - 1, y + r);
    for (let x = 0; x < w; x++) {
      let v = tmp[y * w + x]!;
      for (let k = y0; k <= y1; k++) {
        const s = tmp[k * w + x]!;
        if (max ? s > v : s < v) v = s;
      }
      out[y * w + x] = v;
    }
  }
  return out;
}

/** Mean over a (2r+1)² box, clipped at the borders (running sums: O(1) per pixel for any r). */
export function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let s = 0;
    for (let x = 0; x <= Math.min(r, w - 1); x++) s += src[row + x]!;
    for (let x = 0; x < w; x++) {
      const x0 = x - r,
        x1 = x + r;
      tmp[row + x] = s / (Math.min(w - 1, x1) - Math.max(0, x0) + 1);
      if (x1 + 1 < w) s += src[row + x1 + 1]!;
      if (x0 >= 0) s -= src[row + x0]!;
    }
  }
  for (let x = 0; x < w; x++) {
    let s = 0;
    for (let y = 0; y <= Math.min(r, h - 1); y++) s += tmp[y * w + x]!;
    for (let y = 0; y < h; y++) {
      const y0 = y - r,
        y1 = y + r;
      out[y * w + x] = s / (Math.min(h - 1, y1) - Math.max(0, y0) + 1);
      if (y1 + 1 < h) s += tmp[(y1 + 1) * w + x]!;
      if (y0 >= 0) s -= tmp[y0 * w + x]!;
    }
  }
  return out;
}

/** Percentiles (fractions 0..1) of values in [lo, hi], from a 0.01-wide histogram (no sorting copy). */
export function percentiles(v: ArrayLike<number>, fractions: number[], lo = 0, hi = 100): number[] {
  const bins = Math.round((hi - lo) * 100) + 1;
  const hist = new Float64Array(bins);
  for (let i = 0; i < v.length; i++) {
    let b = Math.round((v[i]! - lo) * 100);
    if (!(b > 0)) b = 0;
    else if (b >= bins) b = bins - 1;
    hist[b]!++;
  }
  return fractions.map((f) => {
    const target = f * v.length;
    let cum = 0;
    for (let b = 0; b < bins; b++) {
      cum += hist[b]!;
      if (cum > target) return lo + b / 100;
    }
    return hi;
  });
}

// L (0..100, 0.01 steps) → 8-bit grey: a neutral colour's sRGB value, the same in R, G and B.
const GREY_LUT = new Uint8Array(10001);
for (let i = 0; i <= 10000; i++) {
  const L = i / 100;
  const fy = (L + 16) / 116;
  const Y = L > 8 ? fy * fy * fy : L / (24389 / 27);
  GREY_LUT[i] = Math.max(0, Math.min(255, Math.round(255 * srgbEncode(Y))));
}

/** One L value as an 8-bit grey level. */
export function lToGrey8(L: number): number {
  let i = Math.round(L * 100);
  if (!(i > 0)) i = 0;
  else if (i > 10000) i = 10000;
  return GREY_LUT[i]!;
}

/** A whole L plane as interleaved grey RGB (R = G = B). */
export function lToGreyRgb(L: Float32Array, out?: Uint8Array): Uint8Array {
  const dst = out ?? new Uint8Array(L.length * 3);
  for (let p = 0, o = 0; p < L.length; p++, o += 3) {
    const v = lToGrey8(L[p]!);
    dst[o] = v;
    dst[o + 1] = v;
    dst[o + 2] = v;
  }
  return dst;
}
