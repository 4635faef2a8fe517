// Figures for models/README.md:
//   models/comparison-grid.jpg  — 12 report-half photos (6 sha1, 6 held-out sources): grey | rival | ours | truth
//   models/historic-examples.jpg — the shipped pre-1900 samples: scan | colorized
//   node dist/scripts/model-card-figures.js <pool folder> [ours id] [rival id]
// Only sources without identifiable people are drawn from (the pool's people photos are for training only).
import * as path from 'node:path';
import sharp = require('sharp');
import { appRoot } from '../src-main/core/app-paths';
import { DEFAULT_MODEL_ID, resolveModel } from '../src-main/core/engine/model-registry';
import { inSplit } from '../src-main/core/eval/split';
import { greyAnswer } from '../src-main/core/eval/evaluate';
import { decodePhoto, DecodedPhoto } from '../src-main/core/imaging/decode';
import { colorizePixels } from '../src-main/core/pipeline/colorize';
import { collectPhotos } from '../src-main/core/photo-files';

const CELL = 192;

/** Pool sources of rooms, garments, pets and places: no person is the subject, so they may be shown. */
const SHOWABLE_SOURCES = ['places365rooms', 'catsdogs', 'sunhays80', 'urban100', 'mcmaster', 'clothing', 'indoorsample'];

const showable = (file: string): boolean => SHOWABLE_SOURCES.some((s) => path.basename(file).startsWith(`${s}_`));

function spread(files: string[], n: number): string[] {
  return Array.from({ length: n }, (_, i) => files[Math.floor((i * files.length) / n)]);
}

async function cell(rgb: Buffer, w: number, h: number, height = CELL): Promise<{ input: Buffer; width: number }> {
  const buf = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .resize({ height })
    .png()
    .toBuffer();
  const m = await sharp(buf).metadata();
  return { input: buf, width: m.width! };
}

async function montage(rows: Array<Array<{ input: Buffer; width: number }>>, height: number, file: string): Promise<void> {
  const gap = 4;
  const width = Math.max(...rows.map((r) => r.reduce((s, c) => s + c.width + gap, gap)));
  const composites: sharp.OverlayOptions[] = [];
  rows.forEach((r, i) => {
    let x = gap;
    for (const c of r) {
      composites.push({ input: c.input, left: x, top: gap + i * (height + gap) });
      x += c.width + gap;
    }
  });
  await sharp({ create: { width, height: gap + rows.length * (height + gap), channels: 3, background: '#ffffff' } })
    .composite(composites)
    .jpeg({ quality: 88 })
    .toFile(file);
}

async function main(): Promise<void> {
  const [pool, oursId = DEFAULT_MODEL_ID, rivalId = 'heirloom-base-v2'] = process.argv.slice(2);
  const ours = (await resolveModel(oursId)).model;
  const rival = (await resolveModel(rivalId)).model;
  const all = collectPhotos([pool]).files.filter(showable);
  const picks = [
    ...spread(
      all.filter((f) => inSplit(f, 'validation-report')),
      6,
    ),
    ...spread(
      all.filter((f) => inSplit(f, 'sources-report')),
      6,
    ),
  ];
  const rows = [];
  for (const f of picks) {
    const truth = await decodePhoto(f);
    const grey = greyAnswer(truth.rgb, truth.width, truth.height);
    const input: DecodedPhoto = { ...truth, rgb: grey.rgb };
    const b = await colorizePixels(input, rival);
    const o = await colorizePixels(input, ours);
    rows.push(await Promise.all([grey.rgb, b.rgb, o.rgb, truth.rgb].map((px) => cell(px, truth.width, truth.height))));
  }
  await montage(rows, CELL, path.join(appRoot(), 'models', 'comparison-grid.jpg'));
  const historic = collectPhotos([path.join(appRoot(), 'samples')]).files;
  const hrows = [];
  for (const f of historic) {
    const photo = await decodePhoto(f);
    const o = await colorizePixels(photo, ours);
    hrows.push(await Promise.all([photo.rgb, o.rgb].map((px) => cell(px, photo.width, photo.height, 300))));
  }
  await montage(hrows, 300, path.join(appRoot(), 'models', 'historic-examples.jpg'));
  console.log('wrote models/comparison-grid.jpg and models/historic-examples.jpg');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
