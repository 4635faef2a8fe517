// Judges the fill on holes shaped like real damage, cut in clean photos the fills never trained on:
// photos of the pool's validation report half, holes from the hand masks of the real report part
// (sources the learned fill never saw; it trained on the tune part's shapes), enlarged 1×, 2× and 4×
// relative to the photo so cracks, flakes and missing pieces of every width occur. Each fill runs
// through repairPlanes as a repair does, with the hole as the mask. PSNR is inside the holes only
// (L, peak 100), pooled over pixels, split by the width of the hole each pixel belongs to.
//   node dist/scripts/fill-eval.js [--limit 120] [--fill models/fill-net] [--look /tmp/fill-look]
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { rgb8ToL } from '../src-main/core/color/lab';
import { initBackend } from '../src-main/core/engine/backend';
import { repairPlanes, type RepairFill } from '../src-main/core/restore';
import { FILL_MODEL_DIR, loadFillNet } from '../src-main/core/restore/fill-net';
import { resizePlane } from '../src-main/core/restore/resample';
import { Rng } from '../src-main/core/rng';
import { flag } from './flags';
import { DEFAULT_POOL, evalPhotos, loadPhotoAtMost } from './eval-photos';
import { loadRealMask, realPart } from './real-masks';

const limit = Number(flag('limit', '120'));
const fillDir = flag('fill', FILL_MODEL_DIR());
const look = flag('look', '');
const WIDE = 6;

/** Each hole pixel's hole width: twice the largest distance to the hole's edge in its 8-connected piece. */
function holeWidths(mask: Uint8Array, w: number, h: number): Float32Array {
  const d = new Float32Array(w * h);
  const INF = 1e9;
  for (let i = 0; i < d.length; i++) d[i] = mask[i] ? INF : 0;
  // Two-pass chamfer (3-4) distance to the nearest known pixel, in pixels.
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!d[i]) continue;
      let v = d[i]!;
      if (x > 0) v = Math.min(v, d[i - 1]! + 3);
      if (y > 0) v = Math.min(v, d[i - w]! + 3);
      if (x > 0 && y > 0) v = Math.min(v, d[i - w - 1]! + 4);
      if (x < w - 1 && y > 0) v = Math.min(v, d[i - w + 1]! + 4);
      d[i] = v;
    }
  for (let y = h - 1; y >= 0; y--)
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (!d[i]) continue;
      let v = d[i]!;
      if (x < w - 1) v = Math.min(v, d[i + 1]! + 3);
      if (y < h - 1) v = Math.min(v, d[i + w]! + 3);
      if (x < w - 1 && y < h - 1) v = Math.min(v, d[i + w + 1]! + 4);
      if (x > 0 && y < h - 1) v = Math.min(v, d[i + w - 1]! + 4);
      d[i] = v;
    }
  const width = new Float32Array(w * h);
  const seen = new Uint8Array(w * h);
  for (let s = 0; s < d.length; s++) {
    if (!mask[s] || seen[s]) continue;
    const piece = [s];
    seen[s] = 1;
    let most = 0;
    for (let k = 0; k < piece.length; k++) {
      const i = piece[k]!,
        x = i % w;
      most = Math.max(most, d[i]! / 3);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx,
            j = i + dy * w + dx;
          if (nx < 0 || nx >= w || j < 0 || j >= d.length || seen[j] || !mask[j]) continue;
          seen[j] = 1;
          piece.push(j);
        }
    }
    for (const i of piece) width[i] = 2 * most;
  }
  return width;
}

/** A w × h hole pattern from a real mask enlarged `scale`× relative to the photo, at a seeded place. */
function holeFrom(m: { mask: Uint8Array; width: number; height: number }, w: number, h: number, scale: number, rng: Rng): Uint8Array | null {
  const f = (Math.min(w, h) * scale) / Math.min(m.width, m.height);
  const mw = Math.max(w, Math.round(m.width * f)),
    mh = Math.max(h, Math.round(m.height * f));
  const big = resizePlane(Float32Array.from(m.mask), m.width, m.height, mw, mh);
  for (let attempt = 0; attempt < 12; attempt++) {
    const ox = Math.floor(rng.next() * (mw - w + 1)),
      oy = Math.floor(rng.next() * (mh - h + 1));
    const hole = new Uint8Array(w * h);
    let n = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) n += hole[y * w + x] = big[(oy + y) * mw + ox + x]! >= 0.5 ? 1 : 0;
    if (n >= 0.005 * w * h && n <= 0.35 * w * h) return hole;
  }
  return null;
}

interface Sums {
  se: number;
  n: number;
}
const psnrOf = (s: Sums): string => (s.n ? (-10 * Math.log10(s.se / s.n / 1e4)).toFixed(2) : '—');

async function main(): Promise<void> {
  await initBackend();
  const net = fs.existsSync(path.join(fillDir, 'fill.json')) ? loadFillNet(fillDir) : null;
  const fills: RepairFill[] = net ? ['harmonic', 'learned'] : ['harmonic'];
  const masks = await Promise.all(realPart('report').map(loadRealMask));
  const photos = evalPhotos(DEFAULT_POOL, 'report', limit, 7);
  const sums = new Map<string, Sums>();
  const add = (key: string, se: number): void => {
    const s = sums.get(key) ?? { se: 0, n: 0 };
    s.se += se;
    s.n++;
    sums.set(key, s);
  };
  const count = new Map<string, number>();
  if (look) fs.mkdirSync(look, { recursive: true });
  for (let k = 0; k < photos.length; k++) {
    const p = photos[k]!;
    const { rgb, width: w, height: h } = await loadPhotoAtMost(DEFAULT_POOL, p.name, 512);
    const L = rgb8ToL(rgb, 3);
    const m = masks[k % masks.length]!;
    const scale = [1, 2, 4][k % 3]!;
    const hole = holeFrom(m, w, h, scale, new Rng(p.seed));
    if (!hole) continue;
    count.set(m.source, (count.get(m.source) ?? 0) + 1);
    const widths = holeWidths(hole, w, h);
    const outs: Float32Array[] = [];
    for (const fill of fills) {
      const out = Float32Array.from(L);
      repairPlanes([out], w, h, { detector: () => hole, fill, ...(net && fill === 'learned' ? { fillNet: net } : {}) });
      outs.push(out);
      for (let i = 0; i < hole.length; i++) {
        if (!hole[i]) continue;
        const se = (out[i]! - L[i]!) ** 2;
        const band = widths[i]! > WIDE ? 'wide' : 'narrow';
        for (const src of [m.source, 'all']) {
          add(`${fill}|${src}|all`, se);
          add(`${fill}|${src}|${band}`, se);
        }
      }
    }
    if (look && k < 24) await writeLook(path.join(look, `${String(k).padStart(2, '0')}-x${scale}.png`), L, hole, outs, w, h);
  }
  const bands = ['all', 'narrow', 'wide'];
  console.log(
    `fill | ${bands.map((b) => `${b === 'all' ? 'all holes' : b === 'wide' ? `holes > ${WIDE} px` : `holes ≤ ${WIDE} px`} dB`).join(' | ')}`,
  );
  for (const src of [...count.keys()].sort().concat('all')) {
    const n = src === 'all' ? [...count.values()].reduce((a, b) => a + b, 0) : count.get(src)!;
    console.log(`${src} (${n} photos)`);
    for (const fill of fills) {
      console.log(`  ${fill.padEnd(9)}| ${bands.map((b) => psnrOf(sums.get(`${fill}|${src}|${b}`) ?? { se: 0, n: 0 }).padStart(6)).join(' | ')}`);
    }
  }
  const share = (b: string): string => `${((100 * (sums.get(`harmonic|all|${b}`)?.n ?? 0)) / (sums.get('harmonic|all|all')?.n ?? 1)).toFixed(1)} %`;
  console.log(`hole pixels: ${sums.get('harmonic|all|all')?.n ?? 0} (narrow ${share('narrow')}, wide ${share('wide')})`);
}

/** [photo with the hole white | each fill | the truth], for looking; never for sharing (pool photos). */
async function writeLook(file: string, L: Float32Array, hole: Uint8Array, outs: Float32Array[], w: number, h: number): Promise<void> {
  const panels = [Float32Array.from(L, (v, i) => (hole[i] ? 100 : v)), ...outs, L];
  const W = w * panels.length;
  const img = Buffer.alloc(W * h);
  panels.forEach((p, k) => {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[y * W + k * w + x] = Math.round(Math.min(100, Math.max(0, p[y * w + x]!)) * 2.55);
  });
  await sharp(img, { raw: { width: W, height: h, channels: 1 } })
    .png()
    .toFile(file);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
