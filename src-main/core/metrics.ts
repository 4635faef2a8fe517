// The pinned quality metrics of /work/shared/guide/MODEL.md ("Pinned quality metrics"): every model
// and every change is judged with exactly these, on 8-bit sRGB (D65), interleaved RGB, 3 channels.

import { ciede2000 } from './color/ciede2000';
import { LabImage, rgb8ToLab } from './color/lab';

export interface Metrics {
  psnr: number;
  deltaE00: number;
  auc: number;
  colourfulnessOut: number;
  colourfulnessTruth: number;
  deltaL: number;
}

export interface MetricsSummary extends Metrics {
  /** mean(colourfulnessOut) / mean(colourfulnessTruth): a ratio of means, not a mean of ratios. */
  colourfulnessRatio: number;
  count: number;
}

type Rgb8 = Uint8Array | Uint8ClampedArray;

function checkRgbPair(a: Rgb8, b: Rgb8): void {
  if (a.length !== b.length) throw new RangeError(`image sizes differ: ${a.length} vs ${b.length} bytes`);
  checkRgb(a);
}

function checkRgb(a: Rgb8): void {
  if (a.length === 0 || a.length % 3 !== 0) throw new RangeError(`expected non-empty 3-channel RGB, got ${a.length} bytes`);
}

function checkLabPair(x: LabImage, y: LabImage): number {
  const n = x.L.length;
  if (n === 0) throw new RangeError('empty image');
  for (const c of [x.a, x.b, y.L, y.a, y.b]) {
    if (c.length !== n) throw new RangeError('Lab planes differ in length');
  }
  return n;
}

/** PSNR in dB over all three channels, peak 255; Infinity when the images are identical. */
export function psnr(out: Rgb8, truth: Rgb8): number {
  checkRgbPair(out, truth);
  let se = 0;
  for (let i = 0; i < out.length; i++) {
    const d = out[i]! - truth[i]!;
    se += d * d;
  }
  if (se === 0) return Infinity;
  return 10 * Math.log10((255 * 255 * out.length) / se);
}

/** Mean CIEDE2000 (kL = kC = kH = 1) over pixels. */
export function meanDeltaE00(labOut: LabImage, labTruth: LabImage): number {
  const n = checkLabPair(labOut, labTruth);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += ciede2000(labOut.L[i]!, labOut.a[i]!, labOut.b[i]!, labTruth.L[i]!, labTruth.a[i]!, labTruth.b[i]!);
  }
  return sum / n;
}

/**
 * Colourfulness M of Hasler & Süsstrunk (2003) on 0..255 values: rg = R − G, yb = (R + G)/2 − B,
 * M = sqrt(σrg² + σyb²) + 0.3·sqrt(μrg² + μyb²), with signed rg/yb (no abs, as MODEL.md pins) and
 * population standard deviations.
 */
export function colourfulness(rgb: Rgb8): number {
  checkRgb(rgb);
  const n = rgb.length / 3;
  let sRg = 0,
    sYb = 0,
    sRg2 = 0,
    sYb2 = 0;
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i]!,
      g = rgb[i + 1]!,
      b = rgb[i + 2]!;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sRg += rg;
    sYb += yb;
    sRg2 += rg * rg;
    sYb2 += yb * yb;
  }
  const mRg = sRg / n,
    mYb = sYb / n;
  // max(0, …): E[x²] − E[x]² can dip a hair below 0 by rounding
  const vRg = Math.max(0, sRg2 / n - mRg * mRg);
  const vYb = Math.max(0, sYb2 / n - mYb * mYb);
  return Math.sqrt(vRg + vYb) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb);
}

const AUC_MAX_T = 150;

/**
 * AuC of the per-pixel ab error: for t = 0..150 (integers) the fraction of pixels with
 * ‖Δab‖ ≤ t, averaged over the 151 thresholds. 1 means every pixel's ab is exact.
 */
export function aucAb(labOut: LabImage, labTruth: LabImage): number {
  const n = checkLabPair(labOut, labTruth);
  // d ≤ t for integer t  ⇔  ceil(d) ≤ t, so one histogram of ceil(d) gives every threshold.
  const hist = new Float64Array(AUC_MAX_T + 1);
  for (let i = 0; i < n; i++) {
    const da = labOut.a[i]! - labTruth.a[i]!;
    const db = labOut.b[i]! - labTruth.b[i]!;
    const k = Math.ceil(Math.sqrt(da * da + db * db));
    if (k <= AUC_MAX_T) hist[k]!++;
  }
  let cum = 0,
    total = 0;
  for (let t = 0; t <= AUC_MAX_T; t++) {
    cum += hist[t]!;
    total += cum / n;
  }
  return total / (AUC_MAX_T + 1);
}

/** Mean |L_A − L_B| over pixels; takes Lab images or bare L planes. */
export function meanAbsDeltaL(labA: LabImage | Float32Array, labB: LabImage | Float32Array): number {
  const A = labA instanceof Float32Array ? labA : labA.L;
  const B = labB instanceof Float32Array ? labB : labB.L;
  if (A.length !== B.length) throw new RangeError(`L planes differ in length: ${A.length} vs ${B.length}`);
  if (A.length === 0) throw new RangeError('empty image');
  let s = 0;
  for (let i = 0; i < A.length; i++) s += Math.abs(A[i]! - B[i]!);
  return s / A.length;
}

/**
 * All pinned metrics for one output/ground-truth pair (8-bit RGB, 3 channels, same size).
 * deltaL compares the output's L with `inputL` (the lightness the model was given) or, if absent,
 * with the ground truth's L (which is what the input is made from).
 */
export function computeMetrics(outRgb: Rgb8, truthRgb: Rgb8, inputL?: Float32Array): Metrics {
  checkRgbPair(outRgb, truthRgb);
  const labOut = rgb8ToLab(outRgb, 3);
  const labTruth = rgb8ToLab(truthRgb, 3);
  return {
    psnr: psnr(outRgb, truthRgb),
    deltaE00: meanDeltaE00(labOut, labTruth),
    auc: aucAb(labOut, labTruth),
    colourfulnessOut: colourfulness(outRgb),
    colourfulnessTruth: colourfulness(truthRgb),
    deltaL: meanAbsDeltaL(labOut, inputL ?? labTruth.L),
  };
}

/**
 * Means over a set of images, plus the colourfulness ratio (ratio of the means, as MODEL.md pins).
 * A pair of identical images has PSNR Infinity, which makes the mean PSNR Infinity too.
 */
export function summarise(list: readonly Metrics[]): MetricsSummary {
  if (list.length === 0) throw new RangeError('summarise needs at least one result');
  const mean = (k: keyof Metrics): number => list.reduce((s, m) => s + m[k], 0) / list.length;
  const colourfulnessOut = mean('colourfulnessOut');
  const colourfulnessTruth = mean('colourfulnessTruth');
  return {
    psnr: mean('psnr'),
    deltaE00: mean('deltaE00'),
    auc: mean('auc'),
    colourfulnessOut,
    colourfulnessTruth,
    deltaL: mean('deltaL'),
    colourfulnessRatio: colourfulnessOut / colourfulnessTruth,
    count: list.length,
  };
}
