// Summarises the training pool's image-level features for a base model (archive-gate.ts): their mean
// and the pool's GATE_DIMS main directions with the spread along each, written into the model folder
// as pool-embedding.json and named in heirloom.json. A statistic of many photos, never a photo.
//   node dist/scripts/pool-embedding.js <model dir> [pool folder] [--photos 800]
// The photos are the pool's training photos (no validation half, no held-out source), first by the
// sha1 of their names.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../src-main/core/engine/backend';
import { embedder, GATE_DIMS, GATE_LAYER, GATE_SIDE, POOL_EMBEDDING_FILE, PoolEmbedding, photoFeatures } from '../src-main/core/engine/archive-gate';
import { MANIFEST_FILE } from '../src-main/core/engine/manifest';
import { loadModel } from '../src-main/core/engine/model-store';
import { isHeldOutSourcePhoto, validationHalf } from '../src-main/core/eval/split';
import { workingLightness } from '../src-main/core/pipeline/colorize';
import { decodePhoto } from '../src-main/core/imaging/decode';
import { collectPhotos } from '../src-main/core/photo-files';
import { flag } from './flags';

/** Mean, top-k unit directions (by subspace iteration on the covariance) and the spread along each. */
export function summarisePool(features: Float32Array[], k = GATE_DIMS): Omit<PoolEmbedding, 'layer' | 'side'> {
  const n = features.length;
  const d = features[0].length;
  const mean = new Array<number>(d).fill(0);
  for (const f of features) for (let i = 0; i < d; i++) mean[i] += f[i] / n;
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  for (const f of features) {
    const c = Array.from(f, (v, i) => v - mean[i]);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i][j] += (c[i] * c[j]) / (n - 1);
  }
  // Subspace iteration: multiply a k-dimensional basis by the covariance and re-orthonormalise.
  let basis = Array.from({ length: k }, (_, r) => Array.from({ length: d }, (_, i) => Math.sin(1 + r * 7.1 + i * 3.7)));
  for (let iter = 0; iter < 200; iter++) {
    basis = orthonormalise(basis.map((v) => cov.map((row) => row.reduce((s, x, j) => s + x * v[j], 0))));
  }
  const variance = basis.map((v) => cov.reduce((s, row, i) => s + v[i] * row.reduce((t, x, j) => t + x * v[j], 0), 0));
  const order = variance.map((_, i) => i).sort((a, b) => variance[b] - variance[a]);
  return { photos: n, mean, basis: order.map((i) => basis[i]), sd: order.map((i) => Math.sqrt(Math.max(variance[i], 1e-12))) };
}

function orthonormalise(vs: number[][]): number[][] {
  const out: number[][] = [];
  for (const v of vs) {
    const u = [...v];
    for (const w of out) {
      const dot = u.reduce((s, x, i) => s + x * w[i], 0);
      for (let i = 0; i < u.length; i++) u[i] -= dot * w[i];
    }
    const norm = Math.hypot(...u) || 1;
    out.push(u.map((x) => x / norm));
  }
  return out;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const pool =
    process.argv[3] && !process.argv[3].startsWith('--') ? process.argv[3] : path.join(__dirname, '..', '..', '..', 'shared', 'datasets', 'photos');
  const count = Number(flag('photos', '800'));
  if (!dir) throw new Error('usage: pool-embedding <model dir> [pool folder] [--photos 800]');
  await initBackend();
  const model = await loadModel(dir);
  const rank = (f: string): string => createHash('sha1').update(path.basename(f)).digest('hex');
  const files = collectPhotos([pool])
    .files.filter((f) => !isHeldOutSourcePhoto(f) && validationHalf(f) === null)
    .sort((a, b) => rank(a).localeCompare(rank(b)))
    .slice(0, count);
  const features = embedder(model.net);
  const all: Float32Array[] = [];
  for (const f of files) {
    const p = await decodePhoto(f);
    const work = await workingLightness(p, model.manifest.workingSize); // as the colorizer sees it
    all.push(photoFeatures(features, work.L, work.width, work.height));
  }
  const summary: PoolEmbedding = { layer: GATE_LAYER, side: GATE_SIDE, ...summarisePool(all) };
  fs.writeFileSync(path.join(dir, POOL_EMBEDDING_FILE), JSON.stringify(summary) + '\n');
  const manifestPath = path.join(dir, MANIFEST_FILE);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  manifest.poolEmbedding = POOL_EMBEDDING_FILE;
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  console.log(
    `${files.length} pool photos → ${POOL_EMBEDDING_FILE} (${summary.mean.length} features, ${GATE_DIMS} directions, sd ${summary.sd[0].toFixed(3)} … ${summary.sd.at(-1)!.toFixed(3)})`,
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
