// Is a photo black and white at heart? A grey scan (R = G = B), but also a sepia, selenium or
// cyanotype print or a yellowed one: one hue throughout, at low chroma. Such photos are restored on
// their lightness and colorized; a photo with several real hues is a colour photo.
import { rgb8ToLab } from '../color/lab';
import { localResidual } from './monochrome-local';

export interface MonochromeVerdict {
  monochrome: boolean;
  /** Share of sampled pixels with chroma above CHROMA_COLOURED. */
  colouredShare: number;
  /** How much the coloured pixels agree on one hue: |mean of unit hue vectors|, 0..1. */
  hueAgreement: number;
  /** Their mean hue angle in degrees (atan2(b, a): 0 red, 90 yellow, 180 green, 270 blue). */
  hue: number;
  /** 95th percentile of chroma over the sampled pixels. */
  chromaP95: number;
  /** RMS distance of each pixel's (a, b) from the mean (a, b) of pixels of its lightness: how much colour L does not explain. */
  residual: number;
  /** Median of the same per-pixel distance: a few foxing spots or a stain move it little. */
  residualMedian: number;
  /** Colour that neither L nor a slow cast explains, median and 75th percentile over the print (monochrome-local.ts). */
  localMedian: number;
  localP75: number;
}

const CHROMA_COLOURED = 6;
const SAMPLES = 40_000;

export function judgeMonochrome(rgb: Uint8Array, width: number, height: number): MonochromeVerdict {
  const n = rgb.length / 3;
  const step = Math.max(1, Math.floor(n / SAMPLES));
  const sample = new Uint8Array(Math.ceil(n / step) * 3);
  let m = 0;
  for (let p = 0; p < n; p += step, m++) sample.set(rgb.subarray(p * 3, p * 3 + 3), m * 3);
  const lab = rgb8ToLab(sample.subarray(0, m * 3), 3);
  const chroma = new Float32Array(m);
  let coloured = 0,
    hx = 0,
    hy = 0;
  for (let i = 0; i < m; i++) {
    const c = Math.hypot(lab.a[i]!, lab.b[i]!);
    chroma[i] = c;
    if (c > CHROMA_COLOURED) {
      coloured++;
      hx += lab.a[i]! / c;
      hy += lab.b[i]! / c;
    }
  }
  const colouredShare = coloured / Math.max(1, m);
  const hueAgreement = coloured ? Math.hypot(hx, hy) / coloured : 1;
  const hue = ((Math.atan2(hy, hx) * 180) / Math.PI + 360) % 360;
  // A toned print's colour is a function of its lightness (the toner follows the silver); in a colour
  // photo, pixels of one lightness have many colours (skin, hair, a wall, a sky).
  const BINS = 25;
  const sa = new Float64Array(BINS),
    sb = new Float64Array(BINS),
    cnt = new Float64Array(BINS);
  const bin = (L: number): number => Math.min(BINS - 1, Math.max(0, Math.floor((L / 100) * BINS)));
  for (let i = 0; i < m; i++) {
    const k = bin(lab.L[i]!);
    sa[k] += lab.a[i]!;
    sb[k] += lab.b[i]!;
    cnt[k]++;
  }
  let r2 = 0;
  const dist = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const k = bin(lab.L[i]!);
    const d2 = (lab.a[i]! - sa[k]! / cnt[k]!) ** 2 + (lab.b[i]! - sb[k]! / cnt[k]!) ** 2;
    r2 += d2;
    dist[i] = Math.sqrt(d2);
  }
  const residual = Math.sqrt(r2 / Math.max(1, m));
  dist.sort();
  const residualMedian = dist[Math.floor(0.5 * (m - 1))] ?? 0;
  const chromaP95 = chroma.sort()[Math.floor(0.95 * (m - 1))] ?? 0;
  // Thresholds chosen by scripts/monochrome-eval.ts on its tune part (the real prints' tune source,
  // the shipped samples, half of the pool's colour photos and of the toned prints made from others):
  // - nearly grey: few coloured pixels, or a faint tint (cool, warm or mixed) that nothing but a slow cast explains;
  // - toned: one hue throughout that lightness and a slow cast explain (a stain, a yellowed edge, tarnish).
  //   Warm toners (sepia, selenium, gold, yellowed paper: 56–115°) may carry more such colour than other
  //   hues, whose one-hue colour photos (skin close-ups at 40–55°, skies) are the ones to tell apart.
  const local = localResidual(rgb, width, height);
  const warm = hue >= 56 && hue <= 115;
  const monochrome =
    colouredShare < 0.02 ||
    (chromaP95 < 12 && local.median < 1.1) ||
    (hueAgreement >= 0.96 && chromaP95 < 45 && (warm ? local.median < 2.5 && residualMedian < 3.7 : local.median < 1.4 && residualMedian < 3.0));
  return { monochrome, colouredShare, hueAgreement, hue, chromaP95, residual, residualMedian, localMedian: local.median, localP75: local.p75 };
}
