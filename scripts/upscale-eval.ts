// Measures the enlarging step (core/restore/upscale.ts) against plain resizing on held-out photos
// (the sha1 split: --half tune to choose anything, --half report for the model card's numbers).
//   node dist/scripts/upscale-eval.js [pool folder] [--half tune|report] [--limit 30] [--seed 1]
//        [--package-dir <unpacked @upscalerjs/esrgan-* package, or a fine-tune folder like models/upscaler>] [--factor 2]
// Each photo (the clean truth) is made into a "scan" the way an old print reaches a scanner, seeded:
// slight Gaussian blur, downscaled ×factor, grain-like noise, JPEG q 75. The scan is enlarged back
// by bicubic (sharp / libvips) and by the network, and each is compared with the clean photo: PSNR on Y (BT.601
// luma, 8-bit, a factor-px border left out) and on RGB. The same is done for a clean downscale (no
// blur, noise or JPEG), the conditions the network was trained for, to show what it can do at all.
import * as path from 'node:path';
import sharp = require('sharp');
import type { ValidationHalf } from '../src-main/core/eval/split';
import { psnr } from '../src-main/core/metrics';
import { Rng } from '../src-main/core/rng';
import { isUpscaleFactor, loadUpscaler, loadUpscalerFrom, upscaleRgb, type Upscaler } from '../src-main/core/restore/upscale';
import { DEFAULT_POOL, evalPhotos, mean } from './eval-photos';
import { flag } from './flags';

const pool = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : DEFAULT_POOL;
const half = flag('half', 'tune') as ValidationHalf;
const limit = Number(flag('limit', '30'));
const seed = Number(flag('seed', '1'));
const factor = Number(flag('factor', '2'));
const packageDir = flag('package-dir', '');

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};

/** PSNR on BT.601 luma (peak 255), leaving out `border` px on each side. */
function psnrY(a: Uint8Array, b: Uint8Array, w: number, h: number, border: number): number {
  let se = 0,
    n = 0;
  for (let y = border; y < h - border; y++) {
    for (let x = border; x < w - border; x++) {
      const i = (y * w + x) * 3;
      const ya = 0.299 * a[i]! + 0.587 * a[i + 1]! + 0.114 * a[i + 2]!;
      const yb = 0.299 * b[i]! + 0.587 * b[i + 1]! + 0.114 * b[i + 2]!;
      se += (ya - yb) ** 2;
      n++;
    }
  }
  return se === 0 ? 99 : 10 * Math.log10((255 * 255 * n) / se);
}

const raw = (buf: Uint8Array, width: number, height: number): sharp.Sharp => sharp(buf, { raw: { width, height, channels: 3 } });

/** A seeded "scan" of the clean photo: blur σ 0.6–1.0, ×factor smaller, noise σ 2–4 levels, JPEG q 75. */
async function scanOf(clean: Buffer, w: number, h: number, rng: Rng): Promise<{ rgb: Buffer; sigma: number; noise: number }> {
  const sigma = 0.6 + 0.4 * rng.next();
  const noise = 2 + 2 * rng.next();
  const small = await raw(clean, w, h)
    .blur(sigma)
    .resize(w / factor, h / factor, { kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  for (let i = 0; i < small.length; i += 3) {
    // Grain: mostly shared by the channels (lightness), a little per channel.
    const g = rng.gauss(0, noise);
    for (let c = 0; c < 3; c++) small[i + c] = Math.max(0, Math.min(255, Math.round(small[i + c]! + g + rng.gauss(0, noise / 3))));
  }
  const jpeg = await raw(small, w / factor, h / factor)
    .jpeg({ quality: 75 })
    .toBuffer();
  const rgb = await sharp(jpeg).raw().toBuffer();
  return { rgb, sigma, noise };
}

interface Scores {
  y: number;
  rgb: number;
}
type Method = 'bicubic' | 'network';

async function enlarge(method: Method, lr: Buffer, w: number, h: number, up: Upscaler): Promise<Uint8Array> {
  if (method === 'network') return (await upscaleRgb(up, lr, w, h, { tile: 4096 })).rgb;
  // libvips enlarges with its bicubic interpolator whatever the reduction kernel (lanczos3 gives the same bytes).
  return raw(lr, w, h)
    .resize(w * factor, h * factor, { kernel: 'cubic' })
    .raw()
    .toBuffer();
}

async function main(): Promise<void> {
  if (!isUpscaleFactor(factor)) throw new Error('--factor must be 2 or 4');
  const up = packageDir ? await loadUpscalerFrom(path.resolve(packageDir), factor) : await loadUpscaler(factor);
  const files = evalPhotos(pool, half, limit, seed);
  const methods: Method[] = ['bicubic', 'network'];
  const res: Record<'scan' | 'clean', Record<Method, Scores[]>> = { scan: { bicubic: [], network: [] }, clean: { bicubic: [], network: [] } };
  let netSeconds = 0,
    netPixels = 0;
  for (const { name, seed: photoSeed } of files) {
    const rng = new Rng(photoSeed);
    const img = sharp(path.join(pool, name)).rotate().toColourspace('srgb').removeAlpha();
    const meta = await img.clone().raw().toBuffer({ resolveWithObject: true });
    // Whole multiples of the factor, so the enlarged scan lines up with the truth pixel for pixel.
    const w = meta.info.width - (meta.info.width % factor),
      h = meta.info.height - (meta.info.height % factor);
    const clean = await img.extract({ left: 0, top: 0, width: w, height: h }).raw().toBuffer();
    const scan = await scanOf(clean, w, h, rng);
    const plain = await raw(clean, w, h)
      .resize(w / factor, h / factor, { kernel: 'lanczos3' })
      .raw()
      .toBuffer();
    const line: string[] = [];
    for (const [kind, lr] of [
      ['scan', scan.rgb],
      ['clean', plain],
    ] as const) {
      for (const m of methods) {
        const t0 = Date.now();
        const out = await enlarge(m, lr, w / factor, h / factor, up);
        if (m === 'network') {
          netSeconds += (Date.now() - t0) / 1000;
          netPixels += (w / factor) * (h / factor);
        }
        const s = { y: psnrY(out, clean, w, h, factor), rgb: Math.min(99, psnr(out, clean)) };
        res[kind][m].push(s);
        line.push(`${kind[0]}:${m.slice(0, 3)} ${s.y.toFixed(2)}`);
      }
    }
    console.log(`${name} ${w}×${h} blur ${scan.sigma.toFixed(2)} noise ${scan.noise.toFixed(1)}  ${line.join('  ')}`);
  }
  console.log(`\n${up.model} ×${factor}, ${files.length} photos of the sha1 ${half} half (seed ${seed}); PSNR in dB vs the clean photo`);
  console.log('input             method     Y-PSNR   RGB-PSNR   Δ Y vs bicubic (median)   photos where Y beats bicubic');
  for (const kind of ['scan', 'clean'] as const) {
    const base = res[kind].bicubic.map((s) => s.y);
    for (const m of methods) {
      const ys = res[kind][m].map((s) => s.y);
      const wins = ys.filter((v, i) => v > base[i]!).length;
      const label = kind === 'scan' ? 'scan (degraded)' : 'clean downscale';
      const med = median(ys.map((v, i) => v - base[i]!));
      console.log(
        `${label.padEnd(17)} ${m.padEnd(10)} ${mean(ys).toFixed(2).padStart(6)}   ${mean(res[kind][m].map((s) => s.rgb))
          .toFixed(2)
          .padStart(8)}   ${(mean(ys) - mean(base)).toFixed(2).padStart(14)} (${med.toFixed(2)})   ${wins}/${ys.length}`,
      );
    }
  }
  console.log(`network: ${(netSeconds / Math.max(1, netPixels / 50176)).toFixed(2)} s per 224² of input (${netSeconds.toFixed(0)} s in all)`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
