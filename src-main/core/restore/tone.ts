// Tone restoration. Faded black-and-white prints lose their blacks and whites (the silver image
// thins, the paper yellows): black and white points are found as robust percentiles and stretched
// back, then a gentle, bounded local-contrast step. Faded colour prints fade per dye (cyan first, so
// they drift magenta/yellow) and go pale: each channel is stretched on its own percentiles (which
// removes the cast, as the fading is roughly affine per channel) and chroma is lifted towards a
// typical photo's. The colour-fading simulator used to measure this is here too.
import { labToRgb8, rgb8ToLab, srgbDecode, srgbEncode } from '../color/lab';
import { Rng } from '../rng';
import { percentiles } from './planes';

export interface ToneOptions {
  /** Percentiles taken as the photo's black and white; defaults 0.001 and 0.999. */
  lowFraction?: number;
  highFraction?: number;
  /** Where those percentiles are put (L units); defaults from unfaded photos (see restore-eval). */
  targetBlack?: number;
  targetWhite?: number;
  /** Local contrast: unsharp amount on L at a large radius (0 = off); default 0.05. */
  localAmount?: number;
  /** Its radius as a fraction of the short side; default 0.02. */
  localRadius?: number;
  /** Largest change local contrast may make, in L units; default 4. */
  localMaxGain?: number;
}

// Chosen on the sha1 tune half (200 synthetically faded photos, scripts/restore-eval.ts): the 0.1 %
// and 99.9 % points track a print's true black and white more closely than 0.5 % / 99.5 % (|ΔL|
// ratio 0.506 against 0.623); repair runs first, so dust specks do not set them. The targets are the
// median 0.1 % and 99.9 % L points of the same photos unfaded.
const DEFAULT_LOW_FRACTION = 0.001;
const DEFAULT_HIGH_FRACTION = 0.999;
export const DEFAULT_TARGET_BLACK = 1.1;
export const DEFAULT_TARGET_WHITE = 98.65;
// Local contrast is for real prints whose midtones went flat; synthetic fading is global, so it
// only costs there (0.472 at 0.05, 0.506 at 0.15): a light touch.
const DEFAULT_LOCAL_AMOUNT = 0.05;

/**
 * Box-averaged copy of L at 1/f scale, blurred there with a few box passes, sampled back bilinearly:
 * a large-radius blur for one small plane instead of several full-size ones.
 */
function smoothSampler(L: Float32Array, w: number, h: number, sigma: number): (x: number, y: number) => number {
  const f = Math.max(1, Math.floor(sigma / 2));
  const sw = Math.ceil(w / f),
    sh = Math.ceil(h / f);
  let s: Float32Array = new Float32Array(sw * sh);
  const cnt = new Float32Array(sw * sh);
  for (let y = 0; y < h; y++) {
    const sy = Math.floor(y / f) * sw;
    for (let x = 0; x < w; x++) {
      const k = sy + Math.floor(x / f);
      s[k] = s[k]! + L[y * w + x]!;
      cnt[k] = cnt[k]! + 1;
    }
  }
  for (let k = 0; k < s.length; k++) s[k] = s[k]! / cnt[k]!;
  const r = Math.max(1, Math.round(sigma / f / 1.7)); // three box passes of radius r ≈ a Gaussian of σ ≈ 1.7 r
  for (let pass = 0; pass < 3; pass++) s = boxPass(s, sw, sh, r);
  return (x, y) => {
    const fx = Math.min(sw - 1, Math.max(0, (x + 0.5) / f - 0.5)),
      fy = Math.min(sh - 1, Math.max(0, (y + 0.5) / f - 0.5));
    const x0 = Math.floor(fx),
      y0 = Math.floor(fy),
      x1 = Math.min(sw - 1, x0 + 1),
      y1 = Math.min(sh - 1, y0 + 1);
    const ax = fx - x0,
      ay = fy - y0;
    const top = s[y0 * sw + x0]! * (1 - ax) + s[y0 * sw + x1]! * ax;
    const bot = s[y1 * sw + x0]! * (1 - ax) + s[y1 * sw + x1]! * ax;
    return top * (1 - ay) + bot * ay;
  };
}

function boxPass(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let sum = 0,
        c = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++)
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
          sum += src[yy * w + xx]!;
          c++;
        }
      out[y * w + x] = sum / c;
    }
  return out;
}

/** The black and white points restoreTone would use, and the linear map it applies. */
export function tonePoints(L: Float32Array, opts: ToneOptions = {}): { lo: number; hi: number; gain: number; offset: number } {
  const [lo, hi] = percentiles(L, [opts.lowFraction ?? DEFAULT_LOW_FRACTION, opts.highFraction ?? DEFAULT_HIGH_FRACTION]) as [number, number];
  const tb = opts.targetBlack ?? DEFAULT_TARGET_BLACK,
    tw = opts.targetWhite ?? DEFAULT_TARGET_WHITE;
  // Never compress: a photo already spanning more than the target range keeps its own.
  if (!(hi - lo > 1) || hi - lo >= tw - tb) return { lo, hi, gain: 1, offset: 0 };
  const gain = (tw - tb) / (hi - lo);
  return { lo, hi, gain, offset: tb - lo * gain };
}

/**
 * Restores a faded grey photo's L in place: stretch, then local contrast. Only the 0.1 % beyond each
 * percentile can leave 0..100 and be clipped.
 */
export function restoreTone(L: Float32Array, width: number, height: number, opts: ToneOptions = {}): void {
  if (L.length !== width * height) throw new RangeError(`L has ${L.length} values, expected ${width}×${height}`);
  const { gain, offset } = tonePoints(L, opts);
  for (let i = 0; i < L.length; i++) L[i] = Math.min(100, Math.max(0, L[i]! * gain + offset));
  const amount = opts.localAmount ?? DEFAULT_LOCAL_AMOUNT;
  if (amount <= 0) return;
  const sigma = Math.max(2, (opts.localRadius ?? 0.02) * Math.min(width, height));
  const smooth = smoothSampler(L, width, height, sigma);
  const maxGain = opts.localMaxGain ?? 4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = L[i]!;
      let d = amount * (v - smooth(x, y));
      if (d > maxGain) d = maxGain;
      else if (d < -maxGain) d = -maxGain;
      // Taper near black and white so the boost never pushes the stretched range into clipping.
      const room = Math.min(v, 100 - v);
      if (Math.abs(d) > room) d = Math.sign(d) * room;
      L[i] = v + d;
    }
  }
}

export interface ColourFadeParams {
  /** Per channel (R, G, B): encoded sRGB value of black and of white after fading. */
  black: [number, number, number];
  white: [number, number, number];
  /** 0..1: how much colour was lost (mix towards the pixel's luminance). */
  desaturate: number;
}

/** Seeded fading of a colour print: cyan dye lost first (magenta/red cast), blue low (yellow), pale. */
export function randomColourFade(rng: Rng): ColourFadeParams {
  return {
    black: [0.1 + 0.1 * rng.next(), 0.05 + 0.07 * rng.next(), 0.02 + 0.06 * rng.next()],
    white: [0.95 + 0.05 * rng.next(), 0.75 + 0.13 * rng.next(), 0.62 + 0.16 * rng.next()],
    desaturate: 0.2 + 0.3 * rng.next(),
  };
}

/** A faded copy of interleaved 8-bit RGB (3 channels), seeded. */
export function fadeColour(rgb: Uint8Array, seed: number, params?: ColourFadeParams): Uint8Array {
  const p = params ?? randomColourFade(new Rng(seed >>> 0));
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const lr = srgbDecode(rgb[i]! / 255),
      lg = srgbDecode(rgb[i + 1]! / 255),
      lb = srgbDecode(rgb[i + 2]! / 255);
    const Y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    const lin = [lr, lg, lb];
    for (let c = 0; c < 3; c++) {
      const v = srgbEncode(lin[c]! + (Y - lin[c]!) * p.desaturate);
      out[i + c] = Math.round(255 * Math.min(1, Math.max(0, p.black[c]! + (p.white[c]! - p.black[c]!) * v)));
    }
  }
  return out;
}

export interface RecolorOptions {
  lowFraction?: number;
  highFraction?: number;
  /** Encoded 0..255 value each channel's low / high percentile is put at; defaults 4 and 250. */
  targetBlack?: number;
  targetWhite?: number;
  /** Mean chroma (C*ab) a restored photo is lifted towards; default 16 (typical of unfaded photos). */
  targetChroma?: number;
  /** Largest chroma gain; default 1.8. */
  maxChromaGain?: number;
}

/** Restores a faded colour print (interleaved 8-bit RGB, 3 channels); returns a new buffer. */
export function recolorFaded(rgb: Uint8Array, opts: RecolorOptions = {}): Uint8Array {
  if (rgb.length % 3 !== 0 || rgb.length === 0) throw new RangeError('expected non-empty 3-channel RGB');
  const n = rgb.length / 3;
  const lf = opts.lowFraction ?? 0.005,
    hf = opts.highFraction ?? 0.995;
  const tb = opts.targetBlack ?? 4,
    tw = opts.targetWhite ?? 250;
  // 1. Per-channel levels in encoded sRGB: each dye layer's own black and white.
  const stretched = new Uint8Array(rgb.length);
  for (let c = 0; c < 3; c++) {
    const hist = new Float64Array(256);
    for (let i = c; i < rgb.length; i += 3) hist[rgb[i]!]!++;
    const at = (f: number): number => {
      let cum = 0;
      for (let v = 0; v < 256; v++) {
        cum += hist[v]!;
        if (cum > f * n) return v;
      }
      return 255;
    };
    const lo = at(lf),
      hi = at(hf);
    const gain = hi > lo ? Math.max(1, (tw - tb) / (hi - lo)) : 1;
    const lut = new Uint8Array(256);
    for (let v = 0; v < 256; v++) lut[v] = Math.round(Math.min(255, Math.max(0, tb + (v - lo) * gain)));
    for (let i = c; i < rgb.length; i += 3) stretched[i] = lut[rgb[i]!]!;
  }
  // 2. Saturation: pale prints lost chroma the stretch cannot give back; lift it towards a typical level.
  const lab = rgb8ToLab(stretched, 3);
  let sumC = 0;
  for (let i = 0; i < n; i++) sumC += Math.hypot(lab.a[i]!, lab.b[i]!);
  const meanC = sumC / n;
  const k = meanC > 0.5 ? Math.min(opts.maxChromaGain ?? 1.8, Math.max(1, (opts.targetChroma ?? 16) / meanC)) : 1;
  if (k === 1) return stretched;
  for (let i = 0; i < n; i++) {
    lab.a[i] = lab.a[i]! * k;
    lab.b[i] = lab.b[i]! * k;
  }
  return labToRgb8(lab.L, lab.a, lab.b);
}
