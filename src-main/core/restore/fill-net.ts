// The learned fill (training/fill_train.py): the detector's U-Net shape over [harmonic fill, mask]
// that adds a correction inside the mask, so a wide crack or a flaked cheek gets the edges and
// shading around it carried in instead of a smooth blur. It starts from the harmonic fill computed
// the way training computed it (harmonic-pyramid.ts) and writes nothing outside the mask.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appRoot } from '../app-paths';
import { tf } from '../engine/backend';
import { harmonicPyramid, harmonicPyramidInPlace } from './harmonic-pyramid';
import { resizePlane, resizeRows, sizeForLongSide } from './resample';
import { loadUnetKernels, unetForward, type UnetKernels, type UnetLayerSpec } from './unet';

export interface FillNetManifest {
  id: string;
  architecture: 'fill-unet';
  widths: number[];
  layers: UnetLayerSpec[];
  /** Photos larger than this (long side, px) are filled at this size and the correction enlarged. */
  maxSide: number;
  trainedCpuMinutes?: number;
}

export interface FillNet {
  manifest: FillNetManifest;
  levels: number;
  kernels: UnetKernels;
}

export const FILL_MODEL_DIR = (): string => path.join(appRoot(), 'models', 'fill-net');
export const FILL_MANIFEST = 'fill.json';

export function loadFillNet(dir: string = FILL_MODEL_DIR()): FillNet {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, FILL_MANIFEST), 'utf8')) as FillNetManifest;
  if (manifest.architecture !== 'fill-unet') throw new Error(`${dir}: not a learned fill (${String(manifest.architecture)})`);
  if (!Array.isArray(manifest.widths)) throw new Error(`${dir}: widths missing`);
  if (!(Number.isInteger(manifest.maxSide) && manifest.maxSide >= 64 && manifest.maxSide <= 8192))
    throw new Error(`${dir}: maxSide must be a whole number of pixels from 64 to 8192, not ${String(manifest.maxSide)}`);
  const levels = manifest.widths.length;
  return { manifest, levels, kernels: loadUnetKernels(dir, manifest.layers, levels) };
}

let shipped: FillNet | null | undefined;

/** The learned fill shipped in models/fill-net, or null if this install has none. */
export function shippedFillNet(): FillNet | null {
  if (shipped === undefined) shipped = fs.existsSync(path.join(FILL_MODEL_DIR(), FILL_MANIFEST)) ? loadFillNet() : null;
  return shipped;
}

/** Side of the tiles the net runs on, and the context around each (more than a wide hole). */
const TILE = 512,
  MARGIN = 64;

/**
 * The network's correction (L units) for a harmonically filled plane `u`, on one region: mirrored out
 * to a multiple of 2^(levels − 1) as the poolings need, the result cut back to the region's size.
 */
function correction(net: FillNet, u: Float32Array, mask: Uint8Array, w: number, h: number): Float32Array {
  const unit = 2 ** (net.levels - 1);
  const pw = Math.ceil(w / unit) * unit,
    ph = Math.ceil(h / unit) * unit;
  const input = new Float32Array(pw * ph * 2);
  const mirror = (v: number, n: number): number => (v < n ? v : Math.max(0, 2 * n - 2 - v));
  for (let y = 0; y < ph; y++) {
    const sy = mirror(y, h);
    for (let x = 0; x < pw; x++) {
      const i = sy * w + mirror(x, w);
      input[2 * (y * pw + x)] = u[i]! / 50 - 1;
      input[2 * (y * pw + x) + 1] = mask[i] ? 1 : 0;
    }
  }
  const out = tf.tidy(() => unetForward(net.kernels, net.levels, tf.tensor4d(input, [1, ph, pw, 2])).dataSync() as Float32Array);
  const c = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) c[y * w + x] = 50 * out[y * pw + x]!;
  return c;
}

/**
 * L (0..100, w × h) with its masked pixels filled by the network at this size: the harmonic pyramid,
 * plus the correction, computed in overlapping tiles around the holes only. A new plane: every pixel
 * outside the mask is L's own, bit for bit.
 */
export function learnedFillPlane(net: FillNet, L: Float32Array, w: number, h: number, mask: Uint8Array): Float32Array {
  const u = harmonicPyramid(L, w, h, mask);
  const out = Float32Array.from(u);
  for (let ty = 0; ty < h; ty += TILE) {
    for (let tx = 0; tx < w; tx += TILE) {
      const cx1 = Math.min(w, tx + TILE),
        cy1 = Math.min(h, ty + TILE);
      let any = false;
      for (let y = ty; y < cy1 && !any; y++) any = mask.subarray(y * w + tx, y * w + cx1).some((v) => v !== 0);
      if (!any) continue;
      const x0 = Math.max(0, tx - MARGIN),
        y0 = Math.max(0, ty - MARGIN),
        x1 = Math.min(w, cx1 + MARGIN),
        y1 = Math.min(h, cy1 + MARGIN);
      const rw = x1 - x0,
        rh = y1 - y0;
      const su = new Float32Array(rw * rh),
        sm = new Uint8Array(rw * rh);
      for (let y = 0; y < rh; y++) {
        su.set(u.subarray((y0 + y) * w + x0, (y0 + y) * w + x1), y * rw);
        sm.set(mask.subarray((y0 + y) * w + x0, (y0 + y) * w + x1), y * rw);
      }
      const c = correction(net, su, sm, rw, rh);
      for (let y = ty; y < cy1; y++)
        for (let x = tx; x < cx1; x++) {
          const i = y * w + x;
          if (mask[i]) out[i] = Math.min(100, Math.max(0, u[i]! + c[(y - y0) * rw + (x - x0)]!));
        }
    }
  }
  return out;
}

/**
 * Fills the masked pixels of every plane in place: planes[0] (L) with the learned fill, the others
 * (a, b of a colour photo) with the harmonic pyramid. A photo up to the net's maxSide is filled at its
 * own size; a larger one is filled harmonically at full size, and the net's correction, found at
 * maxSide where a hole covers at least half a working pixel, is enlarged onto it (cracks thinner than
 * that stay harmonic: at full size that is already right). Nothing outside the mask is written.
 */
export function fillLearned(net: FillNet, planes: Float32Array[], width: number, height: number, mask: Uint8Array): void {
  for (const p of planes.slice(1)) harmonicPyramidInPlace(p, width, height, mask);
  const L = planes[0]!;
  const side = net.manifest.maxSide;
  if (Math.max(width, height) <= side) {
    copyMasked(learnedFillPlane(net, L, width, height, mask), L, mask);
    return;
  }
  // A large scan: no full-size float plane beyond L itself (the fill, the mask's cover and the
  // enlarged correction are all made in place or row by row), so a 24 MP repair stays within memory.
  harmonicPyramidInPlace(L, width, height, mask);
  const s = sizeForLongSide(width, height, side);
  const small = resizePlane(L, width, height, s.width, s.height);
  const smallMask = new Uint8Array(s.width * s.height);
  resizeRows(mask, width, height, s.width, s.height, (y, row) => {
    for (let x = 0; x < s.width; x++) smallMask[y * s.width + x] = row[x]! >= 0.5 ? 1 : 0;
  });
  const f = learnedFillPlane(net, small, s.width, s.height, smallMask);
  const delta = new Float32Array(f.length);
  for (let i = 0; i < f.length; i++) if (smallMask[i]) delta[i] = f[i]! - small[i]!;
  resizeRows(delta, s.width, s.height, width, height, (y, row) => {
    const o = y * width;
    for (let x = 0; x < width; x++) if (mask[o + x]) L[o + x] = Math.min(100, Math.max(0, L[o + x]! + row[x]!));
  });
}

function copyMasked(from: Float32Array, to: Float32Array, mask: Uint8Array): void {
  for (let i = 0; i < to.length; i++) if (mask[i]) to[i] = from[i]!;
}
