// sRGB (D65) <-> CIELAB conversions.
//
// The constants below are pinned: training/heirloom_train/data.py uses exactly the same ones, so the
// L the network sees in Node equals the L it was trained on. Do not "improve" them (e.g. to the
// 1/0.95047-normalised white or the IEC 61966 matrix with more digits) without changing both sides.

export interface LabImage {
  L: Float32Array;
  a: Float32Array;
  b: Float32Array;
}

const WHITE_X = 0.95047;
const WHITE_Y = 1.0;
const WHITE_Z = 1.08883;

// Linear sRGB -> XYZ (D65).
const M00 = 0.4124564,
  M01 = 0.3575761,
  M02 = 0.1804375;
const M10 = 0.2126729,
  M11 = 0.7151522,
  M12 = 0.072175;
const M20 = 0.0193339,
  M21 = 0.119192,
  M22 = 0.9503041;

const EPS = 216 / 24389;
const KAPPA = 24389 / 27;

// XYZ -> linear sRGB: the numerical inverse of M (as the training code does with torch.linalg.inv),
// rather than a separately rounded published inverse, so the round trip is exact to float precision.
const MI = invert3([M00, M01, M02, M10, M11, M12, M20, M21, M22]);
const I00 = MI[0],
  I01 = MI[1],
  I02 = MI[2];
const I10 = MI[3],
  I11 = MI[4],
  I12 = MI[5];
const I20 = MI[6],
  I21 = MI[7],
  I22 = MI[8];

function invert3(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

/** sRGB transfer, encoded (0..1) -> linear. */
export function srgbDecode(v: number): number {
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

/** sRGB transfer, linear -> encoded; unclamped (negative inputs stay on the linear segment). */
export function srgbEncode(v: number): number {
  return v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
}

function labF(t: number): number {
  return t > EPS ? Math.cbrt(t) : (KAPPA * t + 16) / 116;
}

function labFInv(f: number): number {
  const f3 = f * f * f;
  return f3 > EPS ? f3 : (116 * f - 16) / KAPPA;
}

/** Exact reference: sRGB (0..1 per channel) -> CIELAB (D65). */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const lr = srgbDecode(r),
    lg = srgbDecode(g),
    lb = srgbDecode(b);
  const fx = labF((M00 * lr + M01 * lg + M02 * lb) / WHITE_X);
  const fy = labF((M10 * lr + M11 * lg + M12 * lb) / WHITE_Y);
  const fz = labF((M20 * lr + M21 * lg + M22 * lb) / WHITE_Z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** Exact reference: CIELAB (D65) -> sRGB in 0..1, NOT clamped (out-of-gamut colours leave 0..1). */
export function labToSrgb(L: number, a: number, b: number): [number, number, number] {
  const [lr, lg, lb] = labToLinear(L, a, b);
  return [srgbEncode(lr), srgbEncode(lg), srgbEncode(lb)];
}

/** CIELAB -> linear sRGB, unclamped. */
export function labToLinear(L: number, a: number, b: number): [number, number, number] {
  const fy = (L + 16) / 116;
  const X = WHITE_X * labFInv(fy + a / 500);
  // Written via L directly (not fy) to match the reference formula: identical values, fewer ops.
  const Y = WHITE_Y * (L > KAPPA * EPS ? fy * fy * fy : L / KAPPA);
  const Z = WHITE_Z * labFInv(fy - b / 200);
  return [I00 * X + I01 * Y + I02 * Z, I10 * X + I11 * Y + I12 * Z, I20 * X + I21 * Y + I22 * Z];
}

// ---------------------------------------------------------------------------------------------
// Fast buffer conversions (24-megapixel photos): lookup tables, no per-pixel allocation or pow.

// Linear value of each 8-bit code, pre-multiplied by the matrix row and divided by the white, so
// X/Xn, Y/Yn, Z/Zn are three table sums each.
const LIN8 = new Float64Array(256);
const TXR = new Float64Array(256),
  TXG = new Float64Array(256),
  TXB = new Float64Array(256);
const TYR = new Float64Array(256),
  TYG = new Float64Array(256),
  TYB = new Float64Array(256);
const TZR = new Float64Array(256),
  TZG = new Float64Array(256),
  TZB = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  const v = srgbDecode(i / 255);
  LIN8[i] = v;
  TXR[i] = (M00 * v) / WHITE_X;
  TXG[i] = (M01 * v) / WHITE_X;
  TXB[i] = (M02 * v) / WHITE_X;
  TYR[i] = (M10 * v) / WHITE_Y;
  TYG[i] = (M11 * v) / WHITE_Y;
  TYB[i] = (M12 * v) / WHITE_Y;
  TZR[i] = (M20 * v) / WHITE_Z;
  TZG[i] = (M21 * v) / WHITE_Z;
  TZB[i] = (M22 * v) / WHITE_Z;
}

// labF on [0, 1] sampled finely + linear interpolation. The curve is C1 at EPS and its curvature is
// bounded above EPS, so with 16384 steps the interpolation error is < 3e-7 in f (< 1e-4 in L, a, b).
// Two spare entries cover ratios slightly above 1 (white gives Z/Zn = 1.0000018 with these constants).
const F_N = 16384;
const F_LUT = new Float64Array(F_N + 2);
for (let i = 0; i < F_N + 2; i++) F_LUT[i] = labF(i / F_N);

function fastF(t: number): number {
  let x = t * F_N;
  if (!(x > 0))
    x = 0; // also catches NaN
  else if (x > F_N) x = F_N; // (F_N + 1 is the last valid right neighbour)
  const i = x | 0;
  const v0 = F_LUT[i]!;
  return v0 + (F_LUT[i + 1]! - v0) * (x - i);
}

function checkBuffer(rgb: Uint8Array | Uint8ClampedArray, channels: number): number {
  if (channels !== 3 && channels !== 4) throw new RangeError(`channels must be 3 or 4, got ${channels}`);
  if (rgb.length % channels !== 0) throw new RangeError(`buffer length ${rgb.length} is not a multiple of ${channels}`);
  return rgb.length / channels;
}

/** Interleaved 8-bit sRGB (3 or 4 channels; alpha ignored) -> planar CIELAB. Within ~1e-4 of srgbToLab. */
export function rgb8ToLab(rgb: Uint8Array | Uint8ClampedArray, channels: number): LabImage {
  const n = checkBuffer(rgb, channels);
  const L = new Float32Array(n),
    A = new Float32Array(n),
    B = new Float32Array(n);
  for (let p = 0, i = 0; p < n; p++, i += channels) {
    const r = rgb[i]!,
      g = rgb[i + 1]!,
      b = rgb[i + 2]!;
    const fx = fastF(TXR[r]! + TXG[g]! + TXB[b]!);
    const fy = fastF(TYR[r]! + TYG[g]! + TYB[b]!);
    const fz = fastF(TZR[r]! + TZG[g]! + TZB[b]!);
    L[p] = 116 * fy - 16;
    A[p] = 500 * (fx - fy);
    B[p] = 200 * (fy - fz);
  }
  return { L, a: A, b: B };
}

/** Lightness only (the full-resolution hot path). Within ~1e-4 of the exact L. */
export function rgb8ToL(rgb: Uint8Array | Uint8ClampedArray, channels: number): Float32Array {
  const n = checkBuffer(rgb, channels);
  const L = new Float32Array(n);
  for (let p = 0, i = 0; p < n; p++, i += channels) {
    L[p] = 116 * fastF(TYR[rgb[i]!]! + TYG[rgb[i + 1]!]! + TYB[rgb[i + 2]!]!) - 16;
  }
  return L;
}

// sRGB encode on linear [0, 1], pre-scaled to 0..255. The curve's worst curvature (just above
// 0.0031308) gives < 0.005 of a level of interpolation error with 8192 steps.
const ENC_N = 8192;
const ENC_LUT = new Float64Array(ENC_N + 2);
for (let i = 0; i < ENC_N + 2; i++) ENC_LUT[i] = 255 * srgbEncode(Math.min(1, i / ENC_N));

function encode8(v: number): number {
  const x = v * ENC_N;
  if (!(x > 0)) return 0; // clamp below (and NaN)
  if (x >= ENC_N) return 255;
  const i = x | 0;
  const v0 = ENC_LUT[i]!;
  return (v0 + (ENC_LUT[i + 1]! - v0) * (x - i) + 0.5) | 0;
}

// Linear values this close outside [0, 1] are float noise (white itself gives 1 + 1e-7), not gamut.
const GAMUT_TOL = 1e-5;
const GAMUT_STEPS = 12; // probes after the first: chroma scale resolved to 2^-11, < 0.1 ab units at chroma 150

/**
 * Planar CIELAB -> interleaved 8-bit sRGB (3 channels), within 0.5 of a level of the exact
 * conversion for in-gamut colours.
 *
 * Gamut mapping preserves lightness: a colour outside sRGB keeps its L (and hue) and has its (a, b)
 * scaled towards 0 by bisection until it fits. Clipping channels instead would change Y, i.e. the
 * photo's own lightness, which must survive colorization. L itself is clamped to 0..100 and NaN
 * inputs are treated as 0. Neutral pixels (a = b = 0) are written as exact greys (R = G = B).
 */
export function labToRgb8(L: Float32Array, a: Float32Array, b: Float32Array, out?: Uint8Array): Uint8Array {
  const n = L.length;
  if (a.length !== n || b.length !== n) throw new RangeError('L, a and b must have the same length');
  const dst = out ?? new Uint8Array(n * 3);
  if (dst.length !== n * 3) throw new RangeError(`out must have length ${n * 3}, got ${dst.length}`);
  for (let p = 0, o = 0; p < n; p++, o += 3) {
    let l = L[p]!;
    if (!(l > 0)) l = 0;
    else if (l > 100) l = 100;
    let ca = a[p]!,
      cb = b[p]!;
    if (ca !== ca) ca = 0;
    if (cb !== cb) cb = 0;
    const fy = (l + 16) / 116;
    const Y = l > KAPPA * EPS ? fy * fy * fy : l / KAPPA;
    if (ca === 0 && cb === 0) {
      // The pinned white is not exactly M·(1,1,1), so the matrix path would give R, G, B that differ
      // by ~1e-7 and could round apart; a neutral colour's linear value is Y in every channel.
      const v = encode8(Y);
      dst[o] = v;
      dst[o + 1] = v;
      dst[o + 2] = v;
      continue;
    }
    // Locals rather than a helper writing shared state: this loop is the hot path for saturated outputs.
    let s = 1,
      lo = 0,
      hi = 1; // lo: known inside (s = 0 is the grey of the same L), hi: known outside
    let linR: number, linG: number, linB: number;
    for (let k = 0; ; k++) {
      const X = WHITE_X * labFInv(fy + (ca * s) / 500);
      const Z = WHITE_Z * labFInv(fy - (cb * s) / 200);
      linR = I00 * X + I01 * Y + I02 * Z;
      linG = I10 * X + I11 * Y + I12 * Z;
      linB = I20 * X + I21 * Y + I22 * Z;
      const inside =
        linR >= -GAMUT_TOL && linR <= 1 + GAMUT_TOL && linG >= -GAMUT_TOL && linG <= 1 + GAMUT_TOL && linB >= -GAMUT_TOL && linB <= 1 + GAMUT_TOL;
      if (k === GAMUT_STEPS || (inside && s === 1)) break; // the final probe, or in gamut as given
      if (inside) lo = s;
      else hi = s;
      // bisect; the final probe re-evaluates lo so the colour written is the last one found inside
      s = k === GAMUT_STEPS - 1 ? lo : 0.5 * (lo + hi);
    }
    dst[o] = encode8(linR);
    dst[o + 1] = encode8(linG);
    dst[o + 2] = encode8(linB);
  }
  return dst;
}
