// How much colour a photo has that neither its lightness nor a slow cast across it explains. A toned
// print's colour follows its silver (a function of L), and what it adds on top — a stain, a yellowed
// edge, a tarnish halo, an uneven toner — changes slowly across the print; a colour photo's extra
// colour changes at its objects' edges (lips, eyes, a shirt, a sky's edge).
import { rgb8ToLab } from '../color/lab';

const GRID = 96;
const BINS = 25;

export interface LocalResidual {
  /** Median over grid cells of |colour − f(L) − slow cast| (chroma units). */
  median: number;
  /** Its 75th percentile. */
  p75: number;
}

export function localResidual(rgb: Uint8Array, width: number, height: number): LocalResidual {
  const s = Math.min(1, GRID / Math.max(width, height));
  const gw = Math.max(1, Math.round(width * s)),
    gh = Math.max(1, Math.round(height * s));
  const cells = gw * gh;
  // Mean Lab of each cell, from pixels sampled on a grid four times finer.
  const sumL = new Float64Array(cells),
    sumA = new Float64Array(cells),
    sumB = new Float64Array(cells),
    cnt = new Float64Array(cells);
  const sx = Math.max(1, Math.floor(width / (gw * 4))),
    sy = Math.max(1, Math.floor(height / (gh * 4)));
  const px: number[] = [];
  const cellOf: number[] = [];
  for (let y = 0; y < height; y += sy)
    for (let x = 0; x < width; x += sx) {
      px.push(y * width + x);
      cellOf.push(Math.min(gh - 1, Math.floor((y * gh) / height)) * gw + Math.min(gw - 1, Math.floor((x * gw) / width)));
    }
  const sample = new Uint8Array(px.length * 3);
  px.forEach((p, i) => sample.set(rgb.subarray(p * 3, p * 3 + 3), i * 3));
  const lab = rgb8ToLab(sample, 3);
  cellOf.forEach((c, i) => {
    sumL[c] += lab.L[i]!;
    sumA[c] += lab.a[i]!;
    sumB[c] += lab.b[i]!;
    cnt[c]++;
  });
  const L = new Float32Array(cells),
    ra = new Float32Array(cells),
    rb = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    const k = Math.max(1, cnt[c]!);
    L[c] = sumL[c]! / k;
    ra[c] = sumA[c]! / k;
    rb[c] = sumB[c]! / k;
  }
  // Colour as a function of lightness: the mean (a, b) of the cells in each L bin.
  const ba = new Float64Array(BINS),
    bb = new Float64Array(BINS),
    bn = new Float64Array(BINS);
  const bin = (l: number): number => Math.min(BINS - 1, Math.max(0, Math.floor((l / 100) * BINS)));
  for (let c = 0; c < cells; c++) {
    const k = bin(L[c]!);
    ba[k] += ra[c]!;
    bb[k] += rb[c]!;
    bn[k]++;
  }
  for (let c = 0; c < cells; c++) {
    const k = bin(L[c]!);
    ra[c] -= ba[k]! / bn[k]!;
    rb[c] -= bb[k]! / bn[k]!;
  }
  // The slow cast: the residual blurred over an eighth of the print.
  const r = Math.max(2, Math.round(Math.max(gw, gh) / 8));
  const slowA = boxBlur(ra, gw, gh, r),
    slowB = boxBlur(rb, gw, gh, r);
  const d = new Float32Array(cells);
  for (let c = 0; c < cells; c++) d[c] = Math.hypot(ra[c]! - slowA[c]!, rb[c]! - slowB[c]!);
  d.sort();
  return { median: d[Math.floor(0.5 * (cells - 1))] ?? 0, p75: d[Math.floor(0.75 * (cells - 1))] ?? 0 };
}

function boxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h),
    out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0,
        n = 0;
      for (let i = Math.max(0, x - r); i <= Math.min(w - 1, x + r); i++, n++) s += src[y * w + i]!;
      tmp[y * w + x] = s / n;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0,
        n = 0;
      for (let j = Math.max(0, y - r); j <= Math.min(h - 1, y + r); j++, n++) s += tmp[j * w + x]!;
      out[y * w + x] = s / n;
    }
  return out;
}
