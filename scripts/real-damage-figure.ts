// The model card's figure of repair on real damage, made only of showable photos: each shipped
// historic sample (public domain) gets the damage of one real damaged print transplanted onto it —
// the hand mask's shape only, painted bright as broken emulsion is (never the real photo's pixels) —
// then is repaired as `heirloom restore --repair --tone
// --no-colorize` would. Panels: with the transplanted damage | what the detector found (red) | repaired.
//   node dist/scripts/real-damage-figure.js [out.png] [--detector <folder>]
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { appRoot } from '../src-main/core/app-paths';
import { initBackend } from '../src-main/core/engine/backend';
import { decodePhoto } from '../src-main/core/imaging/decode';
import { rgb8ToL } from '../src-main/core/color/lab';
import { DAMAGE_MANIFEST, loadDamageNet } from '../src-main/core/restore/damage-net';
import { boxMean, lToGreyRgb } from '../src-main/core/restore/planes';
import { repairPlanes } from '../src-main/core/restore';
import { resizePlane } from '../src-main/core/restore/resample';
import { defaultDetector } from '../src-main/core/restore/restore-step';
import { restoreTone } from '../src-main/core/restore/tone';
import { flag } from './flags';
import { evalRepairFill } from './eval-photos';
import { loadRealMask, realPart } from './real-masks';
import { Rng } from '../src-main/core/rng';

const CELL = 300;
const out = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : path.join(appRoot(), 'models', 'restore-real-damage.png');
const detectorDir = flag('detector', '');

/**
 * A real print's damage, as its hand mask's shape only (our own drawing, committed in
 * training/real-masks): brought to the sample's size, and painted as a print's broken emulsion
 * shows, bright paper with a little unevenness. Nothing of the real photo's pixels is used.
 */
async function damageOf(file: string, w: number, h: number, seed: number): Promise<{ mask: Uint8Array; paint: Float32Array }> {
  const real = await loadRealMask(file);
  const m = resizePlane(
    Float32Array.from(real.mask, (v) => (v ? 1 : 0)),
    real.width,
    real.height,
    w,
    h,
  );
  const mask = Uint8Array.from(m, (v) => (v >= 0.35 ? 1 : 0));
  const rng = new Rng(seed);
  const noise = boxMean(
    Float32Array.from({ length: w * h }, () => rng.next()),
    w,
    h,
    2,
  );
  const paint = Float32Array.from(noise, (v) => 94 + 20 * (v - 0.5));
  return { mask, paint };
}

async function panel(L: Float32Array, w: number, h: number, red?: Uint8Array): Promise<{ input: Buffer; width: number }> {
  const rgb = Buffer.from(lToGreyRgb(L));
  if (red) for (let i = 0; i < red.length; i++) if (red[i]) rgb.set([230, 30, 30], i * 3);
  const width = Math.round((w / h) * CELL);
  return {
    input: await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
      .resize(width, CELL)
      .png()
      .toBuffer(),
    width,
  };
}

async function main(): Promise<void> {
  await initBackend();
  const candidate = detectorDir && fs.existsSync(path.join(detectorDir, DAMAGE_MANIFEST)) ? loadDamageNet(detectorDir) : undefined;
  const detector = defaultDetector(undefined, candidate);
  const sources = realPart('report');
  const dir = path.join(appRoot(), 'samples');
  const names = fs
    .readdirSync(dir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort();
  const rows: Array<Array<{ input: Buffer; width: number }>> = [];
  for (const [k, name] of names.entries()) {
    const photo = await decodePhoto(path.join(dir, name));
    const { width: w, height: h } = photo;
    const L = rgb8ToL(photo.rgb, 3);
    const src = sources[(k * 3) % sources.length]!;
    const { mask, paint } = await damageOf(src, w, h, k + 1);
    for (let i = 0; i < L.length; i++) if (mask[i]) L[i] = Math.min(100, Math.max(L[i]!, paint[i]!));
    const found = detector.detect(L, w, h);
    const fixed = Float32Array.from(L);
    repairPlanes([fixed], w, h, { detector: () => found, ...evalRepairFill() });
    restoreTone(fixed, w, h, {});
    rows.push([await panel(L, w, h), await panel(L, w, h, found), await panel(fixed, w, h)]);
    process.stderr.write(`${name}: damage of ${src.split('_')[0]} print ${sources.indexOf(src) + 1}\n`);
  }
  const gap = 8;
  const lineWidth = (r: (typeof rows)[number]): number => r.reduce((s, p) => s + p.width + gap, 0);
  const lines: Array<typeof rows> = [];
  for (let i = 0; i < rows.length; i += 2) lines.push(rows.slice(i, i + 2));
  const width = Math.max(...lines.map((l) => l.reduce((s, r) => s + lineWidth(r) + 3 * gap, 0)));
  const composite: sharp.OverlayOptions[] = [];
  lines.forEach((line, li) => {
    let x = 0;
    for (const r of line) {
      for (const p of r) {
        composite.push({ input: p.input, left: x, top: li * (CELL + gap) });
        x += p.width + gap;
      }
      x += 3 * gap;
    }
  });
  await sharp({ create: { width, height: lines.length * (CELL + gap), channels: 3, background: '#ffffff' } })
    .composite(composite)
    .png()
    .toFile(out);
  console.log(`wrote ${out} (detector ${detector.id})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
