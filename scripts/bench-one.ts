// One benchmark measurement in a fresh process (so peak RSS belongs to this photo alone):
//   node dist/scripts/bench-one.js <photo> <io|colorize|restore|upscale|upscale4|preview|predict|predict-gated> [repeats] [model id or folder]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp = require('sharp');
import { initBackend } from '../src-main/core/engine/backend';
import { resolveModel } from '../src-main/core/engine/model-registry';
import { predictAb } from '../src-main/core/engine/predict';
import { decodePhoto } from '../src-main/core/imaging/decode';
import { encodeColorized, jpegOptions } from '../src-main/core/imaging/encode';
import { writeFileAtomic } from '../src-main/core/fs-atomic';
import { colorizePixels } from '../src-main/core/pipeline/colorize';
import { restoreDecoded } from '../src-main/core/restore/restore-step';
import { loadUpscaler, upscaleRgb } from '../src-main/core/restore/upscale';
import { LivePreview } from '../src-main/core/hints/live-preview';
import { workingDims } from '../src-main/core/pipeline/working-size';
import { archiveLikelihoodRatio, photoFeatures, poolCoordinates } from '../src-main/core/engine/archive-gate';
import { fitGateOnArchive } from '../src-main/core/finetune/archive-gate-fit';
import { loadModel, LoadedModel } from '../src-main/core/engine/model-store';
import { appRoot } from '../src-main/core/app-paths';

/**
 * The model as a fine-tuned checkpoint runs it, in the slowest case: an archive gate (fitted on the
 * shipped samples) whose midpoint is the benchmark input itself, so both networks run and are mixed.
 */
async function halfGated(model: LoadedModel, L: Float32Array, width: number, height: number): Promise<LoadedModel> {
  if (!model.pool) throw new Error(`${model.manifest.id} has no pool summary (scripts/pool-embedding.ts)`);
  const samples = path.join(appRoot(), 'samples');
  const files = fs
    .readdirSync(samples)
    .filter((n) => n.endsWith('.jpg'))
    .map((n) => path.join(samples, n));
  const { gate, embedder: features } = await fitGateOnArchive(model.net, model.manifest.workingSize, model.pool, files, {
    file: 'none',
    scale: 0.3,
    layers: [],
  });
  gate.midpoint = archiveLikelihoodRatio(gate, poolCoordinates(model.pool, photoFeatures(features, L, width, height)));
  return { ...model, gate: { gate, parent: (await loadModel(model.dir)).net, embedder: features } };
}

async function main(): Promise<void> {
  const [file, mode, repeatsArg, modelSpec] = process.argv.slice(2);
  const repeats = Number(repeatsArg ?? 1);
  const upscaleFactor = mode === 'upscale4' ? 4 : 2;
  const backend = await initBackend();
  const { model } = await resolveModel(modelSpec);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-bench-'));
  // The photo view's live preview: the photo is decoded once (in the warm-up); each repeat is one hint change.
  const preview = new LivePreview(() => file);
  const dims = await sharp(file).metadata();
  const work = workingDims(dims.width!, dims.height!, model.manifest.workingSize);
  const greyL = new Float32Array(work.width * work.height).fill(50);
  const predicted = mode === 'predict-gated' ? await halfGated(model, greyL, work.width, work.height) : model;
  let hintX = 0.1;
  const once = async (): Promise<void> => {
    if (mode === 'io') {
      // The I/O floor: sharp alone decoding and re-encoding the same file, with the JPEG settings Heirloom writes.
      const { width, height } = await sharp(file).metadata();
      const buf = await sharp(file)
        .rotate()
        .jpeg(jpegOptions(92, width! * height!))
        .toBuffer();
      writeFileAtomic(path.join(outDir, 'io.jpg'), buf);
    } else if (mode === 'colorize') {
      const photo = await decodePhoto(file);
      const px = await colorizePixels(photo, model);
      const buf = await encodeColorized(px.rgb, px.width, px.height, photo.meta, { format: 'jpg', quality: 92, software: 'bench' });
      writeFileAtomic(path.join(outDir, 'out.jpg'), buf);
    } else if (mode === 'upscale' || mode === 'upscale4') {
      // Enlarging ×2 (or ×4: the ×2 network twice) alone, in 224² tiles as the restore step runs it, then the JPEG.
      const photo = await decodePhoto(file);
      const big = await upscaleRgb(await loadUpscaler(upscaleFactor), photo.rgb, photo.width, photo.height);
      const buf = await encodeColorized(big.rgb, big.width, big.height, photo.meta, { format: 'jpg', quality: 92, software: 'bench' });
      writeFileAtomic(path.join(outDir, 'upscaled.jpg'), buf);
    } else if (mode === 'preview') {
      hintX = (hintX + 0.13) % 1;
      await preview.render(1, model, { hints: [{ x: hintX, y: 0.5, color: '#3a5fa0' }] });
    } else if (mode === 'restore') {
      // Repair (the shipped detector) + tone, as `heirloom restore --repair --tone --no-colorize`.
      const photo = await decodePhoto(file);
      const r = restoreDecoded(photo, { repair: true, tone: true, recolorFaded: false, colorize: false });
      const buf = await encodeColorized(r.photo.rgb, r.photo.width, r.photo.height, photo.meta, { format: 'jpg', quality: 92, software: 'bench' });
      writeFileAtomic(path.join(outDir, 'restored.jpg'), buf);
    } else {
      predictAb(predicted, greyL, work.width, work.height);
    }
  };
  // Warm-up: wasm compilation, first-use allocations (for enlarging, one small tile: a whole run takes a minute).
  if (mode.startsWith('upscale')) await upscaleRgb(await loadUpscaler(upscaleFactor), new Uint8Array(64 * 64 * 3).fill(128), 64, 64);
  else await once();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < repeats; i++) await once();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9 / repeats;
  fs.rmSync(outDir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ mode, seconds, peakRssMB: process.resourceUsage().maxRSS / 1024, backend: backend.name }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
