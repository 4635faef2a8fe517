// The restoration figure of the model card: each shipped historic sample (public domain, pre-1900)
// as scanned, with the damage the detector found marked in red, and after repair + tone (no colour).
//   node dist/scripts/restore-figure.js [out.png] [--threshold p]
// Real damage has no ground truth: this figure is for the eye, the numbers come from restore-eval.
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { appRoot } from '../src-main/core/app-paths';
import { rgb8ToL } from '../src-main/core/color/lab';
import { initBackend } from '../src-main/core/engine/backend';
import { decodePhoto } from '../src-main/core/imaging/decode';
import { defaultDetector } from '../src-main/core/restore';
import { restoreDecoded } from '../src-main/core/restore/restore-step';
import { flag } from './flags';

const CELL = 300; // each panel's height, px
const out = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : path.join(appRoot(), 'models', 'restore-historic.png');
const thresholdFlag = flag('threshold', '');

async function panel(rgb: Uint8Array, w: number, h: number): Promise<{ input: Buffer; width: number }> {
  const width = Math.round((w / h) * CELL);
  return {
    input: await sharp(Buffer.from(rgb), { raw: { width: w, height: h, channels: 3 } })
      .resize(width, CELL)
      .png()
      .toBuffer(),
    width,
  };
}

async function main(): Promise<void> {
  await initBackend();
  const detector = defaultDetector(thresholdFlag ? Number(thresholdFlag) : undefined);
  const dir = path.join(appRoot(), 'samples');
  const rows: Array<Array<{ input: Buffer; width: number }>> = [];
  for (const name of fs
    .readdirSync(dir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()) {
    const photo = await decodePhoto(path.join(dir, name));
    const { width: w, height: h } = photo;
    const mask = detector.detect(rgb8ToL(photo.rgb, 3), w, h);
    const marked = Uint8Array.from(photo.rgb);
    for (let i = 0; i < mask.length; i++) if (mask[i]) marked.set([230, 30, 30], i * 3);
    const restored = restoreDecoded(photo, { repair: true, tone: true, recolorFaded: false, colorize: false });
    rows.push([await panel(photo.rgb, w, h), await panel(marked, w, h), await panel(restored.photo.rgb, w, h)]);
    process.stderr.write(`${name}: ${restored.repairedPixels} px repaired (${((100 * restored.repairedPixels) / (w * h)).toFixed(2)} %)\n`);
  }
  // Two samples per line: original | found damage | restored, twice.
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
