// Edge-aware upsampling of colour (ab) guided by lightness: the fast guided filter (He & Sun 2015).
// The local linear model ab ≈ A·L + B is fitted at low resolution, its coefficients are upsampled
// bilinearly, and applied to the full-resolution L, so colour edges snap to the photo's own edges
// while the expensive part never touches the full-size image.
import type { AbMap } from '../engine/predict';

export interface GuidedCoefficients {
  width: number;
  height: number;
  aA: Float32Array;
  aB: Float32Array;
  bA: Float32Array;
  bB: Float32Array;
}

/** Mean over a (2r+1)² window, clamped at the borders, via a summed-area table. */
function boxMean(src: Float32Array, w: number, h: number, r: number, out: Float32Array): void {
  const sat = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += src[y * w + x];
      sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + row;
    }
  }
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h - 1, y + r) + 1;
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w - 1, x + r) + 1;
      const s = sat[y1 * (w + 1) + x1] - sat[y0 * (w + 1) + x1] - sat[y1 * (w + 1) + x0] + sat[y0 * (w + 1) + x0];
      out[y * w + x] = s / ((y1 - y0) * (x1 - x0));
    }
  }
}

/** Fits ab ≈ A·L + B in every window of the low-resolution guide (radius r, regulariser eps in L² units). */
export function fitGuidedCoefficients(guideL: Float32Array, ab: AbMap, r: number, eps: number): GuidedCoefficients {
  const { width: w, height: h } = ab;
  const n = w * h;
  if (guideL.length !== n) throw new Error('guide and colour maps differ in size');
  const tmp = (): Float32Array => new Float32Array(n);
  const meanI = tmp();
  const meanII = tmp();
  const sq = tmp();
  for (let i = 0; i < n; i++) sq[i] = guideL[i] * guideL[i];
  boxMean(guideL, w, h, r, meanI);
  boxMean(sq, w, h, r, meanII);
  const fit = (p: Float32Array): [Float32Array, Float32Array] => {
    const meanP = tmp();
    const meanIP = tmp();
    const ip = tmp();
    for (let i = 0; i < n; i++) ip[i] = guideL[i] * p[i];
    boxMean(p, w, h, r, meanP);
    boxMean(ip, w, h, r, meanIP);
    const A = tmp();
    const B = tmp();
    for (let i = 0; i < n; i++) {
      const varI = meanII[i] - meanI[i] * meanI[i];
      const cov = meanIP[i] - meanI[i] * meanP[i];
      A[i] = cov / (varI + eps);
      B[i] = meanP[i] - A[i] * meanI[i];
    }
    const mA = tmp();
    const mB = tmp();
    boxMean(A, w, h, r, mA);
    boxMean(B, w, h, r, mB);
    return [mA, mB];
  };
  const [aA, aB] = fit(ab.a);
  const [bA, bB] = fit(ab.b);
  return { width: w, height: h, aA, aB, bA, bB };
}

/** Pixel-centre aligned bilinear sampling positions from `dst` samples onto `src` samples. */
function samplePositions(dst: number, src: number): { i0: Int32Array; i1: Int32Array; t: Float32Array } {
  const i0 = new Int32Array(dst);
  const i1 = new Int32Array(dst);
  const t = new Float32Array(dst);
  const scale = src / dst;
  for (let x = 0; x < dst; x++) {
    const f = Math.min(Math.max((x + 0.5) * scale - 0.5, 0), src - 1);
    const f0 = Math.floor(f);
    i0[x] = f0;
    i1[x] = Math.min(f0 + 1, src - 1);
    t[x] = f - f0;
  }
  return { i0, i1, t };
}

/**
 * Applies the coefficients to rows y0..y1 of a full-resolution image whose lightness rows come from
 * `lRow`, handing each finished row of a and b to `onRow` (so a 40 MP photo never needs full-size
 * a and b planes, and row ranges can be shared between worker threads).
 */
export function applyGuidedRows(
  c: GuidedCoefficients,
  width: number,
  height: number,
  y0: number,
  y1: number,
  lRow: (y: number) => Float32Array,
  onRow: (y: number, a: Float32Array, b: Float32Array) => void,
): void {
  const { i0, i1, t } = samplePositions(width, c.width);
  const rows = samplePositions(height, c.height);
  const lw = c.width;
  const maps = [c.aA, c.aB, c.bA, c.bB];
  const vert = maps.map(() => new Float32Array(lw));
  const rowA = new Float32Array(width);
  const rowB = new Float32Array(width);
  for (let y = y0; y < y1; y++) {
    const r0 = rows.i0[y] * lw;
    const r1 = rows.i1[y] * lw;
    const ty = rows.t[y];
    for (let m = 0; m < 4; m++) {
      const src = maps[m];
      const dst = vert[m];
      for (let x = 0; x < lw; x++) dst[x] = src[r0 + x] + (src[r1 + x] - src[r0 + x]) * ty;
    }
    const [vaA, vaB, vbA, vbB] = vert;
    const L = lRow(y);
    for (let x = 0; x < width; x++) {
      const x0 = i0[x];
      const x1 = i1[x];
      const tx = t[x];
      const l = L[x];
      rowA[x] = (vaA[x0] + (vaA[x1] - vaA[x0]) * tx) * l + vaB[x0] + (vaB[x1] - vaB[x0]) * tx;
      rowB[x] = (vbA[x0] + (vbA[x1] - vbA[x0]) * tx) * l + vbB[x0] + (vbB[x1] - vbB[x0]) * tx;
    }
    onRow(y, rowA, rowB);
  }
}

/** Convenience: guided upsampling to a full ab map (for working-size stages and tests). */
export function guidedUpsample(
  guideLow: Float32Array,
  ab: AbMap,
  guideHigh: Float32Array,
  width: number,
  height: number,
  r: number,
  eps: number,
): AbMap {
  const c = fitGuidedCoefficients(guideLow, ab, r, eps);
  const a = new Float32Array(width * height);
  const b = new Float32Array(width * height);
  applyGuidedRows(
    c,
    width,
    height,
    0,
    height,
    (y) => guideHigh.subarray(y * width, (y + 1) * width),
    (y, ra, rb) => {
      a.set(ra, y * width);
      b.set(rb, y * width);
    },
  );
  return { width, height, a, b };
}
